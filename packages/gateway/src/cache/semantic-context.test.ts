import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_PLACEMENTS,
  buildContextRequest,
  type ContextCases,
  type ContextPlacement,
  type ContextPrompt,
  DEV_PLACEMENTS,
  expectedEcho,
  listContextPrompts,
  questionText,
  readContextCases,
} from '../../test/support/context-cases';
import {
  type SentenceEmbeddingServer,
  startSentenceEmbeddingServer,
} from '../../test/support/sentence-embedding-server';
import { reportLine, reportTable } from '../../test/support/test-report';
import { createTenantToken } from '../auth/create-tenant-token';
import { type Gateway, startGateway } from '../gateway';

/**
 * The semantic cache on context-heavy traffic (issue 12): a long shared document and a short
 * question. Every prompt of a case file is sent through the real gateway (mock upstream, which
 * echoes the prompt, so an answer names the prompt it was made for) after all the earlier ones, so
 * each pair is judged once; then again in reverse order, so each pair is judged both ways. A hit
 * that answers another question, or a question about another document, is a wrong answer.
 */

const SECRET = 'semantic-context-secret';
/**
 * Threshold of the GloVe test embedder, from its calibration on the context cases
 * (`test/measure-l2-judgement.ts`): the differing parts of rewordings score 0.27–0.93 (median
 * 0.71), of different questions −0.09–0.97. The most similar different questions that no guard
 * vetoes score 0.85 (`How long should the chicken rest before carving?` / `How long do I roast the
 * whole chicken?`, `How hot do I set the oven?` / `… in a fan oven?`: a word-vector average
 * cannot tell resting from roasting), so 0.88 keeps a margin.
 */
const SENTENCE_THRESHOLD = 0.88;

const devCases = readContextCases('l2-context-dev-cases.json');
const extraCases = readContextCases('l2-context-extra-cases.json');
const l2DevCases = JSON.parse(
  readFileSync(new URL('../../test/fixtures/l2-dev-cases.json', import.meta.url), 'utf8'),
) as { near_duplicates_hit: [string, string][]; near_misses_never: [string, string][] };
const guardCases = JSON.parse(
  readFileSync(new URL('../../test/fixtures/guard-cases.json', import.meta.url), 'utf8'),
) as { near_misses: { guard: string; cached: string; incoming: string }[] };
const CONTRACT = extraCases.documents['supply-agreement']!;

interface Tally {
  requests: number;
  hits: number;
  /** Hits between two wordings of one question (a paraphrase served). */
  paraphraseHits: number;
  /** Pairs of different wordings of one question that met (the later one could have hit). */
  paraphraseChances: number;
  wrong: string[];
}

async function send(gateway: Gateway, token: string, body: Record<string, unknown>) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { choices: { message: { content: string } }[] };
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    similarity: response.headers.get('x-cache-similarity'),
    best: response.headers.get('x-cachecore-l2-best'),
    veto: response.headers.get('x-cachecore-l2-veto'),
    answer: json.choices[0]!.message.content,
  };
}

/** Sends every prompt of `cases` in `placement`, in order, one tenant, and tallies the hits. */
async function runCases(
  gateway: Gateway,
  cases: ContextCases,
  placement: ContextPlacement,
  order: 'forward' | 'reverse',
): Promise<Tally> {
  const token = await createTenantToken({
    secret: SECRET,
    tenantId: `context-${placement}-${order}-${Math.random().toString(36).slice(2)}`,
  });
  const prompts = listContextPrompts(cases);
  if (order === 'reverse') prompts.reverse();
  const promptsByEcho = new Map<string, ContextPrompt[]>();
  for (const prompt of prompts) {
    const echo = expectedEcho(buildContextRequest(cases, prompt, placement));
    promptsByEcho.set(echo, [...(promptsByEcho.get(echo) ?? []), prompt]);
  }
  const tally: Tally = { requests: 0, hits: 0, paraphraseHits: 0, paraphraseChances: 0, wrong: [] };
  const sent: ContextPrompt[] = [];
  for (const prompt of prompts) {
    const result = await send(gateway, token, buildContextRequest(cases, prompt, placement));
    expect(result.status).toBe(200);
    tally.requests += 1;
    tally.paraphraseChances += sent.filter(
      (earlier) => earlier.document === prompt.document && earlier.question === prompt.question,
    ).length;
    sent.push(prompt);
    expect(result.cache, 'every prompt is new, so never an L1 hit').not.toMatch(/^HIT_L1/);
    if (result.cache !== 'HIT_L2') {
      expect(result.answer).toBe(expectedEcho(buildContextRequest(cases, prompt, placement)));
      continue;
    }
    tally.hits += 1;
    const answeredFor = promptsByEcho.get(result.answer) ?? [];
    const right = answeredFor.some(
      (other) => other.document === prompt.document && other.question === prompt.question,
    );
    if (right) tally.paraphraseHits += 1;
    else {
      tally.wrong.push(
        `${placement}: "${questionText(cases, prompt)}" (${prompt.document}) was answered with ` +
          `${JSON.stringify(answeredFor)} at ${result.similarity}`,
      );
    }
  }
  return tally;
}

