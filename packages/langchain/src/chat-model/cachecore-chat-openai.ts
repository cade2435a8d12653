// Every override of LangChain internals lives in this file, so that a new @langchain/openai or
// @langchain/core release is checked in one place. Checked against @langchain/openai 1.5.9 and
// 1.6.0 with @langchain/core 1.4.0 (the versions the test projects run):
// - ChatOpenAI: `callKeys` (accept the `cachecore` call option), `_useResponsesApi` (stay on Chat
//   Completions), `_generate`, `_streamResponseChunks` and `_streamChatModelEvents` (resolve the
//   call's options in the caller's async context and attach the cache status), `withConfig`
//   (derived models stay Cachecore models).
// - ChatOpenAICompletions: `completionWithRetry` (put the call's headers on the request).
import {
  CachecoreClient,
  type HeadersSource,
  mergeHeaders,
  PLACEHOLDER_API_KEY,
  resolveGatewayOptions,
} from '@cachecore/core';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { ChatModelStreamEvent } from '@langchain/core/language_models/event';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk, ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { ChatOpenAI, ChatOpenAICompletions, type ChatOpenAIFields } from '@langchain/openai';
import { assertChatCompletionsRequest } from './assert-chat-completions-request';
import {
  type CachecoreCall,
  closeCachecoreCall,
  createCallTrackingFetch,
  openCachecoreCall,
} from './cachecore-call';
import type {
  CachecoreChatOpenAICallOptions,
  CachecoreChatOpenAIFields,
  CachecoreChatOpenAIModelFields,
  CachecoreClientFields,
} from './cachecore-chat-openai-fields';

/**
 * Key under which a model call's {@link CachecoreCall} rides along in the LangChain call options.
 * A symbol survives the option spreading LangChain does on the way down and is invisible to
 * tracing and to the openai client.
 */
const CACHECORE_CALL = Symbol('@cachecore/langchain/call');

type ParsedOptionsWithCall<Options> = Options & {
  [CACHECORE_CALL]?: CachecoreCall;
  options?: { [CACHECORE_CALL]?: CachecoreCall };
};

/**
 * `ChatOpenAI` through a Cachecore gateway. Every message it returns carries the gateway's cache
 * status in `response_metadata.cachecore` (for `.stream()`, on one chunk, so the aggregated message
 * has it), and callback handlers see it in `handleLLMEnd` (see `CachecoreCallbackHandler`).
 *
 * Deps and bypass come from the `cachecore` call option or, field by field when it is absent, from
 * the `llm.cachecore.requestContext()` scope around the call. They are resolved when the model is
 * called and travel on the request itself, so they stay correct for `stream()`, `streamEvents()`,
 * `batch()` and with `maxConcurrency`, where LangChain starts queued requests in another request's
 * async context.
 *
 * The model always uses the Chat Completions API (`/v1/chat/completions`, the endpoint the gateway
 * caches), whatever the model name; calls that need the Responses API (built-in tools, custom tools,
 * Responses-only options) throw a `CachecoreError` with `code: 'unsupported_feature'`.
 *
 * @example
 * ```ts
 * // gatewayUrl and tenantJwt default to CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT.
 * const llm = new CachecoreChatOpenAI({ model: 'gpt-4o-mini' });
 * const message = await llm.invoke('Summarise the policy', { cachecore: { deps: ['doc:policy-42'] } });
 * console.log(getCacheStatus(message)?.status); // 'MISS', then 'HIT_L1'
 * ```
 */
export class CachecoreChatOpenAI<
  CallOptions extends CachecoreChatOpenAICallOptions = CachecoreChatOpenAICallOptions,
