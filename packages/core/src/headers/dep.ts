import { CachecoreError } from '../errors/cachecore-error';
import { DEFAULT_DEP_HASH } from '../protocol/deps-limits';
import { validateDepHash, validateDepId } from '../protocol/validate-dep';

/** Longest dependency id the client accepts, in UTF-8 bytes (PROTOCOL §1). */
export { MAX_DEP_ID_BYTES } from '../protocol/deps-limits';

/** Options for {@link Dep}. */
export interface DepOptions {
  /**
   * The hash the cached entry expects this dependency to have. Bump it (or call
   * `cc.invalidate(id, { newHash })`) when the underlying data changes.
   * @default 'v1'
   */
  hash?: string;
}

/**
 * A dependency tag for cached answers: an id naming the data an answer was built from (a table, a
 * document, …) and the hash that data is expected to have. An entry is served only while every
 * dependency's current hash on the gateway equals the expected one.
 *
 * Throws a {@link CachecoreError} with `code: 'invalid_deps'` for an empty id, an id over 256 UTF-8
 * bytes, the reserved id `cc:policy-version`, or a hash that is not a string of at most 256 bytes.
 *
 * @example
 * ```ts
 * new Dep('table:products');                 // hash 'v1'
 * new Dep('doc:contract-123', { hash: 'abc' });
 * ```
 */
export class Dep {
  /** The dependency id, e.g. `'table:products'`. */
  readonly id: string;
  /** The expected hash of the dependency. */
  readonly hash: string;

  constructor(id: string, options: DepOptions = {}) {
    const hash = options.hash ?? DEFAULT_DEP_HASH;
    assertValidDepId(id);
    const hashProblem = validateDepHash(hash);
    if (hashProblem !== null) {
      throw new CachecoreError(`Invalid hash of dependency "${id}": ${hashProblem}.`, {
        code: 'invalid_deps',
      });
    }
    this.id = id;
    this.hash = hash;
  }

  /** The wire form used inside the X-Cachecore-Deps header. */
  toJSON(): { dep_id: string; expected_hash: string } {
    return { dep_id: this.id, expected_hash: this.hash };
  }
}

/**
 * Throws a `CachecoreError` (`invalid_deps`) unless `id` is a valid dependency id (PROTOCOL §1): a
 * string, not blank, at most 256 UTF-8 bytes, not the reserved `cc:policy-version`.
 */
export function assertValidDepId(id: unknown): asserts id is string {
  const problem = validateDepId(id);
  if (problem === null) return;
  const shown = typeof id === 'string' ? ` "${id.length > 40 ? `${id.slice(0, 40)}…` : id}"` : '';
  throw new CachecoreError(`Invalid dependency id${shown}: ${problem}.`, { code: 'invalid_deps' });
}
