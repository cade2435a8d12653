import type { ServerResponse } from 'node:http';
import type { GatewayHttpError } from '../errors/gateway-http-error';
import { toGatewayHttpError } from '../errors/to-gateway-http-error';

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
  response.writeHead(status, withJsonFraming({ ...headers }, payload));
  response.end(payload);
}

/** Sets `content-type: application/json` and the `content-length` of `payload` on `headers`. */
export function withJsonFraming(
  headers: Record<string, string>,
  payload: string,
): Record<string, string> {
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(payload));
  return headers;
}

/** Writes an error in the OpenAI shape (see {@link toGatewayHttpError}) and returns what it sent. */
export function sendError(response: ServerResponse, error: unknown): GatewayHttpError {
  const httpError = toGatewayHttpError(error);
  sendJson(response, httpError.status, httpError.toBody(), httpError.headers);
  return httpError;
}
