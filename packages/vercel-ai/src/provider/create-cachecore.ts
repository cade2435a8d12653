import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { type LanguageModelV4, NoSuchModelError, type ProviderV4 } from '@ai-sdk/provider';
import { CachecoreClient, type CachecoreClientOptions, CachecoreError } from '@cachecore/core';
import { wrapLanguageModel } from 'ai';
import { cachecoreMiddleware } from '../middleware/cachecore-middleware';

/**
 * The provider's id prefix (`model.provider` is `'cachecore-gateway.chat'`). It must not be
 * `cachecore`: `@ai-sdk/openai-compatible` copies `providerOptions[<name>]` into the request body
 * and keys its own provider metadata by it, which would collide with the Cachecore options and
 * metadata.
 */
const PROVIDER_NAME = 'cachecore-gateway';

/** Settings of the Chat Completions models a {@link CachecoreProvider} creates. */
export interface CachecoreModelSettings {
  /** Extra headers sent with every request (e.g. for a proxy in front of the gateway). */
  headers?: Record<string, string>;
  /**
   * Ask for token usage in streamed answers (`stream_options.include_usage`).
   * @default true
   */
  includeUsage?: boolean;
  /**
   * Send JSON schemas as `response_format: { type: 'json_schema' }` (structured outputs). Turn on
   * when the gateway's upstream is OpenAI or supports structured outputs.
   * @default false
   */
  supportsStructuredOutputs?: boolean;
}

/** Options of {@link createCachecore}: either the client's options, or an existing client. */
export type CreateCachecoreOptions = CachecoreModelSettings &
  (
    | (CachecoreClientOptions & { cachecore?: never })
    | {
        /** An existing client; the provider sends every request through its `fetch`. */
        cachecore: CachecoreClient;
      }
  );

/**
 * An AI SDK provider for a Cachecore gateway. Every model uses the Chat Completions API
 * (`POST /v1/chat/completions`), the only route the gateway caches, and reports the cache outcome
 * in `providerMetadata.cachecore`.
 */
export interface CachecoreProvider extends ProviderV4 {
  /** A Chat Completions model, e.g. `cachecore('gpt-4o-mini')`. */
  (modelId: string): LanguageModelV4;
  /** Same as calling the provider. */
  languageModel(modelId: string): LanguageModelV4;
  /** Same as calling the provider. */
  chatModel(modelId: string): LanguageModelV4;
  /** The client the requests go through: `requestContext`, `invalidate`, `close`, … */
  readonly client: CachecoreClient;
}

/**
 * Creates an AI SDK provider that sends Chat Completions requests through a Cachecore gateway.
 *
 * Per-call options go in `providerOptions.cachecore` (`{ deps, bypass }`); a
 * `cachecore.client.requestContext(...)` scope also applies, and the call option wins. Wrap the
 * whole `streamText(...)` call in the scope, not just the reading of the stream: it sends its
 * request as soon as it is called.
 *
 * @example
 * ```ts
 * import { createCachecore } from '@cachecore/vercel-ai';
 * import { generateText } from 'ai';
 *
 * const cachecore = createCachecore({
 *   gatewayUrl: process.env.CACHECORE_GATEWAY_URL!,
 *   tenantJwt: process.env.CACHECORE_TENANT_JWT!,
 * });
 * const result = await generateText({
 *   model: cachecore('gpt-4o-mini'),
 *   prompt: 'What time zone is Tokyo in?',
 *   providerOptions: { cachecore: { deps: ['doc:timezones'] } },
 * });
 * console.log(result.text, result.providerMetadata?.cachecore?.status); // 'MISS', then 'HIT_L1'
 * ```
 */
export function createCachecore(options: CreateCachecoreOptions): CachecoreProvider {
  const client = resolveClient(options);
  const gateway = createOpenAICompatible({
    name: PROVIDER_NAME,
    baseURL: client.baseURL,
    fetch: client.fetch,
    headers: options.headers,
    includeUsage: options.includeUsage ?? true,
    supportsStructuredOutputs: options.supportsStructuredOutputs ?? false,
  });
  const middleware = cachecoreMiddleware(client);

  const createChatModel = (modelId: string): LanguageModelV4 =>
    wrapLanguageModel({ model: gateway.chatModel(modelId), middleware });

  const provider = (modelId: string) => createChatModel(modelId);
  return Object.assign(provider, {
    specificationVersion: 'v4' as const,
    client,
    languageModel: createChatModel,
    chatModel: createChatModel,
    embeddingModel: (modelId: string): never => {
      throw new NoSuchModelError({
        modelId,
        modelType: 'embeddingModel',
        message: `The Cachecore provider has chat models only; no embedding model "${modelId}".`,
      });
    },
    imageModel: (modelId: string): never => {
      throw new NoSuchModelError({
        modelId,
        modelType: 'imageModel',
        message: `The Cachecore provider has chat models only; no image model "${modelId}".`,
      });
    },
  });
}

function resolveClient(options: CreateCachecoreOptions): CachecoreClient {
  if (options.cachecore === undefined) {
    const { headers, includeUsage, supportsStructuredOutputs, cachecore, ...clientOptions } =
      options;
    return new CachecoreClient(clientOptions);
  }
  if ('gatewayUrl' in options || 'tenantJwt' in options) {
    throw new CachecoreError(
      'createCachecore: pass either an existing client as `cachecore` or `gatewayUrl` and `tenantJwt`, not both.',
      { code: 'invalid_options' },
    );
  }
  return options.cachecore;
}
