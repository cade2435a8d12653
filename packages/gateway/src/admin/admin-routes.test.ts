import { describe, expect, it } from 'vitest';
import { useMockGateway } from '../../test/support/mock-gateway';
import { sendRaw } from '../../test/support/raw-http';

const ADMIN = { authorization: 'Bearer admin-secret' };

describe('admin tenant paths', () => {
  const fixture = useMockGateway({ adminToken: 'admin-secret' });

  it.each([
    ['GET', '/admin/tenants/%E0%A4%A/stats'],
    ['GET', '/admin/tenants/%E0%A4/stats'],
    ['GET', '/admin/tenants/%FF/stats'],
    ['POST', '/admin/tenants/%E0%A4/flush'],
  ])(
    'answers %s %s, a tenant id that is not percent-encoded UTF-8, with a 400',
    async (method, path) => {
      const answer = await sendRaw(fixture.gateway.url, { method, path, headers: ADMIN });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_path',
      });
    },
  );

  it('reaches a tenant whose id holds a slash', async () => {
    const answer = await sendRaw(fixture.gateway.url, {
      path: '/admin/tenants/org%2Fteam/stats',
      headers: ADMIN,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ tenant: 'org/team', entries: 0 });
  });

  it('decodes an escaped tenant id', async () => {
    const answer = await sendRaw(fixture.gateway.url, {
      path: '/admin/tenants/caf%C3%A9%20bar/stats',
      headers: ADMIN,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ tenant: 'café bar', entries: 0 });
  });
});
