import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachecoreError } from '../errors/cachecore-error';
import { resolveGatewayOptions } from './gateway-environment';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('resolveGatewayOptions', () => {
  it('reads CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT for settings left out', () => {
    vi.stubEnv('CACHECORE_GATEWAY_URL', 'http://127.0.0.1:8080');
    vi.stubEnv('CACHECORE_TENANT_JWT', ' eyJ.from.env ');
    expect(resolveGatewayOptions({ timeout: 5 })).toEqual({
      timeout: 5,
      gatewayUrl: 'http://127.0.0.1:8080',
      tenantJwt: 'eyJ.from.env',
    });
  });

  it('keeps settings that are passed over the environment', () => {
    vi.stubEnv('CACHECORE_GATEWAY_URL', 'http://from-env');
    vi.stubEnv('CACHECORE_TENANT_JWT', 'eyJ.from.env');
    expect(resolveGatewayOptions({ gatewayUrl: 'http://passed', tenantJwt: 'eyJ.passed' })).toEqual(
      { gatewayUrl: 'http://passed', tenantJwt: 'eyJ.passed' },
    );
  });

  it('names the variable to set when a setting is missing, empty ones included', () => {
    vi.stubEnv('CACHECORE_GATEWAY_URL', '');
    vi.stubEnv('CACHECORE_TENANT_JWT', '');
    expect(() => resolveGatewayOptions({})).toThrow(CachecoreError);
    expect(() => resolveGatewayOptions({})).toThrow(/CACHECORE_GATEWAY_URL/);
    expect(() => resolveGatewayOptions({ gatewayUrl: 'http://gw' })).toThrow(
      /tenantJwt.*CACHECORE_TENANT_JWT/,
    );
  });
});
