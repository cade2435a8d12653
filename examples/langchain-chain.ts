// pnpm example langchain-chain
//
// A LangChain chain (prompt template → model → string) on CachecoreChatOpenAI, with the callback
// handler reporting each model run's cache status and keeping totals.

import { CachecoreCallbackHandler, CachecoreChatOpenAI } from '@cachecore/langchain';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { openGatewaySession } from './support/gateway-session';

await using session = await openGatewaySession();
console.log(`Using the ${session.description}`);

const llm = new CachecoreChatOpenAI({
  gatewayUrl: session.gatewayUrl,
  tenantJwt: session.tenantJwt,
  model: session.model,
});
const prompt = ChatPromptTemplate.fromMessages([
  ['system', 'You are a concise travel guide for {city}.'],
  ['human', '{question}'],
]);
const chain = prompt.pipe(llm).pipe(new StringOutputParser());

const handler = new CachecoreCallbackHandler({
  onCacheStatus: ({ status }) =>
    console.log(`  cache ${status.status} (similarity ${status.similarity?.toFixed(4)})`),
});

const inputs = [
  { city: 'Kyoto', question: 'Which temples open before 8am?' }, // MISS
  { city: 'Kyoto', question: 'Which temples open before 8am?' }, // HIT_L1
  { city: 'Kyoto', question: 'which temples open before 8am' }, // HIT_L2
  { city: 'Osaka', question: 'Which temples open before 8am?' }, // MISS: another system prompt
];
for (const input of inputs) {
  const answer = await chain.invoke(input, { callbacks: [handler] });
  console.log(`${input.city}: "${input.question}" → ${answer}`);
}

const { requests, hitsL1, hitsL2, misses, hitRate } = handler.stats;
console.log(
  `stats: ${requests} requests, ${hitsL1} HIT_L1, ${hitsL2} HIT_L2, ${misses} MISS, hit rate ${Math.round(hitRate * 100)}%`,
);
await llm.cachecore.close();
