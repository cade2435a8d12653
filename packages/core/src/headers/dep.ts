import { CachecoreError } from '../errors/cachecore-error';

/** Longest dependency id the client accepts, in UTF-8 bytes. */
export const MAX_DEP_ID_BYTES = 256;

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
 * bytes or a non-string hash.
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
    const hash = options.hash ?? 'v1';
    assertValidDepId(id);
    if (typeof hash !== 'string') {
      throw new CachecoreError(
        `Invalid dependency "${id}": hash must be a string, got ${typeof hash}.`,
        { code: 'invalid_deps' },
      );
    }
    this.id = id;
    this.hash = hash;
  }

  /** The wire form used inside the `X-Cachecore-Deps` header. */
  toJSON(): { dep_id: string; expected_hash: string } {
    return { dep_id: this.id, expected_hash: this.hash };
  }
}

const utf8 = new TextEncoder();

/** Throws a `CachecoreError` (`invalid_deps`) unless `id` is a non-empty string of ≤ 256 UTF-8 bytes. */
export function assertValidDepId(id: unknown): asserts id is string {
  if (typeof id !== 'string') {
    throw new CachecoreError(`Invalid dependency id: expected a string, got ${describe(id)}.`, {
      code: 'invalid_deps',
    });
  }
  if (id.trim() === '') {
    throw new CachecoreError('Invalid dependency id: it is empty.', { code: 'invalid_deps' });
  }
  const bytes = utf8.encode(id).byteLength;
  if (bytes > MAX_DEP_ID_BYTES) {
    throw new CachecoreError(
      `Invalid dependency id "${id.slice(0, 40)}…": it is ${bytes} UTF-8 bytes long, the limit is ${MAX_DEP_ID_BYTES}.`,
      { code: 'invalid_deps' },
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
