import type { Embedder } from './embedder';
import { tokenizeText } from './normalize-text';

/** Dimensions of the lexical embedder, equal to the hosted sentence model's so indexes look alike. */
export const HASH_EMBEDDER_DIMENSIONS = 384;

/**
 * Similarity a lexical vector must reach for an L2 hit: 0.9.
 *
 * Measured on `test/fixtures/l2-dev-cases.json` (a copy of the shared L2 development cases) (printed by `semantic/l2-dev-cases.test.ts`) and on
 * the extra pairs of `test/fixtures/guard-cases.json`:
 * - the three dev near-duplicates normalise to identical tokens and score 1.000;
 * - dev paraphrases score 0.168–0.538: no lexical threshold can serve them (a sentence
 *   embedder is needed);
 * - dev near-misses score 0.490–0.842 (leap/regular year 0.842, port 443/8443 0.835, Alice/Bob
 *   0.834, enable/disable 0.817, Spanish/Italian 0.794, 15%/25% 0.753, after/before 0.728);
 * - the extra near-misses score 0.684–0.910 (and 1.000 for two prompts that differ only in the
 *   casing of backticked code), so a one-word change in a short prompt lands where harmless
 *   variants do: "Please summarise contract #123" 0.863, "List open support tickets" (article
 *   dropped) 0.861, "Tokyo is in which time zone?" (reordered) 0.909;
 * - a 23-word prompt with one word appended scores 0.977; with one number changed, 0.925 (above
 *   the threshold: the number guard is what vetoes it).
 * 0.9 sits above every dev near-miss (margin 0.058), so the threshold alone rejects all of them
 * and the guards are an independent second line; the price is that short prompts with a changed
 * word miss (a wasted upstream call, never a wrong answer), while long prompts with small edits hit.
 */
export const HASH_EMBEDDER_DEFAULT_THRESHOLD = 0.9;

/** Weight of each whole-word feature. */
const UNIGRAM_WEIGHT = 1;
/** Word order matters a little (`dog bites man`), so bigrams count, but less than words. */
const BIGRAM_WEIGHT = 0.5;
/**
 * Character n-grams (3–5, within a word with boundary marks) make inflections and typos land near
 * each other (`ticket`/`tickets`); each word yields many of them, so each one weighs little.
 */
const CHARACTER_GRAM_WEIGHT = 0.15;
const CHARACTER_GRAM_SIZES = [3, 4, 5] as const;

/**
 * Creates the default, dependency-free lexical embedder: word unigrams, word bigrams and character
 * 3–5-grams of the normalised text, feature-hashed with a sign bit into 384 buckets, weighted with
 * sublinear term frequency, then L2-normalised. Deterministic and offline; it matches near-duplicates
 * (casing, punctuation, whitespace, spelling variants) but not paraphrases.
 *
 * @example
 * const embedder = createHashEmbedder();
 * const [a, b] = await embedder.embed(['Summarise contract #123', 'summarise contract #123.']);
 * // a and b are identical unit vectors; embedder.id === 'hash-v1-384'
 */
export function createHashEmbedder(): Embedder {
  return {
    id: `hash-v1-${HASH_EMBEDDER_DIMENSIONS}`,
    dimensions: HASH_EMBEDDER_DIMENSIONS,
    defaultThreshold: HASH_EMBEDDER_DEFAULT_THRESHOLD,
    async embed(texts, signal) {
      signal?.throwIfAborted();
      return texts.map((text) => embedTextLexically(text));
    },
  };
}

/** Embeds one text synchronously with the lexical feature hashing described on `createHashEmbedder`. */
export function embedTextLexically(text: string): Float32Array {
  const counts = new Map<string, number>();
  const addFeature = (feature: string) => {
    counts.set(feature, (counts.get(feature) ?? 0) + 1);
  };
  const tokens = tokenizeText(text);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    addFeature(`w\u0000${token}`);
    const next = tokens[index + 1];
    if (next !== undefined) addFeature(`b\u0000${token}\u0000${next}`);
    const marked = `<${token}>`;
    for (const size of CHARACTER_GRAM_SIZES) {
      for (let start = 0; start + size <= marked.length; start++) {
        addFeature(`c\u0000${marked.slice(start, start + size)}`);
      }
    }
  }
  const vector = new Float32Array(HASH_EMBEDDER_DIMENSIONS);
  for (const [feature, count] of counts) {
    const hash = hashFnv1a(feature);
    const bucket = hash % HASH_EMBEDDER_DIMENSIONS;
    // The sign comes from bits the bucket index barely depends on, so collisions cancel on average.
    const sign = mixBits(hash) & 1 ? -1 : 1;
    vector[bucket]! += sign * weightOf(feature, count);
  }
  return normalizeVector(vector);
}

/**
 * Sublinear term frequency: `base × (1 + ln tf)`, so a repeated word adds logarithmically and cannot
 * dominate a prompt. The base weight depends on the feature kind (the first character of its key).
 */
function weightOf(feature: string, count: number): number {
  const base =
    feature.charCodeAt(0) === 119 /* w */
      ? UNIGRAM_WEIGHT
      : feature.charCodeAt(0) === 98 /* b */
        ? BIGRAM_WEIGHT
        : CHARACTER_GRAM_WEIGHT;
  return base * (1 + Math.log(count));
}

/** Scales a vector to unit length in place; an all-zero vector stays all zeros. */
export function normalizeVector(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
  return vector;
}

/** 32-bit FNV-1a over UTF-16 code units. */
function hashFnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Murmur3's finaliser: spreads every input bit over the output so its low bit is independent of `hash % 384`. */
function mixBits(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return mixed >>> 0;
}
