// The RFC 9211 Cache-Status response header (PROTOCOL §2.1): the gateway's member of the list, and
// a lenient reader of it that a client prefers over X-Cache when it is there.
import {
  type CacheStatusValue,
  UNKNOWN_CACHE_STATUS,
  type WireCacheStatus,
} from './cache-statuses';
import { splitNameValue, splitOutsideQuotes, unquote } from './header-lists';

/** The cache name of the gateway's member of a Cache-Status list. */
export const CACHE_STATUS_CACHE_NAME = 'Cachecore';

/**
 * Why a gateway went upstream, as the RFC 9211 `fwd` parameter: `miss` (nothing usable cached),
 * `bypass` (no tenant token), `request` (a request directive such as `no-cache` asked it to),
 * `stale` (the entry was too old for the request's `max-age`).
 */
export type CacheForwardReason = 'miss' | 'bypass' | 'request' | 'stale';

/** What {@link formatHttpCacheStatus} writes. */
export interface HttpCacheStatusFields {
  status: WireCacheStatus;
  /**
   * Seconds of freshness left of the served (or stored) entry; negative once stale. Left out when
   * `undefined` or not finite.
   */
  ttlSeconds?: number;
  /** A single-flight follower: its answer came from another request's upstream call. */
  collapsed?: boolean;
  /** The answer was written to the cache (RFC 9211 `stored`). */
  stored?: boolean;
  /**
   * Why the request went upstream, for `MISS` and `BYPASS`.
   * @default 'miss' for MISS, 'bypass' for BYPASS
   */
  forwardReason?: CacheForwardReason;
}

const detailByHit: Partial<Record<WireCacheStatus, string>> = {
  HIT_L1: 'l1',
  HIT_L1_STALE: 'l1-stale',
  HIT_L2: 'l2',
};

/**
 * The gateway's Cache-Status value (RFC 9211): `hit` with `detail=l1`, `l1-stale` or `l2` for the
 * hits, `fwd=<reason>` otherwise; `ttl` in whole seconds when known, `collapsed` for a single-flight
 * follower, `stored` when the answer was written.
 *
 * @example
 * ```ts
 * formatHttpCacheStatus({ status: 'HIT_L1', ttlSeconds: 2940 }); // 'Cachecore; hit; ttl=2940; detail=l1'
 * formatHttpCacheStatus({ status: 'MISS', collapsed: true }); // 'Cachecore; fwd=miss; collapsed'
 * formatHttpCacheStatus({ status: 'BYPASS' }); // 'Cachecore; fwd=bypass'
 * ```
 */
export function formatHttpCacheStatus(fields: HttpCacheStatusFields): string {
  // Built as one string: this runs for every answer, hits included.
  const detail = detailByHit[fields.status];
  let value = CACHE_STATUS_CACHE_NAME;
  if (detail !== undefined) {
    value += '; hit';
  } else {
    value += `; fwd=${fields.forwardReason ?? (fields.status === 'BYPASS' ? 'bypass' : 'miss')}`;
  }
  if (fields.ttlSeconds !== undefined && Number.isFinite(fields.ttlSeconds)) {
    value += `; ttl=${Math.trunc(fields.ttlSeconds)}`;
  }
  if (fields.stored) value += '; stored';
  if (fields.collapsed) value += '; collapsed';
  if (detail !== undefined) value += `; detail=${detail}`;
  return value;
}

/** The gateway's member of a Cache-Status header, as read by {@link parseHttpCacheStatus}. */
export interface ParsedHttpCacheStatus {
  /** The outcome it stands for; `'UNKNOWN'` when it says neither `hit` nor `fwd`. */
  status: CacheStatusValue;
  /** The `ttl` parameter: seconds of freshness left (negative when stale), or `null`. */
  ttlSeconds: number | null;
  /** Whether the request was collapsed into another one's upstream call (single-flight follower). */
  collapsed: boolean;
  /** Whether the answer was stored. */
  stored: boolean;
  /** The `fwd` parameter, or `null` on a hit. */
  forwardReason: string | null;
  /** The `detail` parameter, or `null`. */
  detail: string | null;
}

/**
 * Reads the gateway's member of a Cache-Status header leniently: the last member named
 * `Cachecore` (any casing, quoted or not; the last is the one nearest the client), parameters in
 * any order, booleans bare or as `?1`/`?0`. Returns `null` when there is no such member, so the
 * caller can fall back to X-Cache. Never throws.
 *
 * @example
 * ```ts
 * parseHttpCacheStatus('CDN; fwd=uri-miss, Cachecore; hit; ttl=2940; detail=l1');
 * // { status: 'HIT_L1', ttlSeconds: 2940, collapsed: false, stored: false, forwardReason: null, detail: 'l1' }
 * ```
 */
export function parseHttpCacheStatus(
  value: string | null | undefined,
): ParsedHttpCacheStatus | null {
  if (typeof value !== 'string') return null;
  const wanted = CACHE_STATUS_CACHE_NAME.toLowerCase();
  const members = splitOutsideQuotes(value, ',')
    .map((member) => splitOutsideQuotes(member, ';'))
    .filter((parts) => parts.length > 0 && unquote(parts[0]!).toLowerCase() === wanted);
  const member = members[members.length - 1];
  if (member === undefined) return null;
  const parameters = new Map<string, string | null>();
  for (const part of member.slice(1)) {
    const { name, value: parameterValue } = splitNameValue(part);
    if (name !== '' && !parameters.has(name)) parameters.set(name, parameterValue);
  }
  const flag = (name: string) => {
    if (!parameters.has(name)) return false;
    const raw = parameters.get(name);
    return raw === null || raw === '?1';
  };
  const ttlText = parameters.get('ttl') ?? null;
  const ttl = ttlText !== null && /^-?\d{1,15}$/.test(ttlText) ? Number(ttlText) : null;
  const detail = parameters.get('detail')?.toLowerCase() ?? null;
  const forwardReason = parameters.get('fwd')?.toLowerCase() ?? null;
  return {
    status: statusOf(flag('hit'), detail, ttl, forwardReason),
    ttlSeconds: ttl,
    collapsed: flag('collapsed'),
    stored: flag('stored'),
    forwardReason: flag('hit') ? null : forwardReason,
    detail,
  };
}

function statusOf(
  hit: boolean,
  detail: string | null,
  ttl: number | null,
  forwardReason: string | null,
): CacheStatusValue {
  if (hit) {
    if (detail === 'l2') return 'HIT_L2';
    if (detail === 'l1-stale' || (ttl !== null && ttl < 0)) return 'HIT_L1_STALE';
    return 'HIT_L1';
  }
  if (forwardReason === 'bypass') return 'BYPASS';
  if (forwardReason !== null) return 'MISS';
  return UNKNOWN_CACHE_STATUS;
}
