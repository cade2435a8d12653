// pnpm example embeddings-batch
//
// Re-indexing a handbook: the gateway caches every input of an embeddings batch on its own, so a
// batch that repeats earlier chunks sends only the new ones to the model, and the answer still
// lists every vector in order with the usage of the whole batch.

import { createCachecoreOpenAI, getCacheStatus } from '@cachecore/openai';
import { openGatewaySession } from './support/gateway-session';

await using session = await openGatewaySession();
console.log(`Using the ${session.description}`);

const openai = createCachecoreOpenAI({
  gatewayUrl: session.gatewayUrl,
  tenantJwt: session.tenantJwt,
});

const handbook = Array.from({ length: 8 }, (_, index) => `Handbook section ${index + 1}`);
const batches = [
  handbook, // MISS: 8 inputs fetched
  [...handbook, 'Handbook section 9', 'Handbook section 10'], // MISS: 8 cached, 2 fetched
  [...handbook, 'Handbook section 9', 'Handbook section 10'], // HIT_L1: all 10 cached
];
for (const input of batches) {
  const { data, response } = await openai.embeddings
    .create({ model: 'text-embedding-3-small', input })
    .withResponse();
  const inputs = response.headers.get('x-cachecore-embedding-inputs');
  console.log(
    `${getCacheStatus(data)?.status} ${data.data.length} vectors (${inputs}), usage ${data.usage.prompt_tokens} tokens`,
  );
}

await openai.cachecore.close();
