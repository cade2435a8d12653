import { decodeBase64Url, encodeBase64Url } from './base64url';
import { MAX_DEPS_HEADER_BYTES } from './deps-limits';
import { describeValue, validateDeps, type WireDep } from './validate-dep';

/** The outcome of {@link encodeDepsHeaderValue}. */
export type EncodeDepsResult = { ok: true; value: string } | { ok: false; problem: string };

/** The outcome of {@link decodeDepsHeaderValue}. */
export type DecodeDepsResult = { ok: true; deps: WireDep[] } | { ok: false; problem: string };

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes dependency tags as the `X-Cachecore-Deps` value (PROTOCOL §1): the JSON array
 * `[{"dep_id","expected_hash"}]` in base64url without `=` padding. Checks every limit first (64
 * deps, ids and hashes of at most 256 UTF-8 bytes, no reserved id, at most 8 KiB encoded) and
 * returns the problem instead of a value when one is broken. Never throws.
 *
 * @example
 * ```ts
 * encodeDepsHeaderValue([{ depId: 'doc:contract-123', expectedHash: 'v1' }]);
 * // { ok: true, value: 'W3siZGVwX2lkIjoiZG9jOmNvbnRyYWN0LTEyMyIsImV4cGVjdGVkX2hhc2giOiJ2MSJ9XQ' }
 * ```
 */
export function encodeDepsHeaderValue(deps: readonly WireDep[]): EncodeDepsResult {
  const problem = validateDeps(deps);
  if (problem) return { ok: false, problem };
  const json = JSON.stringify(
    deps.map((dep) => ({ dep_id: dep.depId, expected_hash: dep.expectedHash })),
  );
  const value = encodeBase64Url(utf8Encoder.encode(json));
  if (value.length > MAX_DEPS_HEADER_BYTES) {
    return {
      ok: false,
      problem: `it would be ${value.length} bytes, the limit is ${MAX_DEPS_HEADER_BYTES} (8 KiB)`,
    };
  }
  return { ok: true, value };
}

/**
 * Decodes an `X-Cachecore-Deps` value leniently (PROTOCOL §1): base64url or plain base64, padded
 * or not, whitespace and newlines anywhere ignored, any JSON spacing. An absent or empty header is
 * no deps. What still is not an array of `{dep_id, expected_hash}` within the limits (64 deps,
 * ids and hashes of at most 256 UTF-8 bytes, no reserved id, at most 8 KiB) comes back as
 * `{ ok: false, problem }`, the problem phrased to follow "the header is malformed:". Never throws.
 *
 * @example
 * ```ts
 * decodeDepsHeaderValue('W3siZGVwX2lkIjoiZG9jOjEiLCJleHBlY3RlZF9oYXNoIjoidjEifV0=\n');
 * // { ok: true, deps: [{ depId: 'doc:1', expectedHash: 'v1' }] }
 * ```
 */
export function decodeDepsHeaderValue(
  header: string | readonly string[] | null | undefined,
): DecodeDepsResult {
  if (header === undefined || header === null) return { ok: true, deps: [] };
  // A repeated header arrives as a list; joined, the comma makes it fail as "not base64" rather
  // than silently keeping one of the values.
  if (typeof header !== 'string' && !Array.isArray(header)) {
    return fail(`it is ${describeValue(header)}, not a string`);
  }
  const raw = (typeof header === 'string' ? header : header.join(',')).replace(/\s+/g, '');
  if (raw === '') return { ok: true, deps: [] };
  if (raw.length > MAX_DEPS_HEADER_BYTES) {
    return fail(`it is ${raw.length} bytes, the limit is ${MAX_DEPS_HEADER_BYTES} (8 KiB)`);
  }
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(raw)) {
    return fail('it is not base64url (characters outside the base64 alphabet)');
  }
  const bytes = decodeBase64Url(raw.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  if (bytes === null) return fail('it is not base64url (its length is impossible)');
  let json: string;
  try {
    json = utf8Decoder.decode(bytes);
  } catch {
    return fail('it does not decode to UTF-8 text');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return fail('it does not decode to JSON');
  }
  if (!Array.isArray(parsed)) return fail('it must decode to a JSON array');
  const deps: WireDep[] = [];
  for (let index = 0; index < parsed.length; index++) {
    const item: unknown = parsed[index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return fail(`item ${index} is ${describeValue(item)}, not an object`);
    }
    const { dep_id: depId, expected_hash: expectedHash } = item as Record<string, unknown>;
    deps.push({ depId: depId as string, expectedHash: expectedHash as string });
  }
  // The shapes are checked here, after the loop, so that one rule phrases every problem alike.
  const problem = validateDeps(deps);
  return problem ? fail(problem) : { ok: true, deps };
}

function fail(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}
