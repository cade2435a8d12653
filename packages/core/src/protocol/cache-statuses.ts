// The cache outcomes of PROTOCOL §2 and which of them are hits: the one list both sides use.

/** The `X-Cache` values a gateway answers, in the order of the pipeline's tiers. */
export const WIRE_CACHE_STATUSES = ['HIT_L1', 'HIT_L1_STALE', 'HIT_L2', 'MISS', 'BYPASS'] as const;

/** A status a gateway sends: `'HIT_L1' | 'HIT_L1_STALE' | 'HIT_L2' | 'MISS' | 'BYPASS'`. */
export type WireCacheStatus = (typeof WIRE_CACHE_STATUSES)[number];

/**
 * What a client reports when `X-Cache` is missing or unrecognised (a plain OpenAI endpoint, an
 * older gateway). Never sent on the wire.
 */
export const UNKNOWN_CACHE_STATUS = 'UNKNOWN';

/** Every cache status a client can report: the wire statuses and `UNKNOWN`. */
export const CACHE_STATUSES = [...WIRE_CACHE_STATUSES, UNKNOWN_CACHE_STATUS] as const;

/** A cache status as a client reports it: a {@link WireCacheStatus} or `'UNKNOWN'`. */
export type CacheStatusValue = (typeof CACHE_STATUSES)[number];

/** The statuses that mean "served from the cache". */
export const HIT_CACHE_STATUSES: ReadonlySet<string> = new Set<WireCacheStatus>([
  'HIT_L1',
  'HIT_L1_STALE',
  'HIT_L2',
]);

/**
 * Whether a status means the answer came from the cache (`HIT_L1`, `HIT_L1_STALE`, `HIT_L2`).
 *
 * @example
 * ```ts
 * isHitStatus('HIT_L1_STALE'); // true
 * isHitStatus('BYPASS'); // false
 * ```
 */
export function isHitStatus(status: string): boolean {
  return HIT_CACHE_STATUSES.has(status);
}

/** Which tier answered: the exact cache, the semantic cache, or the upstream API. */
export type CacheTier = 'l1' | 'l2' | 'upstream';

const tierByStatus: Readonly<Record<WireCacheStatus, CacheTier>> = {
  HIT_L1: 'l1',
  HIT_L1_STALE: 'l1',
  HIT_L2: 'l2',
  MISS: 'upstream',
  BYPASS: 'upstream',
};

/**
 * The tier behind a status, or `undefined` for anything that is not a wire status.
 *
 * @example
 * ```ts
 * cacheTierOf('HIT_L1_STALE'); // 'l1'
 * ```
 */
export function cacheTierOf(status: string): CacheTier | undefined {
  return Object.hasOwn(tierByStatus, status) ? tierByStatus[status as WireCacheStatus] : undefined;
}

const wireStatuses: ReadonlySet<string> = new Set(WIRE_CACHE_STATUSES);

/** Whether a string is exactly one of the {@link WIRE_CACHE_STATUSES}. */
export function isWireCacheStatus(value: string): value is WireCacheStatus {
  return wireStatuses.has(value);
}
