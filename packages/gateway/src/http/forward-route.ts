import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { relayableHeaders } from '../upstream/upstream-client';
import { watchClientGone } from '../wire/watch-client-gone';

/**
 * Forwards a request upstream unchanged and streams the answer back: bypass traffic and every
 * `/v1/*` route other than chat completions. Nothing is read from or written to the cache.
 */
export async function forwardToUpstream(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  observation: ObservedRequest,
  options: {
    body: Buffer | undefined;
    clientAuthorization: string | undefined;
    extraHeaders?: Record<string, string>;
  },
): Promise<void> {
  const clientGone = watchClientGone(response);
  const started = context.monotonicNow();
  try {
    const upstream = await context.upstream.send({
      method: request.method ?? 'GET',
      path: request.url ?? '/v1',
      headers: request.headers,
      body: options.body,
      clientAuthorization: options.clientAuthorization,
      signal: clientGone.signal,
    });
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
    const { status } = upstream.response;
    observation.upstream = {
      durationMs: Math.round(context.monotonicNow() - started),
      status,
      outcome: status < 400 ? 'ok' : 'error',
    };
    if (!response.destroyed) response.end();
  } finally {
    clientGone.stop();
  }
}
