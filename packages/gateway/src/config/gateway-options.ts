import {
  type AnonymousAccess,
  isAnonymousAccess,
  resolveAnonymousAccess,
} from '../auth/anonymous-policy';
import type { GatewayLogger, LogLevel } from '../log/logger';
import type { Store } from '../store/store';

/**
 * Settings of a gateway; each has a CLI flag (kebab-case), an environment variable
 * (`CACHECORE_<FLAG>`) and a `gateway.toml` key of the same name.
 */
export interface GatewayOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 (the CLI defaults to 8080) */
  port?: number;
  /**
   * OpenAI-compatible base URL including `/v1` (a bare origin gets `/v1` appended), or `'mock'`
   * for the built-in offline upstream.
   * @default 'https://api.openai.com/v1'
   */
  upstream?: string;
  /** Key sent upstream as `Authorization: Bearer`. @default process.env.OPENAI_API_KEY in the CLI */
  upstreamApiKey?: string;
  /** Latency of the built-in mock upstream, ms. @default 300 */
  mockLatencyMs?: number;
  /**
   * Port of the built-in mock upstream (on 127.0.0.1), for other clients to reach it at a known
   * address. @default 0 (a free port)
   */
  mockPort?: number;
  /** HS256 secret for tenant tokens. */
  jwtSecret?: string;
  /** RS256 public key for tenant tokens: PEM text or a file path. */
  jwtPublicKey?: string;
  /** Bearer token of `/admin/*`; without it every admin call is 403. */
  adminToken?: string;
  /** Adds `X-CacheCore-Namespace-Hint` and the L2 tuning headers to answers. @default false */
  debugHeaders?: boolean;
  /** How long an entry answers `HIT_L1`, seconds. @default 3000 */
  freshTtlSecs?: number;
  /** How long after that it answers `HIT_L1_STALE` while refreshing, seconds. @default 600 */
  staleWindowSecs?: number;
  /** Requests per minute per client IP without a tenant token; 0 is unlimited. @default 100 */
  bypassRpm?: number;
  /**
   * Requests without a tenant token: `'allow'` forwards them upstream uncached (with the gateway's
   * upstream key, rate-limited per IP by `bypassRpm`), `'reject'` answers them 401. The default
   * keeps a reachable gateway from being an open relay of its key.
   * @default 'reject' when `host` is not loopback (127.0.0.0/8, ::1, localhost), `upstream` is
   * not `'mock'` and `upstreamApiKey` is set; `'allow'` otherwise
   */
  anonymous?: AnonymousAccess;
  /** Largest accepted request body, KiB. @default 1024 */
  maxBodyKb?: number;
  /**
   * Memory budget of the cache in this process, MiB. With the memory store, three quarters go to
   * its entries, vectors and dep hashes and one quarter to the in-process L2 indexes; with Redis
   * (which holds entries and dep hashes itself) all of it goes to the L2 indexes. Each part evicts
   * its least recently used contents beyond its share.
   * @default 256
   */
  maxMemoryMb?: number;
  /** Upstream timeout, ms. @default 120000 */
  upstreamTimeoutMs?: number;
  /** L2 embedder: `hash`, `openai` or `onnx:<dir>`. @default 'hash' */
  embedder?: string;
  /** Embedding model of the `openai` embedder. */
  embeddingModel?: string;
  /** Vector length requested from the `openai` embedder. */
  embeddingDimensions?: number;
  /** Base URL (with `/v1`) of the `openai` embedder. @default the upstream */
  embeddingUrl?: string;
  /** Minimum cosine similarity of an L2 hit. @default the embedder's calibrated threshold */
  l2Threshold?: number;
  /** Prompt guards vetoing L2 hits: names, or `['none']`. @default all guards */
  l2Guards?: string[];
  /** Whether the semantic cache (L2) is on. @default true */
  l2?: boolean;
  /**
   * Where cached data lives: `'memory'` (this process only), a `redis://host:port/db` URL or a
   * `redis-cluster://host:port,host:port` URL (seed nodes of a Redis Cluster), shared by every
   * gateway using the same Redis and `redisPrefix` (the gateway opens and closes it), or a `Store`
   * instance (e.g. from `createRedisStore`; shared, and not closed by the gateway).
   * @default 'memory'
   */
  store?: Store | string;
  /**
   * Prefix of every Redis key of a `redis://` or `redis-cluster://` store (without `{` or `}` on a
   * cluster).
   * @default 'cc:'
   */
  redisPrefix?: string;
  /** @default 'info' */
  logLevel?: LogLevel;
  /** Receives the logs instead of stdout. */
  logger?: GatewayLogger;
  /** Clock in epoch ms (for tests). @default Date.now */
  now?: () => number;
}

/** The settings with every default applied. */
export interface ResolvedGatewaySettings {
  host: string;
  port: number;
  upstream: string;
  mockLatencyMs: number;
  mockPort: number;
  debugHeaders: boolean;
  freshTtlSecs: number;
  staleWindowSecs: number;
  bypassRpm: number;
  anonymous: AnonymousAccess;
  maxBodyBytes: number;
  maxMemoryMb: number;
  upstreamTimeoutMs: number;
  embedder: string;
  l2: boolean;
  logLevel: LogLevel;
}

/** The public OpenAI endpoint, the default upstream. */
export const DEFAULT_UPSTREAM = 'https://api.openai.com/v1';

/** Applies defaults and checks ranges; throws a `TypeError` naming a bad setting. */
export function resolveGatewaySettings(options: GatewayOptions): ResolvedGatewaySettings {
  const number = (name: keyof GatewayOptions, fallback: number, minimum = 0): number => {
    const value = options[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
      throw new TypeError(`Invalid ${name}: expected a number ≥ ${minimum}, got ${String(value)}.`);
    }
    return value;
  };
  if (options.anonymous !== undefined && !isAnonymousAccess(options.anonymous)) {
    throw new TypeError(
      `Invalid anonymous: expected 'allow' or 'reject', got ${String(options.anonymous)}.`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  const upstream = normalizeUpstream(options.upstream ?? DEFAULT_UPSTREAM);
  return {
    host,
    port: number('port', 0),
    upstream,
    mockLatencyMs: number('mockLatencyMs', 300),
    mockPort: number('mockPort', 0),
    debugHeaders: options.debugHeaders ?? false,
    freshTtlSecs: number('freshTtlSecs', 3000),
    staleWindowSecs: number('staleWindowSecs', 600),
    bypassRpm: number('bypassRpm', 100),
    anonymous: resolveAnonymousAccess({
      anonymous: options.anonymous,
      host,
      upstream,
      upstreamApiKey: options.upstreamApiKey,
    }),
    maxBodyBytes: number('maxBodyKb', 1024, 1) * 1024,
    maxMemoryMb: number('maxMemoryMb', 256, 1),
    upstreamTimeoutMs: number('upstreamTimeoutMs', 120_000, 1),
    embedder: options.embedder ?? 'hash',
    l2: options.l2 ?? true,
    logLevel: options.logLevel ?? 'info',
  };
}

/**
 * An upstream given as a bare origin (`http://127.0.0.1:9000`) means its OpenAI API at `/v1`, the
 * way OpenAI-compatible servers mount it; any other path (`https://host/openai/v1`) is kept as is.
 */
function normalizeUpstream(upstream: string): string {
  if (upstream === 'mock') return upstream;
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return upstream; // reported by startGateway with the accepted forms
  }
  if (url.pathname !== '/' || url.search !== '') return upstream.replace(/\/+$/, '');
  return `${url.origin}/v1`;
}
