import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatSseEvent, SSE_HEADERS } from '../wire/sse';
import { answerResponses, type MockResponsesBody } from './mock-responses';

/** Options of {@link createMockUpstream}. */
export interface MockUpstreamOptions {
  /** Delay before every answer, in milliseconds. @default 300 */
  latencyMs?: number;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

/** One request the mock received. */
export interface MockUpstreamRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

/** A running mock upstream. */
export interface MockUpstream {
  /** Base URL including `/v1`, ready for `--upstream` or an SDK's `baseURL`. */
  readonly url: string;
  /** Requests received so far (all routes). */
  readonly requestCount: number;
  /** Every request received, oldest first. */
  readonly requests: readonly MockUpstreamRequest[];
  /** Answers the next `times` requests with `status` and an OpenAI-shaped error. */
  failNext(status: number, times?: number, options?: { retryAfter?: number }): void;
  /** Forgets recorded requests and pending failures. */
  reset(): void;
  close(): Promise<void>;
}

interface ChatMessage {
  role?: string;
  content?: unknown;
}

interface ChatBody {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: Array<{ type?: string; function?: { name?: string; parameters?: unknown } }>;
  tool_choice?: unknown;
}

/**
 * An offline OpenAI-compatible upstream: chat completions (JSON and SSE) answering
 * `Echo: <last user message>`, tool calls, the Responses API (JSON and its SSE event sequence),
 * deterministic embeddings (float or base64) and a model list.
 *
 * @example
 * const upstream = await createMockUpstream({ latencyMs: 5 });
 * const gateway = await startGateway({ upstream: upstream.url, jwtSecret: 'dev' });
 */
export async function createMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const latencyMs = options.latencyMs ?? 300;
  const requests: MockUpstreamRequest[] = [];
  let pendingFailures: { status: number; remaining: number; retryAfter?: number } | undefined;

  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Recorded as text: a test may check what a malformed forward looked like.
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body });

    if (latencyMs > 0) await delay(latencyMs);
    if (response.destroyed) return;

    if (pendingFailures && pendingFailures.remaining > 0) {
      const failure = pendingFailures;
      failure.remaining -= 1;
      if (failure.remaining === 0) pendingFailures = undefined;
      sendJson(
        response,
        failure.status,
        {
          error: {
            message: `Mock upstream failure (${failure.status})`,
            type: 'mock_error',
            code: null,
          },
        },
        failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
      );
      return;
    }

    if (request.method === 'POST' && path.endsWith('/chat/completions')) {
      if (typeof body !== 'object' || body === null) {
        sendJson(response, 400, {
          error: { message: 'Invalid JSON body', type: 'invalid_request_error', code: null },
        });
        return;
      }
      await answerChat(body as ChatBody, response);
      return;
    }
    if (request.method === 'POST' && path.endsWith('/responses')) {
      if (typeof body !== 'object' || body === null) {
        sendJson(response, 400, {
          error: { message: 'Invalid JSON body', type: 'invalid_request_error', code: null },
        });
        return;
      }
      await answerResponses(body as MockResponsesBody, response, {
        json: (status, value) => sendJson(response, status, value),
        delay,
      });
      return;
    }
    if (request.method === 'POST' && path.endsWith('/embeddings')) {
      answerEmbeddings(body as { input?: unknown; model?: string; dimensions?: number }, response);
      return;
    }
    if (request.method === 'GET' && path.endsWith('/models')) {
      sendJson(response, 200, {
        object: 'list',
        data: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'].map((id) => ({
          id,
          object: 'model',
          created: 1_700_000_000,
          owned_by: 'cachecore-mock',
        })),
      });
      return;
    }
    sendJson(response, 404, {
      error: { message: `Unknown route ${path}`, type: 'invalid_request_error', code: null },
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/v1`,
    get requestCount() {
      return requests.length;
    },
    get requests() {
      return requests;
    },
    failNext(status, times = 1, failOptions = {}) {
      pendingFailures = { status, remaining: times, retryAfter: failOptions.retryAfter };
    },
    reset() {
      requests.length = 0;
      pendingFailures = undefined;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function answerChat(body: ChatBody, response: ServerResponse): Promise<void> {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = messages[messages.length - 1];
  const model = typeof body.model === 'string' ? body.model : 'mock-model';
  const promptTokens = estimateTokens(messages.map((message) => textOf(message.content)).join(' '));
  const toolChoice = body.tool_choice;
  const firstTool = body.tools?.[0]?.function;

  let content: string | null;
  let toolCall:
    | { id: string; type: 'function'; function: { name: string; arguments: string } }
    | undefined;
  if (firstTool?.name && toolChoice !== 'none' && last?.role === 'user') {
    content = null;
    toolCall = {
      id: `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      type: 'function',
      function: {
        name: firstTool.name,
        arguments: JSON.stringify(buildToolArguments(firstTool.parameters, textOf(last.content))),
      },
    };
  } else if (last?.role === 'tool') {
    content = `Echo: ${textOf(last.content)}`;
  } else {
    const lastUser = [...messages].reverse().find((message) => message.role === 'user');
    content = `Echo: ${textOf(lastUser?.content)}`;
  }
  const completionTokens = estimateTokens(content ?? toolCall?.function.arguments ?? '');
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const id = `chatcmpl-mock-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = toolCall ? 'tool_calls' : 'stop';

  if (!body.stream) {
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: 'fp_mock',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content,
            refusal: null,
            ...(toolCall ? { tool_calls: [toolCall] } : {}),
          },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
    });
    return;
  }

  response.writeHead(200, SSE_HEADERS);
  const base = {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_mock',
  };
  const includeUsage = body.stream_options?.include_usage === true;
  const write = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    response.write(
      formatSseEvent({ ...base, choices, ...(includeUsage ? { usage: null } : {}), ...extra }),
    );
  write([
    {
      index: 0,
      delta: { role: 'assistant', content: toolCall ? null : '', refusal: null },
      logprobs: null,
      finish_reason: null,
    },
  ]);
  if (toolCall) {
    write([
      {
        index: 0,
        delta: {
          tool_calls: [
            {
              index: 0,
              id: toolCall.id,
              type: 'function',
              function: { name: toolCall.function.name, arguments: '' },
            },
          ],
        },
        logprobs: null,
        finish_reason: null,
      },
    ]);
    write([
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] },
        logprobs: null,
        finish_reason: null,
      },
    ]);
  } else {
    // Word by word, like a real model, with a short pause so clients see a stream.
    const pieces = (content ?? '').match(/\S+\s*|\s+/g) ?? [];
    for (const piece of pieces) {
      if (response.destroyed) return;
      write([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]);
      await delay(1);
    }
  }
  write([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]);
  if (includeUsage) write([], { usage });
  response.end(formatSseEvent('[DONE]'));
}

function buildToolArguments(parameters: unknown, userText: string): Record<string, string> {
  const schema = parameters as
    | { properties?: Record<string, { type?: unknown }>; required?: unknown }
    | undefined;
  const args: Record<string, string> = {};
  if (!schema || !Array.isArray(schema.required)) return args;
  for (const name of schema.required) {
    if (typeof name === 'string' && schema.properties?.[name]?.type === 'string')
      args[name] = userText;
  }
  return args;
}

/** Inputs per embeddings request the mock accepts, as the OpenAI API. */
const MOCK_MAX_EMBEDDING_INPUTS = 2048;
/** Vector length the mock makes at most (the OpenAI models go up to 3,072). */
const MOCK_MAX_EMBEDDING_DIMENSIONS = 4096;

function answerEmbeddings(
  body: { input?: unknown; model?: string; dimensions?: number; encoding_format?: string },
  response: ServerResponse,
): void {
  const raw = body?.input;
  // A flat array of numbers is one tokenised input, as in the OpenAI API.
  const inputs =
    Array.isArray(raw) && !raw.every((item) => typeof item === 'number') ? raw : [raw ?? ''];
  const dimensions =
    typeof body?.dimensions === 'number' && body.dimensions > 0 ? Math.floor(body.dimensions) : 384;
  // The real API's limits, which also keep one request from making the mock build gigabytes.
  const refusal =
    inputs.length > MOCK_MAX_EMBEDDING_INPUTS
      ? `At most ${MOCK_MAX_EMBEDDING_INPUTS} inputs per request.`
      : dimensions > MOCK_MAX_EMBEDDING_DIMENSIONS
        ? `\`dimensions\` may be at most ${MOCK_MAX_EMBEDDING_DIMENSIONS}.`
        : undefined;
  if (refusal !== undefined) {
    sendJson(response, 400, {
      error: { message: refusal, type: 'invalid_request_error', code: null },
    });
    return;
  }
  const data = inputs.map((input, index) => {
    const vector = deterministicVector(
      typeof input === 'string' ? input : JSON.stringify(input),
      dimensions,
    );
    return {
      object: 'embedding',
      index,
      embedding: body?.encoding_format === 'base64' ? float32Base64(vector) : vector,
    };
  });
  // Like the real API, every input is tokenised on its own and the usage is their sum.
  const tokens = inputs.reduce<number>(
    (sum, input) => sum + (Array.isArray(input) ? input.length : estimateTokens(String(input))),
    0,
  );
  sendJson(response, 200, {
    object: 'list',
    data,
    model: body?.model ?? 'text-embedding-3-small',
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function float32Base64(vector: readonly number[]): string {
  return Buffer.from(Float32Array.from(vector).buffer).toString('base64');
}

/** A unit vector derived from the text's hash: equal texts give equal vectors. */
function deterministicVector(text: string, dimensions: number): number[] {
  const values: number[] = [];
  let counter = 0;
  while (values.length < dimensions) {
    const digest = createHash('sha256').update(`${counter}:${text}`).digest();
    for (let offset = 0; offset + 4 <= digest.length && values.length < dimensions; offset += 4) {
      values.push(digest.readInt32LE(offset) / 2 ** 31);
    }
    counter += 1;
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => value / norm);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        typeof part === 'object' &&
        part !== null &&
        typeof (part as { text?: unknown }).text === 'string'
          ? (part as { text: string }).text
          : '',
      )
      .join('');
  }
  return '';
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
  });
  response.end(payload);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
