import { CachecoreError } from '../errors/cachecore-error';
import type { CacheControlOptions } from '../protocol/cache-control';
import {
  BYPASS_DIRECTIVE_HEADER,
  CACHE_CONTROL_HEADER,
  DEPS_HEADER,
} from '../protocol/header-names';
import { encodeCacheControlOption } from './cache-control-option';
import { type DepInput, encodeDepsHeader } from './encode-deps-header';

/** Per-request Cachecore options, for {@link cachecoreHeaders} and `cc.headers()`. */
export interface CachecoreHeadersOptions {
  /**
   * Dependencies of this one request. They replace the deps of any surrounding
   * `runWithCacheContext` scope; an empty list sends an empty deps header, so the request has no
   * deps even inside a scope that has some. Leave it out to follow the scope.
   */
  deps?: ReadonlyArray<DepInput>;
  /**
   * `true` makes this one request skip the cache; `false` forces a normal cached request even
   * inside a bypass scope; leave it out to follow the scope. Sent as the client-side directive
   * X-Cachecore-Bypass, which `cc.fetch` consumes and never puts on the wire.
   */
  bypass?: boolean;
  /**
   * Cache directives of this one request, sent as a standard Cache-Control request header:
   * `noStore` (answer, but do not write the answer), `noCache` (skip the read, refresh the entry),
   * `maxAgeSeconds` (accept only an entry at most that old), `ttlSeconds` (TTL of the entry this
   * request writes, within the gateway's limits). They replace a surrounding scope's directives;
   * `{}` sends none even inside a scope that has some. Leave it out to follow the scope.
   */
  cacheControl?: CacheControlOptions;
}

/**
 * The headers that carry Cachecore options for one request, for an SDK's per-request `headers`
 * option. Deps become X-Cachecore-Deps (validated and encoded; throws a `CachecoreError` with
 * `code: 'invalid_deps'` on bad input); `bypass` becomes the X-Cachecore-Bypass directive read by
 * `cc.fetch`; `cacheControl` becomes a Cache-Control header (`invalid_options` on bad input).
 * Headers set this way win over the surrounding scope.
 *
 * @example
 * ```ts
 * await openai.chat.completions.create(body, {
 *   headers: cachecoreHeaders({ deps: ['table:products'] }),
 * });
 * ```
 */
export function cachecoreHeaders(options: CachecoreHeadersOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.deps !== undefined && options.deps !== null) {
    // `[]` is sent too (as the encoded empty array): it is how a request says "no deps" over a scope.
    headers[DEPS_HEADER] = encodeDepsHeader(options.deps);
  }
  if (options.bypass !== undefined && options.bypass !== null) {
    if (typeof options.bypass !== 'boolean') {
      throw new CachecoreError(
        `Invalid bypass option: expected true or false, got ${typeof options.bypass}.`,
        { code: 'invalid_bypass' },
      );
    }
    headers[BYPASS_DIRECTIVE_HEADER] = options.bypass ? '1' : '0';
  }
  if (options.cacheControl !== undefined && options.cacheControl !== null) {
    // `{}` is sent too, as an empty value: cc.fetch drops it from the wire, but not before it has
    // stopped the scope's directives from applying to this request.
    headers[CACHE_CONTROL_HEADER] = encodeCacheControlOption(options.cacheControl);
  }
  return headers;
}

const bypassOnValues = new Set(['1', 'true', 'yes', 'on']);
const bypassOffValues = new Set(['0', 'false', 'no', 'off']);

/**
 * Reads the X-Cachecore-Bypass directive value: `'1'`/`'true'`/`'yes'`/`'on'` → `true`,
 * `'0'`/`'false'`/`'no'`/`'off'` → `false`, absent → `undefined`. Anything else throws a
 * `CachecoreError` (`invalid_bypass`): it is the caller's own input, so a typo should not silently
 * flip cache behaviour.
 */
export function parseBypassDirective(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  const normalized = value.trim().toLowerCase();
  if (bypassOnValues.has(normalized)) return true;
  if (bypassOffValues.has(normalized)) return false;
  throw new CachecoreError(
    `Invalid ${BYPASS_DIRECTIVE_HEADER} header "${value}": use "1" to bypass the cache or "0" not to.`,
    { code: 'invalid_bypass' },
  );
}
