import { createHash } from 'node:crypto';
import { matchCommonSubsequence } from './longest-common-subsequence';

/**
 * Prompt segmentation for the semantic cache (L2). Retrieval and agent prompts are a long shared
 * context (a contract, retrieved documents, a tool result) plus a short question; embedded whole,
 * the context dominates and two different questions about one document look alike. So a long
 * prompt is split into its *query* (the leading and trailing runs, where instructions and questions
 * sit) and its *context* (the interior, which only has to be identical and goes into the L2 index
 * key as a fingerprint).
 */

/** Prompts shorter than this (in characters) are all query, as before segmentation existed. */
export const SHORT_PROMPT_CHARS = 600;
/** Most characters of the leading run and, separately, of the trailing run of a long prompt. */
export const QUERY_RUN_CHARS = 300;
/** Segments longer than this are split into sentences, then at word boundaries. */
export const MAX_SEGMENT_CHARS = 300;

/** A prompt split into what L2 embeds and compares and what only has to be identical. */
export interface PromptSplit {
  /** The text L2 embeds and compares: the whole prompt, or its leading and trailing runs. */
  queryText: string;
  /**
   * SHA-256 (hex) of the interior segments, for the L2 index key; `undefined` when the prompt is
   * short and all of it is query.
   */
  contextFingerprint: string | undefined;
}

/**
 * Splits a prompt into segments: lines, without blank ones, whitespace collapsed; a line longer
 * than `MAX_SEGMENT_CHARS` is split into sentences and a sentence still longer than that at word
 * boundaries. Idempotent: segments joined by newlines segment into themselves, which lets a stored
 * query text be compared segment by segment later.
 *
 * @example
 * splitSegments('Document:\nAlpha. Beta.\n\nQuestion: why?');
 * // ['Document:', 'Alpha. Beta.', 'Question: why?']
 */
export function splitSegments(text: string): string[] {
  return splitBlocks(text).flatMap((block) => block.segments);
}

/**
 * Splits a prompt into query and context. A prompt under `SHORT_PROMPT_CHARS` is all query. A longer
 * one is cut into blocks (paragraphs separated by blank lines; a label line such as `Context:` or
 * `Question: …` also starts one); the leading run takes whole blocks from the start while they fit
 * in `QUERY_RUN_CHARS` (or, when the first block is larger, its leading segments), and the trailing
 * run does the same from the end. Cutting at block boundaries keeps the interior, and so the
 * fingerprint, the same whatever the length of a question that sits in its own block; the
 * segment-level fallback only ever takes text of the block it starts in.
 *
 * @example
 * const split = splitPrompt(`Contract:\n${contract}\n\nQuestion: Can the buyer terminate?`);
 * split.queryText; // 'Contract:\n<first sentences>\n<last sentences>\nQuestion: Can the buyer terminate?'
 */
export function splitPrompt(text: string): PromptSplit {
  if (text.length < SHORT_PROMPT_CHARS) return { queryText: text, contextFingerprint: undefined };
  const blocks = splitBlocks(text);
  const segments = blocks.flatMap((block) => block.segments);
  const leading = takeRun(blocks, 'leading');
  const trailing = takeRun(blocks, 'trailing');
  if (leading + trailing >= segments.length) {
    return { queryText: text, contextFingerprint: undefined };
  }
  const interior = segments.slice(leading, segments.length - trailing);
  return {
    queryText: [...segments.slice(0, leading), ...segments.slice(segments.length - trailing)].join(
      '\n',
    ),
    contextFingerprint: createHash('sha256').update(interior.join('\n')).digest('hex'),
  };
}

/** How two query texts differ, segment by segment. */
export interface SegmentDifference {
  /** The cached prompt's segments that the incoming one lacks, in order, joined by newlines. */
  cached: string;
  /** The incoming prompt's segments that the cached one lacks, in order, joined by newlines. */
  incoming: string;
  /** Whether any segment was common to both (so the differing parts are not the whole texts). */
  shared: boolean;
}

