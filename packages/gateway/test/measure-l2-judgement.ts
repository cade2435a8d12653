/**
 * Measures the L2 judgement on the context cases, outside the test suite:
 *
 *   npx tsx packages/gateway/test/measure-l2-judgement.ts
 *
 * 1. Calibration: for every pair of prompts about one document (user message `Document:\n<doc>\n\n
 *    Question: <q>`), the similarity of the whole prompts (what L2 compared before) and of their
 *    differing parts (what decides now), for rewordings of one question and for different
 *    questions, with the hash embedder and the GloVe sentence test embedder; how many would hit at
 *    a threshold, and how many of those the guards veto.
 * 2. Near misses (guard-cases.json, l2-dev-cases.json): the test embedder's similarity and the veto.
 * 3. Cost of judging 16 candidates on a miss, with the hash embedder, per lookup.
 */
import { readFileSync } from 'node:fs';
import { createHashEmbedder, embedTextLexically } from '../src/embed/hash-embedder';
import { memoizeEmbedder } from '../src/embed/memoized-embedder';
import { judgeCandidates } from '../src/semantic/candidate-judgement';
import { checkPromptGuards } from '../src/semantic/guards';
import { splitPrompt } from '../src/semantic/prompt-segments';
import { readContextCases } from './support/context-cases';
import { embedSentences } from './support/glove-sentence-embedder';

type Embed = (texts: string[]) => Float32Array[];

const embedders: { name: string; embed: Embed; thresholds: number[] }[] = [
  { name: 'hash', embed: (texts) => texts.map(embedTextLexically), thresholds: [0.9] },
  {
    name: 'glove-sif (test)',
    embed: (texts) => embedSentences(texts),
    thresholds: [0.75, 0.8, 0.82, 0.85, 0.87, 0.9],
  },
];

const cosine = (left: Float32Array, right: Float32Array) => {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += left[index]! * right[index]!;
  return sum;
};

const quantiles = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  const at = (share: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!.toFixed(3);
  return `min ${at(0)}  p10 ${at(0.1)}  median ${at(0.5)}  p90 ${at(0.9)}  max ${sorted.at(-1)!.toFixed(3)}`;
};

interface PairRow {
  same: boolean;
  whole: number;
  deciding: number;
  veto: string | null;
  cached: string;
  incoming: string;
}

async function measurePairs(embed: Embed): Promise<PairRow[]> {
  const rows: PairRow[] = [];
  for (const file of ['l2-context-dev-cases.json', 'l2-context-extra-cases.json']) {
    const cases = readContextCases(file);
    for (const [document, questions] of Object.entries(cases.questions)) {
      const prompts = Object.entries(questions).flatMap(([key, wordings]) =>
        wordings.map((question) => ({ key, question })),
      );
      const text = (question: string) =>
        `Document:\n${cases.documents[document]}\n\nQuestion: ${question}`;
      for (const [index, cached] of prompts.entries()) {
        for (const incoming of prompts.slice(index + 1)) {
          const cachedText = text(cached.question);
          const incomingText = text(incoming.question);
          const [wholeCached, wholeIncoming] = embed([cachedText, incomingText]);
          const [judged] = await judgeCandidates(
            { text: splitPrompt(incomingText).queryText },
            [{ text: splitPrompt(cachedText).queryText, score: Number.NaN, payload: null }],
            async (texts) => embed(texts),
          );
          const difference = { cached: judged!.cachedPart, incoming: judged!.incomingPart };
          rows.push({
            same: cached.key === incoming.key,
            whole: cosine(wholeCached!, wholeIncoming!),
            deciding: judged!.similarity,
            veto: checkPromptGuards(difference.cached, difference.incoming)?.guard ?? null,
            cached: cached.question,
            incoming: incoming.question,
          });
        }
      }
    }
  }
  return rows;
}

for (const { name, embed, thresholds } of embedders) {
  const rows = await measurePairs(embed);
  const same = rows.filter((row) => row.same);
  const different = rows.filter((row) => !row.same);
  console.log(
    `\n== ${name}: ${same.length} rewording pairs, ${different.length} different-question pairs`,
  );
  console.log(`whole prompts,  rewordings:          ${quantiles(same.map((row) => row.whole))}`);
  console.log(
    `whole prompts,  different questions: ${quantiles(different.map((row) => row.whole))}`,
  );
  console.log(
    `differing parts, rewordings:          ${quantiles(same.map((row) => row.deciding))}`,
  );
  console.log(
    `differing parts, different questions: ${quantiles(different.map((row) => row.deciding))}`,
  );
  const vetoedRewordings = same.filter((row) => row.veto !== null);
  const byGuard = new Map<string, number>();
  for (const row of vetoedRewordings) byGuard.set(row.veto!, (byGuard.get(row.veto!) ?? 0) + 1);
  console.log(
    `guards veto ${vetoedRewordings.length}/${same.length} rewording pairs:`,
    Object.fromEntries(byGuard),
  );
  for (const threshold of thresholds) {
    const hits = same.filter((row) => row.deciding >= threshold && row.veto === null);
    const above = different.filter((row) => row.deciding >= threshold);
    const wrong = above.filter((row) => row.veto === null);
    console.log(
      `threshold ${threshold}: rewording hits ${hits.length}/${same.length} (${((100 * hits.length) / same.length).toFixed(0)}%), ` +
        `different questions above it ${above.length}, of which the guards let through ${wrong.length}`,
    );
    for (const row of wrong)
      console.log(`   WRONG ${row.deciding.toFixed(3)} ${row.cached} | ${row.incoming}`);
  }
  const closest = [...different].sort((left, right) => right.deciding - left.deciding).slice(0, 5);
  console.log('closest different questions:');
  for (const row of closest) {
    console.log(
      `  ${row.deciding.toFixed(3)} veto=${row.veto ?? '-'}  ${row.cached} | ${row.incoming}`,
    );
  }
}

