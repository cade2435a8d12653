import type { CachecoreClient } from '@cachecore/core';
import type { ChatOpenAICallOptions, ChatOpenAIFields } from '@langchain/openai';
import type { CachecoreCallSettings } from './cachecore-call';

// The `cachecore` option also types on the config of any Runnable, so that
// `chain.invoke(input, { cachecore })` type-checks: LangChain passes unknown config keys down to the
// model's call options at run time (@langchain/core 1.4), but a chain's config type is the plain
// `RunnableConfig`.
declare module '@langchain/core/runnables' {
  interface RunnableConfig {
    /**
     * Cachecore settings for the `CachecoreChatOpenAI` calls this run makes (deps, bypass, cacheControl); each
     * given field wins over the surrounding `requestContext()` scope. Other models ignore it.
     * @default the scope's settings
     */
    cachecore?: CachecoreCallSettings;
  }
}

/** Call options of `CachecoreChatOpenAI`: ChatOpenAI's, plus `cachecore`. */
export interface CachecoreChatOpenAICallOptions extends ChatOpenAICallOptions {
  /**
   * Cachecore settings for this call (deps, bypass, cacheControl). Each given field wins over the surrounding
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
  /**
   * Root URL of the Cachecore gateway, without `/v1`, e.g. `http://127.0.0.1:8080`.
   * @default process.env.CACHECORE_GATEWAY_URL
   */
  gatewayUrl?: string;
  /**
   * The tenant token (a JWT, bare or with a `cc_live_<id>.` prefix).
   * @default process.env.CACHECORE_TENANT_JWT
   */
  tenantJwt?: string;
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

/** Constructor fields of `CachecoreChatOpenAI`: ChatOpenAI fields plus the gateway or a client. */
export type CachecoreChatOpenAIFields = CachecoreChatOpenAIModelFields &
  (CachecoreGatewayFields | CachecoreClientFields);
