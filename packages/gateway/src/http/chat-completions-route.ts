import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatCacheHeaders, type WireCacheStatus } from '@cachecore/core/protocol';
import type { TenantIdentity } from '../auth/tenant-claims';
import {
  type ChatCompletion,
  countCompletionTokens,
  isChatCompletion,
} from '../cache/chat-completion';
import { analyzeChatRequest, type ChatRequest } from '../cache/chat-request';
import { CompletionAssembler } from '../cache/completion-assembler';
import { buildReplayChunks } from '../cache/completion-replay';
import { areDepsCurrent, canServeEntry, collectRequestDeps } from '../cache/dep-validation';
import { decodeDepsHeader } from '../cache/deps-header';
import { computeNamespace } from '../cache/namespace';
import { lookupSemantic, type SemanticLookupResult } from '../cache/semantic-lookup';
import {
  classifyFreshness,
  computeLifetime,
  entryAgeSeconds,
  resolveTtlPolicy,
  type TtlPolicy,
} from '../cache/ttl-policy';
import type { FlightOutcome, GatewayContext, RequestRecord } from '../gateway-context';
import { BYPASS_STATS_SCOPE, type CacheEntry, type DepTag, type StatName } from '../store/store';
import { forwardToUpstream } from '../upstream/forward-route';
import { readUpstreamText, relayableHeaders } from '../upstream/upstream-client';
import { admitRequest } from './admit-request';
import { GatewayHttpError } from './gateway-error';
import { parseJsonBody, readRequestBody } from './read-body';
import { sendJson } from './respond';
import { createSseParser, formatSseEvent, SSE_HEADERS } from './sse';

/** The cache tiers a chat completion answer can come from: the protocol's wire statuses. */
export type CacheStatusValue = WireCacheStatus;

/** Everything known about one cacheable request once it is authenticated and parsed. */
interface CacheableRequest {
  identity: TenantIdentity;
  chat: ChatRequest;
  rawBody: Buffer;
  namespace: string;
  l1Key: string;
  /** The L2 index key, when L2 applies to the request. */
  readonly indexKey: string | undefined;
  deps: DepTag[];
  /** False when the request expects dep hashes that are no longer current: never cached. */
  depsCurrent: boolean;
  ttl: TtlPolicy;
  debugHeaders: Record<string, string>;
}

/**
 * Counts a statistic without waiting and without ever failing the request: statistics are not
 * worth an error answer when the store is unavailable.
 */
function countStat(context: GatewayContext, scope: string, stat: StatName, by = 1): void {
  context.store.incrementStat(scope, stat, by).catch((error: unknown) => {
    context.logger.debug('statistics update failed', { error: (error as Error).message });
  });
}

/** How long a request waits for another gateway instance's flight before calling upstream itself. */
const FOREIGN_FLIGHT_WAIT_MS = 30_000;
const FOREIGN_FLIGHT_POLL_MS = 25;

