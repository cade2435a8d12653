import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheableRequest,
  createStageContext,
  verifiedTenant,
} from '../../test/support/pipeline-test-context';
import type { GatewayContext } from '../gateway-context';
import { createMockUpstream, type MockUpstream } from '../upstream/mock-upstream';
import { refreshStaleEntry } from './refresh-stale';
import { writeCompletion } from './write-completion';

describe('stale-while-revalidate refresh', () => {
  let upstream: MockUpstream;
  let context: GatewayContext;
  let clock = 1_700_000_000_000;

  beforeAll(async () => {
    upstream = await createMockUpstream({ latencyMs: 20 });
    context = await createStageContext({ upstream: upstream.url, now: () => clock });
  });
  afterAll(() => upstream.close());

  it('rewrites a stale entry once in the background, with its deps, however often it is served', async () => {
    const identity = await verifiedTenant(context, 'acme');
    const request = cacheableRequest(context, identity, 'refresh me');
    await writeCompletion(
      context,
      request,
      {
        id: 'old',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'old' }, finish_reason: 'stop' },
        ],
      },
      undefined,
    );
    const stale = await context.store.getEntry(request.identity.tenantId, request.l1Key);
    if (!stale) throw new Error('the entry was not written');
    clock += 10_000;
    refreshStaleEntry(context, { 'content-type': 'application/json' }, request, stale);
    refreshStaleEntry(context, { 'content-type': 'application/json' }, request, stale);
    await Promise.all([...context.background]);

    expect(upstream.requestCount).toBe(1);
    expect(upstream.requests[0]?.body).not.toHaveProperty('stream');
    const refreshed = await context.store.getEntry(request.identity.tenantId, request.l1Key);
    expect(refreshed?.createdAt).toBe(clock);
    expect(JSON.parse(refreshed?.body ?? '{}').choices[0].message.content).toBe('Echo: refresh me');
    expect(refreshed?.deps).toEqual(stale.deps);
  });
});
