import { CachecoreClient, type CacheStatus } from '@cachecore/core';
import {
  clearGatewayEnvironment,
  createFreshTenantToken,
  useTestGateway,
} from '@cachecore/test-support/gateway';
import { describe, expect, it } from 'vitest';
import { CachecoreOpenAIEmbeddings } from './cachecore-openai-embeddings';

const gateway = useTestGateway();

async function createEmbeddings(statuses: CacheStatus[] = []) {
  const cachecore = new CachecoreClient({
    gatewayUrl: gateway.url,
    tenantJwt: await createFreshTenantToken(),
    onCacheStatus: (status) => {
      statuses.push(status);
    },
  });
  gateway.closeAfterAll(cachecore);
  return new CachecoreOpenAIEmbeddings({ cachecore, model: 'text-embedding-3-small' });
}

function inputsSentUpstream(from: number): string[] {
  return gateway.mockUpstream.requests
    .slice(from)
    .filter((request) => request.path === '/v1/embeddings')
    .flatMap((request) => (request.body as { input: string[] }).input);
}

describe('CachecoreOpenAIEmbeddings', () => {
  it('re-embeds only the documents that are new, and answers a repeated query from the cache', async () => {
    const statuses: CacheStatus[] = [];
    const embeddings = await createEmbeddings(statuses);
    const documents = Array.from({ length: 8 }, (_, index) => `Policy paragraph ${index}`);
    const first = await embeddings.embedDocuments(documents);

    const before = gateway.mockUpstream.requests.length;
    const reindexed = await embeddings.embedDocuments([...documents, 'Policy paragraph 8']);
    expect(inputsSentUpstream(before)).toEqual(['Policy paragraph 8']);
    expect(reindexed.slice(0, 8)).toEqual(first);

    await embeddings.embedQuery('Which paragraph covers refunds?');
    const queryBefore = gateway.mockUpstream.requests.length;
    await embeddings.embedQuery('Which paragraph covers refunds?');
    expect(gateway.mockUpstream.requests.length).toBe(queryBefore);
    expect(statuses.map((status) => status.status)).toEqual(['MISS', 'MISS', 'MISS', 'HIT_L1']);
  });

  it('takes deps from the client scope, so an invalidation re-embeds the document', async () => {
    const embeddings = await createEmbeddings();
    const embed = () =>
      embeddings.cachecore.requestContext({ deps: ['doc:faq'] }, () =>
        embeddings.embedDocuments(['FAQ entry one', 'FAQ entry two']),
      );
    await embed();
    const before = gateway.mockUpstream.requests.length;
    await embed();
    expect(gateway.mockUpstream.requests.length).toBe(before);
    expect((await embeddings.cachecore.invalidate('doc:faq')).keysDeleted).toBe(2);
    await embed();
    expect(inputsSentUpstream(before)).toEqual(['FAQ entry one', 'FAQ entry two']);
  });

  it('names the environment variables when neither options nor environment say where the gateway is', () => {
    clearGatewayEnvironment();
    expect(() => new CachecoreOpenAIEmbeddings({ tenantJwt: 'eyJ.x.y' })).toThrow(
      /CACHECORE_GATEWAY_URL/,
    );
    expect(() => new CachecoreOpenAIEmbeddings({ gatewayUrl: gateway.url })).toThrow(
      /CACHECORE_TENANT_JWT/,
    );
  });
});
