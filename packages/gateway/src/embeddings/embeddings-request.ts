import { sha256Hex, stringifyCanonical } from '../cache/canonical-body';
import { readModelRequestBody } from '../cache/model-request-body';
import { GatewayHttpError } from '../errors/gateway-http-error';

/** Most inputs one embeddings request may carry (OpenAI's own limit). */
export const MAX_EMBEDDING_INPUTS = 2048;

/** One input of an embeddings request: a text, or a list of token ids. */
export type EmbeddingInput = string | readonly number[];

/** A validated `POST /v1/embeddings` body and what its per-input cache keys are made of. */
export interface EmbeddingsRequest {
  body: Record<string, unknown>;
  model: string;
  /** `dimensions` when the request sets it: vectors of another length are other entries. */
  dimensions: number | undefined;
  /** `encoding_format` the client asked for; the cache keeps floats and serves either. */
  encoding: 'float' | 'base64';
  /** The inputs in request order (a single `input` becomes a list of one). */
  inputs: EmbeddingInput[];
  /** Per input, the hash that (with the namespace) names its cache entry. */
  inputHashes: string[];
}

/**
 * Validates an embeddings body and derives the per-input keys. Each input is cached on its own,
 * keyed by model, dimensions and the input itself (`encoding_format` and `user` change neither the
 * vector nor the key), so the same text embedded in any batch is the same entry. Anything the
 * upstream could not accept either is a 400 here, before any lookup.
 */
export function analyzeEmbeddingsRequest(parsed: unknown): EmbeddingsRequest {
  const { body, model } = readModelRequestBody(parsed);
  const dimensions = body.dimensions;
  if (
    dimensions !== undefined &&
    (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions <= 0)
  ) {
    throw new GatewayHttpError(400, '`dimensions` must be a positive integer when given.', {
      code: 'invalid_dimensions',
    });
  }
  const encoding = body.encoding_format ?? 'float';
  if (encoding !== 'float' && encoding !== 'base64') {
    throw new GatewayHttpError(400, '`encoding_format` must be "float" or "base64".', {
      code: 'invalid_encoding_format',
    });
  }
  const inputs = readInputs(body.input);
  const keyBase = ['cachecore-embedding-v1', model, dimensions ?? null] as const;
  return {
    body,
    model,
    dimensions,
    encoding,
    inputs,
    inputHashes: inputs.map((input) => sha256Hex(stringifyCanonical([...keyBase, input]))),
  };
}

function readInputs(input: unknown): EmbeddingInput[] {
  if (typeof input === 'string') return [checkText(input, 0)];
  if (!Array.isArray(input) || input.length === 0) {
    throw invalidInput('`input` must be a string, an array of strings or of token arrays.');
  }
  // A flat array of numbers is one tokenised input, not a batch.
  if (input.every((item) => typeof item === 'number')) return [checkTokens(input, 0)];
  if (input.length > MAX_EMBEDDING_INPUTS) {
    throw invalidInput(
      `\`input\` holds ${input.length} items; the limit is ${MAX_EMBEDDING_INPUTS}.`,
    );
  }
  return input.map((item, index) =>
    typeof item === 'string' ? checkText(item, index) : checkTokens(item, index),
  );
}

function checkText(text: string, index: number): string {
  if (text === '') throw invalidInput(`\`input\` item ${index} is an empty string.`);
  return text;
}

function checkTokens(tokens: unknown, index: number): readonly number[] {
  if (
    !Array.isArray(tokens) ||
    tokens.length === 0 ||
    !tokens.every((token) => Number.isInteger(token) && token >= 0)
  ) {
    throw invalidInput(
      `\`input\` item ${index} must be a non-empty string or a non-empty array of token ids.`,
    );
  }
  return tokens as number[];
}

function invalidInput(message: string): GatewayHttpError {
  return new GatewayHttpError(400, message, { code: 'invalid_input' });
}
