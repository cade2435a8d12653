import { isIPv4 } from 'node:net';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { GatewayLogger } from '../log/logger';

/**
 * What the gateway does with a `/v1/*` request that carries no tenant token: `allow` forwards it
 * upstream uncached (`X-Cache: BYPASS`, rate-limited per client IP), `reject` answers 401.
 */
export type AnonymousAccess = 'allow' | 'reject';

/** Whether a setting's value is one `anonymous` accepts. */
export function isAnonymousAccess(value: unknown): value is AnonymousAccess {
  return value === 'allow' || value === 'reject';
}

/** What decides the default of `anonymous`. */
export interface AnonymousPolicyInputs {
  /** The setting as given; `undefined` picks the default. */
  anonymous: AnonymousAccess | undefined;
  /** The interface the gateway listens on. */
  host: string;
  /** The upstream base URL, or `'mock'`. */
  upstream: string;
  /** The gateway's own upstream key, if any. */
  upstreamApiKey: string | undefined;
}

/**
 * The anonymous access in effect. Unless set, it is `reject` when tokenless requests would spend
 * the gateway's own upstream key for anyone who can reach it: the gateway listens beyond loopback
 * (not 127.0.0.0/8, `::1` or `localhost`), with a real upstream (not `mock`) and an upstream API
 * key. Otherwise (a local gateway, the offline mock, or clients bringing their own key) `allow`.
 *
 * @example
 * resolveAnonymousAccess({ anonymous: undefined, host: '0.0.0.0', upstream: 'https://api.openai.com/v1', upstreamApiKey: 'sk-…' }); // 'reject'
 */
export function resolveAnonymousAccess(inputs: AnonymousPolicyInputs): AnonymousAccess {
  if (inputs.anonymous !== undefined) return inputs.anonymous;
  const relaysOwnKey = inputs.upstream !== 'mock' && Boolean(inputs.upstreamApiKey);
  return relaysOwnKey && !isLoopbackHost(inputs.host) ? 'reject' : 'allow';
}

/**
 * Warns when anonymous access was allowed explicitly where the default would reject it: anyone who
 * can reach the gateway may then spend its upstream key. Returns whether it warned.
 */
export function warnIfOpenRelay(
  inputs: AnonymousPolicyInputs,
  logger: Pick<GatewayLogger, 'warn'>,
): boolean {
  const openRelay =
    inputs.anonymous === 'allow' &&
    resolveAnonymousAccess({ ...inputs, anonymous: undefined }) === 'reject';
  if (openRelay) {
    logger.warn(
      'anonymous access is allowed on a reachable gateway: tokenless requests spend its upstream key',
      {
        host: inputs.host,
        fix: 'set --anonymous reject, or listen on 127.0.0.1',
      },
    );
  }
  return openRelay;
}

/**
 * Whether a listen address only accepts connections from this machine: `localhost`, an IPv4
 * address in 127.0.0.0/8, or `::1` (also written in full, bracketed, or as `::ffff:127.x.y.z`).
 * Wildcards (`0.0.0.0`, `::`) and host names are not.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  if (!name.includes(':')) return false;
  let canonical: string;
  try {
    // The URL parser writes an IPv6 address in its shortest form, mapped IPv4 in hex.
    canonical = new URL(`http://[${name}]/`).hostname;
  } catch {
    return false;
  }
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/**
 * Refuses a request without a tenant token when anonymous access is `reject`, with a 401 that says
 * how to get through: send a tenant token, or allow anonymous access.
 */
export function assertAnonymousAllowed(access: AnonymousAccess): void {
  if (access === 'allow') return;
  throw new GatewayHttpError(
    401,
    'This gateway does not forward requests without a tenant token (anonymous access is "reject"): ' +
      'send X-Cachecore-Token, or start the gateway with --anonymous allow (CACHECORE_ANONYMOUS=allow).',
    { code: 'anonymous_rejected' },
  );
}
