/** A seed node of a Redis Cluster: the client discovers the other nodes from any one of them. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** What a `redis-cluster://` URL names. */
export interface ParsedRedisClusterUrl {
  nodes: RedisClusterNode[];
  /** The ACL user of every node, when the URL names one. */
  username?: string;
  /** The password of every node, when the URL has one. */
  password?: string;
}

/** Whether `url` names a Redis Cluster (`redis-cluster://…`). */
export function isRedisClusterUrl(url: string): boolean {
  return /^redis-cluster:\/\//i.test(url.trim());
}

const CLUSTER_URL = /^redis-cluster:\/\/(?:([^@/?#]*)@)?([^/?#]+)(?:\/0?)?$/i;
const NODE = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/;

/**
 * Parses `redis-cluster://[[user]:password@]host:port[,host:port…][/0]`: seed nodes (port 6379
 * when absent; IPv6 hosts in brackets) sharing one user and password. A cluster has one database,
 * so the path is empty or `/0`. TLS (`rediss-cluster://`) has no URL form: pass `cluster` and
 * `redisOptions.tls` to `createRedisStore` instead. Throws with a message for the user, in which
 * the password is masked.
 */
export function parseRedisClusterUrl(url: string): ParsedRedisClusterUrl {
  const trimmed = url.trim();
  const invalid = (reason: string) =>
    new Error(`Invalid Redis Cluster URL "${maskRedisClusterUrl(trimmed)}": ${reason}.`);
  const match = CLUSTER_URL.exec(trimmed);
  if (!match) {
    throw invalid('expected redis-cluster://[user:password@]host:port[,host:port…]');
  }
  const [, userInfo, hostList = ''] = match;
  const nodes = hostList.split(',').map((part) => {
    const node = parseRedisClusterNode(part);
    if (!node) throw invalid(`"${part}" is not a host:port`);
    return node;
  });
  const parsed: ParsedRedisClusterUrl = { nodes };
  if (userInfo !== undefined) {
    const separator = userInfo.indexOf(':');
    const user = decode(separator === -1 ? userInfo : userInfo.slice(0, separator), invalid);
    if (user !== '') parsed.username = user;
    if (separator !== -1) parsed.password = decode(userInfo.slice(separator + 1), invalid);
  }
  return parsed;
}

/** `host:port` (port 6379 when absent, IPv6 hosts in brackets) as a node; `undefined` if malformed. */
export function parseRedisClusterNode(text: string): RedisClusterNode | undefined {
  const node = NODE.exec(text.trim());
  const host = node?.[1] ?? node?.[2];
  const port = Number(node?.[3] ?? 6379);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host, port };
}

/** A `redis-cluster://` URL with its password replaced by `***`, safe to log. */
export function maskRedisClusterUrl(url: string): string {
  return url.replace(/^(redis-cluster:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

/** The URL naming `nodes`, for logs when a cluster was given as a list of nodes. */
export function formatRedisClusterUrl(nodes: readonly RedisClusterNode[]): string {
  const hosts = nodes.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`);
  return `redis-cluster://${hosts.join(',')}`;
}

function decode(text: string, invalid: (reason: string) => Error): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid('the user or password is not valid percent-encoding');
  }
}
