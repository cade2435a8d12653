import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  createTenantToken,
  type Gateway,
  type MockUpstream,
  startGateway,
} from '@cachecore/gateway';
import { type RecordedRequest, startRecordingServer } from '@cachecore/recording-server';
import { afterAll, beforeAll, expect, onTestFinished, vi } from 'vitest';

// The gateway's tests use their own setups; the adapters only need this one, so the secret is fixed.
const JWT_SECRET = 'cachecore-test-support-secret-0123456789';

/** A model request (Chat Completions or Responses) that went through the recording proxy. */
export interface GatewayRequest extends RecordedRequest {
  /** `X-Cache` of the gateway's answer, once it has answered. */
  cacheStatus: string | undefined;
}

/** Options of {@link startTestGateway}. */
export interface TestGatewayOptions {
  /**
   * Put a node:http proxy in front of the gateway that records the model requests reaching it, to
   * see what a client sent (the gateway strips `X-Cachecore-*` before going upstream).
   * @default false
   */
  recordRequests?: boolean;
}

/** The real gateway on 127.0.0.1 with its mock upstream, for tests. */
export interface TestGateway {
  /** The root URL to give a client as `gatewayUrl`: the proxy's when recording, the gateway's otherwise. */
  readonly url: string;
  /** The gateway itself. */
  readonly gateway: Gateway;
  /** The gateway's built-in upstream (answers `Echo: <last user message>`). */
  readonly mockUpstream: MockUpstream;
  /** With `recordRequests`, the model requests seen by the proxy, oldest first; otherwise empty. */
  readonly requests: GatewayRequest[];
  close(): Promise<void>;
}

/** Starts the real gateway with a 5 ms mock upstream and silent logs, optionally behind a recording proxy. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const gateway = await startGateway({
    upstream: 'mock',
    mockLatencyMs: 5,
    jwtSecret: JWT_SECRET,
    logLevel: 'silent',
  });
  const { mockUpstream } = gateway;
  if (!mockUpstream) {
    await gateway.close();
    throw new Error('startGateway({ upstream: "mock" }) returned no mockUpstream');
  }
  const requests: GatewayRequest[] = [];
  if (!options.recordRequests) {
    return { url: gateway.url, gateway, mockUpstream, requests, close: () => gateway.close() };
  }
  const proxy = await startRecordingProxy(gateway.url, requests);
  return {
    url: proxy.origin,
    gateway,
    mockUpstream,
    requests,
    async close() {
      await proxy.close();
      await gateway.close();
    },
  };
}

/** A {@link TestGateway} managed by the test file's hooks; see {@link useTestGateway}. */
export interface TestGatewayHandle extends Omit<TestGateway, 'close'> {
  /** Closes `resource` (a client, a provider's client, …) after the file's tests, before the gateway. */
  closeAfterAll<Resource extends { close(): unknown }>(resource: Resource): Resource;
  /** Client settings for this gateway and a tenant of its own (see {@link createFreshTenantToken}). */
  freshTenant(): Promise<{ gatewayUrl: string; tenantJwt: string }>;
}

/**
 * Starts a test gateway in `beforeAll` of the file (or `describe` block) it is called in and closes
 * it in `afterAll`, after everything handed to `closeAfterAll`. Its fields can be read from inside
 * tests and hooks, once the gateway has started.
 *
 * @example
 * ```ts
 * const gateway = useTestGateway();
 * it('answers', async () => {
 *   const cc = gateway.closeAfterAll(
 *     new CachecoreClient({ gatewayUrl: gateway.url, tenantJwt: await createFreshTenantToken() }),
 *   );
 * });
 * ```
 */
export function useTestGateway(options: TestGatewayOptions = {}): TestGatewayHandle {
  let started: TestGateway | undefined;
  const resources: Array<{ close(): unknown }> = [];
  beforeAll(async () => {
    started = await startTestGateway(options);
  });
  afterAll(async () => {
    await Promise.all(resources.map((resource) => resource.close()));
    await started?.close();
  });
  const current = (): TestGateway => {
    if (started === undefined) {
      throw new Error(
        'useTestGateway(): the gateway starts in beforeAll; read it in tests or hooks',
      );
    }
    return started;
  };
  return {
    get url() {
      return current().url;
    },
    get gateway() {
      return current().gateway;
    },
    get mockUpstream() {
      return current().mockUpstream;
    },
    get requests() {
      return current().requests;
    },
    closeAfterAll(resource) {
      resources.push(resource);
      return resource;
    },
    async freshTenant() {
      return { gatewayUrl: current().url, tenantJwt: await createFreshTenantToken() };
    },
  };
}

