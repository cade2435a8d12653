// pnpm example openai-quickstart
//
// The official `openai` client through Cachecore: one factory call, and the cache status of every
// answer. A repeated question is served from the exact-match cache (HIT_L1), a near-duplicate from
// the semantic cache (HIT_L2).

import { createCachecoreOpenAI, getCacheStatus } from '@cachecore/openai';
import { openGatewaySession } from './support/gateway-session';

// CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT when set; otherwise a local gateway and a mock model.
await using session = await openGatewaySession();
console.log(`Using the ${session.description}`);

const openai = createCachecoreOpenAI({
  gatewayUrl: session.gatewayUrl,
  tenantJwt: session.tenantJwt,
});

const questions = [
  'What time zone is Tokyo in?', // MISS: the gateway asks the model and caches the answer
  'What time zone is Tokyo in?', // HIT_L1: the same request again
  'what time zone is tokyo in', // HIT_L2: a near-duplicate of the cached question
];
for (const question of questions) {
  const completion = await openai.chat.completions.create({
    model: session.model,
    messages: [{ role: 'user', content: question }],
  });
  const cache = getCacheStatus(completion);
  console.log(
    `${cache?.status} (similarity ${cache?.similarity?.toFixed(4)}) "${question}" → ${completion.choices[0]?.message.content}`,
  );
}

// Streams carry their status too, known before the first chunk.
const stream = await openai.chat.completions.create({
  model: session.model,
  messages: [{ role: 'user', content: 'What time zone is Tokyo in?' }],
  stream: true,
});
console.log(`stream: ${getCacheStatus(stream)?.status}`);
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
process.stdout.write('\n');

await openai.cachecore.close();
