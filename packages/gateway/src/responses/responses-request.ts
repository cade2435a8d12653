import { canonicalizeChatBody, sha256Hex, stringifyCanonical } from '../cache/canonical-body';
import { LastPrompt } from '../cache/last-prompt';
import { readModelRequestBody } from '../cache/model-request-body';
import { GatewayHttpError } from '../errors/gateway-http-error';

/** A validated `POST /v1/responses` body and the cache-relevant facts derived from it. */
export interface ResponsesRequest {
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /**
   * Why the request may not be cached, or `undefined` for a stateless one: `store` (the API keeps
   * the response, and `store` defaults to true), `previous_response_id`, `conversation` (both
   * depend on state the gateway cannot see) or `background`.
   */
  statefulReason: 'store' | 'previous_response_id' | 'conversation' | 'background' | undefined;
  /** SHA-256 of the canonical body (without `stream` and `stream_options`). */
  bodyHash: string;
  /** `instructions` and the text of system and developer input items, for the namespace. */
  systemText: string;
  /** Canonical JSON of `tools`, for the namespace; `''` without tools. */
  toolsJson: string;
  /**
   * The text L2 embeds: the query part (see `splitPrompt`) of a string `input`, or of the last
   * input item when it is a user message.
   */
  readonly semanticText: string | undefined;
  /** SHA-256 of the canonical body without that text: L2 candidates must share it. */
  readonly contextKey: string | undefined;
}

interface InputItem {
  role?: unknown;
  content?: unknown;
  type?: unknown;
}

/**
 * Validates a parsed Responses API body (400 on anything unusable) and analyses it like a chat
 * completion: the same namespace inputs, L1 key and L2 text, so stateless Responses requests are
 * cached the way chat completions are.
 */
export function analyzeResponsesRequest(parsed: unknown): ResponsesRequest {
  const { body, model } = readModelRequestBody(parsed);
  const input = body.input;
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw new GatewayHttpError(400, 'The request body needs an `input` string or array.', {
      code: 'invalid_input',
    });
  }
  const items = (Array.isArray(input) ? input : []) as InputItem[];
  const systemParts: string[] = typeof body.instructions === 'string' ? [body.instructions] : [];
  for (const item of items) {
    if (
      typeof item === 'object' &&
      item !== null &&
      (item.role === 'system' || item.role === 'developer')
    ) {
      systemParts.push(itemText(item.content) ?? stringifyCanonical(item.content));
    }
  }
  const last = items[items.length - 1];
  let lastUserText: string | undefined;
  if (typeof input === 'string') lastUserText = input.trim() === '' ? undefined : input;
  else if (typeof last === 'object' && last !== null && last.role === 'user') {
    // Text parts are blocks of their own (a document part, a question part) for `splitPrompt`.
    const text = itemText(last.content, '\n\n');
    if (text !== undefined && text.trim() !== '') lastUserText = text;
  }
  // As for chat completions: a long input is judged on its question, never on its document.
  const prompt = new LastPrompt(lastUserText, () => ({
    ...body,
    input: typeof input === 'string' ? null : [...items.slice(0, -1), { ...last, content: null }],
  }));
  return {
    body,
    model,
    stream: body.stream === true,
    statefulReason: statefulReason(body),
    bodyHash: sha256Hex(canonicalizeChatBody(body)),
    systemText: systemParts.join('\n'),
    toolsJson: body.tools === undefined ? '' : stringifyCanonical(body.tools),
    get semanticText() {
      return prompt.semanticText;
    },
    get contextKey() {
      return prompt.contextKey;
    },
  };
}

function statefulReason(body: Record<string, unknown>): ResponsesRequest['statefulReason'] {
  if (typeof body.previous_response_id === 'string' && body.previous_response_id !== '') {
    return 'previous_response_id';
  }
  if (body.conversation !== undefined && body.conversation !== null) return 'conversation';
  if (body.background === true) return 'background';
  // The API stores responses unless told not to: a stored response can be fetched, continued or
  // deleted by id, which a cached copy would not follow.
  if (body.store !== false) return 'store';
  return undefined;
}

/** The text of an input item's content: a string, or its text parts joined; `undefined` otherwise. */
function itemText(content: unknown, partSeparator = '\n'): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    const typed = part as { type?: unknown; text?: unknown } | null;
    // Images, files and audio change the answer but are invisible to a text embedder.
    if (typeof typed?.text !== 'string' || (typed.type !== 'input_text' && typed.type !== 'text')) {
      return undefined;
    }
    texts.push(typed.text);
  }
  return texts.join(partSeparator);
}
