import { describe, expect, it } from 'vitest';
import { BoundedMemo } from './bounded-memo';

describe('BoundedMemo', () => {
  const sized = (bytes: number) => () => bytes;

  it('computes a value once per key and evicts the oldest past the budget', () => {
    const memo = new BoundedMemo<string>(100);
    let computed = 0;
    const compute = (value: string) => () => {
      computed += 1;
      return value;
    };
    expect(memo.remember('a', compute('A'), sized(40))).toBe('A');
    expect(memo.remember('a', compute('other'), sized(40))).toBe('A');
    expect(memo.remember('b', compute('B'), sized(40))).toBe('B');
    expect(computed).toBe(2);
    expect(memo.usedBytes).toBe(80);
    // Past 100 bytes: `a`, the oldest, goes.
    memo.remember('c', compute('C'), sized(40));
    expect(memo.usedBytes).toBe(80);
    expect(memo.remember('a', compute('A again'), sized(40))).toBe('A again');
    expect(memo.remember('c', compute('never'), sized(40))).toBe('C');
  });

  it('keeps neither a value larger than the budget nor a failed computation', () => {
    const memo = new BoundedMemo<string>(100);
    expect(memo.remember('big', () => 'x', sized(101))).toBe('x');
    expect(memo.usedBytes).toBe(0);
    expect(() =>
      memo.remember(
        'bad',
        () => {
          throw new Error('no');
        },
        sized(1),
      ),
    ).toThrow('no');
    expect(memo.remember('bad', () => 'fine', sized(1))).toBe('fine');
  });
});