> extends ChatOpenAI<CallOptions> {
  /**
   * The Cachecore client behind the model: `requestContext()` to scope deps or bypass,
   * `invalidate()` / `invalidateMany()` to expire cached answers, `close()` when done.
   */
  readonly cachecore: CachecoreClient;

  // What `withConfig()` rebuilds the model from: the caller's fields with the client, so derived
  // models share this one's client instead of creating their own.
  readonly #modelFields: CachecoreChatOpenAIModelFields & CachecoreClientFields;

  constructor(fields: CachecoreChatOpenAIFields = {}) {
    const { gatewayUrl, tenantJwt, cachecore, ...modelFields } = fields;
    const client =
      cachecore ?? new CachecoreClient(resolveGatewayOptions({ gatewayUrl, tenantJwt }));
    const openAIFields: ChatOpenAIFields = {
      ...modelFields,
      apiKey: modelFields.apiKey ?? PLACEHOLDER_API_KEY,
      useResponsesApi: false,
      configuration: {
        ...modelFields.configuration,
        baseURL: client.baseURL,
        fetch: createCallTrackingFetch(client.fetch),
      },
    };
    super({ ...openAIFields, completions: new CachecoreChatOpenAICompletions(openAIFields) });
    this.cachecore = client;
    this.#modelFields = { ...modelFields, cachecore: client };
  }

  override get callKeys(): string[] {
    return [...super.callKeys, 'cachecore'];
  }

  // ChatOpenAI switches to the Responses API for some model names and options; the gateway caches
  // Chat Completions only, so this model never does (see assertChatCompletionsRequest).
  protected override _useResponsesApi(): boolean {
    return false;
  }

  /** @ignore */
  override async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const { call, callOptions, ownsCall } = beginCall(
      this._combineCallOptions(options),
      this.reasoning,
    );
    try {
      const result = await super._generate(messages, callOptions, runManager);
      if (call.status !== undefined) {
        result.llmOutput = { ...result.llmOutput, cachecore: call.status };
        for (const generation of result.generations) {
          generation.message.response_metadata = {
            ...generation.message.response_metadata,
            cachecore: call.status,
          };
        }
      }
      return result;
    } finally {
      if (ownsCall) closeCachecoreCall(call);
    }
  }

  /** @ignore */
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const { call, callOptions, ownsCall } = beginCall(
      this._combineCallOptions(options),
      this.reasoning,
    );
    try {
      let statusAttached = false;
      for await (const chunk of super._streamResponseChunks(messages, callOptions, runManager)) {
        // On one chunk only: concatenating chunks merges string fields by appending them.
        if (!statusAttached && call.status !== undefined) {
          chunk.message.response_metadata = {
            ...chunk.message.response_metadata,
            cachecore: call.status,
          };
          statusAttached = true;
        }
        yield chunk;
      }
    } finally {
      if (ownsCall) closeCachecoreCall(call);
    }
  }

  /** @ignore */
  override async *_streamChatModelEvents(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatModelStreamEvent> {
    const { call, callOptions, ownsCall } = beginCall(
      this._combineCallOptions(options),
      this.reasoning,
    );
    try {
      for await (const event of super._streamChatModelEvents(messages, callOptions, runManager)) {
        if (event.event === 'message-finish' && call.status !== undefined) {
          yield {
            ...event,
            responseMetadata: { ...event.responseMetadata, cachecore: call.status },
          };
        } else {
          yield event;
        }
      }
    } finally {
      if (ownsCall) closeCachecoreCall(call);
    }
  }

  /**
   * Returns a `CachecoreChatOpenAI` with `config` as default call options (ChatOpenAI's own
   * `withConfig()` would return a plain `ChatOpenAI`). `bindTools()` and `withStructuredOutput()` go
   * through here, so their models keep caching and reporting the status.
   */
  override withConfig(
    config: Partial<CallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, CallOptions> {
    const model = new CachecoreChatOpenAI<CallOptions>(this.#modelFields);
    model.defaultOptions = { ...this.defaultOptions, ...config };
    return model;
  }
}

interface BegunCall<Options> {
  call: CachecoreCall;
  callOptions: Options;
  /** Whether this hook opened the call (and so closes it), or an outer hook of the same call did. */
  ownsCall: boolean;
}

// Runs in the caller's async context, before LangChain's request queue: the scope read here is the
// caller's own. `options` must include the model's default options (`streamEvents()` hands the
// hooks the call's own options only). The call rides in the options down to the Chat Completions implementation, both at
// the top level (streamed requests) and in `options.options` (non-streamed requests).
function beginCall<Options extends CachecoreChatOpenAICallOptions>(
  options: Options,
  modelReasoning: { summary?: unknown } | undefined,
): BegunCall<Options> {
  const carried = (options as ParsedOptionsWithCall<Options>)[CACHECORE_CALL];
  if (carried !== undefined) return { call: carried, callOptions: options, ownsCall: false };
  assertChatCompletionsRequest(options, modelReasoning);
  const call = openCachecoreCall(options.cachecore);
  const callOptions: ParsedOptionsWithCall<Options> = {
    ...options,
    [CACHECORE_CALL]: call,
    options: { ...options.options, [CACHECORE_CALL]: call },
  };
  return { call, callOptions, ownsCall: true };
}

type RequestOptions = NonNullable<Parameters<ChatOpenAICompletions['completionWithRetry']>[1]>;
type CallCarrier = RequestOptions & { [CACHECORE_CALL]?: CachecoreCall; cachecore?: unknown };

/**
 * The Chat Completions implementation inside `CachecoreChatOpenAI`. `completionWithRetry` is the last
 * place that still runs in the caller's async context and the one place that sees the request options
 * of every Chat Completions request, streamed or not: it puts the call's Cachecore headers on the
 * request before LangChain's queue takes over.
 */
class CachecoreChatOpenAICompletions extends ChatOpenAICompletions {
  // biome-ignore lint/suspicious/noExplicitAny: matches both overloads of the base method.
  override async completionWithRetry(request: any, requestOptions?: RequestOptions): Promise<any> {
    // Non-streamed requests receive `{ signal, maxRetries, ...callOptions.options }`, streamed ones
    // the whole call options (@langchain/openai 1.5–1.6): the call is placed in both by the model.
    const {
      [CACHECORE_CALL]: call,
      cachecore: _settings,
      ...options
    } = (requestOptions ?? {}) as CallCarrier;
    if (call === undefined) return super.completionWithRetry(request, requestOptions);
    return super.completionWithRetry(request, {
      ...options,
      headers: mergeHeaders(options.headers as HeadersSource, call.headers),
    });
  }
}
