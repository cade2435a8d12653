import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ChatCompletion, isChatCompletion } from '../cache/chat-completion';
import { CompletionAssembler } from '../cache/completion-assembler';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { FlightOutcome, GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { readUpstreamText, relayableHeaders } from '../upstream/upstream-client';
import { createSseParser, SSE_HEADERS } from '../wire/sse';
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
      const outcome = parseCompletion(text);
      observe(upstreamResponse.status, outcome.kind === 'completion' ? 'ok' : 'error');
      return outcome;
    }

    upstream.finish();
    if (!cacheable.chat.stream) {
      // The upstream streamed although the client asked for JSON: assemble, then answer JSON.
      const assembled = await assembleStream(upstreamResponse, undefined, clientGone.signal);
      observe(upstreamResponse.status, assembled.done ? 'ok' : 'aborted');
      if (!assembled.done) return { kind: 'aborted' };
      return completionOutcome(assembled.completion);
    }

    response.writeHead(200, { ...relayableHeaders(upstreamResponse), ...SSE_HEADERS, ...headers });
    response.flushHeaders();
    const assembled = await assembleStream(upstreamResponse, response, clientGone.signal);
    if (!response.destroyed) response.end();
    const complete = assembled.done && !clientGone.signal.aborted;
    observe(upstreamResponse.status, complete ? 'ok' : 'aborted');
    if (!complete) return { kind: 'aborted' };
    return completionOutcome(assembled.completion);
  } finally {
    clientGone.stop();
  }
}

function completionOutcome(completion: ChatCompletion): FlightOutcome {
  return { kind: 'completion', completion, body: JSON.stringify(completion) };
}

/** A JSON upstream answer that is not a chat completion is a 502: never stored, never replayed. */
function parseCompletion(text: string): FlightOutcome {
  let completion: unknown;
  try {
    completion = JSON.parse(text);
  } catch {
    completion = undefined;
  }
  if (isChatCompletion(completion)) return { kind: 'completion', completion, body: text };
  return {
    kind: 'error',
    status: 502,
    headers: {},
    body: JSON.stringify(
      new GatewayHttpError(
        502,
        'The upstream answered with something that is not a chat completion.',
      ).toBody(),
    ),
  };
}

/** Reads an upstream SSE body, optionally passing each chunk through to the client unchanged. */
async function assembleStream(
  upstreamResponse: Response,
  passThrough: ServerResponse | undefined,
  signal: AbortSignal,
): Promise<{ done: boolean; completion: ChatCompletion }> {
  const assembler = new CompletionAssembler();
  const parser = createSseParser();
  const decoder = new TextDecoder();
  const body = upstreamResponse.body;
  if (!body) return { done: false, completion: assembler.toCompletion() };
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      if (signal.aborted) break;
      if (passThrough && !passThrough.destroyed) passThrough.write(chunk);
      for (const data of parser.push(decoder.decode(chunk, { stream: true })))
        assembler.addEvent(data);
    }
    if (!signal.aborted) for (const data of parser.flush()) assembler.addEvent(data);
  } catch {
    // A broken upstream stream is a truncated answer: relayed as far as it went, never cached.
    return { done: false, completion: assembler.toCompletion() };
  }
  return { done: assembler.done && !signal.aborted, completion: assembler.toCompletion() };
}
