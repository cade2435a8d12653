import { GatewayHttpError } from '../errors/gateway-http-error';
import type { DepTag } from '../store/store';

/** Limits shared with the client (PROTOCOL §1): more is refused rather than fanned out into the store. */
export const MAX_DEPS_HEADER_BYTES = 8 * 1024;
export const MAX_DEPS_PER_REQUEST = 64;
export const MAX_DEP_ID_BYTES = 256;

/**
 * Decodes an `X-Cachecore-Deps` header leniently: base64url or base64, padded or not, surrounding
 * whitespace and newlines ignored, any JSON spacing. Anything that still is not an array of
 * `{dep_id: non-empty string, expected_hash: string}` is a 400 naming the problem, and so is a
 * header over 8 KiB, more than 64 deps or an id over 256 UTF-8 bytes (the client's own limits:
 * each dep of a write becomes a store index entry, so the bound protects the store).
 */
export function decodeDepsHeader(header: string | string[] | undefined): DepTag[] {
  if (header === undefined) return [];
  const raw = (Array.isArray(header) ? header.join(',') : header).replace(/\s+/g, '');
  if (raw === '') return [];
  if (raw.length > MAX_DEPS_HEADER_BYTES) {
    throw depsError(`it is ${raw.length} bytes, the limit is ${MAX_DEPS_HEADER_BYTES} (8 KiB)`);
  }
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(raw)) {
    throw depsError('it is not base64url (characters outside the base64 alphabet)');
  }
  const normalized = raw.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const json = Buffer.from(normalized, 'base64url').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw depsError('it does not decode to JSON');
  }
  if (!Array.isArray(parsed)) throw depsError('it must decode to a JSON array');
  if (parsed.length > MAX_DEPS_PER_REQUEST) {
    throw depsError(`it holds ${parsed.length} deps, the limit is ${MAX_DEPS_PER_REQUEST}`);
  }
  return parsed.map((item, index) => {
    if (typeof item !== 'object' || item === null) {
      throw depsError(`item ${index} is not an object`);
    }
    const { dep_id: depId, expected_hash: expectedHash } = item as Record<string, unknown>;
    if (typeof depId !== 'string' || depId === '') {
      throw depsError(`item ${index} needs a non-empty string "dep_id"`);
    }
    if (Buffer.byteLength(depId) > MAX_DEP_ID_BYTES) {
      throw depsError(`item ${index} has a "dep_id" over ${MAX_DEP_ID_BYTES} bytes`);
    }
    if (typeof expectedHash !== 'string') {
      throw depsError(`item ${index} needs a string "expected_hash"`);
    }
    return { depId, expectedHash };
  });
}

function depsError(problem: string): GatewayHttpError {
  return new GatewayHttpError(400, `Malformed X-Cachecore-Deps header: ${problem}.`, {
    code: 'invalid_deps_header',
  });
}
