import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type CreateTenantTokenOptions,
  createTenantToken,
} from '../../src/auth/create-tenant-token';
import type { GatewayOptions } from '../../src/config/gateway-options';
import { type Gateway, startGateway } from '../../src/gateway';
import type { MockUpstream } from '../../src/upstream/mock-upstream';

/** A real gateway over its built-in mock upstream, for the tests of one `describe` block. */
export interface MockGatewayFixture {
  readonly gateway: Gateway;
  /** The mock upstream: its recorded requests show what was (or was not) forwarded. */
  readonly upstream: MockUpstream;
  /** A token of tenant `acme` the gateway accepts. */
  readonly token: string;
  /** Mints a token the gateway accepts (tenant `acme` unless given). */
  mintToken(options?: Partial<CreateTenantTokenOptions>): Promise<string>;
}

const DEFAULT_SECRET = 'mock-gateway-secret';

/**
 * Starts a gateway over the mock upstream (no latency, silent, L2 off, an HS256 test secret,
 * unless `options` say otherwise) before the block's tests, forgets the upstream's recorded requests before each test,
 * and closes the gateway after the block.
 */
export function useMockGateway(options: GatewayOptions = {}): MockGatewayFixture {
  let gateway: Gateway | undefined;
  let token = '';
  const fixture: MockGatewayFixture = {
    get gateway() {
      if (!gateway) throw new Error('The gateway starts in beforeAll: use it inside a test.');
      return gateway;
    },
    get upstream() {
      return fixture.gateway.mockUpstream as MockUpstream;
    },
    get token() {
      return token;
    },
    mintToken: (tokenOptions = {}) =>
      createTenantToken({
        secret: options.jwtSecret ?? DEFAULT_SECRET,
        tenantId: 'acme',
        ...tokenOptions,
      }),
  };
  beforeAll(async () => {
    gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 0,
      logLevel: 'silent',
      l2: false,
      jwtSecret: DEFAULT_SECRET,
      ...options,
    });
    token = await fixture.mintToken();
  });
  beforeEach(() => fixture.upstream.reset());
  afterAll(() => gateway?.close());
  return fixture;
}
