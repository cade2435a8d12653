import type { ServerResponse } from 'node:http';
import type { CachedAnswer, CachedApi } from '../apis/cached-api';
import { CHAT_COMPLETIONS_API } from '../apis/chat-completions-api';
import type { ChatRequest } from '../cache/chat-request';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { FlightOutcome } from '../gateway-context';
import { BoundedMemo } from '../memo/bounded-memo';
import { type CacheStatusValue, cacheHeaders } from '../wire/cache-headers';
import { answerAtEndOfTurn } from '../wire/end-of-turn-answer';
import { sendJson, withJsonFraming } from '../wire/send-json';
import { SSE_HEADERS } from '../wire/sse';
import type { CacheHit, CacheMiss } from './lookup';

/** The `X-Cache` status of a hit. */
export function hitStatus(hit: CacheHit): CacheStatusValue {
  if (hit.tier === 'l2') return 'HIT_L2';
  return hit.stale ? 'HIT_L1_STALE' : 'HIT_L1';
}

/** The headers of every answer to a miss, error answers included. */
export function missHeaders(miss: CacheMiss): Record<string, string> {
  return { ...cacheHeaders('MISS', 0, 0), ...miss.debugHeaders };
}

/**
 * Answers from a cached entry, as JSON or as an SSE replay, whichever the client asked, at the end
 * of the event-loop turn (see `answerAtEndOfTurn`); resolves once it is written.
 */
export function respondWithHit(
  response: ServerResponse,
  chat: ChatRequest,
  hit: CacheHit,
  api: CachedApi = CHAT_COMPLETIONS_API,
): Promise<void> {
  const headers = cacheHeaders(hitStatus(hit), hit.similarity, hit.ageSeconds, {
    // Freshness left, negative once stale (PROTOCOL §2.1).
    ttlSeconds: (hit.entry.freshUntil - hit.entry.createdAt) / 1000 - hit.ageSeconds,
  });
  for (const name in hit.debugHeaders) headers[name] = hit.debugHeaders[name] as string;
  // Written at the end of the event-loop turn, together with the turn's other hits.
  if (!chat.stream) {
    const payload = hit.entry.body;
    return answerAtEndOfTurn(response, 200, withJsonFraming(headers, payload), payload);
  }
  const replay = replayOfStoredAnswer(api, hit.entry.body, chat);
  return answerAtEndOfTurn(response, 200, Object.assign(headers, SSE_HEADERS), replay);
}

/** Memory the SSE replays of stored answers may take, per variant of each API, in this process. */
const REPLAY_MEMO_BYTES = 2 * 1024 * 1024;
const replayMemos = new WeakMap<CachedApi, Map<string, BoundedMemo<string>>>();

/**
 * The replay of a stored answer (its JSON text), remembered by the exact text and the variant the
 * request asks for: a hot streamed hit skips parsing the answer and building its chunks.
 */
function replayOfStoredAnswer(api: CachedApi, body: string, chat: ChatRequest): string {
  const variant = api.replayVariant?.(chat);
  if (variant === undefined) return api.formatReplay(JSON.parse(body) as CachedAnswer, chat);
  let byVariant = replayMemos.get(api);
  if (!byVariant) {
    byVariant = new Map();
    replayMemos.set(api, byVariant);
  }
  let memo = byVariant.get(variant);
  if (!memo) {
    memo = new BoundedMemo(REPLAY_MEMO_BYTES, 'sse_replays');
    byVariant.set(variant, memo);
  }
  const known = memo.get(body);
  if (known !== undefined) return known;
  const replay = api.formatReplay(JSON.parse(body) as CachedAnswer, chat);
  // Two bytes per character of the key and of the payload, plus the map entry.
  memo.set(body, replay, (body.length + replay.length) * 2 + 128);
  return replay;
}

/**
 * Answers from a flight's outcome (its own or a leader's): the completion as JSON or replayed as
 * SSE, an upstream error relayed with its status, an interrupted answer as a 502. Nothing is
 * written when the response was already answered (a streaming leader) or the client left.
 */
export function respondWithOutcome(
  response: ServerResponse,
  chat: ChatRequest,
  outcome: FlightOutcome,
  headers: Record<string, string>,
  api: CachedApi = CHAT_COMPLETIONS_API,
): void {
  if (response.headersSent || response.destroyed) return;
  if (outcome.kind === 'completion') {
    if (chat.stream) writeReplay(response, api, chat, outcome.completion, headers);
    else sendJson(response, 200, outcome.body, headers);
    return;
  }
  if (outcome.kind === 'error') {
    const contentType = outcome.headers['content-type'] ?? 'application/json';
    response.writeHead(outcome.status, {
      ...outcome.headers,
      ...headers,
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(outcome.body)),
    });
    response.end(outcome.body);
    return;
  }
  sendJson(
    response,
    502,
    new GatewayHttpError(502, 'The upstream answer was interrupted before it completed.').toBody(),
    headers,
  );
}

function writeReplay(
  response: ServerResponse,
  api: CachedApi,
  chat: ChatRequest,
  answer: CachedAnswer,
  headers: Record<string, string>,
): void {
  const payload = api.formatReplay(answer, chat);
  response.writeHead(200, { ...SSE_HEADERS, ...headers });
  response.end(payload);
}
