import { describe, expect, it } from 'vitest';
import {
  createClusteredVectors,
  createGaussianSource,
  createRandomVectors,
  findExactBest,
  perturb,
} from '../../test/support/vector-test-data';
import { loadUsearch } from './native-vector-index';
import { createVectorIndex, flushVectorIndex } from './vector-index';

const DIMENSIONS = 32;

function unit(...values: number[]): Float32Array {
  const vector = new Float32Array(4);
  vector.set(values);
  const norm = Math.hypot(...values);
  return vector.map((value) => value / norm);
}

describe('usearch', () => {
  it(`loads its native binary on Node ${process.versions.node}, so large namespaces are not searched exactly`, () => {
    const usearch = loadUsearch();
    expect(
      usearch,
      'usearch did not load: see the CACHECORE_NO_NATIVE_VECTOR_INDEX warning',
    ).toBeDefined();
    expect(typeof usearch?.Index).toBe('function');
  });
});

describe('createVectorIndex (flat)', () => {
  it('returns the k best matches, best first, with cosine scores', () => {
    const index = createVectorIndex(4);
    index.add('x', unit(1, 0, 0, 0));
    index.add('y', unit(0, 1, 0, 0));
    index.add('xy', unit(1, 1, 0, 0));
    const matches = index.search(unit(1, 0.2, 0, 0), 2);
    expect(matches.map((match) => match.id)).toEqual(['x', 'xy']);
    expect(matches[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.2), 5);
    expect(index.search(unit(0, 0, 1, 0), 10)).toHaveLength(3);
    expect(index.search(unit(1, 0, 0, 0), 0)).toEqual([]);
  });

  it('replaces the vector of an existing id and removes ids', () => {
    const index = createVectorIndex(4);
    index.add('a', unit(1, 0, 0, 0));
    index.add('b', unit(0, 1, 0, 0));
    index.add('c', unit(0, 0, 1, 0));
    index.add('a', unit(0, 0, 0, 1));
    expect(index.size).toBe(3);
    expect(index.search(unit(0, 0, 0, 1), 1)[0]).toEqual({ id: 'a', score: 1 });
    expect(index.remove('b')).toBe(true);
    expect(index.remove('b')).toBe(false);
    expect(index.has('b')).toBe(false);
    expect(index.size).toBe(2);
    expect(index.search(unit(0, 1, 0, 0), 5).map((match) => match.id)).not.toContain('b');
    // Swap-remove moved `c` into the hole; it must still be found under its own id.
    expect(index.search(unit(0, 0, 1, 0), 1)[0]).toEqual({ id: 'c', score: 1 });
  });

  it('refuses vectors of the wrong length', () => {
    const index = createVectorIndex(4);
    expect(() => index.add('a', new Float32Array(3))).toThrow(RangeError);
    expect(() => index.search(new Float32Array(5), 1)).toThrow(
      'vector has 5 dimensions but the index holds 4-dimension vectors',
    );
    expect(() => createVectorIndex(0)).toThrow(RangeError);
  });
});

describe('createVectorIndex (across the flat limit)', () => {
  it('finds every entry by a noisy copy while growing past the limit and shrinking back', () => {
    const gaussian = createGaussianSource(7);
    // One insertion thread: a multi-threaded build links the graph differently from run to run.
    const index = createVectorIndex(DIMENSIONS, { flatLimit: 40, insertThreads: 1 });
    const stored = new Map<string, Float32Array>();
    const vectors = createRandomVectors(300, DIMENSIONS, 11);
    const expectFindsAll = () => {
      expect(index.size).toBe(stored.size);
      for (const [id, vector] of stored) {
        const [best] = index.search(perturb(vector, 0.02, gaussian), 1);
        expect(best?.id).toBe(id);
      }
    };
    vectors.forEach((vector, position) => {
      index.add(`entry-${position}`, vector);
      stored.set(`entry-${position}`, vector);
      if (position === 39 || position === 41 || position === 120) expectFindsAll();
    });
    expectFindsAll();
    for (let position = 0; position < 290; position++) {
      expect(index.remove(`entry-${position}`)).toBe(true);
      stored.delete(`entry-${position}`);
      expect(index.has(`entry-${position}`)).toBe(false);
      if (position % 50 === 0) expectFindsAll();
    }
    expectFindsAll();
    expect(index.search(vectors[0]!, 20).every((match) => stored.has(match.id))).toBe(true);
  });

  it('replaces vectors and never returns removed ids above the flat limit', () => {
    const index = createVectorIndex(DIMENSIONS, { flatLimit: 20 });
    const vectors = createRandomVectors(200, DIMENSIONS, 3);
    vectors.forEach((vector, position) => {
      index.add(`entry-${position}`, vector);
    });
    flushVectorIndex(index);
    index.add('entry-5', vectors[150]!);
    const matches = index.search(vectors[150]!, 2);
    expect(matches.map((match) => match.id).sort()).toEqual(['entry-150', 'entry-5']);
    expect(matches[0]!.score).toBeCloseTo(1, 5);
    expect(index.search(vectors[5]!, 1)[0]!.id).not.toBe('entry-5');
    index.remove('entry-150');
    expect(index.search(vectors[150]!, 3).map((match) => match.id)).not.toContain('entry-150');
    expect(index.size).toBe(199);
  });

  it('stays exact for near queries under churn that reuses freed native slots', () => {
    const gaussian = createGaussianSource(5);
    const index = createVectorIndex(DIMENSIONS, { flatLimit: 30 });
    const stored = new Map<string, Float32Array>();
    const vectors = createClusteredVectors(1500, DIMENSIONS, 9, 20, 0.1);
    // A sliding window of 150 live entries: every add past 150 evicts the oldest, like an LRU.
    vectors.forEach((vector, position) => {
      index.add(`entry-${position}`, vector);
      stored.set(`entry-${position}`, vector);
      if (position >= 150) {
        index.remove(`entry-${position - 150}`);
        stored.delete(`entry-${position - 150}`);
      }
    });
    expect(index.size).toBe(150);
    let found = 0;
    for (const vector of stored.values()) {
      const query = perturb(vector, 0.01, gaussian);
      const [best] = index.search(query, 1);
      expect(stored.has(best!.id)).toBe(true);
      if (best!.id === findExactBest(stored, query).id) found++;
    }
    expect(found / stored.size).toBeGreaterThanOrEqual(0.98);
    for (const id of stored.keys()) expect(index.has(id)).toBe(true);
  });
});