/** `POST /v1/chat/completions`: the cache pipeline of PROTOCOL §5. */
export async function handleChatCompletions(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  clientIp: string,
): Promise<void> {
  const { source, identity } = await admitRequest(context, request, record, clientIp);

  const rawBody = await readRequestBody(request, context.settings.maxBodyBytes);
  const chat = analyzeChatRequest(parseJsonBody(rawBody));
  record.model = chat.model;
  record.stream = chat.stream;

  if (!identity) {
    record.cache = 'BYPASS';
    record.errorHeaders = cacheHeaders('BYPASS', 0, 0);
    countStat(context, BYPASS_STATS_SCOPE, 'bypass');
    await forwardToUpstream(context, request, response, record, {
      body: rawBody,
      clientAuthorization: source.passthroughAuthorization,
      extraHeaders: cacheHeaders('BYPASS', 0, 0),
    });
    return;
  }

  const headerDeps = decodeDepsHeader(request.headers['x-cachecore-deps']);
  const namespace = computeNamespace({
    tenantId: identity.tenantId,
    permissions: identity.permissions,
    systemText: chat.systemText,
    toolsJson: chat.toolsJson,
    policyVersion: identity.policyVersion,
    embedderId: context.embedderId,
  });
  const deps = collectRequestDeps(headerDeps, identity.policyVersion);
  const cacheable: CacheableRequest = {
    identity,
    chat,
    rawBody,
    namespace,
    l1Key: `${namespace}:${chat.bodyHash}`,
    // A getter: the context key costs a second canonicalisation, which an L1 hit never needs.
    get indexKey() {
      return context.semantic && chat.contextKey ? `${namespace}:${chat.contextKey}` : undefined;
    },
    deps,
    depsCurrent: false,
    ttl: resolveTtlPolicy(context.settings, identity),
    debugHeaders: context.settings.debugHeaders
      ? { 'x-cachecore-namespace-hint': namespace.slice(0, 12) }
      : {},
  };
  try {
    cacheable.depsCurrent = await areDepsCurrent(context.store, identity.tenantId, deps);
    await answerCacheable(context, request, response, record, cacheable);
  } catch (error) {
    if (error instanceof GatewayHttpError || response.headersSent) throw error;
    // The store failed (e.g. Redis is down): the cache is an optimisation, so answer from
    // upstream, uncached, rather than failing the request.
    context.logger.warn('cache store failed; answering from upstream without the cache', {
      tenant: identity.tenantId,
      error: (error as Error).message,
    });
    record.cache = 'MISS';
    record.store_error = (error as Error).message;
    const headers = { ...cacheHeaders('MISS', 0, 0), ...cacheable.debugHeaders };
    record.errorHeaders = headers;
    const outcome = await callUpstream(context, request, response, record, cacheable, headers, {
      write: false,
      vector: undefined,
    });
    if (!response.headersSent) answerOutcome(response, cacheable, outcome, headers);
  }
}

