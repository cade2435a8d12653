/**
 * The API key an SDK is given when none is passed. The gateway holds the upstream provider key and
 * ignores a bearer value that is not a tenant token, but OpenAI-compatible SDKs refuse to start
 * without some key. Adapters use it instead of `OPENAI_API_KEY`, so that a real provider key is never
 * sent to the gateway unasked.
 *
 * @example
 * ```ts
 * const openai = new OpenAI({ apiKey: PLACEHOLDER_API_KEY, baseURL: cc.baseURL, fetch: cc.fetch });
 * ```
 */
export const PLACEHOLDER_API_KEY = 'cachecore-gateway';
