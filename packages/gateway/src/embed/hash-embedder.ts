import type { Embedder } from './embedder';
import { tokenizeText } from './normalize-text';

/** Dimensions of the lexical embedder, equal to the hosted sentence model's so indexes look alike. */
export const HASH_EMBEDDER_DIMENSIONS = 384;

/**
 * Similarity a lexical vector must reach for an L2 hit.
 *
 * Calibrated on `shared/data/l2-dev-cases.json` and on `semantic/guard-cases.json` (measured with
 * `hash-embedder.test.ts`, which prints every pair):
 * - the three near-duplicate pairs normalise to identical token lists and score 1.000;
 * - harmless variants (an added "please", a plural, a dropped article, `-ise`/`-ize`) score
 *   0.86–0.97, so 0.9 keeps the closest ones and drops the looser ones;
 * - paraphrases score 0.14–0.52, far below any safe lexical threshold (a sentence embedder is
 *   needed for those);
 * - the dev near-misses score 0.58–0.94: one-word substitutions in a short prompt
 *   (`enable`/`disable` 0.88, `after`/`before` 0.85, `443`/`8443` 0.94, `15%`/`25%` 0.87) sit in the
 *   same band as harmless variants, which is why no threshold alone is safe and the guards veto them.
 * 0.9 is therefore the lowest value at which most one-word substitutions in short prompts are
 * rejected by the threshold alone, with the guards as the second line of defence.
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