/**
 * Drops the segments two query texts share (a longest common subsequence, so a moved segment counts
 * as a difference) and returns what is left of each. Either side may be given already segmented
 * (by `splitSegments`), which saves splitting one text against many. Segments compare after whitespace collapsing
 * only: casing and punctuation are the guards' to judge.
 *
 * @example
 * diffSegments('Contract:\nA.\nQuestion: cause?', 'Contract:\nA.\nQuestion: convenience?');
 * // { cached: 'Question: cause?', incoming: 'Question: convenience?', shared: true }
 */
export function diffSegments(
  cachedText: string | readonly string[],
  incomingText: string | readonly string[],
): SegmentDifference {
  const cached = typeof cachedText === 'string' ? splitSegments(cachedText) : cachedText;
  const incoming = typeof incomingText === 'string' ? splitSegments(incomingText) : incomingText;
  const common = matchCommonSubsequence(cached, incoming);
  const commonCached = new Set(common.map(([index]) => index));
  const commonIncoming = new Set(common.map(([, index]) => index));
  return {
    cached: cached.filter((_, index) => !commonCached.has(index)).join('\n'),
    incoming: incoming.filter((_, index) => !commonIncoming.has(index)).join('\n'),
    shared: common.length > 0,
  };
}

interface Block {
  segments: string[];
  chars: number;
}

/**
 * A line that starts a block of its own: a short line introducing what follows (`Context:`,
 * `Retrieved documents:`), or a labelled line (`Question: …`, `User request: …`), which templates
 * often put right under a document without a blank line.
 */
const BLOCK_START = /^(?:[^.!?]{1,60}:|\p{Lu}[\p{L} ]{0,30}: .*)$/u;

function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const rawLine of text.normalize('NFKC').split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/\s+/gu, ' ').trim();
    if (line === '') {
      current = undefined;
      continue;
    }
    if (current === undefined || BLOCK_START.test(line)) {
      current = { segments: [], chars: 0 };
      blocks.push(current);
    }
    for (const segment of splitLongLine(line)) {
      current.segments.push(segment);
      current.chars += segment.length + 1;
    }
  }
  return blocks;
}

/**
 * The number of segments of the leading (or trailing) run: whole blocks while they fit in
 * `QUERY_RUN_CHARS`; when the edge block alone is larger, its edge segments while they fit.
 */
function takeRun(blocks: readonly Block[], side: 'leading' | 'trailing'): number {
  const ordered = side === 'leading' ? blocks : [...blocks].reverse();
  let chars = 0;
  let segments = 0;
  for (const block of ordered) {
    if (chars + block.chars <= QUERY_RUN_CHARS) {
      chars += block.chars;
      segments += block.segments.length;
      continue;
    }
    if (segments > 0) return segments;
    const edge = side === 'leading' ? block.segments : [...block.segments].reverse();
    for (const segment of edge) {
      if (chars + segment.length + 1 > QUERY_RUN_CHARS) break;
      chars += segment.length + 1;
      segments += 1;
    }
    // A first segment larger than the whole run is still query: the question may be that long.
    return Math.max(segments, 1);
  }
  return segments;
}

/** Sentence ends: `.`, `!` or `?` (with closing quotes or brackets) before whitespace. */
const SENTENCE_END = /(?<=[.!?]["'”’)\]]*)\s+(?=\S)/u;

function splitLongLine(line: string): string[] {
  if (line.length <= MAX_SEGMENT_CHARS) return [line];
  const pieces: string[] = [];
  for (const sentence of line.split(SENTENCE_END)) {
    if (sentence.length <= MAX_SEGMENT_CHARS) {
      pieces.push(sentence);
      continue;
    }
    let piece = '';
    for (const word of sentence.split(' ')) {
      if (piece !== '' && piece.length + 1 + word.length > MAX_SEGMENT_CHARS) {
        pieces.push(piece);
        piece = '';
      }
      piece = piece === '' ? word : `${piece} ${word}`;
    }
    if (piece !== '') pieces.push(piece);
  }
  return pieces;
}
