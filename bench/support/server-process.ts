import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { delimiter, isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A server running in a child process, so that it has a core to itself and the client another. */
export interface ServerProcess {
  /** Root URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Process id of the server itself (what `/proc/<pid>/stat` is read from). */
  readonly pid: number;
  close(): Promise<void>;
}

/** How to start a server process. */
export interface ServerProcessOptions {
  /** Pins the server to this CPU core with `taskset -c` (it execs node, so the pid is node's). */
  core?: number;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
}

interface StartOptions extends ServerProcessOptions {
  /** The script is JavaScript: run it with plain node, without the TypeScript loader. */
  javascript?: boolean;
}

const TSX = import.meta.resolve('tsx');
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI as it ships (`npx cachecore-gateway` runs this file). */
const GATEWAY_CLI = fileURLToPath(new URL('../../packages/gateway/dist/cli.js', import.meta.url));
const GATEWAY_SOURCE_CLI = fileURLToPath(
  new URL('../../packages/gateway/src/cli.ts', import.meta.url),
);
/**
 * `CACHECORE_BENCH_FROM_SOURCE=1` runs the gateway from its TypeScript through tsx instead: handy
 * while editing, but tsx's transform (it keeps function names with a helper call per closure)
 * costs the hit path several microseconds that the shipped build does not.
 */
const FROM_SOURCE = process.env.CACHECORE_BENCH_FROM_SOURCE === '1';
const BARE_SERVER = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
const HONO_SERVER = fileURLToPath(new URL('./hono-server.ts', import.meta.url));
const READY_LINE = /listening on (http:\/\/\S+)/;

/** The HS256 secret the benchmarks' gateways verify tenant tokens with. */
export const BENCH_JWT_SECRET = 'bench-secret';

/**
 * CLI flags of a benchmark gateway: the mock model answering at once. No log level: callers say
 * which one they measure (`--log-level silent`, or the default `info`, which logs every request).
 */
export const MOCK_GATEWAY_ARGS: readonly string[] = [
  '--upstream',
  'mock',
  '--mock-latency-ms',
  '0',
  '--jwt-secret',
  BENCH_JWT_SECRET,
];

/**
 * Starts the gateway CLI with `args` (a port is chosen for it): the built CLI, what users run,
 * built first when the sources changed (see {@link buildGateway}).
 */
export async function startGatewayProcess(
  args: readonly string[],
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  if (FROM_SOURCE) return startProcess([GATEWAY_SOURCE_CLI, '--port', '0', ...args], options);
  await buildGateway();
  return startProcess([GATEWAY_CLI, '--port', '0', ...args], { ...options, javascript: true });
}

let gatewayBuild: Promise<void> | undefined;

/**
 * Builds the gateway and what it depends on with turbo, once per benchmark run: a few seconds
 * after a change, a cache hit otherwise. Rejects with turbo's output when the build fails.
 */
export function buildGateway(): Promise<void> {
  gatewayBuild ??= new Promise<void>((resolve, reject) => {
    const bin = join(REPO_ROOT, 'node_modules', '.bin');
    const args = ['run', 'build', '--filter=@cachecore/gateway...', '--output-logs=errors-only'];
    // turbo runs each package's script through `pnpm`, looked up on PATH from the package's own
    // directory: a relative entry such as pnpm's `./node_modules/.bin` would name a missing file
    // there, so the workspace's bin directory goes first, absolute, and relative entries are dropped.
    const path = [
      bin,
      ...(process.env.PATH ?? '').split(delimiter).filter((entry) => isAbsolute(entry)),
    ];
    const env = { ...process.env, PATH: path.join(delimiter) };
    execFile(join(bin, 'turbo'), args, { cwd: REPO_ROOT, env }, (error, stdout) => {
      if (error) reject(new Error(`building the gateway failed: ${error.message}\n${stdout}`));
      else resolve();
    });
  });
  return gatewayBuild;
}

/**
 * Starts the bare baseline server; with `responseFile` (JSON `{ headers, body }`) it answers those
 * bytes to every POST.
 */
export function startBareServerProcess(
  responseFile?: string,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  return startProcess([BARE_SERVER], withResponseFile(options, responseFile));
}

/** Starts the Hono parse-and-return floor, answering the bytes of `responseFile` to every POST. */
export function startHonoServerProcess(
  responseFile: string,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  return startProcess([HONO_SERVER], withResponseFile(options, responseFile));
}

function withResponseFile(
  options: ServerProcessOptions,
  responseFile: string | undefined,
): ServerProcessOptions {
  return responseFile
    ? { ...options, env: { ...options.env, BARE_RESPONSE_FILE: responseFile } }
    : options;
}

async function startProcess(args: string[], options: StartOptions): Promise<ServerProcess> {
  const loader = options.javascript ? [] : ['--conditions=@cachecore/source', '--import', TSX];
  const nodeArgs = [...(options.nodeArgs ?? []), ...loader, ...args];
  const [command, commandArgs] =
    options.core === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(options.core), process.execPath, ...nodeArgs]];
  const child = spawn(command, commandArgs, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const url = await waitForLine(child, READY_LINE);
  return {
    url,
    pid: child.pid as number,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
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
        // Keep draining its output (request logs, at the default level) so the child never
        // blocks on a full pipe: a log shipper reading the pipe is what production looks like.
        // (Leaving the loop closes readline, which pauses the stream: resume it.)
        child.stdout?.on('data', () => {});
        child.stdout?.resume();
        return match;
      }
    }
    throw new Error('server process closed its output before it was ready');
  })();
  return Promise.race([ready, exited]);
}
