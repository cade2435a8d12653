import { CachecoreError } from '../errors/cachecore-error';

/** The environment variable read for the gateway URL when none is passed. */
export const GATEWAY_URL_ENV = 'CACHECORE_GATEWAY_URL';

/** The environment variable read for the tenant token when none is passed. */
export const TENANT_JWT_ENV = 'CACHECORE_TENANT_JWT';

/** The two settings that locate a tenant's gateway; what {@link resolveGatewayOptions} fills in. */
export interface GatewayOptions {
  /**
   * Root URL of the gateway, without `/v1`.
   * @default process.env.CACHECORE_GATEWAY_URL
   */
  gatewayUrl?: string | URL;
  /**
   * The tenant token.
   * @default process.env.CACHECORE_TENANT_JWT
   */
  tenantJwt?: string;
}

/**
 * Fills in `gatewayUrl` and `tenantJwt` left out (`undefined`) of client options from the
 * `CACHECORE_GATEWAY_URL` and `CACHECORE_TENANT_JWT` environment variables, the way openai-node
 * reads `OPENAI_API_KEY`. Values that are passed are kept as they are (and validated later by
 * `CachecoreClient`). Throws a `CachecoreError` (`invalid_options`) naming the variable when a
 * setting is neither passed nor set in the environment. Outside Node (no `process.env`) nothing is
 * read.
 *
 * @example
 * ```ts
 * // CACHECORE_GATEWAY_URL=http://127.0.0.1:8080 CACHECORE_TENANT_JWT=eyJ…
 * const cc = new CachecoreClient(resolveGatewayOptions({ timeout: 5_000 }));
 * ```
 */
export function resolveGatewayOptions<Options extends object>(
  options: Options & GatewayOptions,
): Options & { gatewayUrl: string | URL; tenantJwt: string } {
  const gatewayUrl = options.gatewayUrl ?? readEnvironment(GATEWAY_URL_ENV);
  if (gatewayUrl === undefined) {
    throw new CachecoreError(
      `Missing gatewayUrl: pass it, or set ${GATEWAY_URL_ENV} to the gateway root URL (e.g. "http://127.0.0.1:8080", without /v1).`,
      { code: 'invalid_options' },
    );
  }
  const tenantJwt = options.tenantJwt ?? readEnvironment(TENANT_JWT_ENV);
  if (tenantJwt === undefined) {
    throw new CachecoreError(
      `Missing tenantJwt: pass it, or set ${TENANT_JWT_ENV} to the tenant token (eyJ… or cc_live_<id>.eyJ…).`,
      { code: 'invalid_options' },
    );
  }
  return { ...options, gatewayUrl, tenantJwt };
}

function readEnvironment(name: string): string | undefined {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process?.env;
  const value = environment?.[name]?.trim();
  return value ? value : undefined;
}
