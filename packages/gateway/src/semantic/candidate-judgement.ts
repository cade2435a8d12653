import { diffSegments, splitSegments } from './prompt-segments';

/** A nearest neighbour of the incoming prompt, as the vector search returned it. */
export interface SemanticCandidate<Payload> {
  /** The cached prompt's query text (what was embedded for it). */
  text: string;
  /** The vector search's similarity of the whole query texts. */
  score: number;
  payload: Payload;
}

/** A candidate with the similarity that decides whether it may answer the incoming prompt. */
export interface JudgedCandidate<Payload> {
  candidate: SemanticCandidate<Payload>;
  /**
   * Similarity of the parts that differ: 1 when the query texts have the same segments, otherwise
   * the cosine similarity of the differing parts' embeddings (the search score when no segment was
   * shared).
   */
  similarity: number;
  /** The cached prompt's differing part, which the guards compare. */
  cachedPart: string;
  /** The incoming prompt's differing part, which the guards compare. */
  incomingPart: string;
}

/**
 * Judges each candidate on what differs from the incoming prompt, not on what both share: the
 * segments two query texts have in common (the edges of one document, an instruction line) are
 * dropped, and so is a label both differing parts open with (`Question: `); the rest decides. A candidate whose segments are a strict subset or superset of the
 * incoming prompt's (one side adds a question or a condition) is left out: no similarity can say
 * what the missing part would have changed. Returns the others, best first.
 *
 * `embed` is called once, for the differing parts that are not a whole query text, so a prompt
 * without shared segments costs no embedding beyond the search.
 *
 * @example
 * const ranked = await judgeCandidates(
 *   { text: 'Contract:\nA.\nQuestion: cause?' },
 *   [{ text: 'Contract:\nA.\nQuestion: convenience?', score: 0.99, payload: record }],
 *   (texts) => embedder.embed(texts),
 * );
 * ranked[0].similarity; // similarity of 'Question: cause?' and 'Question: convenience?'
 */
export async function judgeCandidates<Payload>(
  incoming: { text: string },
  candidates: readonly SemanticCandidate<Payload>[],
  embed: (texts: string[]) => Promise<Float32Array[]>,
): Promise<JudgedCandidate<Payload>[]> {
  const pending: { candidate: SemanticCandidate<Payload>; cached: string; incoming: string }[] = [];
  const judged: JudgedCandidate<Payload>[] = [];
  const incomingSegments = splitSegments(incoming.text);
  for (const candidate of candidates) {
    const difference = diffSegments(candidate.text, incomingSegments);
    const cachedEmpty = difference.cached === '';
    const incomingEmpty = difference.incoming === '';
    if (cachedEmpty && incomingEmpty) {
      judged.push({ candidate, similarity: 1, cachedPart: '', incomingPart: '' });
    } else if (cachedEmpty || incomingEmpty) {
      // One prompt adds segments to the other: a different request, whatever the embedding says.
    } else if (!difference.shared) {
      judged.push({
        candidate,
        similarity: candidate.score,
        cachedPart: difference.cached,
        incomingPart: difference.incoming,
      });
    } else {
      const [cached, incoming] = dropCommonLabel(difference.cached, difference.incoming);
      pending.push({ candidate, cached, incoming });
    }
  }
  if (pending.length > 0) {
    const texts = [...new Set(pending.flatMap((item) => [item.cached, item.incoming]))];
    const vectors = await embed(texts);
    const vectorOf = new Map(texts.map((text, index) => [text, vectors[index]]));
    for (const item of pending) {
      const left = vectorOf.get(item.cached);
      const right = vectorOf.get(item.incoming);
      if (!left || !right) throw new Error('The embedder returned fewer vectors than texts.');
      judged.push({
        candidate: item.candidate,
        similarity: cosineOfUnitVectors(left, right),
        cachedPart: item.cached,
        incomingPart: item.incoming,
      });
    }
  }
  // Stable: equal similarities keep the search order.
  return judged.sort((left, right) => right.similarity - left.similarity);
}

/** A label that opens a line of a template (`Question: `, `User request: `). */
const LEADING_LABEL = /^\p{Lu}[\p{L} ]{0,30}: /u;

/**
 * Both parts without the label they both open with: `Question: When is check-out?` and `Question:
 * What time must I leave?` are compared as the questions they are, without a shared word that
 * makes any two of them look alike.
 */
function dropCommonLabel(cached: string, incoming: string): [string, string] {
  const label = LEADING_LABEL.exec(cached)?.[0];
  if (label === undefined || !incoming.startsWith(label)) return [cached, incoming];
  const [cachedRest, incomingRest] = [cached.slice(label.length), incoming.slice(label.length)];
  return cachedRest.trim() === '' || incomingRest.trim() === ''
    ? [cached, incoming]
    : [cachedRest, incomingRest];
}

/** Embedders return unit vectors (or all zeros for empty text), so the dot product is the cosine. */
function cosineOfUnitVectors(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) sum += left[index]! * right[index]!;
  return sum;
}
