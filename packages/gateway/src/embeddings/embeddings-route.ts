import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEPS_HEADER_LOWER,
  EMBEDDING_INPUTS_HEADER_LOWER as EMBEDDING_INPUTS_HEADER,
} from '@cachecore/core/protocol';
import { areDepsCurrent, canServeEntry, collectRequestDeps } from '../cache/dep-validation';
import { decodeDepsHeader } from '../cache/deps-header';
import { computeNamespace } from '../cache/namespace';
import {
  classifyFreshness,
  computeLifetime,
  entryAgeSeconds,
  resolveTtlPolicy,
} from '../cache/ttl-policy';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { GatewayContext } from '../gateway-context';
import { forwardToUpstream } from '../http/forward-route';
import { parseJsonBody, readRequestBody } from '../http/read-body';
import type { ObservedRequest } from '../observation/observed-request';
import { admitRequest } from '../pipeline/admit';
import { BYPASS_STATS_SCOPE, type CacheEntry, type DepTag } from '../store/store';
import { readUpstreamText, relayableHeaders } from '../upstream/upstream-client';
import { cacheHeaders } from '../wire/cache-headers';
import { sendJson } from '../wire/send-json';
import { encodeEmbeddingBase64, formatEmbedding, readEmbedding } from './embedding-vector';
import {
  analyzeEmbeddingsRequest,
  type EmbeddingInput,
  type EmbeddingsRequest,
} from './embeddings-request';

/** One input's embedding, from the cache or just fetched. */
interface InputEmbedding {
  vector: Float32Array;
  /** The input's share of the upstream `usage.prompt_tokens`. */
  tokens: number;
  model: string;
  /** Age of the cache entry it came from, seconds; `undefined` when fetched for this request. */
  ageSeconds?: number;
}

/** The upstream's failure, relayed to every request that needed the batch. */
class UpstreamEmbeddingsError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string,
    readonly durationMs = 0,
  ) {
    super(`upstream answered ${status}`);
  }
}

// Inputs being fetched right now, per gateway, by cache key and deps: a concurrent batch that
// needs the same input waits for that fetch instead of sending it upstream again.
const flightsByGateway = new WeakMap<GatewayContext, Map<string, Promise<InputEmbedding>>>();

/**
 * `POST /v1/embeddings`: every input of a batch is cached on its own. The cached inputs are
 * answered from the cache, the others go upstream in one request, and the answer lists all of them
 * in request order with the summed `usage`. `X-Cache` is `HIT_L1` when every input was cached and
 * `MISS` when any was fetched; `X-Cachecore-Embedding-Inputs` gives the counts. Entries carry the
 * request's deps like chat completions, so `/v1/invalidate` evicts them too; there is no semantic
 * (L2) matching for embeddings: a similar text is a different vector.
 */
