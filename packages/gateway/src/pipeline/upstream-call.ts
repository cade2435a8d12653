import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CachedAnswer, CachedApi } from '../apis/cached-api';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { FlightOutcome, GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { readUpstreamText, relayableHeaders } from '../upstream/upstream-client';
import { createSseEventParser, SSE_HEADERS } from '../wire/sse';
import { watchClientGone } from '../wire/watch-client-gone';
import { countStat } from './count-stat';
import type { CacheableRequest } from './identify';

/**
 * Calls upstream for a miss. A streaming request is passed through to the client chunk by chunk
 * while its completion is assembled (the response is then already answered); a JSON request is
 * answered by the caller from the outcome. The outcome is a completion only when the answer is
 * complete: that, and nothing else, may be stored.
 */
export async function callUpstream(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  cacheable: CacheableRequest,
  observation: ObservedRequest,
  headers: Record<string, string>,
): Promise<FlightOutcome> {
  const clientGone = watchClientGone(response);
  const started = context.monotonicNow();
  const observe = (status: number, outcome: 'ok' | 'error' | 'aborted') => {
    observation.upstream = {
      durationMs: Math.round(context.monotonicNow() - started),
      status,
      outcome,
    };
  };
  try {
    let upstream: Awaited<ReturnType<typeof context.upstream.send>>;
    try {
      upstream = await context.upstream.send({
        method: 'POST',
        path: request.url ?? '/v1/chat/completions',
        headers: request.headers,
        body: cacheable.rawBody,
        signal: clientGone.signal,
      });
    } catch (error) {
      countStat(context, cacheable.identity.tenantId, 'upstream_errors');
      if (clientGone.signal.aborted) return { kind: 'aborted' };
      throw error;
    }
    const { response: upstreamResponse } = upstream;
    const isStream = (upstreamResponse.headers.get('content-type') ?? '').includes(
      'text/event-stream',
    );

    if (!upstreamResponse.ok || !isStream) {
      const text = await readUpstreamText(upstream, context.settings.upstreamTimeoutMs);
      if (!upstreamResponse.ok) {
        observe(upstreamResponse.status, 'error');
        countStat(context, cacheable.identity.tenantId, 'upstream_errors');
        return {
          kind: 'error',
          status: upstreamResponse.status,
          headers: relayableHeaders(upstreamResponse),
          body: text,
        };
      }
      const outcome = parseAnswer(cacheable.api, text);
      observe(upstreamResponse.status, outcome.kind === 'completion' ? 'ok' : 'error');
      return outcome;
    }

    upstream.finish();
    if (!cacheable.chat.stream) {
      // The upstream streamed although the client asked for JSON: assemble, then answer JSON.
      const assembled = await assembleStream(
        cacheable.api,
        upstreamResponse,
        undefined,
        clientGone.signal,
      );
      observe(upstreamResponse.status, assembled.complete ? 'ok' : 'aborted');
      if (!assembled.complete || !assembled.completion) return { kind: 'aborted' };
      return completionOutcome(assembled.completion);
    }

    response.writeHead(200, { ...relayableHeaders(upstreamResponse), ...SSE_HEADERS, ...headers });
    response.flushHeaders();
    const assembled = await assembleStream(
      cacheable.api,
      upstreamResponse,
      response,
      clientGone.signal,
    );
    if (!response.destroyed) response.end();
    const complete = assembled.complete && !clientGone.signal.aborted && !!assembled.completion;
    observe(upstreamResponse.status, complete ? 'ok' : 'aborted');
    if (!complete || !assembled.completion) return { kind: 'aborted' };
    return completionOutcome(assembled.completion);
  } finally {
    clientGone.stop();
  }
}

function completionOutcome(completion: CachedAnswer): FlightOutcome {
  return { kind: 'completion', completion, body: JSON.stringify(completion) };
}

/** A JSON upstream answer the API cannot store is a 502: never stored, never replayed. */
function parseAnswer(api: CachedApi, text: string): FlightOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const completion = api.readAnswer(parsed);
  if (completion) return { kind: 'completion', completion, body: text };
  return {
    kind: 'error',
    status: 502,
    headers: {},
    body: JSON.stringify(new GatewayHttpError(502, api.invalidAnswerMessage).toBody()),
  };
}

/**
 * Reads an upstream SSE body, optionally passing each chunk through to the client unchanged.
 * `complete` only when the stream is a whole answer (see `CompletionAssembler.complete`).
 */
async function assembleStream(
  api: CachedApi,
  upstreamResponse: Response,
  passThrough: ServerResponse | undefined,
  signal: AbortSignal,
): Promise<{ complete: boolean; completion: CachedAnswer | undefined }> {
  const assembler = api.createAssembler();
  const parser = createSseEventParser();
  const decoder = new TextDecoder();
  const body = upstreamResponse.body;
  if (!body) return { complete: false, completion: assembler.result() };
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      if (signal.aborted) break;
      if (passThrough && !passThrough.destroyed) passThrough.write(chunk);
      for (const event of parser.push(decoder.decode(chunk, { stream: true })))
        assembler.addEvent(event.data, event.event);
    }
    if (!signal.aborted) {
      for (const event of parser.flush()) assembler.addEvent(event.data, event.event);
    }
  } catch {
    // A broken upstream stream is a truncated answer: relayed as far as it went, never cached.
    return { complete: false, completion: assembler.result() };
  }
  return { complete: assembler.complete && !signal.aborted, completion: assembler.result() };
}
