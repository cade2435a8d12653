import type { IncomingHttpHeaders } from 'node:http';
import {
  CACHE_CONTROL_HEADER_LOWER,
  DEPS_HEADER_LOWER,
  NAMESPACE_HINT_HEADER_LOWER,
  type ParsedCacheControl,
  parseCacheControl,
} from '@cachecore/core/protocol';
import type { CachedApi } from '../apis/cached-api';
import { CHAT_COMPLETIONS_API } from '../apis/chat-completions-api';
import type { TenantIdentity } from '../auth/tenant-claims';
import type { ChatRequest } from '../cache/chat-request';
import { collectRequestDeps } from '../cache/dep-validation';
import { decodeDepsHeader } from '../cache/deps-header';
import { resolveTtlPolicy, type TtlPolicy } from '../cache/ttl-policy';
import type { GatewayContext } from '../gateway-context';
import type { DepTag } from '../store/store';

/** Everything known about one cacheable request once it is authenticated and parsed. */
export interface CacheableRequest {
  /** The API the request belongs to: how its answers are read, stored and replayed. */
  api: CachedApi;
  identity: TenantIdentity;
  chat: ChatRequest;
  rawBody: Buffer;
  namespace: string;
  l1Key: string;
  /** The L2 index key, when L2 applies to the request. */
  readonly indexKey: string | undefined;
  /** The request's deps, `cc:policy-version` included. */
  deps: DepTag[];
  /**
   * How long its answer is kept: the gateway's TTLs, overridden by the token's claims and shortened
   * by a `cachecore-ttl` request directive.
   */
  ttl: TtlPolicy;
  /**
   * The request's `Cache-Control` directives (PROTOCOL §1.5): `no-store` (answer, write nothing),
   * `no-cache` (skip the read, refresh the entry), `max-age` (serve only younger entries).
   */
  directives: ParsedCacheControl;
  /** Headers for operators (`--debug-headers`), on every answer of this request. */
  debugHeaders: Record<string, string>;
}

/**
 * The identity and namespace stage: where a tenant's request lives in the cache (namespace, L1 key,
 * L2 index key), which deps it reads and writes with, and how long its answer may be kept.
 * Throws a 400 for a malformed `X-Cachecore-Deps` header.
 */
export function identifyRequest(
  context: GatewayContext,
  headers: IncomingHttpHeaders,
  identity: TenantIdentity,
  chat: ChatRequest,
  rawBody: Buffer,
  api: CachedApi = CHAT_COMPLETIONS_API,
): CacheableRequest {
  const headerDeps = decodeDepsHeader(headers[DEPS_HEADER_LOWER]);
  const cacheControl = headers[CACHE_CONTROL_HEADER_LOWER];
  const directives = cacheControl === undefined ? NO_DIRECTIVES : parseCacheControl(cacheControl);
  const namespace = context.namespaceOf(identity, chat.systemText, chat.toolsJson);
  return new IdentifiedRequest(
    api,
    identity,
    chat,
    rawBody,
    namespace,
    context.semantic !== undefined,
    collectRequestDeps(headerDeps, identity.policyVersion),
    applyTtlDirective(resolveTtlPolicy(context.settings, identity), directives),
    directives,
    context.settings.debugHeaders
      ? { [NAMESPACE_HINT_HEADER_LOWER]: namespace.slice(0, 12) }
      : NO_DEBUG_HEADERS,
  );
}

/** Shared by every request without debug headers; never mutated. */
const NO_DEBUG_HEADERS: Record<string, string> = Object.freeze({});

/**
 * A {@link CacheableRequest} as a class: one object shape for every request, and the L2 index key
 * computed only when asked for (it costs a second canonicalisation, which an L1 hit never needs).
 */
class IdentifiedRequest implements CacheableRequest {
  readonly l1Key: string;
  #indexKey: string | undefined | null = null;

  constructor(
    readonly api: CachedApi,
    readonly identity: TenantIdentity,
    readonly chat: ChatRequest,
    readonly rawBody: Buffer,
    readonly namespace: string,
    private readonly semantic: boolean,
    readonly deps: DepTag[],
    readonly ttl: TtlPolicy,
    readonly directives: ParsedCacheControl,
    readonly debugHeaders: Record<string, string>,
  ) {
    this.l1Key = `${namespace}:${api.keyPrefix}${chat.bodyHash}`;
  }

  get indexKey(): string | undefined {
    if (this.#indexKey === null) {
      const { contextKey } = this.chat;
      this.#indexKey =
        this.semantic && contextKey
          ? `${this.namespace}:${this.api.keyPrefix}${contextKey}`
          : undefined;
    }
    return this.#indexKey;
  }
}

/** What a request without `Cache-Control` asks for: nothing; shared, never mutated. */
const NO_DIRECTIVES: ParsedCacheControl = Object.freeze({
  noStore: false,
  noCache: false,
  maxAgeSeconds: null,
  ttlSeconds: null,
});

/**
 * A `cachecore-ttl=N` directive shortens the entry's freshness to N seconds; it never lengthens
 * it past the gateway's (or the tenant's) own TTL, which is the limit an operator set.
 */
function applyTtlDirective(policy: TtlPolicy, directives: ParsedCacheControl): TtlPolicy {
  if (directives.ttlSeconds === null) return policy;
  return { ...policy, freshTtlSecs: Math.min(policy.freshTtlSecs, directives.ttlSeconds) };
}