export async function handleEmbeddings(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  observation: ObservedRequest,
): Promise<void> {
  const { source, identity } = await admitRequest(context, request, observation);
  const rawBody = await readRequestBody(request, context.settings.maxBodyBytes);
  if (!identity) {
    observation.cache = 'BYPASS';
    context.store.incrementStat(BYPASS_STATS_SCOPE, 'bypass').catch(() => {});
    await forwardToUpstream(context, request, response, observation, {
      body: rawBody,
      clientAuthorization: source.passthroughAuthorization,
      extraHeaders: cacheHeaders('BYPASS', 0, 0),
    });
    return;
  }
  const embeddings = analyzeEmbeddingsRequest(parseJsonBody(rawBody));
  const tenantId = identity.tenantId;
  const namespace = computeNamespace({
    tenantId,
    permissions: identity.permissions,
    systemText: '',
    toolsJson: '',
    policyVersion: identity.policyVersion,
    embedderId: 'embeddings',
  });
  const deps = collectRequestDeps(
    decodeDepsHeader(request.headers[DEPS_HEADER_LOWER]),
    identity.policyVersion,
  );
  const keys = embeddings.inputHashes.map((hash) => `${namespace}:embedding:${hash}`);
  observation.model = embeddings.model;

  let cacheUsable = true;
  let cached: (InputEmbedding | undefined)[];
  try {
    cacheUsable = await areDepsCurrent(context.store, tenantId, deps);
    cached = cacheUsable
      ? await Promise.all(keys.map((key) => readCachedEmbedding(context, tenantId, key, deps)))
      : keys.map(() => undefined);
  } catch (error) {
    // The store failed: the cache is an optimisation, so every input goes upstream, unwritten.
    context.logger.warn('cache store failed; embedding without the cache', {
      tenant: tenantId,
      error: (error as Error).message,
    });
    observation.storeError = (error as Error).message;
    cacheUsable = false;
    cached = keys.map(() => undefined);
  }

  const results = [...cached];
  const pending = new Map<number, Promise<InputEmbedding>>();
  const toFetch: number[] = [];
  const flights = flightsFor(context);
  const depsKey = deps
    .map((dep) => `${dep.depId.length}:${dep.depId}=${dep.expectedHash}`)
    .join(';');
  const seen = new Map<string, number>();
  for (let index = 0; index < keys.length; index++) {
    if (results[index] !== undefined) continue;
    const key = keys[index]!;
    const first = seen.get(key);
    if (first !== undefined) continue; // a repeat of an earlier input of this batch
    seen.set(key, index);
    const flight = cacheUsable ? flights.get(`${depsKey}|${key}`) : undefined;
    if (flight) pending.set(index, flight);
    else toFetch.push(index);
  }

  try {
    if (toFetch.length > 0) {
      const fetched = fetchEmbeddings(context, request, embeddings, toFetch, {
        observation,
        write: cacheUsable,
        keys,
        tenantId,
        namespace,
        deps,
        identityTtl: identity,
      });
      toFetch.forEach((inputIndex, position) => {
        const flightKey = `${depsKey}|${keys[inputIndex]}`;
        const promise = fetched.then((list) => list[position]!);
        pending.set(inputIndex, promise);
        if (!cacheUsable) return;
        flights.set(flightKey, promise);
        const forget = () => {
          if (flights.get(flightKey) === promise) flights.delete(flightKey);
        };
        promise.then(forget, forget);
      });
    }
    // All at once, so that one failure leaves no other rejection unobserved.
    const settled = await Promise.all(
      [...pending].map(async ([index, promise]) => [index, await promise] as const),
    );
    for (const [index, embedding] of settled) results[index] = embedding;
  } catch (error) {
    if (!(error instanceof UpstreamEmbeddingsError)) throw error;
    context.store.incrementStat(tenantId, 'upstream_errors').catch(() => {});
    observation.upstream = { durationMs: error.durationMs, outcome: 'error', status: error.status };
    response.writeHead(error.status, {
      ...error.headers,
      ...cacheHeaders('MISS', 0, 0),
      'content-type': error.headers['content-type'] ?? 'application/json',
      'content-length': String(Buffer.byteLength(error.body)),
    });
    response.end(error.body);
    return;
  }
  for (let index = 0; index < keys.length; index++) {
    results[index] ??= results[seen.get(keys[index]!)!];
  }

  const served = results as InputEmbedding[];
  const cachedCount = cached.filter((item) => item !== undefined).length;
  const allCached = cachedCount === keys.length;
  const status = allCached ? 'HIT_L1' : 'MISS';
  const tokensSaved = cached.reduce((sum, item) => sum + (item?.tokens ?? 0), 0);
  context.store.incrementStat(tenantId, allCached ? 'hits_l1' : 'misses').catch(() => {});
  if (tokensSaved > 0)
    context.store.incrementStat(tenantId, 'tokens_saved', tokensSaved).catch(() => {});
  observation.cache = status;
  observation.embeddings = { inputs: keys.length, cached: cachedCount };
  observation.tokensSaved = tokensSaved;

  const promptTokens = served.reduce((sum, item) => sum + item.tokens, 0);
  const oldest = Math.max(0, ...served.map((item) => item.ageSeconds ?? 0));
  sendJson(
    response,
    200,
    {
      object: 'list',
      data: served.map((item, index) => ({
        object: 'embedding',
        index,
        embedding: formatEmbedding(item.vector, embeddings.encoding),
      })),
      model: served[0]?.model ?? embeddings.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    {
      ...cacheHeaders(status, allCached ? 1 : 0, allCached ? oldest : 0),
      [EMBEDDING_INPUTS_HEADER]: `cached=${cachedCount}, fetched=${keys.length - cachedCount}`,
    },
  );
}

function flightsFor(context: GatewayContext): Map<string, Promise<InputEmbedding>> {
  let flights = flightsByGateway.get(context);
  if (!flights) {
    flights = new Map();
    flightsByGateway.set(context, flights);
  }
  return flights;
}

/** The cached embedding of one input, when its entry is live and may answer these deps. */
async function readCachedEmbedding(
  context: GatewayContext,
  tenantId: string,
  key: string,
  deps: readonly DepTag[],
): Promise<InputEmbedding | undefined> {
  const entry = await context.store.getEntry(tenantId, key);
  const now = context.now();
  if (!entry || classifyFreshness(entry, now) === 'expired') return undefined;
  // The request's own deps were just checked against the current hashes: an entry tagged with
  // exactly those needs no second look-up, which a batch of 100 inputs would otherwise pay 100 times.
  if (
    !sameDeps(entry.deps, deps) &&
    !(await canServeEntry(context.store, tenantId, entry.deps, deps))
  ) {
    return undefined;
  }
  const stored = decodeStoredEmbedding(entry.body);
  if (!stored) return undefined;
  return { ...stored, ageSeconds: entryAgeSeconds(entry, now) };
}

/** Whether an entry is tagged with exactly the request's deps and expected hashes. */
function sameDeps(entryDeps: readonly DepTag[], requestDeps: readonly DepTag[]): boolean {
  if (entryDeps.length !== requestDeps.length) return false;
  return entryDeps.every((dep) =>
    requestDeps.some(
      (requested) => requested.depId === dep.depId && requested.expectedHash === dep.expectedHash,
    ),
  );
}

/** The stored form of one input's embedding: float32 base64, the model, its token share. */
interface StoredEmbedding {
  v: string;
  model: string;
  tokens: number;
}

function decodeStoredEmbedding(body: string): Omit<InputEmbedding, 'ageSeconds'> | undefined {
  try {
    const stored = JSON.parse(body) as StoredEmbedding;
    const vector = readEmbedding(stored.v);
    if (!vector || typeof stored.model !== 'string') return undefined;
    return { vector, model: stored.model, tokens: Number(stored.tokens) || 0 };
  } catch {
    return undefined;
  }
}

/**
 * One upstream request for the inputs at `indexes` (in that order), written to the cache when
 * `write` is set. Rejects with an {@link UpstreamEmbeddingsError} for a non-2xx answer.
 */
async function fetchEmbeddings(
  context: GatewayContext,
  request: IncomingMessage,
  embeddings: EmbeddingsRequest,
  indexes: readonly number[],
  target: {
    observation: ObservedRequest;
    write: boolean;
    keys: readonly string[];
    tenantId: string;
    namespace: string;
    deps: DepTag[];
    identityTtl: { freshTtlSecs?: number; staleWindowSecs?: number };
  },
): Promise<InputEmbedding[]> {
  const inputs = indexes.map((index) => embeddings.inputs[index]!);
  // The cache keeps float32 vectors whatever the client asked; JSON floats are what every
  // OpenAI-compatible server can send.
  const { encoding_format: _encoding, ...body } = embeddings.body;
  const started = context.monotonicNow();
  const upstream = await context.upstream.send({
    method: 'POST',
    path: '/v1/embeddings',
    headers: request.headers,
    body: JSON.stringify({ ...body, input: inputs }),
  });
  const text = await readUpstreamText(upstream, context.settings.upstreamTimeoutMs);
  const durationMs = Math.round(context.monotonicNow() - started);
  const status = upstream.response.status;
  if (!upstream.response.ok) {
    throw new UpstreamEmbeddingsError(
      status,
      relayableHeaders(upstream.response),
      text,
      durationMs,
    );
  }
  target.observation.upstream = { durationMs, outcome: 'ok', status };
  const answer = parseUpstreamAnswer(text, inputs.length);
  const tokens = shareTokens(answer.promptTokens, inputs);
  const fetched = answer.vectors.map((vector, position) => ({
    vector,
    tokens: tokens[position]!,
    model: answer.model ?? embeddings.model,
  }));
  if (target.write) {
    await Promise.all(
      fetched.map((item, position) =>
        writeEmbedding(context, target, target.keys[indexes[position]!]!, item),
      ),
    );
  }
  return fetched;
}

function parseUpstreamAnswer(
  text: string,
  expected: number,
): { vectors: Float32Array[]; promptTokens: number; model: string | undefined } {
  const invalid = () =>
    new UpstreamEmbeddingsError(
      502,
      {},
      JSON.stringify(
        new GatewayHttpError(
          502,
          'The upstream answered with something that is not an embeddings list for the inputs sent.',
        ).toBody(),
      ),
    );
  let answer: { data?: unknown; usage?: { prompt_tokens?: unknown }; model?: unknown };
  try {
    answer = JSON.parse(text);
  } catch {
    throw invalid();
  }
  if (!Array.isArray(answer?.data) || answer.data.length !== expected) throw invalid();
  const vectors: Float32Array[] = new Array(expected);
  for (const item of answer.data as Array<{ index?: unknown; embedding?: unknown }>) {
    const index = typeof item?.index === 'number' ? item.index : -1;
    const vector = readEmbedding(item?.embedding);
    if (!vector || index < 0 || index >= expected || vectors[index]) throw invalid();
    vectors[index] = vector;
  }
  const promptTokens = Number(answer.usage?.prompt_tokens);
  return {
    vectors,
    promptTokens: Number.isFinite(promptTokens) && promptTokens >= 0 ? promptTokens : 0,
    model: typeof answer.model === 'string' ? answer.model : undefined,
  };
}

/**
 * Splits a batch's `prompt_tokens` over its inputs: token arrays count their length, texts share
 * the rest in proportion to their length (largest remainders first), so the shares always add up
 * to what the upstream reported and a batch served from the cache reports the same usage.
 */
function shareTokens(total: number, inputs: readonly EmbeddingInput[]): number[] {
  const shares = inputs.map((input) => (typeof input === 'string' ? 0 : input.length));
  const textIndexes = inputs.flatMap((input, index) => (typeof input === 'string' ? [index] : []));
  const rest = Math.max(0, total - shares.reduce((sum, share) => sum + share, 0));
  const weights = textIndexes.map((index) => (inputs[index] as string).length);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  if (weightSum === 0) return shares;
  const exact = weights.map((weight) => (rest * weight) / weightSum);
  const floors = exact.map(Math.floor);
  let left = rest - floors.reduce((sum, value) => sum + value, 0);
  const byRemainder = exact
    .map((value, position) => ({ position, remainder: value - floors[position]! }))
    .sort((a, b) => b.remainder - a.remainder);
  for (const { position } of byRemainder) {
    if (left <= 0) break;
    floors[position]! += 1;
    left -= 1;
  }
  textIndexes.forEach((index, position) => {
    shares[index] = floors[position]!;
  });
  return shares;
}

async function writeEmbedding(
  context: GatewayContext,
  target: {
    tenantId: string;
    namespace: string;
    deps: DepTag[];
    identityTtl: { freshTtlSecs?: number; staleWindowSecs?: number };
  },
  key: string,
  item: Omit<InputEmbedding, 'ageSeconds'>,
): Promise<void> {
  const createdAt = context.now();
  const lifetime = computeLifetime(
    resolveTtlPolicy(context.settings, target.identityTtl),
    createdAt,
  );
  const ttlMs = lifetime.expiresAt - createdAt;
  if (ttlMs <= 0) return;
  const stored: StoredEmbedding = {
    v: encodeEmbeddingBase64(item.vector),
    model: item.model,
    tokens: item.tokens,
  };
  const entry: CacheEntry = {
    key,
    tenantId: target.tenantId,
    namespace: target.namespace,
    model: item.model,
    body: JSON.stringify(stored),
    createdAt,
    ...lifetime,
    deps: target.deps,
    totalTokens: item.tokens,
  };
  try {
    await context.store.setEntry(entry, ttlMs);
  } catch (error) {
    context.logger.warn('cache write failed', { error: (error as Error).message });
  }
}
