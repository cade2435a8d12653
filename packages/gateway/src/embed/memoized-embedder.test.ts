import { describe, expect, it } from 'vitest';
import type { Embedder } from './embedder';
import { createHashEmbedder } from './hash-embedder';
import { memoizeEmbedder } from './memoized-embedder';

describe('memoizeEmbedder', () => {
  it('embeds each new text once and forgets the least recently used beyond its size', async () => {
    const hash = createHashEmbedder();
    const calls: string[][] = [];
    const counting: Embedder = {
      ...hash,
      embed: (texts, signal) => {
        calls.push([...texts]);
        return hash.embed(texts, signal);
      },
    };
    const memoized = memoizeEmbedder(counting, { maxEntries: 2 });
    expect(memoized.id).toBe(hash.id);
    const [first, again] = await memoized.embed(['alpha', 'alpha']);
    expect(again).toBe(first);
    expect(first).toEqual((await hash.embed(['alpha']))[0]);
    await memoized.embed(['beta', 'alpha']);
    await memoized.embed(['gamma']); // evicts beta, the least recently used
    await memoized.embed(['alpha', 'beta']);
    expect(calls).toEqual([['alpha'], ['beta'], ['gamma'], ['beta']]);
  });
});
