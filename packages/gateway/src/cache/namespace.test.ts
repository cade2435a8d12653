import { describe, expect, it } from 'vitest';
import { useMockGateway } from '../../test/support/mock-gateway';
import { postJson } from '../../test/support/raw-http';
import { computeNamespace } from './namespace';

describe('namespaces of tokens whose roles are not strings', () => {
  const fixture = useMockGateway();
  const token = (claims: Record<string, unknown>) => fixture.mintToken({ claims });

  const ask = async (tenantToken: string, prompt: string) => {
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: prompt }],
    });
    const answer = await postJson(fixture.gateway.url, '/v1/chat/completions', body, {
      'x-cachecore-token': tenantToken,
    });
    expect(answer.status).toBe(200);
    return answer.headers['x-cache'];
  };

  it('never serves one token the answer cached for another with other claim values', async () => {
    const tokens = [
      await token({}),
      await token({ roles: [1] }),
      await token({ roles: [2] }),
      await token({ roles: { admin: true } }),
      await token({ roles: ['1'] }),
      await token({ scope: [true] }),
      await token({ permissions: [null] }),
    ];
    const before = fixture.upstream.requestCount;
    for (const each of tokens) expect(await ask(each, 'typed roles prompt')).toBe('MISS');
    for (const each of tokens) expect(await ask(each, 'typed roles prompt')).toBe('HIT_L1');
    expect(fixture.upstream.requestCount - before).toBe(tokens.length);
  });

  it('still shares entries between tokens whose roles differ only in order or spelling', async () => {
    const first = await token({ roles: ['reader', 'writer', { team: 'a', level: 2 }, 3] });
    const reordered = await token({ roles: [3, { level: 2, team: 'a' }, 'writer', 'reader'] });
    const asString = await token({ roles: 'reader writer', scope: [3, { team: 'a', level: 2 }] });
    expect(await ask(first, 'shared roles prompt')).toBe('MISS');
    expect(await ask(reordered, 'shared roles prompt')).toBe('HIT_L1');
    expect(await ask(asString, 'shared roles prompt')).toBe('HIT_L1');
  });
});

describe('computeNamespace', () => {
  const inputs = {
    tenantId: 'acme',
    permissions: ['writer', 'reader'],
    systemText: 'You are terse.',
    toolsJson: '',
    policyVersion: '0',
    embedderId: 'hash-v1-384',
  };

  it('keeps the namespace of string roles as it was, so their cached entries stay reachable', () => {
    // Computed with the string-only permission hash that entries were written under before.
    expect(computeNamespace(inputs)).toBe(
      '58878fa333998371135c9b0ba254c0a79e7eb3c7a0f400aa8d1d9a4ceb2265c8',
    );
  });
});
