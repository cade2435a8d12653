import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

function runBench(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@cachecore/source', '--import', import.meta.resolve('tsx'), 'run.ts', ...args],
      { cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 30_000 },
      (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
}

test('pnpm bench <unknown> lists the benchmarks and fails', async () => {
  const { code, stderr } = await runBench(['no-such-bench']);
  expect(code).toBe(1);
  expect(stderr).toContain('Unknown benchmark "no-such-bench"');
  for (const name of [
    'transport',
    'server-cost',
    'l2-lookup',
    'adapters',
    'store-redis',
    'l1-profile',
  ]) {
    expect(stderr).toContain(`  ${name}`);
  }
});

test('pnpm bench with an unknown option prints the usage and fails', async () => {
  const { code, stderr } = await runBench(['--no-such-option']);
  expect(code).toBe(1);
  expect(stderr).toContain('Usage: pnpm bench [name...] [--save]');
});
