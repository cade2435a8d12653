import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createTenantToken } from './auth/create-tenant-token';
import {
  ConfigError,
  explainArgumentError,
  formatHelp,
  parseServerArgs,
  resolveCliConfig,
} from './config/cli-config';
import { startGateway } from './gateway';
import { findStoreProblem } from './store/open-store';
import type { Store } from './store/store';

const COMMAND = 'cachecore-gateway';

function readVersion(): string {
  try {
    // src/cli.ts and dist/cli.js both sit one level below the package root.
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return String(manifest.version);
  } catch {
    return 'unknown';
  }
}

async function runServer(argv: string[]): Promise<void> {
  const { values, positionals } = parseServerArgs(argv);
  if (values.help) {
    console.log(formatHelp());
    return;
  }
  if (values.version) {
    console.log(readVersion());
    return;
  }
  if (positionals.length > 0) throw new ConfigError(`Unexpected argument "${positionals[0]}".`);
  const { options, display } = await resolveCliConfig(values, process.env);
  // The gateway opens (and on shutdown closes) the store named by --store, logging through its
  // own logger; only a malformed --store (or a prefix a cluster cannot take) is a configuration
  // error.
  const storeProblem = findStoreProblem(options.store, options.redisPrefix);
  if (storeProblem) throw new ConfigError(storeProblem);
  const gateway = await startGateway(options);
  const { store } = gateway;

  const settings = gateway.settings;
  console.log(`${COMMAND} listening on ${gateway.url}`);
  const { port: _port, host: _host, ...given } = display;
  const banner: Record<string, string> = {
    ...given,
    upstream: gateway.mockUpstream
      ? `mock (${gateway.mockUpstream.url}, ${settings.mockLatencyMs} ms)`
      : settings.upstream,
    store:
      store.kind === 'memory'
        ? `memory (${settings.maxMemoryMb} MiB)`
        : `${store.kind} (${describeStore(store)})`,
    l1: `fresh ${settings.freshTtlSecs} s, stale window ${settings.staleWindowSecs} s`,
    l2:
      settings.l2 && settings.l2Threshold !== undefined
        ? `${settings.embedderId}, threshold ${settings.l2Threshold}`
        : 'off',
    'bypass-rpm': String(settings.bypassRpm),
    'max-body-kb': String(settings.maxBodyBytes / 1024),
    'upstream-timeout-ms': String(settings.upstreamTimeoutMs),
    'debug-headers': String(settings.debugHeaders),
    'log-level': settings.logLevel,
  };
  for (const [name, value] of Object.entries(banner)) console.log(`  ${name}: ${value}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`${COMMAND}: second ${signal}, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${COMMAND}: ${signal} received, finishing in-flight requests`);
    // close() also closes the store the gateway opened (Redis connections included).
    gateway.close().then(
      () => process.exit(0),
      (error) => {
        console.error(`${COMMAND}: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** Where a shared store lives, for the banner (Redis: URL with the password masked, and prefix). */
function describeStore(store: Store): string {
  const details = store as Partial<{ url: string; prefix: string; isReady: () => boolean }>;
  const parts = [details.url, details.prefix && `prefix ${details.prefix}`];
  if (details.isReady && !details.isReady()) parts.push('not reachable yet: serving uncached');
  return parts.filter(Boolean).join(', ');
}

async function runTokenCommand(argv: string[]): Promise<void> {
  const options = {
    tenant: { type: 'string' },
    'jwt-secret': { type: 'string' },
    'jwt-private-key': { type: 'string' },
    roles: { type: 'string' },
    'expires-in': { type: 'string' },
    'policy-version': { type: 'string' },
    'fresh-ttl-secs': { type: 'string' },
    'stale-window-secs': { type: 'string' },
    'rate-limit-rpm': { type: 'string' },
    'key-prefix': { type: 'string' },
    help: { type: 'boolean' },
  } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, strict: true, options }).values;
  } catch (error) {
    throw explainArgumentError(error, Object.keys(options));
  }
  if (values.help) {
    console.log(
      `Usage: ${COMMAND} token --tenant <id> [--jwt-secret S | --jwt-private-key FILE] [--roles a,b] [--expires-in 1h]\n` +
        '       [--policy-version V] [--fresh-ttl-secs N] [--stale-window-secs N] [--rate-limit-rpm N] [--key-prefix ID]\n' +
        'Prints a tenant token for this gateway (the secret also reads CACHECORE_JWT_SECRET).',
    );
    return;
  }
  const tenant = values.tenant as string | undefined;
  if (!tenant) throw new ConfigError('token: --tenant <id> is required.');
  const secret = (values['jwt-secret'] as string | undefined) ?? process.env.CACHECORE_JWT_SECRET;
  const privateKeyPath = values['jwt-private-key'] as string | undefined;
  if (!secret && !privateKeyPath) {
    throw new ConfigError(
      'token: set --jwt-secret (or CACHECORE_JWT_SECRET), or --jwt-private-key FILE.',
    );
  }
  const number = (flag: string): number | undefined => {
    const value = values[flag] as string | undefined;
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new ConfigError(`token: invalid --${flag} "${value}".`);
    return parsed;
  };
  const expiresIn = values['expires-in'] as string | undefined;
  const token = await createTenantToken({
    tenantId: tenant,
    secret,
    privateKey: privateKeyPath && !secret ? await readFile(privateKeyPath, 'utf8') : undefined,
    roles: (values.roles as string | undefined)
      ?.split(',')
      .map((role) => role.trim())
      .filter(Boolean),
    policyVersion: values['policy-version'] as string | undefined,
    freshTtlSecs: number('fresh-ttl-secs'),
    staleWindowSecs: number('stale-window-secs'),
    rateLimitRpm: number('rate-limit-rpm'),
    expiresIn:
      expiresIn === undefined ? undefined : /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn,
    keyPrefix: values['key-prefix'] as string | undefined,
  });
  console.log(token);
}

async function main(argv: string[]): Promise<void> {
  // A closed stdout (e.g. `| head`) must not take the gateway down with an EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  try {
    if (argv[0] === 'token') await runTokenCommand(argv.slice(1));
    else await runServer(argv);
  } catch (error) {
    const message = (error as Error).message;
    console.error(`${COMMAND}: ${message}`);
    if (error instanceof ConfigError) console.error(`Run "${COMMAND} --help" for the options.`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
}

await main(process.argv.slice(2));