async function answerCacheable(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  cacheable: CacheableRequest,
): Promise<void> {
  const { store } = context;
  const tenantId = cacheable.identity.tenantId;
  let semantic: SemanticLookupResult | undefined;

  if (cacheable.depsCurrent) {
    const now = context.now();
    const entry = await store.getEntry(cacheable.l1Key);
    const freshness = entry ? classifyFreshness(entry, now) : 'expired';
    if (
      entry &&
      freshness !== 'expired' &&
      (await canServeEntry(store, tenantId, entry.deps, cacheable.deps))
    ) {
      const status = freshness === 'fresh' ? 'HIT_L1' : 'HIT_L1_STALE';
      if (status === 'HIT_L1_STALE') refreshInBackground(context, request, cacheable, entry);
      countStat(context, tenantId, status === 'HIT_L1' ? 'hits_l1' : 'hits_l1_stale');
      countStat(context, tenantId, 'tokens_saved', entry.totalTokens);
      record.tokens_saved = entry.totalTokens;
      record.cache = status;
      serveEntry(response, cacheable, entry.body, {
        ...cacheHeaders(status, 1, entryAgeSeconds(entry, now)),
        ...cacheable.debugHeaders,
      });
      return;
    }

    semantic = await lookupSemanticSafely(context, cacheable, record);
    if (semantic?.bestSimilarity !== undefined && context.settings.debugHeaders) {
      cacheable.debugHeaders['x-cachecore-l2-best'] = semantic.bestSimilarity.toFixed(4);
    }
    if (semantic?.veto) {
      if (context.settings.debugHeaders)
        cacheable.debugHeaders['x-cachecore-l2-veto'] = semantic.veto.guard;
      context.logger.info('l2 veto', {
        tenant: tenantId,
        guard: semantic.veto.guard,
        detail: semantic.veto.detail,
        similarity: Number(semantic.veto.similarity.toFixed(4)),
      });
      record.l2_veto = semantic.veto.guard;
    }
    if (semantic?.hit) {
      const { entry: hitEntry, similarity } = semantic.hit;
      countStat(context, tenantId, 'hits_l2');
      countStat(context, tenantId, 'tokens_saved', hitEntry.totalTokens);
      record.tokens_saved = hitEntry.totalTokens;
      record.cache = 'HIT_L2';
      record.similarity = Number(similarity.toFixed(4));
      serveEntry(response, cacheable, hitEntry.body, {
        ...cacheHeaders('HIT_L2', similarity, entryAgeSeconds(hitEntry, context.now())),
        ...cacheable.debugHeaders,
      });
      return;
    }
  }

  record.cache = 'MISS';
  countStat(context, tenantId, 'misses');
  const headers = { ...cacheHeaders('MISS', 0, 0), ...cacheable.debugHeaders };
  record.errorHeaders = headers;
  const vector = semantic?.vector;

  if (!cacheable.depsCurrent) {
    // The client expects dep hashes that were invalidated since: answer, but never store it.
    const outcome = await callUpstream(context, request, response, record, cacheable, headers, {
      write: false,
      vector,
    });
    if (!response.headersSent) answerOutcome(response, cacheable, outcome, headers);
    return;
  }

  // Followers take the leader's outcome; if the leader's client went away mid-answer, the next
  // waiting request leads a new flight (bounded, so a flapping upstream cannot loop forever).
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const running = context.flights.join(cacheable.l1Key);
    if (!running) break;
    record.single_flight = 'follower';
    const outcome = await running;
    if (outcome.kind !== 'aborted') {
      answerOutcome(response, cacheable, outcome, headers);
      return;
    }
  }

  const outcome = await context.flights.lead(cacheable.l1Key, async () => {
    const lock = await store.acquireLock(
      `flight:${cacheable.l1Key}`,
      context.settings.upstreamTimeoutMs,
    );
    try {
      if (!lock) {
        const written = await waitForForeignFlight(context, cacheable);
        if (written) return written;
      }
      return await callUpstream(context, request, response, record, cacheable, headers, {
        write: true,
        vector,
      });
    } finally {
      if (lock) await store.releaseLock(`flight:${cacheable.l1Key}`, lock).catch(() => {});
    }
  });
  // A streaming leader has already answered its client while passing the stream through.
  if (!response.headersSent) answerOutcome(response, cacheable, outcome, headers);
}

/** L2 must never fail a request: an embedder outage only costs the semantic lookup. */
async function lookupSemanticSafely(
  context: GatewayContext,
  cacheable: CacheableRequest,
  record: RequestRecord,
): Promise<SemanticLookupResult | undefined> {
  const text = cacheable.chat.semanticText;
  if (!context.semantic || !cacheable.indexKey || text === undefined) return undefined;
  try {
    return await lookupSemantic(context.semantic, context.store, {
      indexKey: cacheable.indexKey,
      text,
      tenantId: cacheable.identity.tenantId,
      deps: cacheable.deps,
      now: context.now(),
    });
  } catch (error) {
    record.l2_error = (error as Error).message;
    context.logger.warn('l2 lookup failed; continuing without the semantic cache', {
      error: (error as Error).message,
    });
    return undefined;
  }
}

/**
 * Another gateway instance holds the flight lock: wait for its entry rather than calling upstream
 * twice; give up (and call upstream) if it does not appear in time, e.g. because that instance died.
 */
async function waitForForeignFlight(
  context: GatewayContext,
  cacheable: CacheableRequest,
): Promise<FlightOutcome | undefined> {
  const deadline =
    Date.now() + Math.min(context.settings.upstreamTimeoutMs, FOREIGN_FLIGHT_WAIT_MS);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, FOREIGN_FLIGHT_POLL_MS));
    const entry = await context.store.getEntry(cacheable.l1Key);
    if (entry && classifyFreshness(entry, context.now()) === 'fresh') {
      return { kind: 'completion', completion: JSON.parse(entry.body), body: entry.body };
    }
  }
  return undefined;
}