function sum(tallies: readonly Tally[]): Tally {
  return tallies.reduce(
    (total, tally) => ({
      requests: total.requests + tally.requests,
      hits: total.hits + tally.hits,
      paraphraseHits: total.paraphraseHits + tally.paraphraseHits,
      paraphraseChances: total.paraphraseChances + tally.paraphraseChances,
      wrong: [...total.wrong, ...tally.wrong],
    }),
    { requests: 0, hits: 0, paraphraseHits: 0, paraphraseChances: 0, wrong: [] },
  );
}

interface EmbedderSetup {
  name: string;
  start: () => Promise<Gateway>;
  /**
   * Fewest near misses (of guard-cases.json, asked about a contract) whose similarity must pass the
   * threshold, so that the guards, not the threshold, are what the test exercises.
   */
  nearMissesAboveThreshold: number;
}

let embeddings: SentenceEmbeddingServer;

const GATEWAY_OPTIONS = {
  upstream: 'mock',
  mockLatencyMs: 0,
  jwtSecret: SECRET,
  logLevel: 'silent',
  debugHeaders: true,
} as const;

const setups: EmbedderSetup[] = [
  {
    name: 'the default hash embedder',
    start: () => startGateway(GATEWAY_OPTIONS),
    nearMissesAboveThreshold: 5,
  },
  {
    name: 'the GloVe sentence test embedder',
    start: () =>
      startGateway({
        ...GATEWAY_OPTIONS,
        embedder: 'openai',
        embeddingUrl: embeddings.url,
        embeddingModel: 'glove-sif-100d',
        l2Threshold: SENTENCE_THRESHOLD,
      }),
    nearMissesAboveThreshold: 20,
  },
];

beforeAll(async () => {
  embeddings = await startSentenceEmbeddingServer();
}, 120_000);

afterAll(async () => {
  await embeddings.close();
});

