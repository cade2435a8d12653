import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the upstream answers one chat completion call. */
export type UpstreamBehaviour =
  | { kind: 'answer'; latencyMs: number }
  | { kind: 'fail'; latencyMs: number; status: number }
  /** Never answers (until the caller goes away or the server closes): a leader stuck upstream. */
  | { kind: 'hang' }
  /** Streams some content, then an error event (vLLM style), then `[DONE]`. */
  | { kind: 'stream-error'; style: 'data' | 'event' };

/** A node:http OpenAI-compatible upstream whose answers say which data version they were made from. */
export interface VersionedUpstream {
  /** Base URL including `/v1`. */
  readonly url: string;
  /** The version the next answers are made from; bump it when the source data changes. */
  version: number;
  /** Chat completion calls received so far. */
  readonly calls: number;
  /** How the `n`-th call (0-based) is answered; the default answers after `latencyMs`. */
  behave(decide: (call: number) => UpstreamBehaviour): void;
  close(): Promise<void>;
}

/**
 * Starts an upstream answering `v<version>: <last user message>`, where the version is the one
 * current when the call *arrived* (the data the answer was computed from).
 */
export async function startVersionedUpstream(latencyMs = 100): Promise<VersionedUpstream> {
  let calls = 0;
  let decide = (_call: number): UpstreamBehaviour => ({ kind: 'answer', latencyMs });
  const state = { version: 1 };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const seen = state.version;
    const behaviour = decide(calls);
    calls += 1;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      model: string;
      stream?: boolean;
      messages: { content: string }[];
    };
    const content = `v${seen}: ${body.messages.at(-1)?.content}`;
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'stream-error') {
      writeErrorStream(response, body.model, content, behaviour.style);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, behaviour.latencyMs));
    if (response.destroyed) return;
    if (behaviour.kind === 'fail') {
      response.writeHead(behaviour.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'upstream failed', type: 'server_error' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: `chatcmpl-${calls}`,
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get version() {
      return state.version;
    },
    set version(value: number) {
      state.version = value;
    },
    get calls() {
      return calls;
    },
    behave(next) {
      decide = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function writeErrorStream(
  response: ServerResponse,
  model: string,
  content: string,
  style: 'data' | 'event',
): void {
  const chunk = (delta: Record<string, unknown>) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-stream',
      object: 'chat.completion.chunk',
      created: 1,
      model,
      choices: [{ index: 0, delta, finish_reason: null }],
    })}\n\n`;
  const error = { error: { message: 'The model ran out of memory', type: 'server_error' } };
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.write(chunk({ role: 'assistant', content: content.slice(0, 4) }));
  response.write(
    style === 'event'
      ? `event: error\ndata: ${JSON.stringify(error)}\n\n`
      : `data: ${JSON.stringify(error)}\n\n`,
  );
  response.end('data: [DONE]\n\n');
}
