import type { CachecoreClient } from '@cachecore/core';
import { createCachecoreOpenAI, getCacheStatus } from '@cachecore/openai';

/** One embeddings batch of the demo and what the gateway said about it. */
export interface EmbeddingBatchOutcome {
  line: string;
  /** Why the batch is not what the demo expects, or `undefined`. */
  failure: string | undefined;
}

/**
 * Embeds the travel desk's FAQ twice, the second time with two new entries: the first batch is a
 * MISS for all of its inputs, the second fetches only the two new ones (`cached=6, fetched=2`).
 */
export async function runEmbeddingBatches(
  cachecore: CachecoreClient,
  runTag: string | undefined,
): Promise<EmbeddingBatchOutcome[]> {
  const openai = createCachecoreOpenAI({ cachecore });
  const faq = [
    'Refunds are paid within 14 days.',
    'Rail passes cannot be cancelled once used.',
    'Luggage up to 23 kg is included.',
    'Seats can be chosen at booking.',
    'Children under 4 travel free.',
    'Pets travel in carriers only.',
  ].map((entry) => (runTag ? `${entry} (${runTag})` : entry));
  const batches = [
    { input: faq, expect: `cached=0, fetched=${faq.length}` },
    {
      input: [...faq, 'Bikes need a reservation.', 'Night trains have sleeper cabins.'],
      expect: `cached=${faq.length}, fetched=2`,
    },
  ];
  const outcomes: EmbeddingBatchOutcome[] = [];
  for (const batch of batches) {
    const { data, response } = await openai.embeddings
      .create({ model: 'text-embedding-3-small', input: batch.input })
      .withResponse();
    const inputs = response.headers.get('x-cachecore-embedding-inputs') ?? 'no counts';
    outcomes.push({
      line: `embeddings: ${data.data.length} vectors, ${getCacheStatus(data)?.status} (${inputs}), usage ${data.usage.prompt_tokens} tokens`,
      failure: inputs === batch.expect ? undefined : `expected ${batch.expect}, got ${inputs}`,
    });
  }
  return outcomes;
}
