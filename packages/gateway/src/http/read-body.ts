import type { IncomingMessage } from 'node:http';
import { GatewayHttpError } from '../errors/gateway-http-error';

/**
 * Reads the whole request body, refusing more than `maxBytes` with a 413 as soon as the limit is
 * crossed (the rest is not buffered).
 */
export async function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > maxBytes) {
      request.resume();
      throw tooLarge(maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
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

function tooLarge(maxBytes: number): GatewayHttpError {
  return new GatewayHttpError(
    413,
    `The request body is larger than the gateway's limit of ${Math.round(maxBytes / 1024)} KiB (--max-body-kb).`,
  );
}
