import type { ChatRequest } from '../cache/chat-request';

/**
 * A stored answer of a cached API: a `chat.completion` object or a Responses API `response`
 * object, serialised into the entry's body as the upstream sent it.
 */
export type CachedAnswer = Record<string, unknown>;

/** Rebuilds the stored form of a streamed answer from its SSE events. */
export interface StreamAssembler {
  /** Feeds the `data` of one SSE event, with its `event:` name when it had one. */
  addEvent(data: string, eventType?: string): void;
  /** Whether the stream ended as a complete answer that may be stored and replayed. */
  readonly complete: boolean;
  /** The assembled answer (complete or not: a partial one is only relayed, never stored). */
  result(): CachedAnswer | undefined;
}

/**
 * What the cache pipeline needs to know about one OpenAI API it caches (Chat Completions, the
 * Responses API): everything else (admission, namespace, lookup, single-flight, writes) is the
 * same for both. A request of one API can never be served an entry of the other: their L1 and L2
 * keys carry the API's key prefix.
 */
export interface CachedApi {
  /** Short name for logs, e.g. `chat.completions`. */
  readonly name: string;
  /** The route's path, for upstream calls the gateway makes itself (background refreshes). */
  readonly path: string;
  /** Prefix of the API's L1 and L2 keys inside a namespace (`''` for chat completions). */
  readonly keyPrefix: string;
  /** The upstream's JSON answer as a storable answer, or `undefined` when it is not one. */
  readAnswer(value: unknown): CachedAnswer | undefined;
  /** What the gateway answers (502) for a JSON upstream answer `readAnswer` refused. */
  readonly invalidAnswerMessage: string;
  createAssembler(): StreamAssembler;
  /**
   * The body to send upstream for a miss, when it differs from the client's (e.g. to always get
   * usage on streams); `undefined` sends the client's body as it came.
   */
  upstreamBody?(request: ChatRequest): string | undefined;
  /**
   * For a stream passed through to the client: the `data` of one upstream event as this client
   * asked for it (`undefined` drops the event), when the upstream body was changed; `undefined`
   * for the whole method passes events through byte for byte.
   */
  clientEventFilter?(request: ChatRequest): ((data: string) => string | undefined) | undefined;
  /** The SSE payload replaying a stored answer the way the API streams it. */
  formatReplay(answer: CachedAnswer, request: ChatRequest): string;
  /**
   * Names what of the request {@link CachedApi.formatReplay} depends on (`''` when nothing): the
   * replay of a stored answer is remembered per variant, so a repeated streamed hit is not
   * rebuilt. Absent: replays are built for every hit.
   */
  replayVariant?(request: ChatRequest): string;
  /** Tokens the answer cost upstream, counted as saved on every hit. */
  countTokens(answer: CachedAnswer): number;
}
