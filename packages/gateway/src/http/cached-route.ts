import type { IncomingMessage, ServerResponse } from 'node:http';
import { UNCACHED_REASON_HEADER_LOWER as UNCACHED_REASON_HEADER } from '@cachecore/core/protocol';
import type { CachedApi } from '../apis/cached-api';
import { CHAT_COMPLETIONS_API } from '../apis/chat-completions-api';
import { RESPONSES_API } from '../apis/responses-api';
import { analyzeChatRequest, type ChatRequest } from '../cache/chat-request';
import { GatewayHttpError } from '../errors/gateway-http-error';
import { toGatewayHttpError } from '../errors/to-gateway-http-error';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { admitRequest } from '../pipeline/admit';
import { AnalysisMemo } from '../pipeline/analysis-memo';
import { countStat } from '../pipeline/count-stat';
import { fillFromUpstream } from '../pipeline/fill';
import { type CacheableRequest, identifyRequest } from '../pipeline/identify';
import { lookupCache } from '../pipeline/lookup';
import { refreshStaleEntry } from '../pipeline/refresh-stale';
import { hitStatus, missHeaders, respondWithHit, respondWithOutcome } from '../pipeline/respond';
import { callUpstream } from '../pipeline/upstream-call';
import { analyzeResponsesRequest } from '../responses/responses-request';
import { BYPASS_STATS_SCOPE } from '../store/store';
import { cacheHeaders, collapsedMissHeaders } from '../wire/cache-headers';
import { forwardToUpstream } from './forward-route';
import { parseJsonBody, readRequestBody } from './read-body';

/** How a cached route reads its request: the analysis, and why it may not be cached at all. */
export interface CachedRoute {
  api: CachedApi;
  /** Validates and analyses the parsed body; throws a 400 for anything unusable. */
  analyze(parsed: unknown): ChatRequest & { uncachedReason?: string };
  /**
   * Analyses of recent bodies by their bytes (parsed, then `analyze`d), so a repeated request is
   * not parsed again.
   */
  memo: AnalysisMemo<ChatRequest & { uncachedReason?: string }>;
}

/** Memory each cached route may spend remembering body analyses, shared by every gateway. */
const ANALYSIS_MEMO_BYTES = 4 * 1024 * 1024;

/** A cached route answering `api`, whose bodies `analyze` validates and analyses. */
function cachedRoute(api: CachedApi, analyze: CachedRoute['analyze']): CachedRoute {
  return {
    api,
    analyze,
    memo: new AnalysisMemo(ANALYSIS_MEMO_BYTES, (raw) => analyze(parseJsonBody(raw))),
  };
}

/** `POST /v1/chat/completions`. */
export const CHAT_COMPLETIONS_ROUTE: CachedRoute = cachedRoute(
  CHAT_COMPLETIONS_API,
  analyzeChatRequest,
);

/**
 * `POST /v1/responses`: stateless requests (`store: false`, no `previous_response_id`, no
 * `conversation`, not `background`) are cached like chat completions; the others are forwarded
 * uncached with the reason in `X-Cachecore-Uncached-Reason`.
 */
export const RESPONSES_ROUTE: CachedRoute = cachedRoute(RESPONSES_API, (parsed) => {
  const analysis = analyzeResponsesRequest(parsed);
  return Object.assign(analysis, {
    includeUsage: false,
    uncachedReason: analysis.statefulReason,
  });
});

/**
 * A cached API route: the cache pipeline of PROTOCOL §5, stage by stage: admission, identity and
 * namespace, lookup (L1, then L2), fill from upstream on a miss, respond.
 */
export async function handleCachedRoute(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  observation: ObservedRequest,
  route: CachedRoute,
): Promise<void> {
  const { source, identity } = await admitRequest(context, request, observation);
  const rawBody = await readRequestBody(request, context.settings.maxBodyBytes);
  const chat = route.memo.analyze(rawBody);
  observation.model = chat.model;
  observation.stream = chat.stream;

  if (!identity || chat.uncachedReason !== undefined) {
    observation.cache = 'BYPASS';
    countStat(context, BYPASS_STATS_SCOPE, 'bypass');
    const headers = {
      ...cacheHeaders('BYPASS', 0, 0),
      ...(chat.uncachedReason !== undefined && { [UNCACHED_REASON_HEADER]: chat.uncachedReason }),
    };
    await forwardToUpstream(context, request, response, observation, {
      body: rawBody,
      clientAuthorization: source.passthroughAuthorization,
      extraHeaders: headers,
    }).catch((error: unknown) => {
      throw answeredWith(error, headers);
    });
    return;
  }

  const cacheable = identifyRequest(context, request.headers, identity, chat, rawBody, route.api);
  let headers: Record<string, string> | undefined;
  try {
    const decision = await lookupCache(context, cacheable, observation);
    if (decision.kind === 'hit') {
      observation.cache = hitStatus(decision);
      if (decision.stale) refreshStaleEntry(context, request.headers, cacheable, decision.entry);
      await respondWithHit(response, chat, decision, route.api);
      return;
    }
    observation.cache = 'MISS';
    headers = missHeaders(decision);
    const outcome = await fillFromUpstream(
      context,
      request,
      response,
      cacheable,
      decision,
      observation,
      headers,
    );
    if (observation.flight === 'follower') headers = collapsedMissHeaders(headers);
    respondWithOutcome(response, chat, outcome, headers, route.api);
  } catch (error) {
    if (response.headersSent) throw error;
    if (error instanceof GatewayHttpError) throw answeredWith(error, headers);
    await answerWithoutCache(context, request, response, cacheable, observation, error);
  }
}

/**
 * The store failed (e.g. Redis is down): the cache is an optimisation, so answer from upstream,
 * uncached, rather than failing the request.
 */
async function answerWithoutCache(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  cacheable: CacheableRequest,
  observation: ObservedRequest,
  storeError: unknown,
): Promise<void> {
  context.logger.warn('cache store failed; answering from upstream without the cache', {
    tenant: cacheable.identity.tenantId,
    error: (storeError as Error).message,
  });
  observation.cache = 'MISS';
  observation.storeError = (storeError as Error).message;
  const headers = { ...cacheHeaders('MISS', 0, 0), ...cacheable.debugHeaders };
  try {
    const outcome = await callUpstream(context, request, response, cacheable, observation, headers);
    respondWithOutcome(response, cacheable.chat, outcome, headers, cacheable.api);
  } catch (error) {
    throw response.headersSent ? error : answeredWith(error, headers);
  }
}

/** An error answered with the cache headers of the request that failed, when they are known. */
function answeredWith(error: unknown, headers: Record<string, string> | undefined): unknown {
  return headers ? toGatewayHttpError(error).withHeaders(headers) : error;
}
