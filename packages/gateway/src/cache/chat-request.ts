import { GatewayHttpError } from '../errors/gateway-http-error';
import { canonicalizeChatBody, sha256Hex, stringifyCanonical } from './canonical-body';
import { LastPrompt } from './last-prompt';
import { readModelRequestBody } from './model-request-body';

/** A validated chat completion request and the cache-relevant facts derived from it. */
export interface ChatRequest {
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  includeUsage: boolean;
  /** SHA-256 of the canonical body (without transport fields). */
  bodyHash: string;
  /** Text of the system (and developer) messages, for the namespace. */
  systemText: string;
  /** Canonical JSON of `tools` (or `functions`), for the namespace; `''` without tools. */
  toolsJson: string;
  /**
   * The text L2 embeds and compares: the query part of the last user message (all of a short one;
   * the leading and trailing runs of a long one, see `splitPrompt`), when the conversation ends with
   * one. `undefined` when L2 does not apply (no user message last, or non-text content). Computed on
   * first read, because an L1 hit never needs it.
   */
  readonly semanticText: string | undefined;
  /**
   * SHA-256 of the canonical body with the last user message's content removed, plus the
   * fingerprint of that message's context part when it is long: L2 candidates must share it (same
   * model, parameters, earlier conversation, tools and shared document). Computed on first read,
   * because an L1 hit never needs it.
   */
  readonly contextKey: string | undefined;
}

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

/** Validates a parsed `/v1/chat/completions` body (400 on anything unusable) and analyses it. */
export function analyzeChatRequest(parsed: unknown): ChatRequest {
  const { body, model } = readModelRequestBody(parsed);
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new GatewayHttpError(400, 'The request body needs a non-empty `messages` array.', {
      code: 'invalid_messages',
    });
  }
  const messages = body.messages as ChatMessage[];
  if (messages.some((message) => typeof message !== 'object' || message === null)) {
    throw new GatewayHttpError(400, 'Every entry of `messages` must be an object.', {
      code: 'invalid_messages',
    });
  }
  const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
  const systemText = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => messageText(message.content) ?? stringifyCanonical(message.content))
    .join('\n');
  const tools = body.tools ?? body.functions;
  const toolsJson = tools === undefined ? '' : stringifyCanonical(tools);

  const last = messages[messages.length - 1];
  let lastUserText: string | undefined;
  if (last?.role === 'user') {
    // Text parts are blocks of their own (a document part, a question part) for `splitPrompt`.
    const text = messageText(last.content, '\n\n');
    if (text !== undefined && text.trim() !== '') lastUserText = text;
  }
  const prompt = new LastPrompt(lastUserText, () => ({
    ...body,
    messages: [...messages.slice(0, -1), { ...last, content: null }],
  }));

  return {
    body,
    model,
    stream: body.stream === true,
    includeUsage: body.stream === true && streamOptions?.include_usage === true,
    bodyHash: sha256Hex(canonicalizeChatBody(body)),
    systemText,
    toolsJson,
    get semanticText() {
      return prompt.semanticText;
    },
    get contextKey() {
      return prompt.contextKey;
    },
  };
}

/** The text of a message's content: a string, or the joined text parts; `undefined` otherwise. */
function messageText(content: unknown, partSeparator = '\n'): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part !== 'object' || part === null) return undefined;
    const typed = part as { type?: unknown; text?: unknown };
    // Images or audio change the answer but are invisible to a text embedder: no L2 for them.
    if (typed.type !== 'text' || typeof typed.text !== 'string') return undefined;
    texts.push(typed.text);
  }
  return texts.join(partSeparator);
}
