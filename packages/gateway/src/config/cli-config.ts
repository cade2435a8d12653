import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { isAnonymousAccess } from '../auth/anonymous-policy';
import { isLogLevel } from '../log/logger';
import type { GatewayOptions } from './gateway-options';

/** A setting that cannot be used; the CLI prints its message and exits non-zero. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type FlagType = 'string' | 'number' | 'boolean' | 'list';

interface FlagSpec {
  flag: string;
  type: FlagType;
  description: string;
  /** Shown in `--help`. */
  defaultText?: string;
  /** Printed as `***` in the startup banner. */
  secret?: boolean;
  /** Extra environment variables read after `CACHECORE_<FLAG>`. */
  extraEnv?: string[];
}

/** Every server flag, in `--help` order; each reads `CACHECORE_<FLAG>` and a TOML key too. */
export const SERVER_FLAGS: readonly FlagSpec[] = [
  { flag: 'host', type: 'string', description: 'Interface to listen on', defaultText: '127.0.0.1' },
  {
    flag: 'port',
    type: 'number',
    description: 'Port to listen on (0 picks a free port)',
    defaultText: '8080',
  },
  {
    flag: 'upstream',
    type: 'string',
    description:
      'OpenAI-compatible base URL (e.g. https://api.openai.com/v1; a bare origin means <origin>/v1), or "mock"',
    defaultText: 'https://api.openai.com/v1',
  },
  {
    flag: 'upstream-api-key',
    type: 'string',
    description: 'Key sent upstream (also OPENAI_API_KEY)',
    secret: true,
    extraEnv: ['OPENAI_API_KEY'],
  },
  {
    flag: 'upstream-timeout-ms',
    type: 'number',
    description: 'Upstream timeout',
    defaultText: '120000',
  },
  {
    flag: 'mock-latency-ms',
    type: 'number',
    description: 'Latency of the mock upstream',
    defaultText: '300',
  },
  {
    flag: 'mock-port',
    type: 'number',
    description: 'Port of the mock upstream, so other clients can use it too',
    defaultText: 'a free port',
  },
  {
    flag: 'jwt-secret',
    type: 'string',
    description: 'HS256 secret of tenant tokens',
    secret: true,
  },
  {
    flag: 'jwt-public-key',
    type: 'string',
    description: 'RS256 public key file (PEM) of tenant tokens',
  },
  { flag: 'admin-token', type: 'string', description: 'Bearer token of /admin/*', secret: true },
  {
    flag: 'debug-headers',
    type: 'boolean',
    description: 'Send namespace hint and L2 tuning headers',
    defaultText: 'false',
  },
  {
    flag: 'fresh-ttl-secs',
    type: 'number',
    description: 'Seconds an entry answers HIT_L1',
    defaultText: '3000',
  },
  {
    flag: 'stale-window-secs',
    type: 'number',
    description: 'Seconds of HIT_L1_STALE with background refresh',
    defaultText: '600',
  },
  {
    flag: 'bypass-rpm',
    type: 'number',
    description: 'Requests/minute per IP without a tenant token (0: unlimited)',
    defaultText: '100',
  },
  {
    flag: 'anonymous',
    type: 'string',
    description: 'Requests without a tenant token: allow (forward uncached) | reject (401)',
    defaultText: 'reject when listening beyond loopback with a real upstream and key, else allow',
  },
  { flag: 'max-body-kb', type: 'number', description: 'Largest request body', defaultText: '1024' },
  {
    flag: 'max-memory-mb',
    type: 'number',
    description: 'Memory budget of the cache (entries, dep hashes, L2 indexes)',
    defaultText: '256',
  },
  {
    flag: 'embedder',
    type: 'string',
    description: 'L2 embedder: hash | openai | onnx:<dir>',
    defaultText: 'hash',
  },
  { flag: 'embedding-model', type: 'string', description: 'Model of the openai embedder' },
  {
    flag: 'embedding-dimensions',
    type: 'number',
    description: 'Dimensions of the openai embedder',
  },
  {
    flag: 'embedding-url',
    type: 'string',
    description: 'Base URL (with /v1) of the openai embedder',
    defaultText: 'the upstream',
  },
  {
    flag: 'l2-threshold',
    type: 'number',
    description: 'Minimum cosine similarity of an L2 hit',
    defaultText: "the embedder's",
  },
  {
    flag: 'l2-guards',
    type: 'list',
    description: 'Comma list of prompt guards, or "none"',
    defaultText: 'all',
  },
  { flag: 'no-l2', type: 'boolean', description: 'Turn the semantic cache (L2) off' },
  {
    flag: 'log-level',
    type: 'string',
    description: 'silent | error | warn | info | debug',
    defaultText: 'info',
  },
  {
    flag: 'store',
    type: 'string',
    description:
      'memory, redis://host:port/db, or redis-cluster://host:port,host:port (seed nodes)',
    defaultText: 'memory',
  },
  { flag: 'redis-prefix', type: 'string', description: 'Key prefix in Redis', defaultText: 'cc:' },
];

