import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportLine, reportTable } from '../../test/support/test-report';
import { embedTextLexically, HASH_EMBEDDER_DEFAULT_THRESHOLD } from '../embed/hash-embedder';
import { checkPromptGuards } from './guards';

/** The L2 development cases: prompt pairs that may, and must never, share a cached answer. */
const DEV_CASES_URL = new URL('../../test/fixtures/l2-dev-cases.json', import.meta.url);

interface DevCases {
  near_duplicates_hit: [string, string][];
  paraphrases_hit: [string, string][];
  near_misses_never: [string, string][];
}

function readDevCases(): DevCases {
  try {
    return JSON.parse(readFileSync(DEV_CASES_URL, 'utf8')) as DevCases;
  } catch (error) {
    throw new Error(
      `cannot read the L2 development cases at ${fileURLToPath(DEV_CASES_URL)}: ${String(error)}`,
    );
  }
}

const devCases = readDevCases();

function similarity(left: string, right: string): number {
  const a = embedTextLexically(left);
  const b = embedTextLexically(right);
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

describe('L2 development cases with the hash embedder and the default guards', () => {
  it('has cases of every kind', () => {
    expect(devCases.near_duplicates_hit.length).toBeGreaterThan(0);
    expect(devCases.near_misses_never.length).toBeGreaterThan(0);
    const rows = Object.entries(devCases).flatMap(([kind, pairs]) =>
      Array.isArray(pairs)
        ? (pairs as [string, string][]).map(([cached, incoming]) => ({
            kind,
            similarity: Number(similarity(cached, incoming).toFixed(3)),
            veto: checkPromptGuards(cached, incoming)?.detail ?? '-',
            cached,
            incoming,
          }))
        : [],
    );
    reportLine(`hash embedder threshold ${HASH_EMBEDDER_DEFAULT_THRESHOLD}`);
    reportTable(rows);
  });

  describe.each(devCases.near_duplicates_hit)('near duplicate "%s" / "%s"', (cached, incoming) => {
    it('scores above the threshold', () => {
      expect(similarity(cached, incoming)).toBeGreaterThan(HASH_EMBEDDER_DEFAULT_THRESHOLD);
    });
    it('passes every guard', () => {
      expect(checkPromptGuards(cached, incoming)).toBeNull();
    });
  });

  describe.each(devCases.paraphrases_hit)('paraphrase "%s" / "%s"', (cached, incoming) => {
    it('passes every guard, so a sentence embedder may serve it', () => {
      expect(checkPromptGuards(cached, incoming)).toBeNull();
    });
  });

  describe.each(devCases.near_misses_never)('near miss "%s" / "%s"', (cached, incoming) => {
    it('is vetoed by the default guards', () => {
      expect(checkPromptGuards(cached, incoming)).not.toBeNull();
    });
    it('scores below the hash embedder threshold', () => {
      expect(similarity(cached, incoming)).toBeLessThan(HASH_EMBEDDER_DEFAULT_THRESHOLD);
    });
  });
});
