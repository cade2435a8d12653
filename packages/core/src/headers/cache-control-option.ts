import { CachecoreError } from '../errors/cachecore-error';
import { formatCacheControl, validateCacheControl } from '../protocol/cache-control';

/**
 * The Cache-Control request value of a `cacheControl` option (PROTOCOL §1.5), validated: throws a
 * `CachecoreError` (`invalid_options`) naming the problem, before any request is made. `{}` gives
 * `''`, which overrides a scope's directives with none.
 */
export function encodeCacheControlOption(options: unknown): string {
  const problem = validateCacheControl(options);
  if (problem !== null) {
    throw new CachecoreError(`Invalid cacheControl option: ${problem}.`, {
      code: 'invalid_options',
    });
  }
  return formatCacheControl(options as Parameters<typeof formatCacheControl>[0]);
}
