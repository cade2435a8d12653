import { type CacheStatusValue, Dep } from '@cachecore/core';
import type { AdapterName, CallOptions } from './demo-adapters';

/** One model call of the workload, with the cache status it must get. */
export interface DemoCall {
  kind: 'call';
  adapter: AdapterName;
  question: string;
  options?: CallOptions;
  expect: CacheStatusValue;
  /** Why this status is expected, shown in the failure report. */
  reason: string;
}

/** A data change: the app invalidates a dependency. */
export interface DemoInvalidation {
  kind: 'invalidate';
  depId: string;
  newHash: string;
  /** At least this many cached answers must be deleted. */
  expectDeleted: number;
}

/** A section heading in the output. */
export interface DemoSection {
  kind: 'section';
  title: string;
  /** Shown only where the demo runs its own gateway (it mints the tokens the section needs). */
  localOnly?: boolean;
}

/** Time passing, e.g. for a cached answer to turn stale. */
export interface DemoPause {
  kind: 'pause';
  ms: number;
  why: string;
  localOnly?: boolean;
}

export type DemoStep = DemoCall | DemoInvalidation | DemoSection | DemoPause;

/**
 * The travel-desk workload: each SDK asks its own questions, so each shows its own first MISS.
 * Similar questions differ from the original only in case and punctuation: the gateway's default
 * embedder is lexical, so it matches near-duplicates like these, not free rewordings.
 *
 * @param options.runTag - Appended to dependency ids, for gateways that outlive one run.
 */
export function buildDemoWorkload(options: { runTag?: string } = {}): DemoStep[] {
  // The refund policy answers are built from this document; a new version invalidates them.
  // A shared gateway remembers dependency versions across runs, hence a per-run id there.
  const refundPolicy = options.runTag ? `doc:refund-policy:${options.runTag}` : 'doc:refund-policy';
  const policyV1 = [new Dep(refundPolicy, { hash: 'v1' })];
  const policyV2 = [new Dep(refundPolicy, { hash: 'v2' })];
  const call = (
    adapter: AdapterName,
    question: string,
    expect: CacheStatusValue,
    reason: string,
    options?: CallOptions,
  ): DemoCall => ({ kind: 'call', adapter, question, expect, reason, options });

  return [
    { kind: 'section', title: 'Repeated and similar questions' },
    call('openai', 'What time zone is Tokyo in?', 'MISS', 'first time asked'),
    call('openai', 'What time zone is Tokyo in?', 'HIT_L1', 'same question again'),
    call('openai', 'what time zone is tokyo in', 'HIT_L2', 'near-duplicate of a cached question'),
    call('langchain', 'Which museums in Kyoto open on Mondays?', 'MISS', 'first time asked'),
    call('langchain', 'Which museums in Kyoto open on Mondays?', 'HIT_L1', 'same question again'),
    call(
      'langchain',
      'which museums in kyoto open on mondays',
      'HIT_L2',
      'near-duplicate of a cached question',
    ),
    call('ai-sdk', 'How long is the train from Tokyo to Kyoto?', 'MISS', 'first time asked'),
    call('ai-sdk', 'How long is the train from Tokyo to Kyoto?', 'HIT_L1', 'same question again'),
    call(
      'ai-sdk',
      'how long is the train from tokyo to kyoto',
      'HIT_L2',
      'near-duplicate of a cached question',
    ),

    { kind: 'section', title: `Answers tagged with ${refundPolicy}` },
    call('openai', 'Summarise the refund policy.', 'MISS', 'first time asked', {
      deps: policyV1,
    }),
    call('langchain', 'Can I cancel a booking for free?', 'MISS', 'first time asked', {
      deps: policyV1,
    }),
    call('openai', 'Summarise the refund policy.', 'HIT_L1', 'same question, same document', {
      deps: policyV1,
    }),
    call(
      'langchain',
      'Can I cancel a booking for free?',
      'HIT_L1',
      'same question, same document',
      {
        deps: policyV1,
      },
    ),
    { kind: 'invalidate', depId: refundPolicy, newHash: 'v2', expectDeleted: 2 },
    call('openai', 'Summarise the refund policy.', 'MISS', 'the document changed', {
      deps: policyV2,
    }),
    call('langchain', 'Can I cancel a booking for free?', 'MISS', 'the document changed', {
      deps: policyV2,
    }),
    call('openai', 'Summarise the refund policy.', 'HIT_L1', 'answer for v2 is cached now', {
      deps: policyV2,
    }),

    { kind: 'section', title: 'Stale while revalidate (answers fresh for 1 s)', localOnly: true },
    call('openai', 'Which day is the Tsukiji outer market closed?', 'MISS', 'first time asked', {
      shortTtl: true,
    }),
    {
      kind: 'pause',
      ms: 1_200,
      why: 'the cached answer is past its 1 s of freshness',
      localOnly: true,
    },
    call(
      'openai',
      'Which day is the Tsukiji outer market closed?',
      'HIT_L1_STALE',
      'stale answer served at once, refreshed in the background',
      { shortTtl: true },
    ),

    { kind: 'section', title: 'Write path (never cached)' },
    call('openai', 'Book a table for two at 7pm tonight.', 'BYPASS', 'write path skips the cache', {
      bypass: true,
    }),
    call('openai', 'Book a table for two at 7pm tonight.', 'BYPASS', 'bypass wrote nothing', {
      bypass: true,
    }),
    call('ai-sdk', 'Cancel booking 4711.', 'BYPASS', 'write path skips the cache', {
      bypass: true,
    }),

    { kind: 'section', title: 'Streaming' },
    call('openai', 'Plan a rainy afternoon in Osaka.', 'MISS', 'first time asked', {
      stream: true,
    }),
    call('openai', 'Plan a rainy afternoon in Osaka.', 'HIT_L1', 'stream replayed from cache', {
      stream: true,
    }),
    call('langchain', 'Which museums in Kyoto open on Mondays?', 'HIT_L1', 'cached earlier', {
      stream: true,
    }),
    call(
      'ai-sdk',
      'How long is the train from Tokyo to Kyoto?',
      'HIT_L1',
      'JSON answer replayed as a stream',
      { stream: true },
    ),
  ];
}
