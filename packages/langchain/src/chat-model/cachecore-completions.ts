import { ChatOpenAICompletions } from '@langchain/openai';
import type { CachecoreCall } from './cachecore-call';

/**
 * Key under which a model call's {@link CachecoreCall} rides along in the LangChain call options.
 * A symbol survives the option spreading LangChain does on the way down and is invisible to
 * tracing and to the openai client.
 */
export const CACHECORE_CALL = Symbol('@cachecore/langchain/call');

type RequestOptions = NonNullable<Parameters<ChatOpenAICompletions['completionWithRetry']>[1]>;
type CallCarrier = RequestOptions & { [CACHECORE_CALL]?: CachecoreCall; cachecore?: unknown };

/**
 * The Chat Completions implementation inside `CachecoreChatOpenAI`. `completionWithRetry` is the last
 * place that still runs in the caller's async context and the one place that sees the request options
 * of every Chat Completions request, streamed or not: it puts the call's Cachecore headers on the
 * request before LangChain's queue takes over.
 *
 * @internal
 */
export class CachecoreChatOpenAICompletions extends ChatOpenAICompletions {
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
      headers: withCallHeaders(options.headers, call.headers),
    });
  }
}

function withCallHeaders(
  headers: RequestOptions['headers'],
  callHeaders: Readonly<Record<string, string>>,
): RequestOptions['headers'] {
  if (headers === undefined || headers === null) return { ...callHeaders };
  if (headers instanceof Headers) {
    const merged = new Headers(headers);
    for (const [name, value] of Object.entries(callHeaders)) merged.set(name, value);
    return merged;
  }
  if (Array.isArray(headers)) return [...headers, ...Object.entries(callHeaders)];
  return { ...(headers as Record<string, string | null | undefined>), ...callHeaders };
}
