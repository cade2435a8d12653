// The X-Cache response headers (PROTOCOL §2): how a gateway writes them and the lenient readers a
// client builds its CacheStatus from.
import {
  CACHE_STATUSES,
  type CacheStatusValue,
  UNKNOWN_CACHE_STATUS,
  type WireCacheStatus,
} from './cache-statuses';
import {
  CACHE_AGE_HEADER_LOWER,
  CACHE_SIMILARITY_HEADER_LOWER,
  CACHE_STATUS_HEADER_LOWER,
} from './header-names';

/** What a gateway says about one answer, for {@link formatCacheHeaders}. */
export interface CacheHeaderFields {
  status: WireCacheStatus;
  /** Similarity of the served entry in `[0, 1]`: cosine on `HIT_L2`, `1` on L1 hits, `0` otherwise. */
  similarity: number;
  /** Seconds since the served entry was written; `0` on `MISS` and `BYPASS`. */
  ageSeconds: number;
}

/**
 * Formats a similarity with four decimals (PROTOCOL §2), truncated rather than rounded so that only
 * an identical entry reads `1.0000`: a semantic hit of 0.99996 reads `0.9999`. Clamped to `[0, 1]`;
 * anything not a number reads `0.0000`.
 *
 * @example
 * ```ts
 * formatSimilarity(0.97312); // '0.9731'
 * formatSimilarity(1); // '1.0000'
 * ```
 */
export function formatSimilarity(similarity: number): string {
  if (!Number.isFinite(similarity) || similarity <= 0) return '0.0000';
  if (similarity >= 1) return '1.0000';
  // The epsilon keeps 0.9731 (stored as 0.97309999…) from truncating to 0.9730.
  return (Math.floor(similarity * 10_000 + 1e-6) / 10_000).toFixed(4);
}

/** Formats an age as whole seconds, never negative (PROTOCOL §2). */
export function formatAgeSeconds(ageSeconds: number): string {
  return String(Number.isFinite(ageSeconds) ? Math.max(0, Math.floor(ageSeconds)) : 0);
}

/**
 * The `X-Cache`, `X-Cache-Similarity` and `X-Cache-Age` headers of one answer, lower-case names as
 * Node's `writeHead` takes them.
 *
 * @example
 * ```ts
 * formatCacheHeaders({ status: 'HIT_L2', similarity: 0.9731, ageSeconds: 41.7 });
 * // { 'x-cache': 'HIT_L2', 'x-cache-similarity': '0.9731', 'x-cache-age': '41' }
 * ```
 */
export function formatCacheHeaders(fields: CacheHeaderFields): Record<string, string> {
  return {
    [CACHE_STATUS_HEADER_LOWER]: fields.status,
    [CACHE_SIMILARITY_HEADER_LOWER]: formatSimilarity(fields.similarity),
    [CACHE_AGE_HEADER_LOWER]: formatAgeSeconds(fields.ageSeconds),
  };
}

const knownStatuses: ReadonlySet<string> = new Set(CACHE_STATUSES);

/** The first of comma-joined header values: a repeated header arrives joined, the gateway's own first. */
function firstValue(value: string): string {
  return value.split(',')[0]!.trim();
}

/**
 * Reads an `X-Cache` value leniently: any casing, surrounding whitespace, the first of repeated
 * values. Missing or unrecognised is `'UNKNOWN'`. Never throws.
 */
export function parseCacheStatusValue(value: string | null | undefined): CacheStatusValue {
  if (typeof value !== 'string') return UNKNOWN_CACHE_STATUS;
  const first = firstValue(value).toUpperCase();
  return knownStatuses.has(first) ? (first as CacheStatusValue) : UNKNOWN_CACHE_STATUS;
}

function parseFiniteNumber(value: string | null | undefined): number | null {
  if (typeof value !== 'string') return null;
  const trimmed = firstValue(value);
  if (trimmed === '') return null;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : null;
}

/** Reads an `X-Cache-Similarity` value: a number in `[0, 1]`, else `null`. Never throws. */
export function parseSimilarity(value: string | null | undefined): number | null {
  const number = parseFiniteNumber(value);
  return number !== null && number >= 0 && number <= 1 ? number : null;
}

/** Reads an `X-Cache-Age` value: whole seconds (fractions dropped), not negative, else `null`. Never throws. */
export function parseAgeSeconds(value: string | null | undefined): number | null {
  const number = parseFiniteNumber(value);
  return number !== null && number >= 0 ? Math.floor(number) : null;
}

/** Reads an `X-CacheCore-Namespace-Hint` value: trimmed, `null` when absent or blank. Never throws. */
export function parseNamespaceHint(value: string | null | undefined): string | null {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed ? trimmed : null;
}
