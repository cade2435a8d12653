import { CachecoreError } from '../errors/cachecore-error';
import { encodeDepsHeaderValue } from '../protocol/deps-codec';
import { MAX_DEPS_PER_REQUEST } from '../protocol/deps-limits';
import { DEPS_HEADER } from '../protocol/header-names';
import { Dep } from './dep';

// The limits are the protocol's (PROTOCOL §1); re-exported for the package's main entry.
export { MAX_DEPS_HEADER_BYTES, MAX_DEPS_PER_REQUEST } from '../protocol/deps-limits';

/**
 * A dependency as plain data: the id and, optionally, the expected hash (default `'v1'`). Useful
 * where options must be JSON, such as the AI SDK's `providerOptions`.
 */
export type DepLike = {
  readonly id: string;
  readonly hash?: string;
};

/**
 * A dependency as accepted everywhere: a {@link Dep}, a bare id string (hash `'v1'`), or a
 * {@link DepLike} object `{ id, hash? }`.
 */
export type DepInput = Dep | string | DepLike;

/**
 * Turns dependency inputs into validated {@link Dep}s: strings become `new Dep(id)` (hash `'v1'`),
 * `Dep`s (also from another installed copy of this package) are kept. Throws a
 * {@link CachecoreError} with `code: 'invalid_deps'` that says what is wrong: not an array, an empty
 * id, an id over 256 UTF-8 bytes, more than 64 deps.
 *
 * @example
 * ```ts
 * normalizeDeps(['table:orders', new Dep('table:products', { hash: 'v7' })]);
 * // → [Dep { id: 'table:orders', hash: 'v1' }, Dep { id: 'table:products', hash: 'v7' }]
 * ```
 */
export function normalizeDeps(deps: ReadonlyArray<DepInput>): Dep[] {
  if (!Array.isArray(deps)) {
    throw new CachecoreError(
      `Invalid deps: expected an array of Dep or string, got ${deps === null ? 'null' : typeof deps}.`,
      { code: 'invalid_deps' },
    );
  }
  if (deps.length > MAX_DEPS_PER_REQUEST) {
    throw new CachecoreError(
      `Invalid deps: ${deps.length} dependencies given, at most ${MAX_DEPS_PER_REQUEST} are allowed per request.`,
      { code: 'invalid_deps' },
    );
  }
  return deps.map(toDep);
}

function toDep(input: unknown, index: number): Dep {
  if (input instanceof Dep) return input;
  if (typeof input === 'string') return new Dep(input);
  // A Dep created by another copy of @cachecore/core fails `instanceof` but has the same shape.
  if (input !== null && typeof input === 'object' && 'id' in input) {
    const { id, hash } = input as { id: unknown; hash?: unknown };
    return new Dep(id as string, { hash: hash === undefined ? undefined : (hash as string) });
  }
  throw new CachecoreError(
    `Invalid deps: entry ${index} must be a Dep, a string or an { id, hash } object, got ${input === null ? 'null' : typeof input}.`,
    { code: 'invalid_deps' },
  );
}

/**
 * Encodes dependencies as the X-Cachecore-Deps header value (PROTOCOL §1): the JSON array
 * `[{"dep_id", "expected_hash"}]` in base64url without `=` padding. Validates first (see
 * {@link normalizeDeps}) and rejects an encoded value over 8 KiB, so bad input fails before any
 * network call.
 *
 * @example
 * ```ts
 * encodeDepsHeader([new Dep('doc:contract-123')]);
 * // → 'W3siZGVwX2lkIjoiZG9jOmNvbnRyYWN0LTEyMyIsImV4cGVjdGVkX2hhc2giOiJ2MSJ9XQ'
 * ```
 */
export function encodeDepsHeader(deps: ReadonlyArray<DepInput>): string {
  const normalized = normalizeDeps(deps);
  const encoded = encodeDepsHeaderValue(
    normalized.map((dep) => ({ depId: dep.id, expectedHash: dep.hash })),
  );
  if (!encoded.ok) {
    // Every Dep is valid already, so the only problem left is the size of the whole header.
    throw new CachecoreError(
      `Invalid deps: the encoded ${DEPS_HEADER} header is too long: ${encoded.problem}. Use fewer or shorter dependency ids.`,
      { code: 'invalid_deps' },
    );
  }
  return encoded.value;
}
