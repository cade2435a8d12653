import { CachecoreClient, PLACEHOLDER_API_KEY, resolveGatewayOptions } from '@cachecore/core';
import { OpenAIEmbeddings } from '@langchain/openai';

type OpenAIEmbeddingsFields = NonNullable<ConstructorParameters<typeof OpenAIEmbeddings>[0]>;

/**
 * `OpenAIEmbeddings` fields that still apply behind the gateway; `configuration.baseURL` and
 * `configuration.fetch` belong to Cachecore.
 */
export type CachecoreOpenAIEmbeddingsModelFields = Omit<OpenAIEmbeddingsFields, 'configuration'> & {
  /** openai client options, except `baseURL` and `fetch` (set by Cachecore). */
  configuration?: Omit<NonNullable<OpenAIEmbeddingsFields['configuration']>, 'baseURL' | 'fetch'>;
};

/** Constructor fields of {@link CachecoreOpenAIEmbeddings}: the model's, plus the gateway or a client. */
export type CachecoreOpenAIEmbeddingsFields = CachecoreOpenAIEmbeddingsModelFields &
  (
    | {
        /** Root URL of the Cachecore gateway, without `/v1`. @default process.env.CACHECORE_GATEWAY_URL */
        gatewayUrl?: string;
        /** The tenant token. @default process.env.CACHECORE_TENANT_JWT */
        tenantJwt?: string;
        cachecore?: never;
      }
    | {
        /** An existing client: its transport, scope, logger and `onCacheStatus` apply. */
        cachecore: CachecoreClient;
        gatewayUrl?: never;
        tenantJwt?: never;
      }
  );

/**
 * LangChain's `OpenAIEmbeddings` through a Cachecore gateway, which caches every input of a batch on
 * its own: re-indexing a corpus sends only the chunks that changed upstream, and a query embedded
 * before is answered from the cache. Deps and bypass come from `embeddings.cachecore.requestContext()`
 * around the call; the cache status of each request reaches the client's `onCacheStatus`.
 *
 * @example
 * ```ts
 * // gatewayUrl and tenantJwt default to CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT.
 * const embeddings = new CachecoreOpenAIEmbeddings({ model: 'text-embedding-3-small' });
 * const vectors = await embeddings.cachecore.requestContext({ deps: ['doc:handbook'] }, () =>
 *   embeddings.embedDocuments(chunks),
 * );
 * ```
 */
export class CachecoreOpenAIEmbeddings extends OpenAIEmbeddings {
  /** The Cachecore client behind the model: scopes, invalidation, `close()`. */
  readonly cachecore: CachecoreClient;

  constructor(fields: CachecoreOpenAIEmbeddingsFields = {}) {
    const { gatewayUrl, tenantJwt, cachecore, ...modelFields } = fields;
    const client =
      cachecore ?? new CachecoreClient(resolveGatewayOptions({ gatewayUrl, tenantJwt }));
    super({
      ...modelFields,
      apiKey: modelFields.apiKey ?? PLACEHOLDER_API_KEY,
      configuration: { ...modelFields.configuration, baseURL: client.baseURL, fetch: client.fetch },
    });
    this.cachecore = client;
  }
}
