import type { IncomingMessage } from 'node:http';
import { GatewayHttpError } from '../errors/gateway-http-error';

/**
 * Reads the whole request body, refusing more than `maxBytes` with a 413 as soon as the limit is
 * crossed (the rest is drained, not buffered). Rejects when the client goes away before the body
 * ended. Listens to the stream's events rather than iterating it: this runs for every request, and
 * an async iterator costs a promise per chunk and a few objects more than the body itself.
 */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  if (request.destroyed) return Promise.reject(clientGone());
  const buffered = takeCompleteBody(request, declared);
  if (buffered !== undefined) return Promise.resolve(buffered);
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let received = 0;
    const finish = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        finish();
        request.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      if (first === undefined) first = chunk;
      else if (chunks === undefined) chunks = [first, chunk];
      else chunks.push(chunk);
    };
    const onEnd = () => {
      finish();
      resolve(chunks ? Buffer.concat(chunks, received) : (first ?? Buffer.alloc(0)));
    };
    const onError = (error: Error) => {
      finish();
      reject(error);
    };
    // `close` before `end`: the client aborted; the body is incomplete and must not be used.
    const onClose = () => {
      finish();
      reject(clientGone());
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/**
 * The body of a request that has already arrived whole, taken from the stream's buffer at once:
 * a small request comes in one or two reads from the socket, and Node has buffered its body
 * before the handler gets this far. Only a body framed by `content-length` can be known to be
 * whole before it ends; `undefined` while it is still arriving (or was partly consumed elsewhere).
 */
function takeCompleteBody(request: IncomingMessage, declared: number): Buffer | undefined {
  if (!(declared >= 0) || request.readableLength !== declared) return undefined;
  if (request.readableFlowing !== null || request.readableDidRead) return undefined;
  // With no size, `read()` returns everything buffered as one Buffer (null when the body is empty).
  return (request.read() as Buffer | null) ?? Buffer.alloc(0);
}

/**
 * How deeply arrays and objects may nest in a JSON request body (the body itself is level 1). A
 * chat request needs about 6 levels, a tool's JSON schema a few more; thousands of levels only
 * serve to make every recursive reader of the body overflow its stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Parses a JSON body; a body that is not JSON, or that nests deeper than {@link MAX_JSON_DEPTH},
 * is a 400.
 */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8').trim();
  if (text === '') throw new GatewayHttpError(400, 'The request body is empty; expected JSON.');
  if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) {
    throw new GatewayHttpError(
      400,
      `The request body nests JSON arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
      { code: 'json_too_deep' },
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayHttpError(400, 'The request body is not valid JSON.', {
      code: 'invalid_json',
    });
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether JSON text opens more than `limit` arrays or objects at once, counted in one pass over
 * the text before anything is parsed (parsing a megabyte of `[` alone takes most of a second).
 * Strings are skipped with `indexOf`, so the brackets inside them do not count and the long text
 * of a chat body costs next to nothing.
 */
function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      let end = text.indexOf('"', index + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return false; // an unterminated string: JSON.parse says so
      index = end;
    } else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) depth -= 1;
  }
  return false;
}

/** Whether the quote at `index` is escaped: an odd number of backslashes precedes it. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(index - 1 - backslashes) === BACKSLASH) backslashes += 1;
  return backslashes % 2 === 1;
}

function clientGone(): Error {
  return new Error('The client closed the connection before the request body ended.');
}

function tooLarge(maxBytes: number): GatewayHttpError {
  return new GatewayHttpError(
    413,
    `The request body is larger than the gateway's limit of ${Math.round(maxBytes / 1024)} KiB (--max-body-kb).`,
  );
}