/**
 * Calls upstream for a miss. A streaming request is passed through to the client chunk by chunk
 * while its completion is assembled; a JSON request is answered by the caller from the outcome.
 */
async function callUpstream(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  cacheable: CacheableRequest,
  headers: Record<string, string>,
  options: { write: boolean; vector: Float32Array | undefined },
): Promise<FlightOutcome> {
  const clientGone = new AbortController();
  const onClose = () => {
    if (!response.writableFinished) clientGone.abort();
  };
  response.once('close', onClose);
  const started = performance.now();
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
      record.upstream_ms = Math.round(performance.now() - started);
      if (!upstreamResponse.ok) {
        countStat(context, cacheable.identity.tenantId, 'upstream_errors');
        return {
          kind: 'error',
          status: upstreamResponse.status,
          headers: relayableHeaders(upstreamResponse),
          body: text,
        };
      }
      let completion: unknown;
      try {
        completion = JSON.parse(text);
      } catch {
        completion = undefined;
      }
      if (!isChatCompletion(completion)) {
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
      if (options.write) await writeCompletion(context, cacheable, completion, options.vector);
      return { kind: 'completion', completion, body: text };
    }

    upstream.finish();
    if (!cacheable.chat.stream) {
      // The upstream streamed although the client asked for JSON: assemble, then answer JSON.
      const assembled = await assembleStream(upstreamResponse, undefined, clientGone.signal);
      record.upstream_ms = Math.round(performance.now() - started);
      if (!assembled.done) return { kind: 'aborted' };
      const completion = assembled.completion;
      if (options.write) await writeCompletion(context, cacheable, completion, options.vector);
      return { kind: 'completion', completion, body: JSON.stringify(completion) };
    }

    response.writeHead(200, { ...relayableHeaders(upstreamResponse), ...SSE_HEADERS, ...headers });
    response.flushHeaders();
    const assembled = await assembleStream(upstreamResponse, response, clientGone.signal);
    record.upstream_ms = Math.round(performance.now() - started);
    if (!response.destroyed) response.end();
    if (!assembled.done || clientGone.signal.aborted) {
      record.stream_incomplete = true;
      return { kind: 'aborted' };
    }
    if (options.write)
      await writeCompletion(context, cacheable, assembled.completion, options.vector);
    return {
      kind: 'completion',
      completion: assembled.completion,
      body: JSON.stringify(assembled.completion),
    };
  } finally {
    response.off('close', onClose);
  }
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

/** Stores a completion in L1 (tagged with the request's deps) and its prompt's vector in L2. */
async function writeCompletion(
  context: GatewayContext,
  cacheable: CacheableRequest,
  completion: ChatCompletion,
  knownVector: Float32Array | undefined,
  deps: DepTag[] = cacheable.deps,
): Promise<void> {
  const { store } = context;
  const createdAt = context.now();
  const lifetime = computeLifetime(cacheable.ttl, createdAt);
  const ttlMs = lifetime.expiresAt - createdAt;
  if (ttlMs <= 0) return;
  const entry: CacheEntry = {
    key: cacheable.l1Key,
    tenantId: cacheable.identity.tenantId,
    namespace: cacheable.namespace,
    model: cacheable.chat.model,
    body: JSON.stringify(completion),
    createdAt,
    ...lifetime,
    deps,
    totalTokens: countCompletionTokens(completion),
    indexKey: cacheable.indexKey,
  };
  try {
    await store.setEntry(entry, ttlMs);
  } catch (error) {
    context.logger.warn('cache write failed', { error: (error as Error).message });
    return;
  }
  const text = cacheable.chat.semanticText;
  if (!context.semantic || !cacheable.indexKey || text === undefined) return;
  try {
    const vector = knownVector ?? (await context.semantic.embedder.embed([text]))[0];
    if (!vector) return;
    await store.addVector({
      id: cacheable.l1Key,
      entryKey: cacheable.l1Key,
      indexKey: cacheable.indexKey,
      text,
      vector,
    });
  } catch (error) {
    context.logger.warn('l2 write failed; the entry is cached in L1 only', {
      error: (error as Error).message,
    });
  }
}