/** Options of the CLI: the gateway's, plus where the store lives. */
export interface CliGatewayConfig extends Omit<GatewayOptions, 'store'> {
  /** `memory`, a `redis://` URL or a `redis-cluster://` URL. */
  store: string;
  redisPrefix: string;
}

/** The effective settings and which flags were given, for the banner. */
export interface ResolvedCliConfig {
  options: CliGatewayConfig;
  /** Flag name → value as printed (secrets redacted). */
  display: Record<string, string>;
}

const camelCase = (flag: string) =>
  flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const envName = (flag: string) => `CACHECORE_${flag.replace(/-/g, '_').toUpperCase()}`;

/** The `parseArgs` option table of the server flags. */
export function serverParseOptions() {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    config: { type: 'string' },
    help: { type: 'boolean' },
    version: { type: 'boolean' },
    l2: { type: 'boolean' },
  };
  for (const spec of SERVER_FLAGS)
    options[spec.flag] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  return options;
}

/** Parses argv (without node and script) of the server command; throws `ConfigError`. */
export function parseServerArgs(argv: string[]): {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
} {
  try {
    const parsed = parseArgs({
      args: argv,
      options: serverParseOptions(),
      strict: true,
      allowPositionals: true,
    });
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    throw explainArgumentError(error, Object.keys(serverParseOptions()));
  }
}

/**
 * Turns a `node:util` `parseArgs` error into a `ConfigError` a person can act on: an unknown flag
 * names the closest known one (`Unknown option --uptream. Did you mean --upstream?`), a flag
 * without its value says so, instead of Node's parser message about positionals.
 */
export function explainArgumentError(error: unknown, knownFlags: readonly string[]): ConfigError {
  const { code, message } = error as { code?: string; message?: string };
  const given = /'(-{1,2}[^'\s]*)/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && given) {
    const name = given.replace(/^-+/, '').split('=')[0] ?? '';
    const suggestion = closestFlag(name, knownFlags);
    return new ConfigError(
      `Unknown option ${given}.${suggestion ? ` Did you mean --${suggestion}?` : ''}`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && given) {
    return new ConfigError(`Option ${given} needs a value (${given} VALUE).`);
  }
  return new ConfigError(message ?? String(error));
}

/** The known flag closest to `name` by edit distance, when it is close enough to be a typo. */
function closestFlag(name: string, knownFlags: readonly string[]): string | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const flag of knownFlags) {
    const distance = editDistance(name, flag);
    if (!best || distance < best.distance) best = { flag, distance };
  }
  if (!best) return undefined;
  const isPrefix = best.flag.startsWith(name) && name.length >= 3;
  return best.distance <= Math.max(2, Math.floor(best.flag.length / 4)) || isPrefix
    ? best.flag
    : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Merges flags, `CACHECORE_<FLAG>` environment variables and the `--config` TOML file, in that
 * precedence (flag > env > file > default), into gateway options.
 */
