/** Most cells of the quadratic table; beyond it the middle of the lists is left unmatched. */
const MAX_TABLE_CELLS = 65_536;

/**
 * The positions of a longest common subsequence of two lists (compared with `===`), as pairs of
 * indexes in increasing order. A common prefix and suffix are matched first, in linear time; the
 * rest is quadratic, so when what remains is larger than 65,536 cells (two texts of hundreds of
 * differing segments, which a query text never has) it is left unmatched: fewer matches only ever
 * make two prompts look more different.
 *
 * @example
 * matchCommonSubsequence(['a', 'b', 'c'], ['a', 'c']); // [[0, 0], [2, 1]]
 */
export function matchCommonSubsequence<Item>(
  left: readonly Item[],
  right: readonly Item[],
): [number, number][] {
  let start = 0;
  while (start < left.length && start < right.length && left[start] === right[start]) start++;
  let end = 0;
  while (
    end < left.length - start &&
    end < right.length - start &&
    left[left.length - 1 - end] === right[right.length - 1 - end]
  ) {
    end++;
  }
  const matches: [number, number][] = [];
  for (let index = 0; index < start; index++) matches.push([index, index]);
  const leftMiddle = left.length - start - end;
  const rightMiddle = right.length - start - end;
  if ((leftMiddle + 1) * (rightMiddle + 1) <= MAX_TABLE_CELLS) {
    matches.push(...matchMiddle(left, right, start, start + leftMiddle, start + rightMiddle));
  }
  for (let index = end; index > 0; index--) {
    matches.push([left.length - index, right.length - index]);
  }
  return matches;
}

function matchMiddle<Item>(
  left: readonly Item[],
  right: readonly Item[],
  start: number,
  leftEnd: number,
  rightEnd: number,
): [number, number][] {
  const columns = rightEnd - start + 1;
  const lengths = new Uint32Array((leftEnd - start + 1) * columns);
  const at = (i: number, j: number) => (i - start) * columns + (j - start);
  for (let i = leftEnd - 1; i >= start; i--) {
    for (let j = rightEnd - 1; j >= start; j--) {
      lengths[at(i, j)] =
        left[i] === right[j]
          ? lengths[at(i + 1, j + 1)]! + 1
          : Math.max(lengths[at(i + 1, j)]!, lengths[at(i, j + 1)]!);
    }
  }
  const matches: [number, number][] = [];
  let i = start;
  let j = start;
  while (i < leftEnd && j < rightEnd) {
    if (left[i] === right[j]) matches.push([i++, j++]);
    else if (lengths[at(i + 1, j)]! >= lengths[at(i, j + 1)]!) i++;
    else j++;
  }
  return matches;
}
