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

/**
 * Whether JSON text opens more than `limit` arrays or objects at once, counted in one pass over
 * the text (brackets inside strings do not count), before anything is parsed.
 */
function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \ */) index += 1;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) depth -= 1;
  }
  return false;
}

function tooLarge(maxBytes: number): GatewayHttpError {
  return new GatewayHttpError(
    413,
    `The request body is larger than the gateway's limit of ${Math.round(maxBytes / 1024)} KiB (--max-body-kb).`,
  );
}
