import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

test('pnpm bench <unknown> lists the benchmarks and fails', async () => {
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        '--conditions=@cachecore/source',
        '--import',
        import.meta.resolve('tsx'),
        'run.ts',
        'no-such-bench',
      ],
      { cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 30_000 },
      (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
  expect(code).toBe(1);
  expect(stderr).toContain('Unknown benchmark "no-such-bench"');
  for (const name of ['transport', 'gateway-l1', 'l2-lookup', 'adapters', 'store-redis']) {
    expect(stderr).toContain(`  ${name}`);
  }
});