console.log('\n== near misses with the glove-sif test embedder');
const guardCases = JSON.parse(
  readFileSync(new URL('./fixtures/guard-cases.json', import.meta.url), 'utf8'),
) as { near_misses: { cached: string; incoming: string }[] };
const devCases = JSON.parse(
  readFileSync(new URL('./fixtures/l2-dev-cases.json', import.meta.url), 'utf8'),
) as { near_misses_never: [string, string][]; paraphrases_hit: [string, string][] };
const nearMisses: [string, string][] = [
  ...devCases.near_misses_never,
  ...guardCases.near_misses.map((testCase): [string, string] => [
    testCase.cached,
    testCase.incoming,
  ]),
];
const nearMissScores = nearMisses.map(([cached, incoming]) => {
  const [left, right] = embedSentences([cached, incoming]);
  return {
    similarity: cosine(left!, right!),
    veto: checkPromptGuards(cached, incoming),
    cached,
    incoming,
  };
});
console.log(`similarity ${quantiles(nearMissScores.map((row) => row.similarity))}`);
console.log(
  `vetoed ${nearMissScores.filter((row) => row.veto).length}/${nearMissScores.length}; ` +
    `at or above 0.9: ${nearMissScores.filter((row) => row.similarity >= 0.9).length}`,
);
for (const row of nearMissScores.filter((row) => row.similarity >= 0.85)) {
  console.log(
    `  ${row.similarity.toFixed(3)} ${row.veto?.guard ?? 'NOT VETOED'}  ${row.cached} | ${row.incoming}`,
  );
}
for (const [cached, incoming] of devCases.paraphrases_hit) {
  const [left, right] = embedSentences([cached, incoming]);
  console.log(
    `paraphrase ${cosine(left!, right!).toFixed(3)} veto=${checkPromptGuards(cached, incoming)?.guard ?? '-'}  ${cached} | ${incoming}`,
  );
}

console.log('\n== cost of judging 16 candidates per miss (hash embedder)');
const cases = readContextCases('l2-context-extra-cases.json');
const contract = cases.documents['supply-agreement']!;
const questions = Object.values(cases.questions['supply-agreement']!).flat();
const queryOf = (question: string) =>
  splitPrompt(`Document:\n${contract}\n\nQuestion: ${question}`).queryText;
const longCandidates = questions.slice(0, 16).map((question, index) => ({
  text: queryOf(question),
  score: 0.99 - index * 0.001,
  payload: index,
}));
const shortCandidates = questions.slice(0, 16).map((question, index) => ({
  text: question,
  score: 0.9 - index * 0.001,
  payload: index,
}));
const plain = createHashEmbedder();
const memoized = memoizeEmbedder(plain, { maxEntries: 4096 });
for (const [label, pool, text, embedder] of [
  [
    'long prompts, differing parts embedded every time',
    longCandidates,
    queryOf('Is a termination for material breach possible?'),
    plain,
  ],
  [
    'long prompts, cached parts remembered (the gateway)',
    longCandidates,
    queryOf('Is a termination for material breach possible?'),
    memoized,
  ],
  [
    'short prompts (nothing shared: search scores reused)',
    shortCandidates,
    'Can the buyer end it early?',
    plain,
  ],
] as const) {
  const judge = async () => {
    const ranked = await judgeCandidates({ text }, pool, (texts) => embedder.embed(texts));
    const best = ranked[0];
    if (best) checkPromptGuards(best.cachedPart, best.incomingPart);
  };
  for (let warm = 0; warm < 200; warm++) await judge();
  const rounds = 2000;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (let round = 0; round < rounds; round++) await judge();
  const used = process.cpuUsage(cpu);
  console.log(
    `${label}: ${(((performance.now() - wall) / rounds) * 1000).toFixed(0)} µs wall, ` +
      `${((used.user + used.system) / rounds).toFixed(0)} µs CPU per lookup (judgement and guards)`,
  );
}
