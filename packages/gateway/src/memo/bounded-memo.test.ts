import { describe, expect, it } from 'vitest';
import { BoundedMemo } from './bounded-memo';

describe('BoundedMemo', () => {
  it('holds values by key and evicts the oldest past the budget', () => {
    const memo = new BoundedMemo<string>(100);
    memo.set('a', 'A', 40);
    memo.set('b', 'B', 40);
    expect(memo.get('a')).toBe('A');
    expect(memo.usedBytes).toBe(80);
    // Past 100 bytes: `a`, the oldest (reading it made it no younger), goes.
    memo.set('c', 'C', 40);
    expect(memo.usedBytes).toBe(80);
    expect(memo.get('a')).toBeUndefined();
    expect(memo.get('b')).toBe('B');
    expect(memo.get('c')).toBe('C');
    expect(memo.size).toBe(2);
  });

  it('replaces what a key held, counting only the new size', () => {
    const memo = new BoundedMemo<string>(100);
    memo.set('a', 'A', 40);
    memo.set('a', 'A2', 30);
    expect(memo.get('a')).toBe('A2');
    expect(memo.usedBytes).toBe(30);
    memo.delete('a');
    expect(memo.get('a')).toBeUndefined();
    expect(memo.usedBytes).toBe(0);
  });

  it('keeps no value larger than the whole budget, and drops what its key held', () => {
    const memo = new BoundedMemo<string>(100);
    memo.set('big', 'small', 10);
    memo.set('big', 'x', 101);
    expect(memo.get('big')).toBeUndefined();
    expect(memo.usedBytes).toBe(0);
  });
});
