import { CachecoreError } from '@cachecore/core';
import {
  type AskWithDirectives,
  expectCacheDirectivesHonoured,
  lastUserText,
  useTestGateway,
} from '@cachecore/test-support/gateway';
import { describe, expect, it } from 'vitest';
import { cachecoreRequestOptions } from './cachecore-request-options';
import { createCachecoreOpenAI } from './create-cachecore-openai';
import { getCacheStatus } from './get-cache-status';

const gateway = useTestGateway({ recordRequests: true });

function chatBody(prompt: string) {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: prompt }] };
}

/** The Cache-Control the gateway received on the request for `prompt`. */
function sentCacheControl(prompt: string): string | undefined {
  const request = gateway.requests.find((recorded) => lastUserText(recorded) === prompt);
  if (request === undefined) throw new Error(`no request reached the gateway for "${prompt}"`);
  return request.headers['cache-control'] as string | undefined;
}

describe('cache directives', () => {
  it('sends cachecoreRequestOptions({ cacheControl }) as Cache-Control, streams included', async () => {
    const openai = createCachecoreOpenAI(await gateway.freshTenant());
    gateway.closeAfterAll(openai.cachecore);
    await openai.chat.completions.create(
      chatBody('Per request'),
      cachecoreRequestOptions({ cacheControl: { noStore: true, ttlSeconds: 600 } }),
    );
    expect(sentCacheControl('Per request')).toBe('no-store, cachecore-ttl=600');

    const stream = await openai.chat.completions.create(
      { ...chatBody('Per streamed request'), stream: true },
      cachecoreRequestOptions({ cacheControl: { noCache: true, maxAgeSeconds: 0 } }),
    );
    for await (const _chunk of stream) {
      // Reading the stream to its end.
    }
    expect(sentCacheControl('Per streamed request')).toBe('no-cache, max-age=0');
  });

  it("takes a scope's directives, which the request's replace as a whole", async () => {
    const openai = createCachecoreOpenAI(await gateway.freshTenant());
    gateway.closeAfterAll(openai.cachecore);
    await openai.cachecore.requestContext({ cacheControl: { maxAgeSeconds: 60 } }, async () => {
      await openai.chat.completions.create(chatBody('From the scope'));
      await openai.chat.completions.create(
        chatBody('From the request'),
        cachecoreRequestOptions({ cacheControl: { ttlSeconds: 30 } }),
      );
      await openai.chat.completions.create(
        chatBody('None at all'),
        cachecoreRequestOptions({ cacheControl: {} }),
      );
    });
    expect(sentCacheControl('From the scope')).toBe('max-age=60');
    expect(sentCacheControl('From the request')).toBe('cachecore-ttl=30');
    expect(sentCacheControl('None at all')).toBeUndefined();
  });

  it('lets the gateway answer without keeping the answer (noStore) and refresh an entry (noCache)', async () => {
    const openai = createCachecoreOpenAI(await gateway.freshTenant());
    gateway.closeAfterAll(openai.cachecore);
    const ask: AskWithDirectives = (cacheControl) =>
      openai.chat.completions
        .create(chatBody('Keep or refresh'), cachecoreRequestOptions({ cacheControl }))
        .then((completion) => getCacheStatus(completion)?.status);
    await expectCacheDirectivesHonoured(ask, gateway.mockUpstream);
  });

  it('rejects malformed directives before any request', () => {
    expect(() => cachecoreRequestOptions({ cacheControl: { ttlSeconds: 1.5 } })).toThrow(
      CachecoreError,
    );
    expect(() => cachecoreRequestOptions({ cacheControl: { noStore: 'yes' as never } })).toThrow(
      /noStore/,
    );
  });
});
