import { ARTICLES, NEUTRAL_OF_HEADS } from './guard-lexicon';
import { isContentWord } from './minimal-edit';
import type { PromptFacts } from './prompt-facts';

/** Words left out when the two prompts are lined up: `What's the…` / `What is the…`. */
const FILLER_WORDS: ReadonlySet<string> = new Set([...ARTICLES, 'is', 'are']);

/**
 * `words differ: none vs swift mother` when one prompt is the other with words inserted that make
 * them ask about something else belonging to what the other asks about: a possessive thing after
 * an owner both share (`How old is Taylor Swift?` / `How old is Taylor Swift's mother?`, `the
 * history of Rome's army`), or a noun and `of` put before a thing both share (`the population of
 * Canada` / `the population of the capital of Canada`), unless that noun still names the thing (`the
 * concept of recursion`). A sentence embedder rates such pairs close, since all of one prompt's
 * words are in the other; the answer is about another subject. Otherwise `null`.
 */
export function describeInsertedHead(cached: PromptFacts, incoming: PromptFacts): string | null {
  const left = insertedHead(cached, incoming);
  if (left !== null) return `words differ: ${left} vs none`;
  const right = insertedHead(incoming, cached);
  return right === null ? null : `words differ: none vs ${right}`;
}

/** The inserted words (with their owner) when `longer` is `shorter` with such a head inserted. */
function insertedHead(longer: PromptFacts, shorter: PromptFacts): string | null {
  const long = longer.tokens.filter((token) => !FILLER_WORDS.has(token));
  const short = shorter.tokens.filter((token) => !FILLER_WORDS.has(token));
  if (long.length <= short.length) return null;
  let start = 0;
  while (start < short.length && long[start] === short[start]) start++;
  const inserted = long.length - short.length;
  for (let at = start; at < short.length; at++) {
    if (long[at + inserted] !== short[at]) return null;
  }
  const run = long.slice(start, start + inserted);
  const content = run.filter(isContentWord);
  if (content.length === 0) return null;
  const owner = long[start - 1];
  if (
    owner !== undefined &&
    longer.possessiveOwners.has(owner) &&
    !shorter.possessiveOwners.has(owner)
  ) {
    return `${owner} ${content.join(' ')}`;
  }
  // A noun and `of` before a word both prompts share: `[the capital of] Canada`.
  if (run.at(-1) === 'of' && start < short.length && isContentWord(short[start]!)) {
    if (content.every((word) => NEUTRAL_OF_HEADS.has(word))) return null;
    return `${content.join(' ')} of ${short[start]}`;
  }
  return null;
}
