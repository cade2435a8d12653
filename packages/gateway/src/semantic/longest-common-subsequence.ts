/**
 * The positions of a longest common subsequence of two lists (compared with `===`), as pairs of
 * indexes in increasing order. Quadratic, for the short lists the L2 judgement compares (segments of
 * two query texts, words of two differing parts).
 *
 * @example
 * matchCommonSubsequence(['a', 'b', 'c'], ['a', 'c']); // [[0, 0], [2, 1]]
 */
export function matchCommonSubsequence<Item>(
  left: readonly Item[],
  right: readonly Item[],
): [number, number][] {
  const columns = right.length + 1;
  const lengths = new Uint32Array((left.length + 1) * columns);
  for (let i = left.length - 1; i >= 0; i--) {
    for (let j = right.length - 1; j >= 0; j--) {
      lengths[i * columns + j] =
        left[i] === right[j]
          ? lengths[(i + 1) * columns + j + 1]! + 1
          : Math.max(lengths[(i + 1) * columns + j]!, lengths[i * columns + j + 1]!);
    }
  }
  const matches: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i] === right[j]) matches.push([i++, j++]);
    else if (lengths[(i + 1) * columns + j]! >= lengths[i * columns + j + 1]!) i++;
    else j++;
  }
  return matches;
}
