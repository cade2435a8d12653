import type {
  LanguageModelV4CallOptions,
  LanguageModelV4Middleware,
  LanguageModelV4StreamPart,
} from '@ai-sdk/provider';
import {
  type CachecoreClient,
  type CachecoreHeadersOptions,
  cachecoreHeaders,
  getCacheContext,
} from '@cachecore/core';
import { CACHECORE_OPTIONS_KEY, parseCachecoreCallOptions } from './cachecore-call-options';
import { type CachecoreMetadata, readCachecoreMetadata } from './cachecore-metadata';

/**
 * AI SDK language model middleware that carries Cachecore options on each request and reports the
 * cache outcome in `providerMetadata.cachecore`.
 *
 * - Before the call: `providerOptions.cachecore` (`{ deps, bypass }`) and the `requestContext` scope
 *   wrapping the call (the call option wins) become the request's Cachecore headers. The
 *   `cachecore` key is removed from `providerOptions`, because `@ai-sdk/openai-compatible` copies its
 *   provider's options into the request body, where they would change the cache key and be rejected
 *   by OpenAI.
 * - After the call: the gateway's `X-Cache*` response headers become `providerMetadata.cachecore`
 *   on the `generateText` result and step, and on the stream's `finish` part (which `streamText`
 *   surfaces as the `finish-step` part, `result.providerMetadata` and `result.steps`).
 *
 * Use it on an OpenAI-compatible chat model whose requests already go to a Cachecore gateway through
 * `client.fetch` (the transport adds the tenant token and applies bypass). `createCachecore` applies
 * it for you.
 *
 * @param client - The client the model's requests go through. With it, the headers come from
 *   `client.headers()`; without it, from core's `cachecoreHeaders()`.
 *
 * @example
 * ```ts
 * import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
 * import { CachecoreClient } from '@cachecore/core';
 * import { cachecoreMiddleware } from '@cachecore/vercel-ai';
 * import { generateText, wrapLanguageModel } from 'ai';
 *
 * const client = new CachecoreClient({ gatewayUrl, tenantJwt });
 * const gateway = createOpenAICompatible({ name: 'gateway', baseURL: client.baseURL, fetch: client.fetch });
 * const model = wrapLanguageModel({ model: gateway('gpt-4o-mini'), middleware: cachecoreMiddleware(client) });
 * const result = await generateText({ model, prompt: 'Hi', providerOptions: { cachecore: { deps: ['doc:42'] } } });
 * result.providerMetadata?.cachecore; // { status: 'MISS', isHit: false, … }
 * ```
 */
export function cachecoreMiddleware(client?: CachecoreClient): LanguageModelV4Middleware {
  return {
    specificationVersion: 'v4',
    transformParams: async ({ params }) => applyCachecoreOptions(params, client),
    wrapGenerate: async ({ doGenerate }) => {
      const result = await doGenerate();
      const metadata = readCachecoreMetadata(result.response?.headers);
      return {
        ...result,
        providerMetadata: { ...result.providerMetadata, [CACHECORE_OPTIONS_KEY]: metadata },
      };
    },
    wrapStream: async ({ doStream }) => {
      const result = await doStream();
      // The headers arrive before the first chunk, so the outcome is known before the stream is read.
      const metadata = readCachecoreMetadata(result.response?.headers);
      return { ...result, stream: result.stream.pipeThrough(addMetadataToFinishPart(metadata)) };
    },
  };
}

function applyCachecoreOptions(
  params: LanguageModelV4CallOptions,
  client: CachecoreClient | undefined,
): LanguageModelV4CallOptions {
  const { [CACHECORE_OPTIONS_KEY]: rawCallOptions, ...otherProviderOptions } =
    params.providerOptions ?? {};
  const callOptions = parseCachecoreCallOptions(rawCallOptions) ?? {};
  const providerOptions = params.providerOptions === undefined ? undefined : otherProviderOptions;
  const scope = getCacheContext();
  // The scope fills only what the call leaves out. Its `bypass: false` is the default and adds nothing.
  const scopeOptions: CachecoreHeadersOptions = {
    deps: callOptions.deps === undefined && scope?.deps.length ? scope.deps : undefined,
    bypass: callOptions.bypass === undefined && scope?.bypass ? true : undefined,
  };
  const toHeaders = (options: CachecoreHeadersOptions) =>
    client ? client.headers(options) : cachecoreHeaders(options);

  // Headers set explicitly on the call win over the scope; the call's Cachecore options win over both.
  let headers = mergeHeaders(toHeaders(scopeOptions), params.headers);
  headers = mergeHeaders(headers, toHeaders(callOptions));
  return { ...params, providerOptions, headers };
}

/** Merges header records case-insensitively; `override` wins. */
function mergeHeaders(
  base: Record<string, string | undefined> | undefined,
  override: Record<string, string | undefined> | undefined,
): Record<string, string | undefined> {
  const overridden = new Set(Object.keys(override ?? {}).map((name) => name.toLowerCase()));
  const merged: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(base ?? {})) {
    if (!overridden.has(name.toLowerCase())) merged[name] = value;
  }
  return Object.assign(merged, override);
}

function addMetadataToFinishPart(
  metadata: CachecoreMetadata,
): TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart> {
  return new TransformStream({
    transform(part, controller) {
      if (part.type === 'finish') {
        controller.enqueue({
          ...part,
          providerMetadata: { ...part.providerMetadata, [CACHECORE_OPTIONS_KEY]: metadata },
        });
      } else {
        controller.enqueue(part);
      }
    },
  });
}
