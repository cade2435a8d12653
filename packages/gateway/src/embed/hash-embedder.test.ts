import { describe, expect, it } from 'vitest';
import {
  createHashEmbedder,
  embedTextLexically,
  HASH_EMBEDDER_DEFAULT_THRESHOLD,
} from './hash-embedder';

function cosine(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += left[index]! * right[index]!;
  return sum;
}

function norm(vector: Float32Array): number {
  return Math.sqrt(cosine(vector, vector));
}

describe('createHashEmbedder', () => {
  it('describes itself as a 384-dim lexical embedder with its own threshold', () => {
    const embedder = createHashEmbedder();
    expect(embedder.id).toBe('hash-v1-384');
    expect(embedder.dimensions).toBe(384);
    expect(embedder.defaultThreshold).toBe(HASH_EMBEDDER_DEFAULT_THRESHOLD);
  });

  it('returns unit vectors, and zeros for empty text', async () => {
    const embedder = createHashEmbedder();
    const [prompt, empty, punctuation] = await embedder.embed([
      'What time zone is Tokyo in?',
      '',
      '?!',
    ]);
    expect(prompt).toHaveLength(384);
    expect(norm(prompt!)).toBeCloseTo(1, 5);
    expect(Array.from(empty!).every((value) => value === 0)).toBe(true);
    expect(Array.from(punctuation!).every((value) => value === 0)).toBe(true);
  });

  it('is deterministic across instances', async () => {
    const [first] = await createHashEmbedder().embed(['List the open support tickets']);
    const [second] = await createHashEmbedder().embed(['List the open support tickets']);
    expect(Array.from(first!)).toEqual(Array.from(second!));
  });

  it('maps near-duplicates to the same vector', () => {
    const pairs = [
      ['Summarise contract #123', 'summarise contract #123.'],
      ['What time zone is Tokyo in?', 'what time zone is tokyo in'],
      ['List the open support tickets', 'List  the open support tickets!'],
      ['Summarise contract #123', 'Summarize contract #123'],
    ] as const;
    for (const [left, right] of pairs) {
      expect(cosine(embedTextLexically(left), embedTextLexically(right))).toBeCloseTo(1, 5);
    }
  });

  it('keeps long prompts with a small edit above the threshold and unrelated prompts far below', () => {
    const long =
      'Please review the attached quarterly support report and summarise the three most common ' +
      'customer complaints, with one suggested fix for each of them';
    const edited = `${long}, thanks`;
    const unrelated = 'Write a haiku about autumn leaves falling in a quiet park';
    expect(cosine(embedTextLexically(long), embedTextLexically(edited))).toBeGreaterThan(
      HASH_EMBEDDER_DEFAULT_THRESHOLD,
    );
    expect(cosine(embedTextLexically(long), embedTextLexically(unrelated))).toBeLessThan(0.3);
  });

  it('places inflections closer than unrelated words (character n-grams)', () => {
    const base = embedTextLexically('close the ticket');
    const plural = embedTextLexically('close the tickets');
    const other = embedTextLexically('close the window');
    expect(cosine(base, plural)).toBeGreaterThan(cosine(base, other));
  });

  it('rejects when the signal is already aborted', async () => {
    await expect(
      createHashEmbedder().embed(['text'], AbortSignal.abort(new Error('gone'))),
    ).rejects.toThrow('gone');
  });
});