function startRecordingProxy(target: string, requests: GatewayRequest[]) {
  const targetUrl = new URL(target);
  return startRecordingServer(
    (recorded, response) =>
      new Promise<void>((resolve) => {
        const modelRequest: GatewayRequest = { ...recorded, cacheStatus: undefined };
        const path = recorded.path.split('?')[0]!;
        if (path.endsWith('/chat/completions') || path.endsWith('/responses')) {
          requests.push(modelRequest);
        }
        const forwarded = httpRequest(
          {
            host: targetUrl.hostname,
            port: targetUrl.port,
            method: recorded.method,
            path: recorded.path,
            headers: { ...recorded.headers, host: targetUrl.host },
          },
          (answer) => {
            modelRequest.cacheStatus = answer.headers['x-cache'] as string | undefined;
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
            answer.on('end', resolve);
          },
        );
        forwarded.on('error', () => {
          response.destroy();
          resolve();
        });
        forwarded.end(recorded.body);
      }),
  );
}

/** Options of {@link createFreshTenantToken}. */
export interface FreshTenantTokenOptions {
  /** Seconds until the token expires; negative for an already expired one. @default no expiry */
  expiresIn?: number;
  /** The signing secret; anything but the default makes a token the test gateway rejects. */
  secret?: string;
}

/**
 * A token for a tenant no other test uses: tenants never share cache entries (exact or semantic),
 * so a test that uses its own starts from an empty cache whatever its prompts.
 */
export function createFreshTenantToken(options: FreshTenantTokenOptions = {}): Promise<string> {
  return createTenantToken({
    secret: options.secret ?? JWT_SECRET,
    tenantId: `test-${randomUUID()}`,
    ...(options.expiresIn !== undefined && { expiresIn: options.expiresIn }),
  });
}

/** A prompt no other test uses, so cache entries never cross tests that share a tenant. */
export function uniquePrompt(text: string): string {
  return `${text} [${randomUUID().slice(0, 8)}]`;
}

/** The text of a recorded request's last message (JSON for structured content). */
export function lastUserText(request: RecordedRequest): string {
  let body: { messages?: Array<{ content?: unknown }> } | undefined;
  try {
    body = JSON.parse(request.body) as typeof body;
  } catch {
    return '';
  }
  const content = body?.messages?.at(-1)?.content;
  return typeof content === 'string' ? content : JSON.stringify(content);
}

/**
 * Points `CACHECORE_GATEWAY_URL` at `gatewayUrl` and `CACHECORE_TENANT_JWT` at a fresh tenant's
 * token until the current test ends, for factories called without options.
 */
export async function setGatewayEnvironment(gatewayUrl: string): Promise<void> {
  const token = await createFreshTenantToken();
  onTestFinished(() => {
    vi.unstubAllEnvs();
  });
  vi.stubEnv('CACHECORE_GATEWAY_URL', gatewayUrl);
  vi.stubEnv('CACHECORE_TENANT_JWT', token);
}

/** Empties `CACHECORE_GATEWAY_URL` and `CACHECORE_TENANT_JWT` until the current test ends. */
export function clearGatewayEnvironment(): void {
  onTestFinished(() => {
    vi.unstubAllEnvs();
  });
  vi.stubEnv('CACHECORE_GATEWAY_URL', '');
  vi.stubEnv('CACHECORE_TENANT_JWT', '');
}

/** One call through an adapter with the given cache directives, resolving to its cache status. */
export type AskWithDirectives = (cacheControl?: {
  noStore?: boolean;
  noCache?: boolean;
}) => Promise<string | undefined>;

/**
 * Checks, through an adapter's own call, what a user of `noStore` and `noCache` notices at the
 * gateway: a no-store call leaves nothing behind, a no-cache call goes upstream and refreshes the
 * entry. `ask` must send the same prompt every time, for a tenant with an empty cache.
 */
export async function expectCacheDirectivesHonoured(
  ask: AskWithDirectives,
  mockUpstream: MockUpstream,
): Promise<void> {
  expect(await ask({ noStore: true })).toBe('MISS');
  expect(await ask()).toBe('MISS'); // nothing was written by the no-store call
  expect(await ask()).toBe('HIT_L1');
  const upstreamCalls = mockUpstream.requestCount;
  expect(await ask({ noCache: true })).toBe('MISS');
  expect(mockUpstream.requestCount).toBe(upstreamCalls + 1);
  expect(await ask()).toBe('HIT_L1');
}
