import type { VectorMatch } from './types';

/**
 * Dot product of `length` floats of `left` from `leftOffset` and `right` from `rightOffset`.
 * Unrolled by four with independent accumulators, which V8 runs about twice as fast as the plain loop.
 */
export function dotProduct(
  left: Float32Array,
  leftOffset: number,
  right: Float32Array,
  rightOffset: number,
  length: number,
): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let index = 0;
  const unrolledEnd = length - (length % 4);
  for (; index < unrolledEnd; index += 4) {
    sum0 += left[leftOffset + index]! * right[rightOffset + index]!;
    sum1 += left[leftOffset + index + 1]! * right[rightOffset + index + 1]!;
    sum2 += left[leftOffset + index + 2]! * right[rightOffset + index + 2]!;
    sum3 += left[leftOffset + index + 3]! * right[rightOffset + index + 3]!;
  }
  for (; index < length; index++) sum0 += left[leftOffset + index]! * right[rightOffset + index]!;
  return sum0 + sum1 + sum2 + sum3;
}

/** Throws a `RangeError` naming both lengths when a vector does not fit the index. */
export function assertVectorLength(vector: Float32Array, dimensions: number): void {
  if (vector.length !== dimensions) {
    throw new RangeError(
      `vector has ${vector.length} dimensions but the index holds ${dimensions}-dimension vectors`,
    );
  }
}

/**
 * The `k` best-scoring ids seen so far, kept sorted best first. `k` is small (1–10) in practice, so
 * insertion into a sorted array beats a heap; an id offered twice keeps its best score.
 */
export class TopMatches {
  private readonly ids: string[] = [];
  private readonly scores: number[] = [];

  constructor(readonly k: number) {}

  /** The score a candidate must beat to enter, or -Infinity while fewer than `k` are held. */
  get floor(): number {
    return this.ids.length < this.k ? Number.NEGATIVE_INFINITY : this.scores[this.ids.length - 1]!;
  }

  offer(id: string, score: number): void {
    if (this.k <= 0 || score <= this.floor) return;
    const duplicate = this.ids.indexOf(id);
    if (duplicate !== -1) {
      if (this.scores[duplicate]! >= score) return;
      this.ids.splice(duplicate, 1);
      this.scores.splice(duplicate, 1);
    }
    let position = this.ids.length;
    while (position > 0 && this.scores[position - 1]! < score) position--;
    this.ids.splice(position, 0, id);
    this.scores.splice(position, 0, score);
    if (this.ids.length > this.k) {
      this.ids.pop();
      this.scores.pop();
    }
  }

  toMatches(): VectorMatch[] {
    return this.ids.map((id, index) => ({ id, score: this.scores[index]! }));
  }
}
