import { expect, test } from 'vitest';
import { readAffinity, readProcessCpuMs, readProcessRssMiB } from './process-cpu';

test('CPU time read from /proc matches what the process reports about itself', () => {
  // Spin so there is CPU time to compare, then read both sources back to back.
  const until = Date.now() + 150;
  while (Date.now() < until) {}
  const usage = process.cpuUsage();
  const fromProc = readProcessCpuMs(process.pid);
  const fromNode = (usage.user + usage.system) / 1000;
  // /proc counts whole clock ticks (10 ms) and includes every thread, as cpuUsage does.
  expect(fromProc).toBeGreaterThan(fromNode - 30);
  expect(fromProc).toBeLessThan(fromNode + 30);
});

test('RSS read from /proc matches process.memoryUsage()', () => {
  const rss = process.memoryUsage().rss / 2 ** 20;
  expect(readProcessRssMiB(process.pid)).toBeGreaterThan(rss * 0.8);
  expect(readProcessRssMiB(process.pid)).toBeLessThan(rss * 1.2);
});

test('the affinity list names the cores this process may use', () => {
  expect(readAffinity(process.pid)).toMatch(/^\d+([-,]\d+)*$/);
});
