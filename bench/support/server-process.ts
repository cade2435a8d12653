import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A server running in a child process, so that it has a core to itself and the client another. */
export interface ServerProcess {
  /** Root URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  close(): Promise<void>;
}

const TSX = import.meta.resolve('tsx');
const GATEWAY_CLI = fileURLToPath(new URL('../../packages/gateway/src/cli.ts', import.meta.url));
const BARE_SERVER = fileURLToPath(new URL('./bare-server.ts', import.meta.url));

/** The HS256 secret the benchmarks' gateways verify tenant tokens with. */
export const BENCH_JWT_SECRET = 'bench-secret';

/** CLI flags of a benchmark gateway: the mock model answering at once, quiet logs. */
export const MOCK_GATEWAY_ARGS: readonly string[] = [
  '--upstream',
  'mock',
  '--mock-latency-ms',
  '0',
  '--jwt-secret',
  BENCH_JWT_SECRET,
  '--log-level',
  'warn',
];

/** Starts the gateway CLI from source with `args` (a port is chosen for it). */
export function startGatewayProcess(args: readonly string[]): Promise<ServerProcess> {
  return startProcess([GATEWAY_CLI, '--port', '0', ...args], {}, /listening on (http:\/\/\S+)/);
}

/** Starts the bare baseline server, answering `response` (headers and body) to every POST. */
export function startBareServerProcess(responseFile?: string): Promise<ServerProcess> {
  return startProcess(
    [BARE_SERVER],
    responseFile ? { BARE_RESPONSE_FILE: responseFile } : {},
    /listening on (http:\/\/\S+)/,
  );
}

async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyLine: RegExp,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@cachecore/source', '--import', TSX, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const url = await waitForLine(child, readyLine);
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  if (!child.stdout) throw new Error('server process has no stdout');
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`server process exited with code ${code} before it was ready`);
  });
  const ready = (async () => {
    for await (const line of lines) {
      const match = line.match(pattern)?.[1];
      if (match) {
        // Keep draining its output so the child never blocks on a full pipe.
        child.stdout?.on('data', () => {});
        return match;
      }
    }
    throw new Error('server process closed its output before it was ready');
  })();
  return Promise.race([ready, exited]);
}
