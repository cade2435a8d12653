import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext, RequestRecord } from '../gateway-context';
import { relayableHeaders } from './upstream-client';

/**
 * Forwards a request upstream unchanged and streams the answer back: bypass traffic and every
 * `/v1/*` route other than chat completions. Nothing is read from or written to the cache.
 */
export async function forwardToUpstream(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  options: {
    body: Buffer | undefined;
    clientAuthorization: string | undefined;
    extraHeaders?: Record<string, string>;
  },
): Promise<void> {
  const clientGone = new AbortController();
  const onClose = () => {
    if (!response.writableFinished) clientGone.abort();
  };
  response.once('close', onClose);
  const started = performance.now();
  try {
    const upstream = await context.upstream.send({
      method: request.method ?? 'GET',
      path: request.url ?? '/v1',
      headers: request.headers,
      body: options.body,
      clientAuthorization: options.clientAuthorization,
      signal: clientGone.signal,
    });
    record.upstream_status = upstream.response.status;
    response.writeHead(upstream.response.status, {
      ...relayableHeaders(upstream.response),
      ...options.extraHeaders,
    });
    const body = upstream.response.body;
    if (body) {
      try {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
          if (response.destroyed) break;
          response.write(chunk);
        }
      } catch {
        // The upstream broke off: the client sees a truncated answer, as it would directly.
      }
    }
    upstream.finish();
    record.upstream_ms = Math.round(performance.now() - started);
    if (!response.destroyed) response.end();
  } finally {
    response.off('close', onClose);
  }
}
