import { startRecordingServer } from '@cachecore/recording-server';
import { describe, expect, it } from 'vitest';
import { CachecoreClient, type CachecoreClientOptions } from './client';
import { CachecoreError } from './errors/cachecore-error';

function constructionError(options: Partial<CachecoreClientOptions>): CachecoreError {
  try {
    new CachecoreClient(options as CachecoreClientOptions);
  } catch (error) {
    if (CachecoreError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the constructor to throw');
}

describe('CachecoreClient options', () => {
  it('normalises the gateway URL and derives baseURL', () => {
    const cc = new CachecoreClient({
      gatewayUrl: 'https://gateway.cachecore.it/',
      tenantJwt: ' eyJ.a.b\n',
    });
    expect(cc.gatewayUrl).toBe('https://gateway.cachecore.it');
    expect(cc.baseURL).toBe('https://gateway.cachecore.it/v1');
    expect(
      new CachecoreClient({ gatewayUrl: new URL('http://127.0.0.1:8080'), tenantJwt: 't' }).baseURL,
    ).toBe('http://127.0.0.1:8080/v1');
  });

  it.each([
    [
      'a URL with /v1',
      { gatewayUrl: 'https://gateway.cachecore.it/v1' },
      /path "\/v1".*without \/v1/,
    ],
    ['a URL that is not one', { gatewayUrl: 'gateway.cachecore.it' }, /not a URL/],
    ['an empty URL', { gatewayUrl: '' }, /missing or empty/],
    ['a non-http URL', { gatewayUrl: 'ftp://gateway.cachecore.it' }, /only http and https/],
    ['a URL with a query', { gatewayUrl: 'https://gateway.cachecore.it/?x=1' }, /query/],
    ['an empty token', { tenantJwt: '   ' }, /tenantJwt.*empty/],
    ['a token with Bearer', { tenantJwt: 'Bearer eyJ.a.b' }, /whitespace/],
    ['a negative timeout', { timeout: -1 }, /timeout/],
  ])('rejects %s with invalid_options', (_label, override, message) => {
    const error = constructionError({
      gatewayUrl: 'https://gateway.cachecore.it',
      tenantJwt: 'eyJ.a.b',
      ...override,
    });
    expect(error.code).toBe('invalid_options');
    expect(error.message).toMatch(message);
  });

  it('makes no request while validating', async () => {
    await using gateway = await startRecordingServer();
    constructionError({ gatewayUrl: `${gateway.origin}/v1`, tenantJwt: 'eyJ.a.b' });
    constructionError({ gatewayUrl: gateway.origin, tenantJwt: '' });
    expect(gateway.requests).toHaveLength(0);
  });
});

describe('close', () => {
  it('refuses invalidations after close but keeps fetch working for in-flight SDK calls', async () => {
    await using gateway = await startRecordingServer();
    const cc = new CachecoreClient({ gatewayUrl: gateway.origin, tenantJwt: 'eyJ.a.b' });
    await cc.close();
    expect(cc.closed).toBe(true);
    await expect(cc.invalidate('table:x')).rejects.toMatchObject({ code: 'client_closed' });
    await expect(cc.invalidateMany(['table:x'])).rejects.toMatchObject({ code: 'client_closed' });
    const response = await cc.fetch(`${cc.baseURL}/models`);
    expect(response.status).toBe(200);
    expect(gateway.requests.map((request) => request.path)).toEqual(['/v1/models']);
  });

  it('waits for running invalidations and supports await using', async () => {
    await using gateway = await startRecordingServer(async (recorded, response) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          ok: true,
          dep_id: JSON.parse(recorded.body).dep_id,
          new_hash: 'n',
          keys_deleted: 0,
        }),
      );
    });
    let settled = false;
    {
      await using cc = new CachecoreClient({ gatewayUrl: gateway.origin, tenantJwt: 'eyJ.a.b' });
      cc.invalidate('table:x').then(() => {
        settled = true;
      });
    }
    expect(settled).toBe(true);
  });
});
