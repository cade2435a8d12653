import type { ServerResponse } from 'node:http';
import { GatewayHttpError } from './gateway-error';

/** Writes a JSON answer with a correct `Content-Length`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
  });
  response.end(payload);
}

/** Writes an error in the OpenAI shape; unknown errors become a 500 without leaking internals. */
export function sendError(
  response: ServerResponse,
  error: unknown,
  headers: Record<string, string> = {},
): GatewayHttpError {
  const httpError =
    error instanceof GatewayHttpError
      ? error
      : new GatewayHttpError(500, 'The gateway failed to handle the request.', { cause: error });
  sendJson(response, httpError.status, httpError.toBody(), { ...headers, ...httpError.headers });
  return httpError;
}
