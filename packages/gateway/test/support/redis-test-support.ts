import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { GatewayLogger } from '../../src/log/logger';

/**
 * The Redis the tests use: `CACHECORE_TEST_REDIS_URL`, by default database 11 of the local server,
 * so test keys never mix with a developer's data in database 0.
 */
export const TEST_REDIS_URL = process.env.CACHECORE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/11';

/** Whether CI demands Redis-backed tests run (`CACHECORE_REQUIRE_REDIS=1`) instead of skipping. */
export const REDIS_REQUIRED = process.env.CACHECORE_REQUIRE_REDIS === '1';

let warned = false;

/**
 * Whether a Redis answers `PING` at `url` within `timeoutMs`. When it does not, warns once how to
 * start one, or throws when {@link REDIS_REQUIRED} so CI fails loudly instead of skipping.
 */
export async function checkTestRedis(url = TEST_REDIS_URL, timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const reachable = await ping(hostname || '127.0.0.1', Number(port || 6379), timeoutMs);
  if (reachable) return true;
  const help =
    `No Redis answered at ${url}. Start one with \`redis-server --daemonize yes\` ` +
    '(or `apt-get install redis-server`), or point CACHECORE_TEST_REDIS_URL elsewhere.';
  if (REDIS_REQUIRED) throw new Error(`CACHECORE_REQUIRE_REDIS=1 but ${help}`);
  if (!warned) {
    warned = true;
    console.warn(`Skipping Redis-backed tests. ${help}`);
  }
  return false;
}

/** A key prefix unique to one test run, so concurrent runs and leftovers never collide. */
export function createTestPrefix(label = 'test'): string {
  return `cc-${label}-${process.pid}-${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK), so test runs leave nothing behind. */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, found] = await client.scan(
        cursor,
        'MATCH',
        `${escapeGlob(prefix)}*`,
        'COUNT',
        500,
      );
      cursor = next;
      if (found.length > 0) deleted += await client.unlink(...found);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}

/** Every key under `prefix`, for assertions about the key layout. */
export async function listKeysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(
      cursor,
      'MATCH',
      `${escapeGlob(prefix)}*`,
      'COUNT',
      500,
    );
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  return keys.sort();
}

/** Whether a `redis-server` binary is on the PATH (needed to run a private, killable server). */
export function hasRedisServerBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A private `redis-server` child on its own port (no persistence), for tests that kill Redis. */
export interface PrivateRedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server with SIGKILL, as a crash would, and waits for it to be gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port. */
  restart(): Promise<void>;
  /** Stops the server's process without closing its connections (SIGSTOP), as a hung server. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /**
   * With `{ tls: true }`: a `rediss://` URL of the server's TLS port (the plain `url` stays open
   * beside it) and the PEM certificate it presents, self-signed for 127.0.0.1, to trust as its CA.
   */
  tls?: { url: string; ca: string };
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a `redis-server` child on a free port: never the machine's shared Redis, which other
 * tests use. Resolves once it answers `PING`.
 */
export async function startPrivateRedisServer(
  options: { tls?: boolean } = {},
): Promise<PrivateRedisServer> {
  const port = await findFreePort();
  let child: ChildProcess | undefined;
  const tls = options.tls ? await createTlsListener() : undefined;

  const start = async () => {
    child = await spawnRedisServer(port, tls?.args);
  };

  const kill = async () => {
    const running = child;
    child = undefined;
    if (running) await killChild(running);
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    ...(tls ? { tls: { url: `rediss://127.0.0.1:${tls.port}/0`, ca: tls.ca } } : {}),
    kill,
    restart: start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    [Symbol.asyncDispose]: async () => {
      child?.kill('SIGCONT');
      await kill();
      if (tls) rmSync(tls.directory, { recursive: true, force: true });
    },
  };
}

/**
 * A TLS port for a private server: a self-signed certificate for 127.0.0.1 (openssl, in a
 * temporary directory) and the `redis-server` arguments that serve it without client certificates.
 */
async function createTlsListener(): Promise<{
  port: number;
  ca: string;
  args: string[];
  directory: string;
}> {
  const directory = mkdtempSync(join(tmpdir(), 'cachecore-redis-tls-'));
  const cert = join(directory, 'cert.pem');
  const key = join(directory, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  if (made.status !== 0) throw new Error('openssl could not make a test certificate.');
  const port = await findFreePort();
  return {
    port,
    ca: readFileSync(cert, 'utf8'),
    directory,
    args: [
      '--tls-port',
      String(port),
      '--tls-cert-file',
      cert,
      '--tls-key-file',
      key,
      '--tls-ca-cert-file',
      cert,
      '--tls-auth-clients',
      'no',
    ],
  };
}

/**
 * Starts `redis-server` on `port` of 127.0.0.1 without persistence (plus `extraArgs`) and resolves
 * once it answers `PING`; kills it and rejects when it exits or stays silent for 5 s.
 */
export async function spawnRedisServer(
  port: number,
  extraArgs: readonly string[] = [],
): Promise<ChildProcess> {
  const started = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (started.exitCode !== null)
      throw new Error(`redis-server on port ${port} exited with ${started.exitCode}.`);
    if (await ping('127.0.0.1', port, 200)) return started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await killChild(started);
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s.`);
}

/** Kills a child process with SIGKILL, as a crash would, and waits for it to be gone. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A port nothing listens on right now. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ping(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let answer = '';
    const finish = (result: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG'));
    });
    socket.once('error', () => finish(false));
  });
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}

/** The store, closed by `await using`. */
export function disposable<Closable extends { close(): Promise<void> }>(
  store: Closable,
): Closable & AsyncDisposable {
  return Object.assign(store, { [Symbol.asyncDispose]: () => store.close() });
}

/** A logger that keeps the messages of warnings and errors in `lines`. */
export function recordingLogger(lines: string[]): GatewayLogger {
  const record = (message: string) => lines.push(message);
  return { error: record, warn: record, info: () => {}, debug: () => {} };
}

/** Resolves once `condition` holds, checking every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 2_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
