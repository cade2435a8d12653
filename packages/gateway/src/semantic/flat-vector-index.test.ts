import { describe, expect, it } from 'vitest';
import { FlatVectorIndex } from './flat-vector-index';

const DIMENSIONS = 16;

/** A deterministic unit vector per seed. */
function unitVector(seed: number): Float32Array {
  const vector = new Float32Array(DIMENSIONS);
  let state = seed * 2_654_435_761 + 1;
  let norm = 0;
  for (let index = 0; index < DIMENSIONS; index++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    vector[index] = state / 2 ** 30 - 1;
    norm += vector[index]! ** 2;
  }
  for (let index = 0; index < DIMENSIONS; index++) vector[index]! /= Math.sqrt(norm);
  return vector;
}

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += left[index]! * right[index]!;
  return sum;
}

describe('FlatVectorIndex', () => {
  it('keeps every vector exact across storage blocks while entries come, go and are replaced', () => {
    const index = new FlatVectorIndex(DIMENSIONS);
    const stored = new Map<string, Float32Array>();
    // Past two block boundaries (1,024 entries each), then down below one and up again.
    for (let seed = 0; seed < 2_600; seed++) {
      index.add(`e${seed}`, unitVector(seed));
      stored.set(`e${seed}`, unitVector(seed));
    }
    for (let seed = 0; seed < 2_600; seed += 3) {
      expect(index.remove(`e${seed}`)).toBe(true);
      stored.delete(`e${seed}`);
    }
    for (let seed = 1; seed < 2_600; seed += 3) {
      if (seed % 2 === 0) continue;
      index.remove(`e${seed}`);
      stored.delete(`e${seed}`);
    }
    // Replaced in place: the new vector counts.
    index.add('e2', unitVector(90_002));
    stored.set('e2', unitVector(90_002));
    for (let seed = 3_000; seed < 3_400; seed++) {
      index.add(`e${seed}`, unitVector(seed));
      stored.set(`e${seed}`, unitVector(seed));
    }

    expect(index.size).toBe(stored.size);
    const copy = new Float32Array(DIMENSIONS);
    for (const [id, vector] of stored) {
      expect(index.copyVector(id, copy, 0)).toBe(true);
      expect([...copy]).toEqual([...vector]);
    }
    for (const querySeed of [5, 2_001, 90_002, 3_333]) {
      const query = unitVector(querySeed);
      const expected = [...stored]
        .map(([id, vector]) => ({ id, score: dot(query, vector) }))
        .sort((left, right) => right.score - left.score)
        .slice(0, 3);
      const found = index.search(query, 3);
      expect(found.map((match) => match.id)).toEqual(expected.map((match) => match.id));
      for (const [position, match] of found.entries()) {
        expect(match.score).toBeCloseTo(expected[position]!.score, 5);
      }
    }
  });

  it('gives its storage back as it empties, and works again afterwards', () => {
    const index = new FlatVectorIndex(DIMENSIONS);
    for (let seed = 0; seed < 3_000; seed++) index.add(`e${seed}`, unitVector(seed));
    for (let seed = 0; seed < 3_000; seed++) index.remove(`e${seed}`);
    expect(index.size).toBe(0);
    expect(index.search(unitVector(1), 1)).toEqual([]);
    index.add('again', unitVector(7));
    expect(index.search(unitVector(7), 1)[0]?.id).toBe('again');
  });
});
