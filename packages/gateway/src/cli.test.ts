import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'cli-test-secret';

interface RunningCli {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<number | null>;
}

const running: ChildProcess[] = [];

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CACHECORE_') && name !== 'OPENAI_API_KEY') env[name] = value;
  }
  return { ...env, ...extra };
}

function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@cachecore/source', '--import', 'tsx', CLI, ...args],
    {
      cwd: PACKAGE_DIR,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.push(child);
  return child;
}

async function startCli(args: string[], env: Record<string, string> = {}): Promise<RunningCli> {
  const child = spawnCli(args, env);
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/cachecore-gateway listening on (http:\/\/\S+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}:\n${output}`));
    });
  });
  return { child, url, output: () => output, exit };
}

async function runToEnd(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => resolve(exitCode)),
  );
  return { code, stdout, stderr };
}

async function tokenFor(tenant: string): Promise<string> {
  const { createTenantToken } = await import('./auth/create-tenant-token');
  return createTenantToken({ secret: SECRET, tenantId: tenant });
}

async function chat(url: string, token: string, content: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
  });
}

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

// Every test starts CLI processes (Node and tsx start-up each): slow on a busy machine.
describe('cachecore-gateway CLI', { timeout: 60_000 }, () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cachecore-cli-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('serves cached completions over the mock upstream and stops cleanly on SIGTERM', async () => {
    const cli = await startCli([
      '--port',
      '0',
      '--upstream',
      'mock',
      '--mock-latency-ms',
      '5',
      '--jwt-secret',
      SECRET,
      '--log-level',
      'info',
    ]);
    expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = await tokenFor('cli-tenant');
    const first = await chat(cli.url, token, 'hello from the CLI');
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect((await first.json()).choices[0].message.content).toBe('Echo: hello from the CLI');
    const second = await chat(cli.url, token, 'hello from the CLI');
    expect(second.headers.get('x-cache')).toBe('HIT_L1');
    await second.text();
    await expect.poll(() => cli.output()).toContain('"cache":"HIT_L1"');
    expect(cli.output()).toContain('jwt-secret: ***');
    expect(cli.output()).not.toContain(SECRET);
    // One structured log line per request.
    const logLines = cli
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'request');
    expect(logLines.map((line) => line.cache)).toEqual(['MISS', 'HIT_L1']);
    expect(logLines[0]).toMatchObject({
      tenant: 'cli-tenant',
      route: '/v1/chat/completions',
      status: 200,
    });
    expect(logLines[0].latency_ms).toEqual(expect.any(Number));
    expect(logLines[0].upstream_ms).toEqual(expect.any(Number));

    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  });

  it('finishes an in-flight request before exiting on SIGTERM', async () => {
    const cli = await startCli([
      '--port',
      '0',
      '--upstream',
      'mock',
      '--mock-latency-ms',
      '400',
      '--jwt-secret',
      SECRET,
      '--log-level',
      'silent',
    ]);
    const token = await tokenFor('slow');
    const pending = chat(cli.url, token, 'slow one');
    await new Promise((resolve) => setTimeout(resolve, 100));
    cli.child.kill('SIGTERM');
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect((await answer.json()).choices[0].message.content).toBe('Echo: slow one');
    expect(await cli.exit).toBe(0);
  });

  it('reads settings from CACHECORE_ variables and a TOML file, flags first', async () => {
    const configPath = join(workDir, 'gateway.toml');
    await writeFile(
      configPath,
      'upstream = "mock"\nmock_latency_ms = 5\nlog-level = "silent"\nfresh-ttl-secs = 1234\nbypass_rpm = 7\n',
    );
    const cli = await startCli(['--config', configPath, '--port', '0', '--bypass-rpm', '9'], {
      CACHECORE_JWT_SECRET: SECRET,
      CACHECORE_FRESH_TTL_SECS: '77',
    });
    await expect.poll(() => cli.output()).toContain('log-level: silent');
    expect(cli.output()).toContain('fresh 77 s');
    expect(cli.output()).toContain('bypass-rpm: 9');
    const answer = await chat(cli.url, await tokenFor('env'), 'configured');
    expect(answer.status).toBe(200);
    await answer.text();
  });

  it('exits non-zero with a clear message for a bad flag, a bad value or a missing key', async () => {
    const badFlag = await runToEnd(['--no-such-flag']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('Unknown option --no-such-flag.');
    expect(badFlag.stderr).not.toContain('positional');
    const typo = await runToEnd(['--uptream', 'mock', '--jwt-secret', SECRET]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Unknown option --uptream. Did you mean --upstream?');
    const tokenTypo = await runToEnd(['token', '--tennant', 'acme', '--jwt-secret', SECRET]);
    expect(tokenTypo.stderr).toContain('Did you mean --tenant?');
    const missingValue = await runToEnd(['--upstream']);
    expect(missingValue.stderr).toContain('Option --upstream needs a value');
    const badValue = await runToEnd([
      '--upstream',
      'mock',
      '--jwt-secret',
      SECRET,
      '--port',
      'eighty',
    ]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/--port "eighty"/);
    const noKey = await runToEnd(['--upstream', 'mock']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/--jwt-secret/);
    const badStore = await runToEnd([
      '--upstream',
      'mock',
      '--jwt-secret',
      SECRET,
      '--store',
      'mongodb://127.0.0.1:27017',
    ]);
    expect(badStore.code).toBe(2);
    expect(badStore.stderr).toMatch(/Unknown --store "mongodb:\/\/127\.0\.0\.1:27017"/);
    // Seven CLI processes in a row: each pays Node's and tsx's start-up.
  }, 90_000);

  it('serves the mock upstream on the port given with --mock-port', async () => {
    const probe = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const cli = await startCli([
      '--upstream',
      'mock',
      '--jwt-secret',
      SECRET,
      '--port',
      '0',
      '--mock-port',
      String(probe),
    ]);
    const models = await fetch(`http://127.0.0.1:${probe}/v1/models`);
    expect(models.status).toBe(200);
    expect((await models.json()).object).toBe('list');
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  });

  it('prints help, the version, and tenant tokens the gateway accepts', async () => {
    const help = await runToEnd(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--jwt-secret');
    expect(help.stdout).toContain('CACHECORE_');
    const version = await runToEnd(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);

    const minted = await runToEnd(
      ['token', '--tenant', 'self-hosted', '--roles', 'reader', '--expires-in', '1h'],
      {
        CACHECORE_JWT_SECRET: SECRET,
      },
    );
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const cli = await startCli([
      '--port',
      '0',
      '--upstream',
      'mock',
      '--mock-latency-ms',
      '5',
      '--jwt-secret',
      SECRET,
      '--log-level',
      'silent',
    ]);
    const answer = await chat(cli.url, token, 'minted');
    expect(answer.status).toBe(200);
    await answer.text();
    const missingTenant = await runToEnd(['token', '--jwt-secret', SECRET]);
    expect(missingTenant.code).toBe(2);
    expect(missingTenant.stderr).toMatch(/--tenant/);
  });
});
