import { describe, expect, it } from 'vitest';
import { canonicalizeChatBody, stringifyCanonical } from './canonical-body';

/** The recursive form the cache keys were computed with before: keys must stay byte-identical. */
function recursiveCanonical(value: unknown): string {
  const sortKeys = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sortKeys);
    if (typeof item !== 'object' || item === null) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) {
      const child = (item as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  };
  return JSON.stringify(sortKeys(value));
}

/** A small deterministic generator, so a failure names the value it failed on. */
function randomValue(seed: number, depth = 0): unknown {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const build = (level: number): unknown => {
    const pick = next();
    if (level > 4 || pick < 0.3) {
      const leaves = [null, true, false, 0, -1.5, 1e21, 'text', 'ünï "quoted"\n', '', undefined];
      return leaves[Math.floor(next() * leaves.length)];
    }
    if (pick < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => build(level + 1));
    const object: Record<string, unknown> = {};
    for (let index = Math.floor(next() * 5); index > 0; index -= 1) {
      const keys = ['b', 'a', 'model', 'Z', 'é', '10', '2', '01', '4294967294', '4294967295'];
      object[keys[Math.floor(next() * keys.length)] as string] = build(level + 1);
    }
    return object;
  };
  return build(depth);
}

describe('stringifyCanonical', () => {
  it('writes exactly what the recursive canonical form wrote, so existing cache keys still match', () => {
    for (let seed = 1; seed <= 500; seed += 1) {
      const value = randomValue(seed);
      expect(stringifyCanonical(value), `seed ${seed}`).toBe(recursiveCanonical(value));
    }
    const body = {
      z: [undefined, () => 1, Symbol('s'), { b: 1, a: undefined, c: () => 1 }],
      a: { y: [], x: {} },
    };
    expect(stringifyCanonical(body)).toBe('{"a":{"x":{},"y":[]},"z":[null,null,null,{"b":1}]}');
    expect(stringifyCanonical(body)).toBe(recursiveCanonical(body));
  });

  it('writes values too deep for the fast path exactly as shallow ones', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      let deep: unknown = randomValue(seed);
      for (let level = 0; level < 300; level += 1)
        deep = level % 2 ? [deep] : { [`k${seed}`]: deep };
      expect(stringifyCanonical(deep), `seed ${seed}`).toBe(recursiveCanonical(deep));
    }
  });

  it('keeps a "__proto__" member as a member, however deep', () => {
    const body = JSON.parse('{"b":1,"__proto__":{"y":2,"x":1}}');
    expect(stringifyCanonical(body)).toBe('{"__proto__":{"x":1,"y":2},"b":1}');
    let deep: unknown = body;
    for (let level = 0; level < 300; level += 1) deep = [deep];
    expect(stringifyCanonical(deep)).toBe(
      `${'['.repeat(300)}{"__proto__":{"x":1,"y":2},"b":1}${']'.repeat(300)}`,
    );
    expect(canonicalizeChatBody(body)).not.toBe(canonicalizeChatBody({ b: 1 }));
  });

  it('sorts keys at every level', () => {
    expect(stringifyCanonical({ b: { d: 1, c: 2 }, a: [{ f: 1, e: 2 }] })).toBe(
      '{"a":[{"e":2,"f":1}],"b":{"c":2,"d":1}}',
    );
  });

  it('canonicalises values nested 100,000 levels deep without overflowing the stack', () => {
    let nestedArrays: unknown = 'leaf';
    let nestedObjects: unknown = 'leaf';
    for (let level = 0; level < 100_000; level += 1) {
      nestedArrays = [nestedArrays];
      nestedObjects = { a: nestedObjects };
    }
    expect(stringifyCanonical(nestedArrays)).toBe(
      `${'['.repeat(100_000)}"leaf"${']'.repeat(100_000)}`,
    );
    expect(stringifyCanonical(nestedObjects)).toBe(
      `${'{"a":'.repeat(100_000)}"leaf"${'}'.repeat(100_000)}`,
    );
  });
});

describe('canonicalizeChatBody', () => {
  it('leaves out stream and stream_options', () => {
    expect(
      canonicalizeChatBody({ stream: true, stream_options: { include_usage: true }, model: 'm' }),
    ).toBe('{"model":"m"}');
  });
});
