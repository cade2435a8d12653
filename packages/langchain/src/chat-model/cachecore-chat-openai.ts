import { CachecoreClient } from '@cachecore/core';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { ChatModelStreamEvent } from '@langchain/core/language_models/event';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk, ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { ChatOpenAI, type ChatOpenAICallOptions, type ChatOpenAIFields } from '@langchain/openai';
import { assertChatCompletionsRequest } from './assert-chat-completions-request';
import {
  type CachecoreCall,
  type CachecoreCallSettings,
  closeCachecoreCall,
  createCallTrackingFetch,
  openCachecoreCall,
} from './cachecore-call';
import { CACHECORE_CALL, CachecoreChatOpenAICompletions } from './cachecore-completions';

/**
 * The `apiKey` sent when none is given. The gateway holds the upstream provider key and ignores a
 * bearer value that is not a tenant token, but the openai client refuses to start without a key.
 * It is used instead of `OPENAI_API_KEY` so a real provider key is never sent to the gateway unasked.
 */
export const PLACEHOLDER_API_KEY = 'cachecore-gateway';

/** Call options of {@link CachecoreChatOpenAI}: ChatOpenAI's, plus `cachecore`. */
export interface CachecoreChatOpenAICallOptions extends ChatOpenAICallOptions {
  /**
   * Cachecore settings for this call (deps, bypass). Each given field wins over the surrounding
   * `llm.cachecore.requestContext()` scope. Also accepted by `withConfig()`, `batch()` and chains.
   * @default the scope's settings
   */
  cachecore?: CachecoreCallSettings;
}

/**
 * ChatOpenAI fields that still apply behind the gateway. The Responses API switches are gone (the
 * model always uses Chat Completions), and `configuration.baseURL` / `configuration.fetch` belong to
 * Cachecore: to send through a custom fetch, create the `CachecoreClient` with `fetch` and pass it as
 * `cachecore`.
 */
export type CachecoreChatOpenAIModelFields = Omit<
  ChatOpenAIFields,
  'useResponsesApi' | 'completions' | 'responses' | 'configuration'
> & {
  /** openai client options, except `baseURL` and `fetch` (set by Cachecore). */
  configuration?: Omit<NonNullable<ChatOpenAIFields['configuration']>, 'baseURL' | 'fetch'>;
};

/** Fields that create a new `CachecoreClient` for the model. */
export interface CachecoreGatewayFields {
  /** Root URL of the Cachecore gateway, without `/v1`, e.g. `http://127.0.0.1:8080`. */
  gatewayUrl: string;
  /** The tenant token (a JWT, bare or with a `cc_live_<id>.` prefix). */
  tenantJwt: string;
  /** Not with `gatewayUrl` / `tenantJwt`. */
  cachecore?: never;
}

/** Fields that reuse an existing `CachecoreClient` (its transport, scope, logger, `onCacheStatus`). */
export interface CachecoreClientFields {
  /** The Cachecore client whose gateway and transport the model uses. */
  cachecore: CachecoreClient;
  gatewayUrl?: never;
  tenantJwt?: never;
}

/** Constructor fields of {@link CachecoreChatOpenAI}: ChatOpenAI fields plus the gateway or a client. */
export type CachecoreChatOpenAIFields = CachecoreChatOpenAIModelFields &
  (CachecoreGatewayFields | CachecoreClientFields);

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
 * const llm = new CachecoreChatOpenAI({
 *   gatewayUrl: process.env.CACHECORE_GATEWAY_URL!,
 *   tenantJwt: process.env.CACHECORE_TENANT_JWT!,
 *   model: 'gpt-4o-mini',
 * });
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

  constructor(fields: CachecoreChatOpenAIFields) {
    const { gatewayUrl, tenantJwt, cachecore, ...modelFields } = fields;
    const client = cachecore ?? new CachecoreClient({ gatewayUrl, tenantJwt });
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
