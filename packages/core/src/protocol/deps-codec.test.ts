import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from './base64url';
import { decodeDepsHeaderValue, encodeDepsHeaderValue } from './deps-codec';
import { POLICY_VERSION_DEP_ID } from './deps-limits';
import type { WireDep } from './validate-dep';

const protocolTestVector = 'W3siZGVwX2lkIjoiZG9jOmNvbnRyYWN0LTEyMyIsImV4cGVjdGVkX2hhc2giOiJ2MSJ9XQ';

function encoded(deps: readonly WireDep[]): string {
  const result = encodeDepsHeaderValue(deps);
  if (!result.ok) throw new Error(`expected to encode, got: ${result.problem}`);
  return result.value;
}

function problemOf(header: string | readonly string[]): string {
  const result = decodeDepsHeaderValue(header);
  if (result.ok) throw new Error(`expected a problem, decoded ${JSON.stringify(result.deps)}`);
  return result.problem;
}

const jsonToBase64 = (json: string) => Buffer.from(json, 'utf8').toString('base64');

describe('base64url', () => {
  it('matches Node for every length and byte value, without padding', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 37 + length * 11) % 256);
      const text = encodeBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(Buffer.from(decodeBase64Url(text)!)).toEqual(Buffer.from(bytes));
    }
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    expect(decodeBase64Url('ab+c')).toBeNull();
    expect(decodeBase64Url('abcde')).toBeNull();
    expect(decodeBase64Url('é')).toBeNull();
  });
});

describe('encodeDepsHeaderValue', () => {
  it('encodes the PROTOCOL §1 test vector exactly', () => {
    expect(encoded([{ depId: 'doc:contract-123', expectedHash: 'v1' }])).toBe(protocolTestVector);
  });

  it('returns the broken limit instead of a value', () => {
    const many = Array.from({ length: 65 }, (_, index) => ({
      depId: `d${index}`,
      expectedHash: 'v1',
    }));
    expect(encodeDepsHeaderValue(many)).toEqual({
      ok: false,
      problem: 'it holds 65 deps, the limit is 64',
    });
    expect(encodeDepsHeaderValue([{ depId: POLICY_VERSION_DEP_ID, expectedHash: '3' }])).toEqual({
      ok: false,
      problem: expect.stringMatching(
        /item 0 has an invalid "dep_id": "cc:policy-version" is reserved/,
      ),
    });
    expect(encodeDepsHeaderValue([{ depId: 'a', expectedHash: 'h'.repeat(257) }])).toEqual({
      ok: false,
      problem: 'item 0 has an invalid "expected_hash": it is over 256 bytes long (257 UTF-8 bytes)',
    });
    const large = Array.from({ length: 40 }, (_, index) => ({
      depId: `${'y'.repeat(200)}${index}`,
      expectedHash: 'v1',
    }));
    expect(encodeDepsHeaderValue(large)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^it would be \d+ bytes, the limit is 8192 \(8 KiB\)$/),
    });
  });
});

describe('decodeDepsHeaderValue', () => {
  const deps = [
    { depId: 'doc:ü?>~', expectedHash: 'h/+' },
    { depId: 'table:orders', expectedHash: 'v1' },
  ];
  const json = JSON.stringify(
    deps.map((dep) => ({ dep_id: dep.depId, expected_hash: dep.expectedHash })),
  );

  it('decodes what it encodes, and the test vector', () => {
    expect(decodeDepsHeaderValue(encoded(deps))).toEqual({ ok: true, deps });
    expect(decodeDepsHeaderValue(protocolTestVector)).toEqual({
      ok: true,
      deps: [{ depId: 'doc:contract-123', expectedHash: 'v1' }],
    });
  });

  it.each([
    ['padded base64', jsonToBase64(json)],
    [
      'padded base64url',
      Buffer.from(json)
        .toString('base64url')
        .padEnd(Math.ceil(json.length / 3) * 4, '='),
    ],
    [
      'base64 wrapped over lines with a trailing newline',
      `${jsonToBase64(json).replace(/(.{20})/g, '$1\n')}\r\n`,
    ],
    ['spaced JSON', Buffer.from(JSON.stringify(JSON.parse(json), null, 2)).toString('base64url')],
    ['surrounding whitespace', `  ${Buffer.from(json).toString('base64url')}\t`],
  ])('accepts %s', (_label, header) => {
    expect(decodeDepsHeaderValue(header)).toEqual({ ok: true, deps });
  });

  it('reads an absent or empty header as no deps', () => {
    for (const header of [undefined, null, '', '  \n']) {
      expect(decodeDepsHeaderValue(header)).toEqual({ ok: true, deps: [] });
    }
    expect(decodeDepsHeaderValue('W10')).toEqual({ ok: true, deps: [] });
  });

  it.each([
    ['not base64', '%%%', /not base64url/],
    ['an impossible length', 'abcde', /impossible/],
    ['not UTF-8', Buffer.from([0xff, 0xfe]).toString('base64url'), /UTF-8/],
    ['not JSON', jsonToBase64('nope'), /does not decode to JSON/],
    ['an object', jsonToBase64('{"dep_id":"x"}'), /JSON array/],
    ['a string item', jsonToBase64('["x"]'), /item 0 is a string, not an object/],
    ['a missing dep_id', jsonToBase64('[{"expected_hash":"v1"}]'), /"dep_id": it is missing/],
    [
      'a whitespace-only dep_id',
      jsonToBase64('[{"dep_id":" \\t ","expected_hash":"v1"}]'),
      /"dep_id": it is empty/,
    ],
    [
      'a numeric hash',
      jsonToBase64('[{"dep_id":"x","expected_hash":1}]'),
      /"expected_hash": it is a number/,
    ],
    [
      'the reserved dep id',
      jsonToBase64('[{"dep_id":"cc:policy-version","expected_hash":"0"}]'),
      /reserved/,
    ],
    [
      'a 257-byte dep id',
      jsonToBase64(`[{"dep_id":"${'x'.repeat(257)}","expected_hash":"v1"}]`),
      /over 256 bytes/,
    ],
    ['a repeated header', ['W10', 'W10'], /not base64url/],
    ['a header over 8 KiB', 'A'.repeat(8193), /8193 bytes, the limit is 8192/],
  ])('names the problem of %s', (_label, header, problem) => {
    expect(problemOf(header)).toMatch(problem);
  });

  it('never throws, whatever it is given', () => {
    const inputs: unknown[] = [
      42,
      {},
      [1, 2],
      'W3si',
      '====',
      '-_-_',
      jsonToBase64('[null]'),
      jsonToBase64('1e999'),
    ];
    for (const input of inputs) {
      expect(() => decodeDepsHeaderValue(input as string)).not.toThrow();
      expect(decodeDepsHeaderValue(input as string)).toHaveProperty('ok');
    }
  });
});
