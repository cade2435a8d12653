import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** A gateway CLI running as its own process, as one instance behind a load balancer would. */
export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGKILL, as a crash would: no graceful shutdown. */
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();

/**
 * Starts the gateway CLI (from source) with `args` and an environment without `CACHECORE_*`
 * settings, and resolves with its URL once it listens; rejects with its output if it exits first
 * or takes longer than 20 s.
 */
export async function startGatewayProcess(args: string[]): Promise<GatewayProcess> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CACHECORE_') && name !== 'OPENAI_API_KEY') env[name] = value;
  }
  const child = spawn(
    process.execPath,
    ['--conditions=@cachecore/source', '--import', 'tsx', CLI, ...args],
    {
      cwd: REPOSITORY_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let output = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The gateway did not start:\n${output}`)),
      20_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/cachecore-gateway listening on (http:\/\/\S+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`The gateway exited while starting:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** SIGKILLs every gateway process still running, e.g. in a file's `afterAll`. */
export function killGatewayProcesses(): void {
  for (const child of children) child.kill('SIGKILL');
}
