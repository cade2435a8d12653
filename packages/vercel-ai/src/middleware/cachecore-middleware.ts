import { type CachecoreClient, cachecoreHeaders, mergeHeaders } from '@cachecore/core';
import type { LanguageModelMiddleware } from 'ai';
import { CACHECORE_OPTIONS_KEY, parseCachecoreCallOptions } from './cachecore-call-options';
import { type CachecoreMetadata, readCachecoreMetadata } from './cachecore-metadata';

// The types of the installed AI SDK: the v3 specification on AI SDK 6, v4 on AI SDK 7.
type CallOptions = Parameters<NonNullable<LanguageModelMiddleware['transformParams']>>[0]['params'];
type StreamResult = Awaited<
  ReturnType<Parameters<NonNullable<LanguageModelMiddleware['wrapStream']>>[0]['doStream']>
>;
type StreamPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;

/**
 * AI SDK language model middleware that carries Cachecore options on each request and reports the
 * cache outcome in `providerMetadata.cachecore`.
 *
 * - Before the call: `providerOptions.cachecore` (`{ deps, bypass, cacheControl }`) becomes the request's Cachecore
 *   headers, which win over headers set on the call and, in the transport, over a `requestContext`
 *   scope wrapping the call (the transport fills in what the call leaves out). The `cachecore` key is
 *   removed from `providerOptions`, because `@ai-sdk/openai-compatible` copies its provider's options
 *   into the request body, where they would change the cache key and be rejected by OpenAI.
 * - After the call: the gateway's `X-Cache*` response headers become `providerMetadata.cachecore`
 *   on the `generateText` result and step, and on the stream's `finish` part (which `streamText`
 *   surfaces as the `finish-step` part, `result.providerMetadata` and `result.steps`).
 *
 * Use it on an OpenAI-compatible chat model whose requests already go to a Cachecore gateway through
 * `client.fetch` (the transport adds the tenant token and applies bypass). `createCachecore` applies
 * it for you. It declares the `v3` middleware specification, which AI SDK 6 requires and AI SDK 7
 * still runs, so one middleware serves both.
 *
 * @param client - The client the model's requests go through. With it, the headers come from
 *   `client.headers()`; without it, from core's `cachecoreHeaders()` (the same headers).
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
export function cachecoreMiddleware(client?: CachecoreClient): LanguageModelMiddleware {
  return {
    specificationVersion: 'v3',
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
  params: CallOptions,
  client: CachecoreClient | undefined,
): CallOptions {
  const { [CACHECORE_OPTIONS_KEY]: rawCallOptions, ...otherProviderOptions } =
    params.providerOptions ?? {};
  const callOptions = parseCachecoreCallOptions(rawCallOptions) ?? {};
  const providerOptions = params.providerOptions === undefined ? undefined : otherProviderOptions;
  const callHeaders = client ? client.headers(callOptions) : cachecoreHeaders(callOptions);
  // The AI SDK drops a header whose value is `undefined`, core's merge one whose value is `null`.
  const merged = mergeHeaders(
    Object.entries(params.headers ?? {}).map(([name, value]) => [name, value ?? null] as const),
    callHeaders,
  );
  const headers = Object.fromEntries(
    Object.entries(merged).map(([name, value]) => [name, value ?? undefined]),
  );
  return { ...params, providerOptions, headers };
}

function addMetadataToFinishPart(
  metadata: CachecoreMetadata,
): TransformStream<StreamPart, StreamPart> {
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
