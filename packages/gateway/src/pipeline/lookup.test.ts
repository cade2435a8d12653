import { beforeEach, describe, expect, it } from 'vitest';
import {
  cacheableRequest,
  createStageContext,
  verifiedTenant,
} from '../../test/support/pipeline-test-context';
import type { ChatCompletion } from '../cache/chat-completion';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { lookupCache } from './lookup';
import { writeCompletion } from './write-completion';

const encodeDeps = (hash: string) =>
  Buffer.from(JSON.stringify([{ dep_id: 'doc:1', expected_hash: hash }])).toString('base64url');

function completion(content: string): ChatCompletion {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  };
}

describe('lookup stage', () => {
  let clock: number;
  let context: GatewayContext;

  beforeEach(async () => {
    clock = 1_700_000_000_000;
    context = await createStageContext({
      upstream: 'http://127.0.0.1:9/v1',
      l2: true,
      now: () => clock,
      freshTtlSecs: 60,
      staleWindowSecs: 60,
    });
  });

  it('misses an empty cache with a writable decision', async () => {
    const request = cacheableRequest(context, await verifiedTenant(context, 'acme'), 'hello');
    const decision = await lookupCache(context, request, {});
    expect(decision).toMatchObject({ kind: 'miss', writable: true });
  });

  it('hits L1 with similarity 1 and the age, then stale within the stale window', async () => {
    const request = cacheableRequest(context, await verifiedTenant(context, 'acme'), 'hello');
    await writeCompletion(context, request, completion('Hi!'), undefined);
    clock += 42_000;
    const observation: ObservedRequest = {};
    const fresh = await lookupCache(context, request, observation);
    expect(fresh).toMatchObject({ kind: 'hit', tier: 'l1', stale: false, similarity: 1 });
    expect(fresh.kind === 'hit' && fresh.ageSeconds).toBe(42);
    expect(observation.tokensSaved).toBe(7);
    clock += 60_000;
    expect(await lookupCache(context, request, {})).toMatchObject({ tier: 'l1', stale: true });
    clock += 60_000;
    expect((await lookupCache(context, request, {})).kind).toBe('miss');
  });

  it('never serves an entry after its dep was invalidated, and refuses to write for old hashes', async () => {
    const identity = await verifiedTenant(context, 'acme');
    const v1 = cacheableRequest(context, identity, 'hello', {
      headers: { 'x-cachecore-deps': encodeDeps('v1') },
    });
    await writeCompletion(context, v1, completion('about v1'), undefined);
    expect((await lookupCache(context, v1, {})).kind).toBe('hit');
    await context.store.setDepHash('acme', 'doc:1', 'v2');
    expect(await lookupCache(context, v1, {})).toMatchObject({ kind: 'miss', writable: false });
    const v2 = cacheableRequest(context, identity, 'hello', {
      headers: { 'x-cachecore-deps': encodeDeps('v2') },
    });
    expect(await lookupCache(context, v2, {})).toMatchObject({ kind: 'miss', writable: true });
  });

  it('hits L2 for a near-duplicate prompt, and hands a miss its vector', async () => {
    const identity = await verifiedTenant(context, 'acme');
    const original = cacheableRequest(context, identity, 'Summarise contract #123');
    const missed = await lookupCache(context, original, {});
    expect(missed.kind === 'miss' && missed.vector?.length).toBe(
      context.semantic?.embedder.dimensions,
    );
    await writeCompletion(context, original, completion('A summary'), undefined);
    const observation: ObservedRequest = {};
    const similar = cacheableRequest(context, identity, 'summarise contract #123.');
    const decision = await lookupCache(context, similar, observation);
    expect(decision).toMatchObject({ kind: 'hit', tier: 'l2' });
    expect(decision.kind === 'hit' && decision.similarity).toBeGreaterThan(0.8);
    expect(observation.similarity).toBeGreaterThan(0.8);
  });
});
