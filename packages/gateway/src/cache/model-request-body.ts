import { GatewayHttpError } from '../errors/gateway-http-error';

/**
 * The checks every OpenAI model request body passes before its API's own (chat completions,
 * responses, embeddings): a JSON object with a non-empty `model` string. Throws the 400 that names
 * what is missing.
 */
export function readModelRequestBody(parsed: unknown): {
  body: Record<string, unknown>;
  model: string;
} {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayHttpError(400, 'The request body must be a JSON object.');
  }
  const body = parsed as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    throw new GatewayHttpError(400, 'The request body needs a `model` string.', {
      code: 'invalid_model',
    });
  }
  return { body, model: body.model };
}