export async function resolveCliConfig(
  values: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): Promise<ResolvedCliConfig> {
  const configPath = (values.config as string | undefined) ?? env.CACHECORE_CONFIG;
  const file = configPath ? await readConfigFile(configPath) : {};
  const raw: Record<string, { value: unknown; source: string }> = {};
  for (const spec of SERVER_FLAGS) {
    const fromFlag = values[spec.flag];
    if (fromFlag !== undefined) {
      raw[spec.flag] = { value: fromFlag, source: `--${spec.flag}` };
      continue;
    }
    const envKey = [envName(spec.flag), ...(spec.extraEnv ?? [])].find(
      (name) => env[name] !== undefined && env[name] !== '',
    );
    if (envKey) {
      raw[spec.flag] = { value: env[envKey], source: envKey };
      continue;
    }
    if (spec.flag in file)
      raw[spec.flag] = { value: file[spec.flag], source: configPath ?? 'config' };
  }
  // `--l2` / `l2 = false` in TOML are accepted as the positive form of `--no-l2`.
  if (raw['no-l2'] === undefined) {
    const positive = values.l2 ?? env.CACHECORE_L2 ?? file.l2;
    if (positive !== undefined)
      raw['no-l2'] = { value: !coerceBoolean(positive, 'l2'), source: 'l2' };
  }

  const options: CliGatewayConfig = { port: 8080, store: 'memory', redisPrefix: 'cc:' };
  const target = options as unknown as Record<string, unknown>;
  const display: Record<string, string> = {};
  for (const spec of SERVER_FLAGS) {
    const entry = raw[spec.flag];
    if (!entry) continue;
    const value = coerce(spec, entry.value, entry.source);
    if (spec.flag === 'no-l2') options.l2 = !value;
    else target[camelCase(spec.flag)] = value;
    display[spec.flag] = spec.secret
      ? '***'
      : Array.isArray(value)
        ? value.join(',')
        : String(value);
  }
  if (options.logLevel !== undefined && !isLogLevel(options.logLevel)) {
    throw new ConfigError(
      `Invalid log level "${options.logLevel}": use silent, error, warn, info or debug.`,
    );
  }
  if (options.anonymous !== undefined && !isAnonymousAccess(options.anonymous)) {
    throw new ConfigError(`Invalid --anonymous "${options.anonymous}": use allow or reject.`);
  }
  if (
    options.upstream !== undefined &&
    options.upstream !== 'mock' &&
    !/^https?:\/\/.+/.test(options.upstream)
  ) {
    throw new ConfigError(
      `Invalid --upstream "${options.upstream}": expected an http(s) URL including /v1, or "mock".`,
    );
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port > 65_535)) {
    throw new ConfigError(`Invalid --port ${options.port}: expected an integer from 0 to 65535.`);
  }
  if (!options.jwtSecret && !options.jwtPublicKey) {
    throw new ConfigError(
      'A tenant token key is required: set --jwt-secret (or CACHECORE_JWT_SECRET) for HS256, or --jwt-public-key FILE for RS256.',
    );
  }
  return { options, display };
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`The config file ${path} is not valid TOML: ${(error as Error).message}`);
  }
  const known = new Set([...SERVER_FLAGS.map((spec) => spec.flag), 'l2']);
  const normalized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    // Keys may be written kebab-case, snake_case or camelCase.
    const flag = key.replace(/_/g, '-').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    if (!known.has(flag)) throw new ConfigError(`Unknown setting "${key}" in ${path}.`);
    normalized[flag] = value;
  }
  return normalized;
}

function coerce(spec: FlagSpec, value: unknown, source: string): unknown {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new ConfigError(`Invalid ${source}: expected a string.`);
      }
      return String(value);
    case 'number': {
      const number = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || !Number.isFinite(number) || number < 0) {
        throw new ConfigError(
          `Invalid ${source} "${String(value)}": expected a non-negative number.`,
        );
      }
      return number;
    }
    case 'boolean':
      return coerceBoolean(value, source);
    case 'list': {
      const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
      return items.map((item) => item.trim()).filter(Boolean);
    }
  }
}

function coerceBoolean(value: unknown, source: string): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  throw new ConfigError(`Invalid ${source} "${String(value)}": expected true or false.`);
}

/** The `--help` text. */
export function formatHelp(): string {
  const lines = [
    'Usage: cachecore-gateway [options]',
    '       cachecore-gateway token --tenant <id> [--jwt-secret S | --jwt-private-key FILE] [--roles a,b] [--expires-in 1h]',
    '',
    'A caching proxy for OpenAI-compatible APIs (exact L1 + semantic L2 cache, per tenant).',
    'Every option also reads CACHECORE_<OPTION> (e.g. CACHECORE_JWT_SECRET) and a key of a',
    '--config gateway.toml file; precedence: flag > environment > file > default.',
    '',
    'Options:',
    '  --config FILE                TOML file with any of the options below',
  ];
  for (const spec of SERVER_FLAGS) {
    const name =
      spec.type === 'boolean'
        ? `--${spec.flag}`
        : `--${spec.flag} ${spec.type === 'number' ? 'N' : 'VALUE'}`;
    const suffix = spec.defaultText ? ` (default: ${spec.defaultText})` : '';
    lines.push(`  ${name.padEnd(28)} ${spec.description}${suffix}`);
  }
  lines.push(
    '  --help                       Show this help',
    '  --version                    Show the version',
  );
  return lines.join('\n');
}
