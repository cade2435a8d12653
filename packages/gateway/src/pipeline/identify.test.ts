import { beforeAll, describe, expect, it } from 'vitest';
import {
  cacheableRequest,
  createStageContext,
  verifiedTenant,
} from '../../test/support/pipeline-test-context';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { GatewayContext } from '../gateway-context';

const encodeDeps = (deps: Array<{ dep_id: string; expected_hash: string }>) =>
  Buffer.from(JSON.stringify(deps)).toString('base64url');

describe('identity and namespace stage', () => {
  let context: GatewayContext;

  beforeAll(async () => {
    context = await createStageContext({
      upstream: 'http://127.0.0.1:9/v1',
      debugHeaders: true,
      l2: true,
    });
  });

  it('gives two tenants asking the same thing different namespaces and L1 keys', async () => {
    const acme = cacheableRequest(context, await verifiedTenant(context, 'acme'), 'hello');
    const again = cacheableRequest(context, await verifiedTenant(context, 'acme'), 'hello');
    const globex = cacheableRequest(context, await verifiedTenant(context, 'globex'), 'hello');
    expect(acme.l1Key).toBe(again.l1Key);
    expect(globex.namespace).not.toBe(acme.namespace);
    expect(globex.l1Key).not.toBe(acme.l1Key);
    expect(acme.indexKey?.startsWith(`${acme.namespace}:`)).toBe(true);
    expect(acme.debugHeaders['x-cachecore-namespace-hint']).toBe(acme.namespace.slice(0, 12));
  });

  it('reads the deps header and adds the policy version', async () => {
    const identity = await verifiedTenant(context, 'acme');
    const request = cacheableRequest(context, identity, 'hello', {
      headers: { 'x-cachecore-deps': encodeDeps([{ dep_id: 'doc:1', expected_hash: 'v1' }]) },
    });
    expect(request.deps).toEqual([
      { depId: 'doc:1', expectedHash: 'v1' },
      { depId: 'cc:policy-version', expectedHash: '0' },
    ]);
  });

  it('refuses a malformed deps header with a 400', async () => {
    const identity = await verifiedTenant(context, 'acme');
    expect(() =>
      cacheableRequest(context, identity, 'hello', { headers: { 'x-cachecore-deps': '!!' } }),
    ).toThrow(GatewayHttpError);
  });

  it("takes the TTLs from the tenant's claims over the gateway's", async () => {
    const identity = await verifiedTenant(context, 'short', { freshTtlSecs: 5 });
    const request = cacheableRequest(context, identity, 'hello');
    expect(request.ttl).toEqual({ freshTtlSecs: 5, staleWindowSecs: 600 });
  });
});