/**
 * Serves a stale entry now and refreshes it upstream in the background, once across every
 * instance sharing the store (a lock per entry).
 */
function refreshInBackground(
  context: GatewayContext,
  request: IncomingMessage,
  cacheable: CacheableRequest,
  entry: CacheEntry,
): void {
  const lockKey = `refresh:${cacheable.l1Key}`;
  const headers = { ...request.headers };
  const body: Record<string, unknown> = { ...cacheable.chat.body };
  delete body.stream;
  delete body.stream_options;
  const task = (async () => {
    let lock: string | null = null;
    try {
      lock = await context.store.acquireLock(lockKey, context.settings.upstreamTimeoutMs);
      if (!lock) return;
      const upstream = await context.upstream.send({
        method: 'POST',
        path: '/v1/chat/completions',
        headers,
        body: JSON.stringify(body),
      });
      const text = await readUpstreamText(upstream, context.settings.upstreamTimeoutMs);
      if (!upstream.response.ok) {
        context.logger.warn('background refresh failed upstream', {
          status: upstream.response.status,
        });
        return;
      }
      const completion: unknown = JSON.parse(text);
      if (!isChatCompletion(completion)) return;
      await writeCompletion(context, cacheable, completion, undefined, entry.deps);
      context.logger.debug('background refresh done', { tenant: cacheable.identity.tenantId });
    } catch (error) {
      context.logger.warn('background refresh failed', { error: (error as Error).message });
    } finally {
      if (lock) await context.store.releaseLock(lockKey, lock).catch(() => {});
    }
  })();
  context.background.add(task);
  void task.finally(() => context.background.delete(task));
}

/** Answers from a stored completion body, as JSON or as an SSE replay, whichever the client asked. */
function serveEntry(
  response: ServerResponse,
  cacheable: CacheableRequest,
  body: string,
  headers: Record<string, string>,
): void {
  if (!cacheable.chat.stream) {
    sendJson(response, 200, body, headers);
    return;
  }
  writeReplay(response, cacheable, JSON.parse(body) as ChatCompletion, headers);
}

function writeReplay(
  response: ServerResponse,
  cacheable: CacheableRequest,
  completion: ChatCompletion,
  headers: Record<string, string>,
): void {
  const chunks = buildReplayChunks(completion, { includeUsage: cacheable.chat.includeUsage });
  let payload = '';
  for (const chunk of chunks) payload += formatSseEvent(chunk);
  payload += formatSseEvent('[DONE]');
  response.writeHead(200, { ...SSE_HEADERS, ...headers });
  response.end(payload);
}

/** Answers a request from a flight's outcome (its own or a leader's). */
function answerOutcome(
  response: ServerResponse,
  cacheable: CacheableRequest,
  outcome: FlightOutcome,
  headers: Record<string, string>,
): void {
  if (response.headersSent || response.destroyed) return;
  if (outcome.kind === 'completion') {
    if (cacheable.chat.stream) writeReplay(response, cacheable, outcome.completion, headers);
    else sendJson(response, 200, outcome.body, headers);
    return;
  }
  if (outcome.kind === 'error') {
    const contentType = outcome.headers['content-type'] ?? 'application/json';
    response.writeHead(outcome.status, {
      ...outcome.headers,
      ...headers,
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(outcome.body)),
    });
    response.end(outcome.body);
    return;
  }
  sendJson(
    response,
    502,
    new GatewayHttpError(502, 'The upstream answer was interrupted before it completed.').toBody(),
    headers,
  );
}

/** The PROTOCOL §2 headers (similarity with four decimals, age in whole seconds). */
export function cacheHeaders(
  status: CacheStatusValue,
  similarity: number,
  ageSeconds: number,
): Record<string, string> {
  return formatCacheHeaders({ status, similarity, ageSeconds });
}
