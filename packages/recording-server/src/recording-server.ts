import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path plus query string. */
  path: string;
  /** Header names lower-cased by Node. */
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers one request; the body has already been read into `recorded.body`. */
export type RecordingHandler = (
  recorded: RecordedRequest,
  response: ServerResponse,
  request: IncomingMessage,
) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 that records every request it receives. */
export interface RecordingServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Requests received so far, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Replaces the handler for the following requests. */
  handle(handler: RecordingHandler): void;
  close(): Promise<void>;
}

/** Default answer: a JSON body with `X-Cache: MISS`, like a gateway serving a fresh completion. */
export const answerJsonMiss: RecordingHandler = (_recorded, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'x-cache': 'MISS' });
  response.end('{"ok":true}');
};

/** Starts a recording server on an ephemeral port of 127.0.0.1. */
export async function startRecordingServer(
  initialHandler: RecordingHandler = answerJsonMiss,
): Promise<RecordingServer> {
  let handler = initialHandler;
  const requests: RecordedRequest[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of request) chunks.push(chunk as Buffer);
    } catch {
      // The client aborted while sending; record what arrived.
    }
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    try {
      await handler(recorded, response, request);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A promise with its resolve function, to make a server wait on the test. */
export function createDeferred<Value = void>(): {
  promise: Promise<Value>;
  resolve: (value: Value) => void;
} {
  let resolve!: (value: Value) => void;
  const promise = new Promise<Value>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
