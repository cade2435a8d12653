import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  CachecoreClient,
  type CachecoreClientOptions,
  CachecoreError,
  type GatewayOptions,
  resolveGatewayOptions,
} from '@cachecore/core';
import { NoSuchModelError, wrapLanguageModel } from 'ai';
import { CACHECORE_OPTIONS_KEY } from '../middleware/cachecore-call-options';
import { readCachecoreMetadata } from '../middleware/cachecore-metadata';
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

/**
 * `CachecoreClient` options, with `gatewayUrl` and `tenantJwt` defaulting to the
 * `CACHECORE_GATEWAY_URL` and `CACHECORE_TENANT_JWT` environment variables.
 */
export type CachecoreProviderClientOptions = Omit<
  CachecoreClientOptions,
  'gatewayUrl' | 'tenantJwt'
> &
  GatewayOptions;

/** Options of {@link createCachecore}: either the client's options, or an existing client. */
export type CreateCachecoreOptions = CachecoreModelSettings &
  (
    | (CachecoreProviderClientOptions & { cachecore?: never })
    | {
        /** An existing client; the provider sends every request through its `fetch`. */
        cachecore: CachecoreClient;
      }
  );

/**
 * A chat model of the installed AI SDK: a `LanguageModelV3` on AI SDK 6, a `LanguageModelV4` on
 * AI SDK 7 (what the installed `wrapLanguageModel` returns).
 */
export type CachecoreLanguageModel = ReturnType<typeof wrapLanguageModel>;

/** An embeddings model of the installed `@ai-sdk/openai-compatible`, reporting the cache outcome. */
export type CachecoreEmbeddingModel = ReturnType<
  ReturnType<typeof createOpenAICompatible>['embeddingModel']
>;

/**
 * An AI SDK provider for a Cachecore gateway. Every model uses the Chat Completions API
 * (`POST /v1/chat/completions`), the only route the gateway caches, and reports the cache outcome
 * in `providerMetadata.cachecore`.
 */
export interface CachecoreProvider {
  /** The provider specification of the installed AI SDK: `'v3'` on AI SDK 6, `'v4'` on 7. */
  readonly specificationVersion: CachecoreLanguageModel['specificationVersion'];
  /** A Chat Completions model, e.g. `cachecore('gpt-4o-mini')`. */
  (modelId: string): CachecoreLanguageModel;
  /** Same as calling the provider. */
  languageModel(modelId: string): CachecoreLanguageModel;
  /** Same as calling the provider. */
  chatModel(modelId: string): CachecoreLanguageModel;
  /**
   * An embeddings model (`POST /v1/embeddings`, which the gateway caches per input), for `embed`
   * and `embedMany`; the cache outcome is in `providerMetadata.cachecore`.
   */
  embeddingModel(modelId: string): CachecoreEmbeddingModel;
  /** Throws `NoSuchModelError`: the gateway caches chat completions only. */
  imageModel(modelId: string): never;
  /** The client the requests go through: `requestContext`, `invalidate`, `close`, … */
  readonly client: CachecoreClient;
}

/**
 * Creates an AI SDK provider that sends Chat Completions requests through a Cachecore gateway.
 *
 * Per-call options go in `providerOptions.cachecore` (`{ deps, bypass, cacheControl }`); a
 * `cachecore.client.requestContext(...)` scope also applies, and the call option wins. Wrap the
 * whole `streamText(...)` call in the scope, not just the reading of the stream: it sends its
 * request as soon as it is called. Works with AI SDK 6 (with `@ai-sdk/openai-compatible` 2) and
 * AI SDK 7 (with `@ai-sdk/openai-compatible` 3); a mix of the two throws a `CachecoreError`.
 *
 * @example
 * ```ts
 * import { createCachecore } from '@cachecore/vercel-ai';
 * import { generateText } from 'ai';
 *
 * // gatewayUrl and tenantJwt default to CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT.
 * const cachecore = createCachecore();
 * const result = await generateText({
 *   model: cachecore('gpt-4o-mini'),
 *   prompt: 'What time zone is Tokyo in?',
 *   providerOptions: { cachecore: { deps: ['doc:timezones'] } },
 * });
 * console.log(result.text, result.providerMetadata?.cachecore?.status); // 'MISS', then 'HIT_L1'
 * ```
 */
export function createCachecore(options: CreateCachecoreOptions = {}): CachecoreProvider {
  if (options === null || typeof options !== 'object') {
    throw new CachecoreError('createCachecore needs an options object, or none.', {
      code: 'invalid_options',
    });
  }
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

  const createChatModel = (modelId: string): CachecoreLanguageModel =>
    wrapLanguageModel({ model: gateway.chatModel(modelId), middleware });

  // Making a model sends nothing: one made here tells which specification the installed AI SDK
  // wraps models in, and whether @ai-sdk/openai-compatible is of the same generation.
  const probe = gateway.chatModel('cachecore-probe');
  const { specificationVersion } = createChatModel('cachecore-probe');
  assertSameGeneration(probe.specificationVersion, specificationVersion);

  const provider = (modelId: string) => createChatModel(modelId);
  return Object.assign(provider, {
    specificationVersion,
    client,
    languageModel: createChatModel,
    chatModel: createChatModel,
    embeddingModel: (modelId: string) => withCacheMetadata(gateway.embeddingModel(modelId)),
    imageModel: (modelId: string): never => {
      throw new NoSuchModelError({
        modelId,
        modelType: 'imageModel',
        message: `The Cachecore provider has chat models only; no image model "${modelId}".`,
      });
    },
  });
}

// AI SDK 6 wraps any model as a v3 one without checking it, so a v4 model from
// @ai-sdk/openai-compatible 3 would fail later in confusing ways (AI SDK 7 accepts v3 models).
function assertSameGeneration(modelVersion: string, wrappedVersion: string): void {
  if (modelVersion === 'v4' && wrappedVersion === 'v3') {
    throw new CachecoreError(
      'createCachecore: the installed @ai-sdk/openai-compatible (3.x, for AI SDK 7) does not work with the installed ai (AI SDK 6). Install @ai-sdk/openai-compatible@2 with ai@6, or upgrade to ai@7.',
      { code: 'incompatible_sdk' },
    );
  }
}

function resolveClient(options: CreateCachecoreOptions): CachecoreClient {
  if (options.cachecore === undefined) {
    const { headers, includeUsage, supportsStructuredOutputs, cachecore, ...clientOptions } =
      options;
    return new CachecoreClient(resolveGatewayOptions(clientOptions));
  }
  if ('gatewayUrl' in options || 'tenantJwt' in options) {
    throw new CachecoreError(
      'createCachecore: pass either an existing client as `cachecore` or `gatewayUrl` and `tenantJwt`, not both.',
      { code: 'invalid_options' },
    );
  }
  return options.cachecore;
}

/**
 * The embeddings model with the gateway's cache outcome (`X-Cache*` response headers) added to the
 * `providerMetadata.cachecore` of every `doEmbed` answer. Everything else is the model's own: the
 * wrapper inherits from it, so its settings and getters behave as they do unwrapped.
 */
function withCacheMetadata(model: CachecoreEmbeddingModel): CachecoreEmbeddingModel {
  const wrapped = Object.create(model) as CachecoreEmbeddingModel;
  wrapped.doEmbed = async (options) => {
    const result = await model.doEmbed(options);
    return {
      ...result,
      providerMetadata: {
        ...result.providerMetadata,
        [CACHECORE_OPTIONS_KEY]: readCachecoreMetadata(result.response?.headers),
      },
    };
  };
  return wrapped;
}
