import { describe, expect, it } from 'vitest';
import { matchCommonSubsequence } from './longest-common-subsequence';

describe('matchCommonSubsequence', () => {
  it('matches a longest common subsequence, prefix and suffix included', () => {
    expect(matchCommonSubsequence(['a', 'b', 'c'], ['a', 'c'])).toEqual([
      [0, 0],
      [2, 1],
    ]);
    expect(matchCommonSubsequence(['x', 'a', 'b', 'c', 'y'], ['x', 'c', 'a', 'b', 'y'])).toEqual([
      [0, 0],
      [1, 2],
      [2, 3],
      [4, 4],
    ]);
    expect(matchCommonSubsequence([], ['a'])).toEqual([]);
  });

  it('stays linear on huge lists, matching only their common edges', () => {
    const left = Array.from({ length: 5000 }, (_, index) => `left ${index}`);
    const right = Array.from({ length: 5000 }, (_, index) => `right ${index}`);
    const matches = matchCommonSubsequence(['head', ...left, 'tail'], ['head', ...right, 'tail']);
    expect(matches).toEqual([
      [0, 0],
      [5001, 5001],
    ]);
  });
});
