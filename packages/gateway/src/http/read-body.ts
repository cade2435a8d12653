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

/** Parses a JSON body; a body that is not JSON is a 400. */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8').trim();
  if (text === '') throw new GatewayHttpError(400, 'The request body is empty; expected JSON.');
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayHttpError(400, 'The request body is not valid JSON.', {
      code: 'invalid_json',
    });
  }
}

function tooLarge(maxBytes: number): GatewayHttpError {
  return new GatewayHttpError(
    413,
    `The request body is larger than the gateway's limit of ${Math.round(maxBytes / 1024)} KiB (--max-body-kb).`,
  );
}
