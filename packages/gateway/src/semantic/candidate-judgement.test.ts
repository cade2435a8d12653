import { describe, expect, it } from 'vitest';
import { embedTextLexically } from '../embed/hash-embedder';
import { judgeCandidates } from './candidate-judgement';

const embedded: string[][] = [];
const embed = async (texts: string[]) => {
  embedded.push(texts);
  return texts.map(embedTextLexically);
};

const candidate = (text: string, score: number) => ({ text, score, payload: text });

const judge = (incoming: string, candidates: ReturnType<typeof candidate>[]) =>
  judgeCandidates({ text: incoming }, candidates, embed);

describe('judgeCandidates', () => {
  it('decides on the differing parts, so a shared document does not count', async () => {
    embedded.length = 0;
    const incoming = 'Contract:\nClause one applies.\nQuestion: May the buyer terminate for cause?';
    const ranked = await judge(incoming, [
      candidate('Contract:\nClause one applies.\nQuestion: What is the payment term?', 0.99),
      candidate(
        'Contract:\nClause one applies.\nQuestion: May the buyer terminate for cause',
        0.98,
      ),
    ]);
    // The near duplicate ranks first although the search put it second.
    expect(ranked.map((judged) => judged.candidate.payload)).toEqual([
      'Contract:\nClause one applies.\nQuestion: May the buyer terminate for cause',
      'Contract:\nClause one applies.\nQuestion: What is the payment term?',
    ]);
    expect(ranked[0]!.similarity).toBeGreaterThan(0.9);
    expect(ranked[1]!.similarity).toBeLessThan(0.5);
    // The questions are compared without the label they share.
    expect(ranked[1]).toMatchObject({
      cachedPart: 'What is the payment term?',
      incomingPart: 'May the buyer terminate for cause?',
    });
    // One embedding call, for the distinct differing parts only.
    expect(embedded).toHaveLength(1);
    expect(new Set(embedded[0])).toEqual(
      new Set([
        'May the buyer terminate for cause?',
        'What is the payment term?',
        'May the buyer terminate for cause',
      ]),
    );
  });

  it('reuses the search score when no segment is shared, and 1 when only whitespace differs', async () => {
    embedded.length = 0;
    const incoming = 'What time zone is Tokyo in?';
    const ranked = await judge(incoming, [
      candidate('what time zone is tokyo in', 0.97),
      candidate('What  time zone is Tokyo in?\n', 0.5),
    ]);
    expect(ranked.map((judged) => judged.similarity)).toEqual([1, 0.97]);
    expect(embedded).toHaveLength(0);
  });

  it('leaves out a candidate that lacks, or adds, a whole segment', async () => {
    const incoming = 'Summarise the contract.\nAnswer in French.';
    const ranked = await judge(incoming, [
      candidate('Summarise the contract.', 0.95),
      candidate('Summarise the contract.\nAnswer in French.\nBe brief.', 0.94),
    ]);
    expect(ranked).toEqual([]);
  });
});
