import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { EXAMPLES } from './example-catalog';

// Every example and the demo run as a user runs them: a child process through tsx, against a local
// gateway with a fast mock model. Environment that would point them elsewhere is removed.
const EXAMPLES_DIR = fileURLToPath(new URL('.', import.meta.url));
const TSX = import.meta.resolve('tsx');

interface ScriptRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function runScript(
  file: string,
  args: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ScriptRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, CACHECORE_DEMO_MOCK_LATENCY_MS: '20' };
  for (const name of [
    'CACHECORE_GATEWAY_URL',
    'CACHECORE_TENANT_JWT',
    'OPENAI_API_KEY',
    'NO_COLOR',
  ]) {
    delete env[name];
  }
  Object.assign(env, extraEnv);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@cachecore/source', '--import', TSX, file, ...args],
      { cwd: EXAMPLES_DIR, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/** The cache statuses at the start of output lines, after an optional prefix such as `read`. */
function statusesOf(stdout: string, prefix = ''): string[] {
  const pattern = new RegExp(`^${prefix}\\s*(HIT_L1_STALE|HIT_L1|HIT_L2|MISS|BYPASS|UNKNOWN)\\b`);
  return stdout.split('\n').flatMap((line) => line.match(pattern)?.[1] ?? []);
}

function expectClean(run: ScriptRun): void {
  expect(run.stderr, run.stdout).toBe('');
  expect(run.exitCode, run.stderr).toBe(0);
}

describe.concurrent('examples', () => {
  test('openai-quickstart: a repeat is HIT_L1, a near-duplicate HIT_L2, the stream has its status', async () => {
    const run = await runScript('openai-quickstart.ts');
    expectClean(run);
    expect(statusesOf(run.stdout)).toEqual(['MISS', 'HIT_L1', 'HIT_L2']);
    expect(run.stdout).toContain('stream: HIT_L1\nEcho: What time zone is Tokyo in?\n');
  });

  test('deps-invalidation: the write path bypasses the cache and invalidates the tagged answer', async () => {
    const run = await runScript('deps-invalidation.ts');
    expectClean(run);
    expect(statusesOf(run.stdout, '(?:read|write)')).toEqual([
      'MISS',
      'HIT_L1',
      'BYPASS',
      'MISS',
      'HIT_L1',
    ]);
    expect(run.stdout).toMatch(
      /invalidated doc:refund-policy: now v2, cached entries deleted: [1-9]/,
    );
  });

  test('langchain-chain: the callback handler reports every run and counts them', async () => {
    const run = await runScript('langchain-chain.ts');
    expectClean(run);
    expect(statusesOf(run.stdout, '\\s*cache')).toEqual(['MISS', 'HIT_L1', 'HIT_L2', 'MISS']);
    expect(run.stdout).toContain('stats: 4 requests, 1 HIT_L1, 1 HIT_L2, 2 MISS, hit rate 50%');
    expect(run.stdout).toContain('Osaka: "Which temples open before 8am?" → Echo: Which temples');
  });

  test('ai-sdk-route: the route streams the answer and the cache status as message metadata', async () => {
    const run = await runScript('ai-sdk-route.ts');
    expectClean(run);
    expect(statusesOf(run.stdout)).toEqual(['MISS', 'HIT_L1', 'HIT_L2']);
    expect(run.stdout).toContain(
      'HIT_L1 "When does the last train to Nara leave?" → Echo: When does the last train to Nara leave?',
    );
  });

  test('gateway-cli: a plain openai client gets cached answers from the CLI gateway', async () => {
    const run = await runScript('gateway-cli.ts');
    expectClean(run);
    expect(statusesOf(run.stdout)).toEqual(['MISS', 'HIT_L1']);
    expect(run.stdout).toContain('→ Echo: Is the Louvre open on Tuesdays?');
  });

  test('embeddings-batch: a re-index sends only the new chunks upstream', async () => {
    const run = await runScript('embeddings-batch.ts');
    expectClean(run);
    expect(statusesOf(run.stdout)).toEqual(['MISS', 'MISS', 'HIT_L1']);
    expect(run.stdout).toContain('MISS 10 vectors (cached=8, fetched=2)');
    expect(run.stdout).toContain('HIT_L1 10 vectors (cached=10, fetched=0)');
  });

  test('run-example runs an example by name and lists them for an unknown name', async () => {
    const [known, unknown] = await Promise.all([
      runScript('run-example.ts', ['gateway-cli']),
      runScript('run-example.ts', ['no-such-example']),
    ]);
    expectClean(known);
    expect(statusesOf(known.stdout)).toEqual(['MISS', 'HIT_L1']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('Unknown example "no-such-example"');
    for (const name of Object.keys(EXAMPLES)) expect(unknown.stderr).toContain(name);
  });

  test('the demo exits 0, sees every status and prints a plain-text summary when piped', async () => {
    const run = await runScript('demo/main.ts');
    expectClean(run);
    for (const label of ['openai', 'langchain', 'ai-sdk'])
      expect(run.stdout).toContain(`  ${label} `);
    const tiers = run.stdout.slice(run.stdout.indexOf('Summary'));
    for (const status of ['HIT_L1', 'HIT_L1_STALE', 'HIT_L2', 'MISS', 'BYPASS']) {
      expect(tiers).toMatch(new RegExp(`^${status}\\s+[1-9]\\d*\\s+\\d+%$`, 'm'));
    }
    expect(tiers).toMatch(/^upstream calls avoided\s+[1-9]/m);
    expect(tiers).toMatch(/^tokens saved\s+[1-9]\d*\s/m);
    expect(run.stdout).toMatch(/All \d+ calls got the cache status they expected\./);
    expect(run.stdout).not.toContain('FAIL');
    // Piped output: no colour codes, no spinner.
    expect(run.stdout).not.toContain('\u001b[');
    // A similarity only where it means something: on hits.
    const callLines = run.stdout.split('\n').filter((line) => /\s(MISS|BYPASS)\s/.test(line));
    expect(callLines.length).toBeGreaterThan(0);
    for (const line of callLines) expect(line).not.toContain('sim ');
    expect(run.stdout).toMatch(/HIT_L1_STALE\s+sim 1\.0000/);
  });

  test('the demo fails within seconds, naming the variable, when the gateway is unreachable', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const run = await runScript('demo/main.ts', [], {
      CACHECORE_GATEWAY_URL: `http://127.0.0.1:${closed}`,
      CACHECORE_TENANT_JWT: 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJ4In0.c2ln',
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`The gateway at http://127.0.0.1:${closed} is not reachable`);
    // The health check answers, not the SDKs' retries (LangChain's took minutes).
    expect(run.stderr).toContain('CACHECORE_GATEWAY_URL');
    expect(run.stdout).not.toContain('openai ');
  });
});

test('the README quotes every example as it is', async () => {
  const readme = await readFile(new URL('README.md', import.meta.url), 'utf8');
  for (const name of Object.keys(EXAMPLES)) {
    const source = await readFile(new URL(`${name}.ts`, import.meta.url), 'utf8');
    expect(readme, `README.md must quote ${name}.ts unchanged`).toContain(`pnpm example ${name}\``);
    expect(readme, `README.md must quote ${name}.ts unchanged`).toContain(
      `\`\`\`ts\n${source.trimEnd()}\n\`\`\``,
    );
  }
});
