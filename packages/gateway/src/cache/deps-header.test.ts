// Round trips between the two sides of PROTOCOL §1: what @cachecore/core encodes, the gateway
// decodes to the same deps, and what one side refuses the other refuses too.
import { CachecoreError, Dep, encodeDepsHeader } from '@cachecore/core';
import {
  MAX_DEP_HASH_BYTES,
  MAX_DEP_ID_BYTES,
  MAX_DEPS_HEADER_BYTES,
  MAX_DEPS_PER_REQUEST,
  POLICY_VERSION_DEP_ID,
} from '@cachecore/core/protocol';
import { describe, expect, it } from 'vitest';
import { GatewayHttpError } from '../errors/gateway-http-error';
import { decodeDepsHeader } from './deps-header';

/** A header made by hand, as a client without the limits (or another language's) would send it. */
function handMade(deps: Array<{ dep_id: unknown; expected_hash?: unknown }>): string {
  return Buffer.from(JSON.stringify(deps)).toString('base64url');
}

function gatewayRefusal(header: string): GatewayHttpError {
  try {
    decodeDepsHeader(header);
  } catch (error) {
    if (error instanceof GatewayHttpError) return error;
    throw error;
  }
  throw new Error('expected the gateway to refuse the header');
}

function clientRefusal(run: () => unknown): CachecoreError {
  try {
    run();
  } catch (error) {
    if (CachecoreError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the client to refuse the deps');
}

describe('deps header round trip (core encodes, gateway decodes)', () => {
  it('gives back the same deps, non-ASCII ids and hashes included', () => {
    const header = encodeDepsHeader([
      new Dep('doc:contract-123'),
      new Dep('doc:ü?>~ 東京', { hash: 'h/+=' }),
      'table:orders',
      { id: 'row:7', hash: 'v9' },
    ]);
    expect(decodeDepsHeader(header)).toEqual([
      { depId: 'doc:contract-123', expectedHash: 'v1' },
      { depId: 'doc:ü?>~ 東京', expectedHash: 'h/+=' },
      { depId: 'table:orders', expectedHash: 'v1' },
      { depId: 'row:7', expectedHash: 'v9' },
    ]);
  });

  it('carries the largest deps both sides accept: 64 deps, 256-byte ids and hashes', () => {
    const maxId = (index: number) => `${String(index).padStart(2, '0')}${'é'.repeat(127)}`;
    const widest = [new Dep(maxId(0), { hash: 'h'.repeat(MAX_DEP_HASH_BYTES) })];
    expect(Buffer.byteLength(widest[0]!.id)).toBe(MAX_DEP_ID_BYTES);
    expect(decodeDepsHeader(encodeDepsHeader(widest))).toEqual([
      { depId: maxId(0), expectedHash: 'h'.repeat(MAX_DEP_HASH_BYTES) },
    ]);
    const most = Array.from({ length: MAX_DEPS_PER_REQUEST }, (_, index) => `t:${index}`);
    expect(decodeDepsHeader(encodeDepsHeader(most))).toHaveLength(MAX_DEPS_PER_REQUEST);
  });

  it('reads the lenient forms of a client-encoded header as the same deps', () => {
    const header = encodeDepsHeader(['doc:a', new Dep('doc:b', { hash: 'v2' })]);
    const expected = decodeDepsHeader(header);
    const base64 = Buffer.from(header, 'base64url').toString('base64');
    const spaced = Buffer.from(
      JSON.stringify(JSON.parse(Buffer.from(header, 'base64url').toString()), null, 2),
    ).toString('base64url');
    for (const form of [base64, `${base64}\n`, base64.replace(/(.{8})/g, '$1\r\n'), spaced]) {
      expect(decodeDepsHeader(form)).toEqual(expected);
    }
  });

  it.each([
    [
      'a whitespace-only id',
      [{ dep_id: '   ', expected_hash: 'v1' }],
      () => new Dep('   '),
      /empty/,
    ],
    [
      `an id over ${MAX_DEP_ID_BYTES} bytes`,
      [{ dep_id: 'x'.repeat(MAX_DEP_ID_BYTES + 1), expected_hash: 'v1' }],
      () => new Dep('x'.repeat(MAX_DEP_ID_BYTES + 1)),
      /over 256 bytes/,
    ],
    [
      `a hash over ${MAX_DEP_HASH_BYTES} bytes`,
      [{ dep_id: 'doc:a', expected_hash: 'h'.repeat(MAX_DEP_HASH_BYTES + 1) }],
      () => new Dep('doc:a', { hash: 'h'.repeat(MAX_DEP_HASH_BYTES + 1) }),
      /over 256 bytes/,
    ],
    [
      'the reserved policy-version dep',
      [{ dep_id: POLICY_VERSION_DEP_ID, expected_hash: '2' }],
      () => new Dep(POLICY_VERSION_DEP_ID, { hash: '2' }),
      /cc:policy-version" is reserved/,
    ],
    [
      `more than ${MAX_DEPS_PER_REQUEST} deps`,
      Array.from({ length: MAX_DEPS_PER_REQUEST + 1 }, (_, index) => ({
        dep_id: `d${index}`,
        expected_hash: 'v1',
      })),
      () => encodeDepsHeader(Array.from({ length: MAX_DEPS_PER_REQUEST + 1 }, (_, i) => `d${i}`)),
      /65/,
    ],
    [
      `a header over ${MAX_DEPS_HEADER_BYTES} bytes`,
      Array.from({ length: 40 }, (_, index) => ({
        dep_id: `${'y'.repeat(200)}${index}`,
        expected_hash: 'v1',
      })),
      () =>
        encodeDepsHeader(Array.from({ length: 40 }, (_, index) => `${'y'.repeat(200)}${index}`)),
      /the limit is 8192/,
    ],
  ])('is refused on both sides for %s', (_label, wire, encodeOnClient, problem) => {
    const client = clientRefusal(encodeOnClient);
    expect(client.code).toBe('invalid_deps');
    expect(client.message).toMatch(problem);
    const gateway = gatewayRefusal(handMade(wire));
    expect(gateway.status).toBe(400);
    expect(gateway.message).toMatch(problem);
    expect(gateway.message).toMatch(/^Malformed X-Cachecore-Deps header: /);
  });
});
