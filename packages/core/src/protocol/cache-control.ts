// Per-request cache directives (PROTOCOL §1.5), sent as a standard Cache-Control request header:
// `no-store`, `no-cache`, `max-age=N` and the extension directive `cachecore-ttl=N`.
import { parseDeltaSeconds, splitNameValue, splitOutsideQuotes } from './header-lists';

/** The name of the extension directive that sets the TTL of the entry a request writes. */
export const CACHECORE_TTL_DIRECTIVE = 'cachecore-ttl';

/** Cache directives of one request (or of every request in a scope). */
export interface CacheControlOptions {
  /** Answer without writing the answer to the cache (`no-store`). @default false */
  noStore?: boolean;
  /** Skip the cache read and refresh the entry from upstream (`no-cache`). @default false */
  noCache?: boolean;
  /** Accept only an entry at most this many seconds old (`max-age=N`), a whole number ≥ 0. */
  maxAgeSeconds?: number;
  /**
   * Time to live, in seconds, of the entry this request writes (`cachecore-ttl=N`), a whole
   * number ≥ 1; the gateway keeps it within its own limits.
   */
  ttlSeconds?: number;
}

/** Cache directives as a gateway reads them from a request, by {@link parseCacheControl}. */
export interface ParsedCacheControl {
  noStore: boolean;
  noCache: boolean;
  /** `null` when absent or malformed. */
  maxAgeSeconds: number | null;
  /** `null` when absent or malformed. */
  ttlSeconds: number | null;
}

const optionNames: ReadonlySet<string> = new Set([
  'noStore',
  'noCache',
  'maxAgeSeconds',
  'ttlSeconds',
]);

/**
 * Checks cache directives given by a caller: an object with only the known keys, booleans for the
 * flags, whole numbers for the durations (`maxAgeSeconds` ≥ 0, `ttlSeconds` ≥ 1). Returns what is
 * wrong, or `null`. Never throws.
 *
 * @example
 * ```ts
 * validateCacheControl({ ttlSeconds: 1.5 }); // '"ttlSeconds" must be a whole number of seconds ≥ 1, got 1.5'
 * ```
 */
export function validateCacheControl(options: unknown): string | null {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return 'expected an object such as { noStore: true }';
  }
  for (const [key, value] of Object.entries(options)) {
    if (!optionNames.has(key)) {
      return `unknown option "${key}" (known: noStore, noCache, maxAgeSeconds, ttlSeconds)`;
    }
    if (value === undefined) continue;
    if ((key === 'noStore' || key === 'noCache') && typeof value !== 'boolean') {
      return `"${key}" must be true or false, got ${JSON.stringify(value) ?? typeof value}`;
    }
    const minimum = key === 'ttlSeconds' ? 1 : 0;
    if (
      (key === 'maxAgeSeconds' || key === 'ttlSeconds') &&
      !(typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum)
    ) {
      return `"${key}" must be a whole number of seconds ≥ ${minimum}, got ${JSON.stringify(value) ?? typeof value}`;
    }
  }
  return null;
}

/**
 * The Cache-Control request value of validated directives (see {@link validateCacheControl}), in a
 * fixed order; `''` when there is none.
 *
 * @example
 * ```ts
 * formatCacheControl({ noCache: true, ttlSeconds: 600 }); // 'no-cache, cachecore-ttl=600'
 * ```
 */
export function formatCacheControl(options: CacheControlOptions): string {
  const directives: string[] = [];
  if (options.noStore) directives.push('no-store');
  if (options.noCache) directives.push('no-cache');
  if (options.maxAgeSeconds !== undefined) directives.push(`max-age=${options.maxAgeSeconds}`);
  if (options.ttlSeconds !== undefined) {
    directives.push(`${CACHECORE_TTL_DIRECTIVE}=${options.ttlSeconds}`);
  }
  return directives.join(', ');
}

/**
 * Reads request cache directives leniently (RFC 9111 syntax): any casing and spacing, quoted
 * values, several headers joined by commas, unknown directives ignored. A malformed duration is
 * ignored (`null`); a repeated one counts with its smallest value, the most cautious. Never throws.
 *
 * @example
 * ```ts
 * parseCacheControl('No-Cache, max-age="60", cachecore-ttl=600, foo');
 * // { noStore: false, noCache: true, maxAgeSeconds: 60, ttlSeconds: 600 }
 * ```
 */
export function parseCacheControl(
  header: string | readonly string[] | null | undefined,
): ParsedCacheControl {
  const parsed: ParsedCacheControl = {
    noStore: false,
    noCache: false,
    maxAgeSeconds: null,
    ttlSeconds: null,
  };
  if (typeof header !== 'string' && !Array.isArray(header)) return parsed;
  const text = typeof header === 'string' ? header : header.join(',');
  for (const directive of splitOutsideQuotes(text, ',')) {
    const { name, value } = splitNameValue(directive);
    if (name === 'no-store') parsed.noStore = true;
    else if (name === 'no-cache') parsed.noCache = true;
    else if (name === 'max-age') parsed.maxAgeSeconds = smallest(parsed.maxAgeSeconds, value);
    else if (name === CACHECORE_TTL_DIRECTIVE) {
      const ttl = smallest(parsed.ttlSeconds, value);
      parsed.ttlSeconds = ttl === 0 ? parsed.ttlSeconds : ttl;
    }
  }
  return parsed;
}

function smallest(current: number | null, value: string | null): number | null {
  const seconds = parseDeltaSeconds(value);
  if (seconds === null) return current;
  return current === null ? seconds : Math.min(current, seconds);
}
