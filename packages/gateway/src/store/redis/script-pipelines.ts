import type { ConnectionOptions } from 'node:tls';
import { Cluster, type Redis, type RedisOptions } from 'ioredis';
import { keySlot } from './key-slot';
import { ScriptPipeline, type ScriptPipelineOptions } from './script-pipeline';

/** The scripts-only connections of a store: one for a server, one per master of a cluster. */
export interface ScriptPipelines {
  /**
   * The connection for a script whose keys are in the slot of `key` (all of a script's keys
   * share it), when one is up; on a cluster, the one to the master that ioredis' slot map names.
   */
  forKey(key: string): ScriptPipeline | undefined;
  /** Resolves once every connection's counter increments so far are applied (`ScriptPipeline.sync`). */
  sync(): Promise<void>;
  close(): void;
}

/** What {@link openScriptPipelines} needs to know of the store's connection. */
export interface ScriptPipelinesTarget {
  /** The store's main client: its options say how to connect, a cluster's slot map where to. */
  client: Redis | Cluster;
  /** The server's URL, when not a cluster. */
  url?: string;
  /** The ioredis options the store's user added (`RedisConnectionOptions.redisOptions`). */
  callerOptions?: RedisOptions;
  limits: Pick<
    ScriptPipelineOptions,
    'connectTimeoutMs' | 'commandTimeoutMs' | 'maxReconnectDelayMs'
  >;
}

/**
 * The ioredis options a user may add and still have the scripts-only connections: what they
 * connect with (TLS, credentials, database, address family) is copied from the main client's
 * resolved options. Any other option may change what a connection is or how it names keys
 * (`keyPrefix`, a custom `Connector`, sentinels), so the main client then runs every script.
 */
const FOLLOWED_OPTIONS: ReadonlySet<string> = new Set([
  'tls',
  'username',
  'password',
  'db',
  'family',
  'connectionName',
]);

/**
 * Opens the scripts-only connections for a single server, or for a cluster (one per master,
 * opened on first use), connecting as the main client does: plain or TLS (`rediss://`,
 * `redisOptions.tls`), with its credentials and database. None when the URL carries options in
 * its query or the user's `redisOptions` hold one the connections do not follow (see
 * {@link FOLLOWED_OPTIONS}): the main client then runs every script.
 */
export function openScriptPipelines(target: ScriptPipelinesTarget): ScriptPipelines | undefined {
  const { client, callerOptions } = target;
  if (callerOptions && Object.keys(callerOptions).some((key) => !FOLLOWED_OPTIONS.has(key))) {
    return undefined;
  }
  if (client instanceof Cluster) {
    const nodeOptions = client.options.redisOptions ?? {};
    const connection = connectionOf(nodeOptions);
    return connection === undefined
      ? undefined
      : new ClusterScriptPipelines(client, { ...connection, ...target.limits });
  }
  if (target.url !== undefined && hasQuery(target.url)) return undefined;
  const connection = connectionOf(client.options);
  if (connection === undefined || !client.options.host) return undefined;
  const pipeline = new ScriptPipeline({
    ...connection,
    host: client.options.host,
    port: client.options.port ?? 6379,
    ...target.limits,
  });
  return {
    forKey: () => (pipeline.ready ? pipeline : undefined),
    sync: () => pipeline.sync(),
    close: () => pipeline.close(),
  };
}

/** What a script connection copies of an ioredis client's resolved options, if it can. */
type CopiedConnection = Pick<
  ScriptPipelineOptions,
  'username' | 'password' | 'db' | 'family' | 'tls' | 'connectionName'
>;

function connectionOf(options: RedisOptions): CopiedConnection | undefined {
  // A Unix socket, sentinels, prefixed keys, a custom connector or replica reads: not mirrored.
  const unusual = options as RedisOptions & { path?: string; sentinels?: unknown };
  if (unusual.path || unusual.sentinels || options.keyPrefix || options.Connector) return undefined;
  if (options.readOnly) return undefined;
  // `rediss://` leaves `tls: true` (no options); ioredis then connects with TLS defaults.
  const tls = options.tls as ConnectionOptions | boolean | undefined;
  return {
    username: options.username || undefined,
    password: options.password || undefined,
    db: options.db ?? 0,
    family: options.family || undefined,
    connectionName: options.connectionName || undefined,
    tls: typeof tls === 'object' ? tls : tls ? {} : undefined,
  };
}

/**
 * One pipeline per master, keyed by ioredis' node key (`host:port`), opened when a script first
 * goes there and closed when ioredis drops the node. A slot that moved sends the script to its
 * old master once: Redis answers MOVED, and the caller runs it through ioredis, which follows the
 * redirection and refreshes its slot map.
 */
class ClusterScriptPipelines implements ScriptPipelines {
  readonly #client: Cluster;
  /** How every node's connection is made, except where to. */
  readonly #connection: Omit<ScriptPipelineOptions, 'host' | 'port'>;
  readonly #byNode = new Map<string, ScriptPipeline>();
  #closed = false;

  constructor(client: Cluster, connection: Omit<ScriptPipelineOptions, 'host' | 'port'>) {
    this.#client = client;
    this.#connection = connection;
    client.on('-node', (node: Redis) => {
      const key = `${node.options.host}:${node.options.port}`;
      this.#byNode.get(key)?.close();
      this.#byNode.delete(key);
    });
  }

  forKey(key: string): ScriptPipeline | undefined {
    if (this.#closed) return undefined;
    const nodeKey = this.#client.slots[keySlot(key)]?.[0];
    if (nodeKey === undefined) return undefined;
    let pipeline = this.#byNode.get(nodeKey);
    if (pipeline === undefined) {
      const separator = nodeKey.lastIndexOf(':');
      const port = Number(nodeKey.slice(separator + 1));
      if (separator <= 0 || !Number.isInteger(port)) return undefined;
      pipeline = new ScriptPipeline({
        ...this.#connection,
        host: nodeKey.slice(0, separator),
        port,
      });
      this.#byNode.set(nodeKey, pipeline);
    }
    return pipeline.ready ? pipeline : undefined;
  }

  async sync(): Promise<void> {
    await Promise.all([...this.#byNode.values()].map((pipeline) => pipeline.sync()));
  }

  close(): void {
    this.#closed = true;
    for (const pipeline of this.#byNode.values()) pipeline.close();
    this.#byNode.clear();
  }
}

/** Whether a server URL carries options in its query (which ioredis reads as options). */
function hasQuery(text: string): boolean {
  try {
    return new URL(text).search !== '';
  } catch {
    return true;
  }
}
