import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayHttpError } from '../errors/gateway-http-error';

/**
 * Largest request head (request line and headers) the gateway reads. Node's default of 16 KiB
 * would refuse an oversized `X-Cachecore-Deps` header before the gateway could answer the JSON 400
 * that names the problem.
 */
export const MAX_REQUEST_HEADER_BYTES = 64 * 1024;

/**
 * The HTTP server's `clientError` handler: a request Node cannot parse (headers over
 * {@link MAX_REQUEST_HEADER_BYTES}, a malformed request line or header, a request that timed out
 * while arriving) gets a complete HTTP/1.1 answer with the OpenAI-shaped JSON error body, instead
 * of Node's bare status line, and the connection is closed. Nothing is routed or forwarded.
 *
 * @example
 * server.on('clientError', answerClientError);
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Only answer on a connection with nothing of an answer written yet: bytes after a partly
  // written response would corrupt what the client reads.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const httpError = describeClientError(error.code);
  const payload = JSON.stringify(httpError.toBody());
  socket.end(
    `HTTP/1.1 ${httpError.status} ${STATUS_CODES[httpError.status] ?? 'Error'}\r\n` +
      'content-type: application/json\r\n' +
      `content-length: ${Buffer.byteLength(payload)}\r\n` +
      'connection: close\r\n' +
      '\r\n' +
      payload,
    // The HTTP server keeps connections half-open: once the answer is flushed, close for good,
    // as Node's own handler does, so a client still sending cannot hold the socket.
    () => socket.destroy(),
  );
}

function describeClientError(code: string | undefined): GatewayHttpError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayHttpError(
        431,
        `The request headers are larger than the gateway's limit of ${MAX_REQUEST_HEADER_BYTES / 1024} KiB.`,
        { code: 'headers_too_large' },
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new GatewayHttpError(413, 'The chunk extensions of the request body are too large.', {
        code: 'request_too_large',
      });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayHttpError(408, 'The request did not arrive in time.', {
        code: 'request_timeout',
      });
    default:
      return new GatewayHttpError(
        400,
        `The request is not valid HTTP/1.1${code ? ` (${code})` : ''}.`,
        { code: 'malformed_request' },
      );
  }
}
