import { expect, test } from 'vitest';
import { median, percentile, roundTo } from './statistics';

test('median and percentile read sorted copies and leave the input alone', () => {
  const values = [9, 1, 5, 3, 7];
  expect(median(values)).toBe(5);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(percentile(values, 0.5)).toBe(5);
  expect(percentile(values, 0.99)).toBe(9);
  expect(percentile(values, 0)).toBe(1);
  expect(values).toEqual([9, 1, 5, 3, 7]);
  expect(median([])).toBeNaN();
});

test('p99 of 1000 latencies is the 990th smallest', () => {
  const latencies = Array.from({ length: 1000 }, (_, index) => 1000 - index);
  expect(percentile(latencies, 0.99)).toBe(990);
});

test('roundTo keeps figures short for the JSON results', () => {
  expect(roundTo(0.123456, 3)).toBe(0.123);
  expect(roundTo(Number.NaN)).toBeNaN();
});
