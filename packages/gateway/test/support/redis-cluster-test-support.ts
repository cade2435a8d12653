import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { killChild, REDIS_REQUIRED, spawnRedisServer } from './redis-test-support';

/** A Redis Cluster of three masters (no replicas) on loopback ports, private to one test file. */
export interface TestRedisCluster {
  /** The masters, as seed nodes. */
  readonly nodes: readonly { host: string; port: number }[];
  /** `redis-cluster://127.0.0.1:<p1>,127.0.0.1:<p2>,127.0.0.1:<p3>`, what `--store` takes. */
  readonly url: string;
  /** A plain connection to one node, for assertions (`CLUSTER KEYSLOT`, `SCRIPT FLUSH`, …). */
  node(index: number): Redis;
  /** Kills every node with SIGKILL, as a crash of the whole cluster would. */
  kill(): Promise<void>;
  /** Kills one master with SIGKILL: a partial outage (its slots fail, the others serve). */
  killNode(index: number): Promise<void>;
  /**
   * Starts a node killed by `killNode` again on its port (without data) and resolves once the
   * cluster is `ok` again.
   */
  restartNode(index: number): Promise<void>;
  /**
   * Starts the killed nodes again on their ports; they find each other from their cluster config
   * files (without data: nothing is persisted). Resolves once the cluster is `ok` again.
   */
  restart(): Promise<void>;
  /** Stops every node and removes their directory. */
  stop(): Promise<void>;
}

let warned = false;

/**
 * Whether `redis-server` and `redis-cli` are installed, as starting a cluster needs. When they are
 * not, warns once how to get them, or throws when `CACHECORE_REQUIRE_REDIS=1` so CI fails instead
 * of skipping.
 */
export function checkRedisClusterBinaries(): boolean {
  const installed = ['redis-server', 'redis-cli'].every(
    (binary) => spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  if (installed) return true;
  const help =
    'Starting a test Redis Cluster needs redis-server and redis-cli on the PATH ' +
    '(`apt-get install redis-server`).';
  if (REDIS_REQUIRED) throw new Error(`CACHECORE_REQUIRE_REDIS=1 but ${help}`);
  if (!warned) {
    warned = true;
    console.warn(`Skipping Redis Cluster tests. ${help}`);
  }
  return false;
}

/**
 * Starts three `redis-server` processes in cluster mode on free loopback ports (each with its
 * cluster bus port, +10000, free too), joins them with `redis-cli --cluster create`, and resolves
 * once every node reports `cluster_state:ok`. Whatever was started is stopped again if that fails.
 */
export async function startTestRedisCluster(): Promise<TestRedisCluster> {
  const directory = await mkdtemp(join(tmpdir(), 'cachecore-cluster-'));
  const ports = await findClusterPorts(3);
  const addresses = ports.map((port) => `127.0.0.1:${port}`);
  let children: ChildProcess[] = [];
  const childByPort = new Map<number, ChildProcess>();
  const clients = ports.map((port) => {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
    // It reconnects by itself after kill() and restart(); meanwhile its errors are expected.
    client.on('error', () => {});
    return client;
  });
  const startNode = async (port: number) => {
    const child = await spawnRedisServer(port, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(directory, `nodes-${port}.conf`),
      '--dir',
      directory,
    ]);
    children.push(child);
    childByPort.set(port, child);
  };
  const startNodes = async () => {
    for (const port of ports) await startNode(port);
  };
  const kill = async () => {
    await Promise.all(children.map(killChild));
    children = [];
    childByPort.clear();
  };
  const portOf = (index: number): number => {
    const port = ports[index];
    if (port === undefined) throw new Error(`The test cluster has no node ${index}.`);
    return port;
  };
  // Should the test process end without its afterAll (a crash, a kill), take the nodes along.
  const killOnExit = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    for (const client of clients) client.disconnect();
    await kill();
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await startNodes();
    await runRedisCli([
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitForClusterState(clients);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    url: `redis-cluster://${addresses.join(',')}`,
    node(index) {
      const client = clients[index];
      if (!client) throw new Error(`The test cluster has no node ${index}.`);
      return client;
    },
    kill,
    async killNode(index) {
      const port = portOf(index);
      const child = childByPort.get(port);
      if (!child) throw new Error(`Node ${index} of the test cluster is not running.`);
      await killChild(child);
      childByPort.delete(port);
      children = children.filter((running) => running !== child);
    },
    async restartNode(index) {
      await startNode(portOf(index));
      await waitForClusterState(clients);
    },
    async restart() {
      await startNodes();
      await waitForClusterState(clients);
    },
    stop,
  };
}

/**
 * A test Redis Cluster for the tests of one file (or `describe` block): started in `beforeAll`,
 * stopped in `afterAll`, also when tests fail. Read it inside tests and hooks.
 */
export function useTestRedisCluster(): { readonly current: TestRedisCluster } {
  let cluster: TestRedisCluster | undefined;
  beforeAll(async () => {
    cluster = await startTestRedisCluster();
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    get current() {
      if (!cluster) throw new Error('The test cluster starts in beforeAll: use it inside a test.');
      return cluster;
    },
  };
}

/** `count` ports, each free on 127.0.0.1 together with its cluster bus port (port + 10000). */
async function findClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (ports.includes(port) || ports.includes(port + 10_000) || ports.includes(port - 10_000))
      continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function runRedisCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`redis-cli ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

async function waitForClusterState(clients: readonly Redis[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const isOk = (client: Redis) =>
    client.cluster('INFO').then(
      (info) => /^cluster_state:ok$/m.test(info),
      () => false,
    );
  for (const client of clients) {
    while (!(await isOk(client))) {
      if (Date.now() > deadline)
        throw new Error('The test cluster did not reach cluster_state:ok.');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
