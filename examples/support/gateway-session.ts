import { randomUUID } from 'node:crypto';
import { createTenantToken, type Gateway, startGateway } from '@cachecore/gateway';

/**
 * Where the examples send their requests:
 * - `remote`: an existing gateway named by `CACHECORE_GATEWAY_URL` and `CACHECORE_TENANT_JWT`;
 * - `openai`: a gateway started in this process in front of the real OpenAI API (`OPENAI_API_KEY`);
 * - `mock`: a gateway started in this process in front of its offline mock model, which answers
 *   `Echo: <your message>` after a realistic delay.
 */
export type GatewayMode = 'remote' | 'openai' | 'mock';

/** A gateway to talk to, and the tenant token to talk to it with. */
export interface GatewaySession {
  readonly mode: GatewayMode;
  /** Root URL of the gateway, without `/v1`. */
  readonly gatewayUrl: string;
  /** A tenant token the gateway accepts. */
  readonly tenantJwt: string;
  /** The model name to request. */
  readonly model: string;
  /** One line saying where requests go, for the examples' first line of output. */
  readonly description: string;
  /** The gateway running in this process; `undefined` in `remote` mode. */
  readonly gateway: Gateway | undefined;
  /**
   * Mints another token of the session's tenant with per-tenant TTL claims (`fresh_ttl_secs`,
   * `stale_window_secs`); `undefined` in `remote` mode, where only the gateway's owner can.
   */
  readonly mintTenantToken:
    | ((claims: { freshTtlSecs?: number; staleWindowSecs?: number }) => Promise<string>)
    | undefined;
  /** Stops the local gateway, if one was started. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link openGatewaySession}. */
export interface OpenGatewaySessionOptions {
  /** Where the settings come from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Delay of the mock model, in ms. `CACHECORE_DEMO_MOCK_LATENCY_MS` wins over it (the examples'
   * tests set it low to stay fast).
   * @default 300, about what a short completion of a small hosted model takes
   */
  mockLatencyMs?: number;
  /** Tenant of the token minted for a local gateway. @default 'demo' */
  tenantId?: string;
  /** Admin token of a local gateway, for `/admin/stats`. @default none (admin API off) */
  adminToken?: string;
}

/** The environment variables the examples read. */
export const SESSION_ENV = {
  gatewayUrl: 'CACHECORE_GATEWAY_URL',
  tenantJwt: 'CACHECORE_TENANT_JWT',
  openaiApiKey: 'OPENAI_API_KEY',
  mockLatencyMs: 'CACHECORE_DEMO_MOCK_LATENCY_MS',
} as const;

/** The model every example asks for (the mock model echoes any name back). */
export const EXAMPLE_MODEL = 'gpt-4o-mini';

const DEFAULT_MOCK_LATENCY_MS = 300;

/**
 * Connects to the gateway named by `CACHECORE_GATEWAY_URL` and `CACHECORE_TENANT_JWT` when both
 * are set; otherwise starts a gateway in this process (in front of OpenAI when `OPENAI_API_KEY` is
 * set, in front of the offline mock model otherwise) and mints a tenant token for it.
 *
 * @example
 * ```ts
 * await using session = await openGatewaySession();
 * const openai = createCachecoreOpenAI({ gatewayUrl: session.gatewayUrl, tenantJwt: session.tenantJwt });
 * ```
 */
export async function openGatewaySession(
  options: OpenGatewaySessionOptions = {},
): Promise<GatewaySession> {
  const env = options.env ?? process.env;
  const remoteUrl = env[SESSION_ENV.gatewayUrl]?.trim();
  const remoteToken = env[SESSION_ENV.tenantJwt]?.trim();
  if (remoteUrl || remoteToken) {
    if (!remoteUrl || !remoteToken) {
      throw new Error(
        `Set both ${SESSION_ENV.gatewayUrl} and ${SESSION_ENV.tenantJwt} to use an existing gateway, or neither to start a local one.`,
      );
    }
    const close = async () => {};
    return {
      mode: 'remote',
      gatewayUrl: remoteUrl.replace(/\/+$/, ''),
      tenantJwt: remoteToken,
      model: EXAMPLE_MODEL,
      description: `gateway ${remoteUrl} (from ${SESSION_ENV.gatewayUrl})`,
      gateway: undefined,
      mintTenantToken: undefined,
      close,
      [Symbol.asyncDispose]: close,
    };
  }

  // A fresh secret per run: the token is only ever shown to this process's own gateway.
  const jwtSecret = randomUUID();
  const openaiApiKey = env[SESSION_ENV.openaiApiKey]?.trim();
  const mockLatencyMs = readMockLatency(env) ?? options.mockLatencyMs ?? DEFAULT_MOCK_LATENCY_MS;
  const gateway = await startGateway({
    ...(openaiApiKey
      ? { upstream: 'https://api.openai.com/v1', upstreamApiKey: openaiApiKey }
      : { upstream: 'mock', mockLatencyMs }),
    jwtSecret,
    logLevel: 'silent',
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
  });
  const tenantId = options.tenantId ?? 'demo';
  const mintTenantToken = (claims: { freshTtlSecs?: number; staleWindowSecs?: number } = {}) =>
    createTenantToken({ secret: jwtSecret, tenantId, ...claims });
  const tenantJwt = await mintTenantToken();
  const close = () => gateway.close();
  return {
    mode: openaiApiKey ? 'openai' : 'mock',
    gatewayUrl: gateway.url,
    tenantJwt,
    model: EXAMPLE_MODEL,
    description: openaiApiKey
      ? `local gateway ${gateway.url} in front of api.openai.com (${SESSION_ENV.openaiApiKey})`
      : `local gateway ${gateway.url} in front of the mock model (${mockLatencyMs} ms per answer)`,
    gateway,
    mintTenantToken,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Checks that the session's gateway answers `GET /health` within `timeoutMs`, so a wrong
 * `CACHECORE_GATEWAY_URL` fails in seconds with a message that names it, instead of after every
 * SDK has retried every call. Throws an `Error` saying what was tried.
 */
export async function assertGatewayReachable(
  session: GatewaySession,
  timeoutMs = 3_000,
): Promise<void> {
  const url = `${session.gatewayUrl}/health`;
  let status: number;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    status = response.status;
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : describeCause(error);
    throw new Error(
      `The gateway at ${session.gatewayUrl} is not reachable (GET ${url}: ${reason}). Check ${SESSION_ENV.gatewayUrl}, or unset it to run a local gateway.`,
    );
  }
  if (status !== 200) {
    throw new Error(
      `The gateway at ${session.gatewayUrl} answered GET /health with ${status}; is ${SESSION_ENV.gatewayUrl} the gateway root (without /v1)?`,
    );
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function readMockLatency(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[SESSION_ENV.mockLatencyMs]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${SESSION_ENV.mockLatencyMs} must be a number of milliseconds, got "${raw}".`);
  }
  return value;
}
