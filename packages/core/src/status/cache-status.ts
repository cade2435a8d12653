import { readHeader } from '../headers/read-header';
import {
  parseAgeSeconds,
  parseCacheStatusValue,
  parseNamespaceHint,
  parseSimilarity,
} from '../protocol/cache-headers';
import { type CacheStatusValue, isHitStatus } from '../protocol/cache-statuses';
import {
  CACHE_AGE_HEADER,
  CACHE_SIMILARITY_HEADER,
  CACHE_STATUS_HEADER,
  HTTP_CACHE_STATUS_HEADER,
  NAMESPACE_HINT_HEADER,
} from '../protocol/header-names';
import { parseHttpCacheStatus } from '../protocol/http-cache-status';

// The statuses are the protocol's (PROTOCOL §2); re-exported for the package's main entry.
export { CACHE_STATUSES, type CacheStatusValue } from '../protocol/cache-statuses';

/**
 * What the gateway said about how it served one response (PROTOCOL §2), read leniently from the
 * RFC 9211 Cache-Status header when it has a Cachecore member, else from the X-Cache header;
 * similarity, age and the namespace hint always come from the X-Cache-* headers.
 *
 * @example
 * ```ts
 * const { data, response } = await openai.chat.completions.create(body).withResponse();
 * const status = CacheStatus.fromHeaders(response.headers);
 * if (status.isHit) console.log(`served from cache (${status.status}, ${status.ageSeconds}s old)`);
 * ```
 */
export class CacheStatus {
  /** The cache outcome; `'UNKNOWN'` when X-Cache is missing or unrecognised. */
  readonly status: CacheStatusValue;
  /** Similarity in `[0, 1]` (X-Cache-Similarity), or `null` when absent or malformed. */
  readonly similarity: number | null;
  /** Seconds since the served entry was written (X-Cache-Age), or `null` when absent or malformed. */
  readonly ageSeconds: number | null;
  /** First 12 hex chars of the namespace hash, sent only by gateways with debug headers on. */
  readonly namespaceHint: string | null;
  /**
   * Seconds of freshness the served entry had left (the Cache-Status `ttl`; negative once stale),
   * or `null` when the gateway did not say.
   */
  readonly ttlSeconds: number | null;
  /**
   * Whether the request was collapsed into another identical request's upstream call (a
   * single-flight follower: the Cache-Status `collapsed` parameter). `false` when not said.
   */
  readonly collapsed: boolean;
  /** Whether the answer came from the cache (`HIT_L1`, `HIT_L1_STALE` or `HIT_L2`). */
  readonly isHit: boolean;

  constructor(fields: {
    status: CacheStatusValue;
    similarity: number | null;
    ageSeconds: number | null;
    namespaceHint: string | null;
    /** @default null */
    ttlSeconds?: number | null;
    /** @default false */
    collapsed?: boolean;
  }) {
    this.status = fields.status;
    this.similarity = fields.similarity;
    this.ageSeconds = fields.ageSeconds;
    this.namespaceHint = fields.namespaceHint;
    this.ttlSeconds = fields.ttlSeconds ?? null;
    this.collapsed = fields.collapsed ?? false;
    // An own property rather than a getter, so that spreading or comparing a status keeps it.
    this.isHit = isHitStatus(fields.status);
  }

  /**
   * Reads the cache status from response headers: a `Headers` instance, a plain object with any
   * key casing, an array of pairs or a `Response`. Never throws; anything unreadable becomes
   * `'UNKNOWN'` / `null`.
   */
  static fromHeaders(headers: unknown): CacheStatus {
    return parseCacheStatus(headers);
  }

  /**
   * Rebuilds a status from its JSON form (what `toJSON()` and `JSON.stringify` produce), e.g. a
   * status stored with a message and restored from a checkpoint, or made by another installed copy
   * of this package. Returns a `CacheStatus` as it is, and `undefined` for a value that is not
   * status-shaped. Never throws; unreadable fields become `'UNKNOWN'` / `null`.
   *
   * @example
   * ```ts
   * CacheStatus.fromJSON(JSON.parse(JSON.stringify(status)))?.isHit;
   * ```
   */
  static fromJSON(value: unknown): CacheStatus | undefined {
    if (value instanceof CacheStatus) return value;
    if (typeof value !== 'object' || value === null) return undefined;
    const fields = value as Record<string, unknown>;
    if (typeof fields.status !== 'string') return undefined;
    const numberField = (field: unknown) => (typeof field === 'number' ? String(field) : null);
    return new CacheStatus({
      status: parseCacheStatusValue(fields.status),
      similarity: parseSimilarity(numberField(fields.similarity)),
      ageSeconds: parseAgeSeconds(numberField(fields.ageSeconds)),
      namespaceHint: parseNamespaceHint(
        typeof fields.namespaceHint === 'string' ? fields.namespaceHint : null,
      ),
      ttlSeconds:
        typeof fields.ttlSeconds === 'number' && Number.isSafeInteger(fields.ttlSeconds)
          ? fields.ttlSeconds
          : null,
      collapsed: fields.collapsed === true,
    });
  }

  /** A plain-object copy (also what `JSON.stringify` produces), `isHit` included. */
  toJSON(): {
    status: CacheStatusValue;
    similarity: number | null;
    ageSeconds: number | null;
    namespaceHint: string | null;
    ttlSeconds: number | null;
    collapsed: boolean;
    isHit: boolean;
  } {
    return {
      status: this.status,
      similarity: this.similarity,
      ageSeconds: this.ageSeconds,
      namespaceHint: this.namespaceHint,
      ttlSeconds: this.ttlSeconds,
      collapsed: this.collapsed,
      isHit: this.isHit,
    };
  }
}

/**
 * Reads the cache status from response headers of any shape; same as {@link CacheStatus.fromHeaders}.
 * Never throws.
 *
 * @example
 * ```ts
 * const { similarity } = parseCacheStatus(response.headers); // e.g. 0.9731 on an L2 hit
 * ```
 */
export function parseCacheStatus(headers: unknown): CacheStatus {
  // PROTOCOL §2.1: the standard header wins when the gateway sent one; older gateways and the
  // hosted one send only X-Cache.
  const standard = parseHttpCacheStatus(readHeader(headers, HTTP_CACHE_STATUS_HEADER));
  return new CacheStatus({
    status:
      standard !== null && standard.status !== 'UNKNOWN'
        ? standard.status
        : parseCacheStatusValue(readHeader(headers, CACHE_STATUS_HEADER)),
    ttlSeconds: standard?.ttlSeconds ?? null,
    collapsed: standard?.collapsed ?? false,
    similarity: parseSimilarity(readHeader(headers, CACHE_SIMILARITY_HEADER)),
    ageSeconds: parseAgeSeconds(readHeader(headers, CACHE_AGE_HEADER)),
    namespaceHint: parseNamespaceHint(readHeader(headers, NAMESPACE_HINT_HEADER)),
  });
}
