import { Cluster, type Redis } from 'ioredis';
import { keySlot } from './key-slot';
import { ScriptPipeline, type ScriptPipelineOptions } from './script-pipeline';

/** The scripts-only connections of a store: one for a server, one per master of a cluster. */
export interface ScriptPipelines {
  /**
   * The connection for a script whose keys are in the slot of `key` (all of a script's keys
   * share it), when one is up; on a cluster, the one to the master that ioredis' slot map names.
   */
  forKey(key: string): ScriptPipeline | undefined;
  close(): void;
}

/** What {@link openScriptPipelines} needs to know of the store's connection. */
export interface ScriptPipelinesTarget {
  /** The store's main client: its cluster slot map says where a slot lives. */
  client: Redis | Cluster;
  /** The server's URL, when not a cluster. */
  url?: string;
  /** Credentials of every cluster node (from a `redis-cluster://` URL). */
  clusterCredentials?: { username?: string; password?: string };
  /** Whether the caller shaped the connection with ioredis options (TLS and the like). */
  customised: boolean;
  limits: Pick<
    ScriptPipelineOptions,
    'connectTimeoutMs' | 'commandTimeoutMs' | 'maxReconnectDelayMs'
  >;
}

/**
 * Opens the scripts-only connections for a single server named by a plain `redis://` URL, or
 * for a cluster (one per master, opened on first use); none with TLS or ioredis options shaping
 * the connection, which the pipelines do not mirror: the main client then runs every script.
 */
export function openScriptPipelines(target: ScriptPipelinesTarget): ScriptPipelines | undefined {
  if (target.customised) return undefined;
  const { client } = target;
  if (client instanceof Cluster) return new ClusterScriptPipelines(client, target);
  const options = target.url === undefined ? undefined : serverFromUrl(target.url);
  if (options === undefined) return undefined;
  const pipeline = new ScriptPipeline({ ...options, ...target.limits });
  return {
    forKey: () => (pipeline.ready ? pipeline : undefined),
    close: () => pipeline.close(),
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
  readonly #target: ScriptPipelinesTarget;
  readonly #byNode = new Map<string, ScriptPipeline>();
  #closed = false;

  constructor(client: Cluster, target: ScriptPipelinesTarget) {
    this.#client = client;
    this.#target = target;
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
        host: nodeKey.slice(0, separator),
        port,
        ...this.#target.clusterCredentials,
        ...this.#target.limits,
      });
      this.#byNode.set(nodeKey, pipeline);
    }
    return pipeline.ready ? pipeline : undefined;
  }

  close(): void {
    this.#closed = true;
    for (const pipeline of this.#byNode.values()) pipeline.close();
    this.#byNode.clear();
  }
}

/** Host, port, credentials and database of a plain `redis://` URL; undefined for anything else. */
function serverFromUrl(
  text: string,
): Pick<ScriptPipelineOptions, 'host' | 'port' | 'username' | 'password' | 'db'> | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'redis:' || url.search !== '' || !url.hostname) return undefined;
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) return undefined;
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 6379 : Number(url.port),
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    db: db === '' ? 0 : Number(db),
  };
}
