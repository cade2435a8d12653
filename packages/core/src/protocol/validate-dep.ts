import {
  isReservedDepId,
  MAX_DEP_HASH_BYTES,
  MAX_DEP_ID_BYTES,
  MAX_DEPS_PER_REQUEST,
  POLICY_VERSION_DEP_ID,
} from './deps-limits';

const utf8 = new TextEncoder();

/** Length of a string in UTF-8 bytes, the unit of every protocol limit. */
export function utf8ByteLength(text: string): number {
  return utf8.encode(text).byteLength;
}

/**
 * Checks a dependency id against PROTOCOL §1: a string, not empty or only whitespace, at most
 * 256 UTF-8 bytes, not the reserved `cc:policy-version`. Returns what is wrong, as a clause to put
 * after the id ("it is empty"), or `null` when the id is valid. Never throws.
 *
 * @example
 * ```ts
 * validateDepId('table:orders'); // null
 * validateDepId('   '); // 'it is empty (or only whitespace)'
 * ```
 */
export function validateDepId(depId: unknown): string | null {
  if (depId === undefined) return 'it is missing';
  if (typeof depId !== 'string') return `it is ${describeValue(depId)}, not a string`;
  if (depId.trim() === '') return 'it is empty (or only whitespace)';
  const bytes = utf8ByteLength(depId);
  if (bytes > MAX_DEP_ID_BYTES) {
    return `it is over ${MAX_DEP_ID_BYTES} bytes long (${bytes} UTF-8 bytes)`;
  }
  if (isReservedDepId(depId)) {
    return `"${POLICY_VERSION_DEP_ID}" is reserved: the tenant token's policy_version sets it`;
  }
  return null;
}

/**
 * Checks a dependency hash: a string of at most 256 UTF-8 bytes. Returns what is wrong, or `null`.
 * Never throws.
 *
 * @example
 * ```ts
 * validateDepHash('v2'); // null
 * validateDepHash(2); // 'it is a number, not a string'
 * ```
 */
export function validateDepHash(hash: unknown): string | null {
  if (hash === undefined) return 'it is missing';
  if (typeof hash !== 'string') return `it is ${describeValue(hash)}, not a string`;
  const bytes = utf8ByteLength(hash);
  if (bytes > MAX_DEP_HASH_BYTES) {
    return `it is over ${MAX_DEP_HASH_BYTES} bytes long (${bytes} UTF-8 bytes)`;
  }
  return null;
}

/** A dependency tag as it travels: the id and the hash the cached entry expects it to have. */
export interface WireDep {
  readonly depId: string;
  readonly expectedHash: string;
}

/**
 * Checks a list of dependency tags: at most 64, each id and hash valid. Returns the first problem
 * found, naming the entry, or `null`. Never throws.
 *
 * @example
 * ```ts
 * validateDeps([{ depId: '', expectedHash: 'v1' }]);
 * // 'item 0 has an invalid "dep_id": it is empty (or only whitespace)'
 * ```
 */
export function validateDeps(deps: readonly WireDep[]): string | null {
  if (deps.length > MAX_DEPS_PER_REQUEST) {
    return `it holds ${deps.length} deps, the limit is ${MAX_DEPS_PER_REQUEST}`;
  }
  for (let index = 0; index < deps.length; index++) {
    const dep = deps[index]!;
    const idProblem = validateDepId(dep.depId);
    if (idProblem) return `item ${index} has an invalid "dep_id": ${idProblem}`;
    const hashProblem = validateDepHash(dep.expectedHash);
    if (hashProblem) return `item ${index} has an invalid "expected_hash": ${hashProblem}`;
  }
  return null;
}

/** A short description of a value's type, for problem messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
