import { type CachecoreProvider, createCachecore } from './create-cachecore';

/**
 * A provider configured from the environment (`CACHECORE_GATEWAY_URL`, `CACHECORE_TENANT_JWT`), like
 * the AI SDK's own default provider instances. It is created on first use, so importing the package
 * reads nothing; a missing variable throws a `CachecoreError` naming it at that first use.
 *
 * @example
 * ```ts
 * import { cachecore } from '@cachecore/vercel-ai';
 * import { generateText } from 'ai';
 *
 * const { text } = await generateText({ model: cachecore('gpt-4o-mini'), prompt: 'Hi' });
 * ```
 */
export const cachecore: CachecoreProvider = /* @__PURE__ */ createDefaultProvider();

function createDefaultProvider(): CachecoreProvider {
  let provider: CachecoreProvider | undefined;
  const resolve = () => {
    provider ??= createCachecore();
    return provider;
  };
  return Object.defineProperties((modelId: string) => resolve()(modelId), {
    specificationVersion: { enumerable: true, get: () => resolve().specificationVersion },
    client: { enumerable: true, get: () => resolve().client },
    languageModel: { value: (modelId: string) => resolve().languageModel(modelId) },
    chatModel: { value: (modelId: string) => resolve().chatModel(modelId) },
    embeddingModel: { value: (modelId: string) => resolve().embeddingModel(modelId) },
    imageModel: { value: (modelId: string) => resolve().imageModel(modelId) },
  }) as CachecoreProvider;
}
