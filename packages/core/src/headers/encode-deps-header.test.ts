import { describe, expect, it } from 'vitest';
import { CachecoreError } from '../errors/cachecore-error';
import { cachecoreHeaders } from './cachecore-headers';
import { Dep } from './dep';
import { encodeDepsHeader, normalizeDeps } from './encode-deps-header';

const protocolTestVector = 'W3siZGVwX2lkIjoiZG9jOmNvbnRyYWN0LTEyMyIsImV4cGVjdGVkX2hhc2giOiJ2MSJ9XQ';

function decode(header: string): unknown {
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
}

function captureError(run: () => unknown): CachecoreError {
  try {
    run();
  } catch (error) {
    if (CachecoreError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a CachecoreError');
}

describe('encodeDepsHeader', () => {
  it('encodes the PROTOCOL §1 test vector exactly, from a Dep or a bare string', () => {
    expect(encodeDepsHeader([new Dep('doc:contract-123')])).toBe(protocolTestVector);
    expect(encodeDepsHeader(['doc:contract-123'])).toBe(protocolTestVector);
    expect(encodeDepsHeader([new Dep('doc:contract-123', { hash: 'v1' })])).toBe(
      protocolTestVector,
    );
  });

  it('uses base64url without padding and keeps non-ASCII ids intact', () => {
    const header = encodeDepsHeader([new Dep('doc:ü?>~', { hash: 'h/+' }), 'table:ordres-é']);
    expect(header).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decode(header)).toEqual([
      { dep_id: 'doc:ü?>~', expected_hash: 'h/+' },
      { dep_id: 'table:ordres-é', expected_hash: 'v1' },
    ]);
  });

  it('rejects an encoded header over 8 KiB, saying so', () => {
    const deps = Array.from(
      { length: 64 },
      (_, index) => `doc:${String(index).padStart(3, '0')}:${'x'.repeat(120)}`,
    );
    const error = captureError(() => encodeDepsHeader(deps));
    expect(error.code).toBe('invalid_deps');
    expect(error.message).toMatch(/8192|8 KiB/);
  });

  it('accepts 64 deps that fit in 8 KiB', () => {
    const deps = Array.from({ length: 64 }, (_, index) => `t:${index}`);
    expect((decode(encodeDepsHeader(deps)) as unknown[]).length).toBe(64);
  });
});

describe('normalizeDeps', () => {
  it('turns strings and { id, hash } objects into Deps and keeps Deps', () => {
    const deps = normalizeDeps([
      'table:products',
      new Dep('doc:1', { hash: 'abc' }),
      { id: 'table:orders', hash: 'v9' },
      { id: 'table:users' },
    ]);
    expect(deps.map((dep) => [dep.id, dep.hash])).toEqual([
      ['table:products', 'v1'],
      ['doc:1', 'abc'],
      ['table:orders', 'v9'],
      ['table:users', 'v1'],
    ]);
    expect(deps.every((dep) => dep instanceof Dep)).toBe(true);
  });

  it.each([
    ['an empty id', [''], /empty/],
    ['a blank id', ['   '], /empty/],
    ['an id over 256 UTF-8 bytes', ['é'.repeat(129)], /over 256 bytes long \(258 UTF-8 bytes\)/],
    [
      'more than 64 deps',
      Array.from({ length: 65 }, (_, index) => `d${index}`),
      /65 dependencies.*64/,
    ],
    ['a number entry', [42], /entry 0 must be a Dep, a string or an \{ id, hash \} object/],
    ['a null entry', [null], /entry 0/],
    ['the reserved policy-version dep', ['cc:policy-version'], /"cc:policy-version" is reserved/],
    [
      'a hash over 256 UTF-8 bytes',
      [{ id: 'doc:1', hash: 'h'.repeat(257) }],
      /hash of dependency "doc:1": it is over 256 bytes long/,
    ],
  ])('rejects %s with invalid_deps', (_label, input, message) => {
    const error = captureError(() => normalizeDeps(input as string[]));
    expect(error.code).toBe('invalid_deps');
    expect(error.message).toMatch(message);
  });

  it('accepts an id of exactly 256 bytes', () => {
    expect(normalizeDeps(['a'.repeat(256)])[0]!.id).toHaveLength(256);
  });

  it('rejects a non-array', () => {
    expect(captureError(() => normalizeDeps('table:x' as never)).message).toMatch(
      /expected an array/,
    );
  });
});

describe('Dep', () => {
  it('defaults the hash to v1 and validates in the constructor', () => {
    expect(new Dep('table:products').hash).toBe('v1');
    expect(new Dep('table:products', { hash: 'abc' }).hash).toBe('abc');
    expect(captureError(() => new Dep('')).code).toBe('invalid_deps');
    expect(captureError(() => new Dep('x', { hash: 3 as never })).message).toMatch(
      /hash of dependency "x": it is a number, not a string/,
    );
    expect(JSON.stringify([new Dep('doc:contract-123')])).toBe(
      '[{"dep_id":"doc:contract-123","expected_hash":"v1"}]',
    );
  });
});

describe('cachecoreHeaders', () => {
  it('returns the encoded deps header and the bypass directive', () => {
    expect(cachecoreHeaders({ deps: ['doc:contract-123'] })).toEqual({
      'X-Cachecore-Deps': protocolTestVector,
    });
    expect(cachecoreHeaders({ bypass: true })).toEqual({ 'X-Cachecore-Bypass': '1' });
    expect(cachecoreHeaders({ bypass: false })).toEqual({ 'X-Cachecore-Bypass': '0' });
    // An explicit empty list is sent, so that it can override a scope's deps.
    expect(cachecoreHeaders({ deps: [] })).toEqual({ 'X-Cachecore-Deps': 'W10' });
    expect(cachecoreHeaders()).toEqual({});
  });

  it('validates deps and bypass', () => {
    expect(captureError(() => cachecoreHeaders({ deps: [''] })).code).toBe('invalid_deps');
    expect(captureError(() => cachecoreHeaders({ bypass: 'yes' as never })).code).toBe(
      'invalid_bypass',
    );
  });
});