describe.each(setups)('context-heavy prompts with $name', (setup) => {
  let gateway: Gateway;
  const tallies: { label: string; tally: Tally }[] = [];

  beforeAll(async () => {
    gateway = await setup.start();
  });

  afterAll(async () => {
    await gateway.close();
    const rows = tallies.map(({ label, tally }) => ({
      cases: label,
      requests: tally.requests,
      'L2 hits': tally.hits,
      'paraphrase hits': tally.paraphraseHits,
      'paraphrase chances': tally.paraphraseChances,
      wrong: tally.wrong.length,
    }));
    reportLine(`context cases with ${setup.name}`);
    reportTable(rows);
  });

  const runs = [
    ...DEV_PLACEMENTS.map((placement) => ({ file: 'dev', cases: devCases, placement })),
    ...ALL_PLACEMENTS.map((placement) => ({ file: 'extra', cases: extraCases, placement })),
  ];

  it.each(runs)(
    'never answers another question ($file cases, $placement)',
    async ({ file, cases, placement }) => {
      const both = [
        await runCases(gateway, cases, placement, 'forward'),
        await runCases(gateway, cases, placement, 'reverse'),
      ];
      const tally = sum(both);
      tallies.push({ label: `${file} ${placement}`, tally });
      expect(tally.wrong).toEqual([]);
    },
    120_000,
  );

  it('serves a question asked again with trivial changes, about the same document', async () => {
    for (const placement of ALL_PLACEMENTS) {
      // A tenant per placement: two placements can make the same L2 key (a document and a
      // question as one string or as two text parts), and would rightly share the answer.
      const token = await createTenantToken({
        secret: SECRET,
        tenantId: `trivial-${setup.name}-${placement}`,
      });
      const prompt = { document: 'supply-agreement', question: 'cause', wording: 0 };
      const original = buildContextRequest(extraCases, prompt, placement);
      const first = await send(gateway, token, original);
      expect(first.cache).toBe('MISS');
      const retyped = buildContextRequest(
        extraCases,
        prompt,
        placement,
        'does this contract include a termination-for-cause clause',
      );
      const second = await send(gateway, token, retyped);
      expect(second.cache, placement).toBe('HIT_L2');
      expect(second.answer).toBe(expectedEcho(original));
      expect(second.best).toMatch(/^[01]\.\d{4}$/);
    }
  });

  it('vetoes near misses asked about one contract, also when their similarity passes', async () => {
    // The compliance agent's shape from issue 12: a shared contract and a short question.
    const ask = (token: string, question: string) =>
      send(gateway, token, {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'user', content: `Contract excerpt:\n${CONTRACT}\n\nQuestion: ${question}` },
        ],
      });
    let vetoedAboveThreshold = 0;
    for (const [index, { cached, incoming }] of guardCases.near_misses.entries()) {
      // A tenant per pair: an earlier pair's entry may rightly answer a later pair's question.
      const token = await createTenantToken({
        secret: SECRET,
        tenantId: `near-${setup.name}-${index}`,
      });
      await ask(token, cached);
      const second = await ask(token, incoming);
      expect(second.cache, `${cached} / ${incoming}`).toBe('MISS');
      expect(second.answer).toContain(incoming);
      // The header rounds to four places: count only pairs clearly over the threshold.
      if (Number(second.best) >= (gateway.settings.l2Threshold ?? 1) + 1e-4) {
        expect(second.veto, `${cached} / ${incoming} at ${second.best}`).toMatch(/^\w+$/);
        vetoedAboveThreshold += 1;
      }
    }
    reportLine(
      `${setup.name}: ${vetoedAboveThreshold} of ${guardCases.near_misses.length} near misses ` +
        'passed the threshold and were vetoed by a guard',
    );
    expect(vetoedAboveThreshold).toBeGreaterThanOrEqual(setup.nearMissesAboveThreshold);
  });

  it('reports the similarity of the differing parts, not of the whole prompts', async () => {
    const token = await createTenantToken({ secret: SECRET, tenantId: `best-${setup.name}` });
    const ask = (lines: string) =>
      send(gateway, token, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: lines }] });
    const contract = (question: string) =>
      `Contract excerpt:\n${CONTRACT}\n\nQuestion: ${question}`;
    await ask(contract("What is the Buyer's payment term for invoices?"));
    const other = await ask(contract('Which sections survive termination of the agreement?'));
    expect(other.cache).toBe('MISS');
    // Whole, these prompts score 0.98 or more with either embedder; their questions far less.
    expect(Number(other.best)).toBeLessThan(0.7);

    // Short prompts that share an instruction line are judged on the other lines too.
    await ask('Translate into French:\ngood morning');
    const evening = await ask('Translate into French:\ngood evening');
    expect(evening.cache).toBe('MISS');
    expect(evening.answer).toBe('Echo: Translate into French:\ngood evening');
    const retyped = await ask('Translate into French:\n\nGood morning!');
    expect(retyped.cache).toBe('HIT_L2');
    expect(retyped.answer).toBe('Echo: Translate into French:\ngood morning');
  });

  it('keeps near duplicates hitting and near misses missing (l2-dev-cases)', async () => {
    const token = await createTenantToken({ secret: SECRET, tenantId: `dev-${setup.name}` });
    const ask = (content: string) =>
      send(gateway, token, { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    for (const [cached, incoming] of l2DevCases.near_duplicates_hit) {
      await ask(cached);
      const second = await ask(incoming);
      expect(second.cache, `${cached} / ${incoming}`).toBe('HIT_L2');
      expect(second.answer).toBe(`Echo: ${cached}`);
    }
    for (const [cached, incoming] of l2DevCases.near_misses_never) {
      await ask(cached);
      const second = await ask(incoming);
      expect(second.cache, `${cached} / ${incoming}`).toBe('MISS');
      expect(second.answer).toBe(`Echo: ${incoming}`);
    }
  });
});
