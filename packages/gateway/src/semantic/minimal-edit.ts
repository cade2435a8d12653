import {
  ARTICLES,
  AS_IDIOM_WORDS,
  ASKED_NOUNS,
  FUNCTION_WORDS,
  MEANING_WORDS,
  MULTIPLIER_WORDS,
  NARROWING_OPENERS,
  NEUTRAL_COMPOUND_TAILS,
  NEUTRAL_MODIFIERS,
  NUMBER_WORDS,
  OPPOSITE_PARTICLE_SIDES,
  OPPOSITE_WORDS_BY_TOKEN,
  ORDINAL_WORDS,
  PARTICLE_SIDES,
  PHRASE_END_PREPOSITIONS,
  PHRASE_SYNONYM_GROUPS,
  QUANTITY_MODIFIERS,
  QUESTION_WORDS,
  SCALE_WORDS,
  SPEAKER_PRONOUNS,
  THING_PRONOUNS,
  WORLD_SCOPE_WORDS,
} from './guard-lexicon';
import { matchCommonSubsequence } from './longest-common-subsequence';
import {
  areListedSynonyms,
  describeMeaningConflict,
  namedThing,
  readWordMeanings,
  stemWord,
} from './word-forms';

/** Most content words a minimal edit replaces on each side; more is a rewording. */
const MAX_EDITED_WORDS = 2;
/**
 * Most content words an edit of word-for-word swaps replaces (`a courtesy car while my car is
 * repaired` / `a hire car if my car is stolen`): the sentence keeps every other word in place.
 */
const MAX_SWAPPED_WORDS = 3;
/** Most words (content or not) an edit may touch on each side. */
const MAX_CHANGED_TOKENS = 4;

const PHRASE_SYNONYM_GROUP: ReadonlyMap<string, number> = new Map(
  PHRASE_SYNONYM_GROUPS.flatMap((group, index) => group.map((phrase) => [phrase, index] as const)),
);

/** Whether two runs of words are listed phrase synonyms (`turn on` / `enable`). */
function arePhraseSynonyms(left: readonly string[], right: readonly string[]): boolean {
  const group = PHRASE_SYNONYM_GROUP.get(left.join(' '));
  return group !== undefined && group === PHRASE_SYNONYM_GROUP.get(right.join(' '));
}

/**
 * Whether an edit's changed words are listed phrase synonyms, alone or with the shared word on
 * either side: `log out` / `sign out` differ only in `log` / `sign`, the shared `out` follows both.
 */
function isPhraseSynonymEdit(edit: {
  changedCached: readonly string[];
  changedIncoming: readonly string[];
  previous: string | undefined;
  next: string | undefined;
}): boolean {
  const { changedCached: left, changedIncoming: right, previous, next } = edit;
  if (arePhraseSynonyms(left, right)) return true;
  if (next !== undefined && arePhraseSynonyms([...left, next], [...right, next])) return true;
  return previous !== undefined && arePhraseSynonyms([previous, ...left], [previous, ...right]);
}

/**
 * The minimal-edit guard: `null` unless the two prompts are the same sentence but for one or two
 * content words substituted by others that are neither an inflection or spelling variant nor a
 * listed synonym; then `words differ: cause vs convenience`. A sentence embedder rates such pairs
 * highest of all (`termination for cause` / `termination for convenience` at 0.9+), and no word
 * list can name every modifier that changes a question, so the shape of the edit is the signal.
 * The rest need not share a content word: differing parts are often that short (`good morning` /
 * `good evening` under a shared `Translate into French:` line), and two different words alone are
 * two different requests. In such an edit, a modal, a past against a future, a third person or a
 * count changed (`must` / `may`, `did` / `will`, `she` / `he`, `all` / `any`), a particle turned
 * into its opposite (`turn on` / `turn off`), a speaker pronoun put where the other side names
 * someone (`If I cancel…` / `If the company cancels…`), one question word for another (`why` /
 * `when`), a point in time moved (`in the first two weeks` / `after…`), an added word that asks
 * for another quantity (`square` / `square root`), a pronoun replaced by what it stands for (`eat
 * it` / `eat the vegetarian version`) and, in a prompt otherwise the same, one added word that
 * names a kind of the next (`a dwarf planet`) veto too; so do up to three words swapped one for
 * one, a word dropped in one place and another added elsewhere (`a windscreen claim` / `making a
 * claim`) and an inserted condition or narrowing phrase of any length (`… with the keys inside`,
 * `… in a fan oven`). A compound written apart or joined (`log in` / `login`) does not. Rewordings
 * that change more than that, or only add or drop other words, are left to the similarity.
 *
 * @example
 * describeMinimalEdit(tokenizeText('Is there a termination-for-cause clause?'),
 *   tokenizeText('Is there a termination-for-convenience clause?'));
 * // 'words differ: cause vs convenience'
 */
export function describeMinimalEdit(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const hunks = alignHunks(cached, incoming);
  if (hunks.length === 0) return null;
  // Words that moved (unmatched on both sides) are the order guard's business, not an edit.
  const movedCached = countWords(hunks.flatMap((hunk) => hunk.incoming));
  const movedIncoming = countWords(hunks.flatMap((hunk) => hunk.cached));
  const edits: {
    cached: string[];
    incoming: string[];
    changedCached: string[];
    changedIncoming: string[];
    previous: string | undefined;
    next: string | undefined;
  }[] = [];
  let changedCached = 0;
  let changedIncoming = 0;
  let editedCached = 0;
  let editedIncoming = 0;
  for (const hunk of hunks) {
    const left = hunk.cached.filter((word) => !takeWord(movedCached, word));
    const right = hunk.incoming.filter((word) => !takeWord(movedIncoming, word));
    changedCached += left.length;
    changedIncoming += right.length;
    const contentLeft = left.filter(isContentWord);
    const contentRight = right.filter(isContentWord);
    editedCached += contentLeft.length;
    editedIncoming += contentRight.length;
    edits.push({
      cached: contentLeft,
      incoming: contentRight,
      changedCached: left,
      changedIncoming: right,
      previous: hunk.previous,
      next: hunk.next,
    });
  }
  const condition = describeAddedCondition(edits);
  if (condition !== null) return condition;
  const wordForWord = edits.every(
    (edit) => edit.changedCached.length === 1 && edit.changedIncoming.length === 1,
  );
  const maxEdited = wordForWord ? MAX_SWAPPED_WORDS : MAX_EDITED_WORDS;
  if (
    changedCached > MAX_CHANGED_TOKENS ||
    changedIncoming > MAX_CHANGED_TOKENS ||
    editedCached > maxEdited ||
    editedIncoming > maxEdited
  ) {
    return null;
  }
  const shift = describeMeaningShift(
    edits.flatMap((edit) => edit.changedCached),
    edits.flatMap((edit) => edit.changedIncoming),
  );
  if (shift !== null) return shift;
  const moved = describeMovedSubstitution(edits);
  if (moved !== null) return moved;
  for (const [index, edit] of edits.entries()) {
    // A compound written apart or joined (`log in` / `login`, `set up` / `setup`), an
    // abbreviation with or without its dots (`U.S.` / `US`).
    const joined = (words: readonly string[]) => words.join('').replace(/\./g, '');
    if (joined(edit.changedCached) === joined(edit.changedIncoming)) continue;
    if (isPhraseSynonymEdit(edit)) continue;
    const particles = describeParticleFlip(edit.changedCached, edit.changedIncoming);
    if (particles !== null) return particles;
    const question = describeQuestionWordSwap(edit.changedCached, edit.changedIncoming, cached);
    if (question !== null) return question;
    // An added or dropped word that asks for another quantity (`square` / `square root`).
    const added =
      edit.cached.length === 0 ? edit.incoming : edit.incoming.length === 0 ? edit.cached : [];
    const modifier = added.find((word) => QUANTITY_MODIFIERS.has(word));
    if (modifier !== undefined) {
      return edit.cached.length === 0
        ? `words differ: none vs ${modifier}`
        : `words differ: ${modifier} vs none`;
    }
    if (edits.length === 1) {
      const kind =
        describeAddedKind(edit, hunks[index]!.next) ?? describeAddedHeadNoun(edit, hunks[index]!);
      if (kind !== null) return kind;
    }
    const left = edit.cached.filter(
      (word) => !edit.incoming.some((other) => areInterchangeable(word, other)),
    );
    const right = edit.incoming.filter(
      (word) => !edit.cached.some((other) => areInterchangeable(word, other)),
    );
    if (left.length > 0 && right.length > 0) {
      return `words differ: ${left.join(' ')} vs ${right.join(' ')}`;
    }
    // A pronoun put in place of what it stood for (`Can someone with an allergy eat it?` / `… eat
    // the vegetarian version?`) asks about that thing, which the other prompt need not mean; a
    // particle replaced by a word says something else (`the light is on` / `… is flashing`).
    const named =
      describeReplacedStandIn(edit, left, right, THING_PRONOUNS) ??
      describeReplacedStandIn(edit, left, right, PARTICLE_SIDES);
    if (named !== null) return named;
    const party = describeSpeakerSwap(
      { cached: left, incoming: right },
      edit.changedCached,
      edit.changedIncoming,
    );
    if (party !== null) return party;
  }
  return null;
}

/**
 * `words differ: none vs with keys inside` when one prompt is the other with a condition added
 * (`Does the policy pay if my car is stolen?` / `… if the car is stolen with the keys inside?`):
 * one inserted run of words, opened by a word such as `if`, `with` or `unless` and holding a
 * content word, while the rest changes at most function words. Whatever its length, such a clause
 * narrows the question to a case whose answer may differ. Otherwise `null`.
 */
function describeAddedCondition(
  edits: readonly {
    cached: readonly string[];
    incoming: readonly string[];
    changedCached: readonly string[];
    changedIncoming: readonly string[];
  }[],
): string | null {
  const withContent = edits.filter((edit) => edit.cached.length > 0 || edit.incoming.length > 0);
  if (withContent.length !== 1) return null;
  const edit = withContent[0]!;
  const [kept, clause] =
    edit.changedCached.length === 0
      ? [edit.changedCached, edit.changedIncoming]
      : [edit.changedIncoming, edit.changedCached];
  if (kept.length > 0 || !NARROWING_OPENERS.has(clause[0] ?? '')) return null;
  const words = clause.slice(1).filter(isContentWord);
  const saysNothingElse = (word: string) =>
    WORLD_SCOPE_WORDS.has(word) || (clause[0] === 'as' && AS_IDIOM_WORDS.has(word));
  if (words.length === 0 || words.every(saysNothingElse)) return null;
  const shown = `${clause[0]} ${words.join(' ')}`;
  return edit.changedCached.length === 0
    ? `words differ: none vs ${shown}`
    : `words differ: ${shown} vs none`;
}

/**
 * `words differ: it vs vegetarian version` when one side of an edit is only words of `standIns`
 * (a pronoun for a thing: `it`, `this`, `them`; a particle: `on`, `off`) and the other names
 * something in their place; otherwise `null`.
 */
function describeReplacedStandIn(
  edit: { changedCached: readonly string[]; changedIncoming: readonly string[] },
  cachedWords: readonly string[],
  incomingWords: readonly string[],
  standIns: { has(word: string): boolean },
): string | null {
  const onlyStandIns = (words: readonly string[]) =>
    words.length > 0 && words.every((word) => standIns.has(word));
  if (cachedWords.length === 0 && incomingWords.length > 0 && onlyStandIns(edit.changedCached)) {
    return `words differ: ${edit.changedCached.join(' ')} vs ${incomingWords.join(' ')}`;
  }
  if (incomingWords.length === 0 && cachedWords.length > 0 && onlyStandIns(edit.changedIncoming)) {
    return `words differ: ${cachedWords.join(' ')} vs ${edit.changedIncoming.join(' ')}`;
  }
  return null;
}

/**
 * `words differ: windscreen vs making` when the prompts are the same but for one content word
 * dropped in one place and another added in another (`Does a windscreen claim lower…` / `Does
 * making a claim lower…`), neither a variant nor a synonym of the other; otherwise `null`.
 */
function describeMovedSubstitution(
  edits: readonly { changedCached: readonly string[]; changedIncoming: readonly string[] }[],
): string | null {
  if (edits.length < 2) return null;
  const dropped = edits.flatMap((edit) => edit.changedCached);
  const added = edits.flatMap((edit) => edit.changedIncoming);
  if (dropped.length !== 1 || added.length !== 1) return null;
  const [left, right] = [dropped[0]!, added[0]!];
  if (!isContentWord(left) || !isContentWord(right) || areInterchangeable(left, right)) return null;
  return `words differ: ${left} vs ${right}`;
}

/**
 * `words differ: none vs dwarf planet` when an edit only adds one content word right before a word
 * both prompts share, and the word names a kind of it (`Is Pluto a planet?` / `Is Pluto a dwarf
 * planet?`, `an electric car`); otherwise `null`. Articles may change with it (`a car` / `an
 * electric car`); words of `NEUTRAL_MODIFIERS` (`the current time`) and words added after the noun
 * (`the capital city of France`) reword the question.
 */
function describeAddedKind(
  edit: { changedCached: readonly string[]; changedIncoming: readonly string[] },
  next: string | undefined,
): string | null {
  if (next === undefined || !isContentWord(next)) return null;
  // Articles may change with the word, and a compound's particle comes with it (`carry-on`).
  const contentOf = (words: readonly string[]) =>
    words.filter((word) => !ARTICLES.has(word) && !PARTICLE_SIDES.has(word));
  const cached = contentOf(edit.changedCached);
  const incoming = contentOf(edit.changedIncoming);
  const added = cached.length === 0 ? incoming : incoming.length === 0 ? cached : [];
  if (added.length !== 1) return null;
  const word = added[0]!;
  if (!isContentWord(word) || NEUTRAL_MODIFIERS.has(word)) return null;
  return cached.length === 0
    ? `words differ: none vs ${word} ${next}`
    : `words differ: ${word} ${next} vs none`;
}

/**
 * `words differ: none vs population density` when an edit only adds one content word after a word
 * both prompts share, either before a preposition (`PHRASE_END_PREPOSITIONS`) that follows it, so
 * that the added word names what is asked about or how (`the population of Tokyo` / `the
 * population density of Tokyo`, `list the files recursively in a directory`), or at the end of the
 * prompt, where it names another thing or a manner (`calories in an apple pie`, `boil an egg
 * soft`, `translate it formally`). Words of `NEUTRAL_COMPOUND_TAILS` (`the capital city of
 * France`) and `NEUTRAL_MODIFIERS` (`please`) reword. Otherwise `null`.
 */
function describeAddedHeadNoun(
  edit: { changedCached: readonly string[]; changedIncoming: readonly string[] },
  hunk: Pick<Hunk, 'previous' | 'next'>,
): string | null {
  if (hunk.next !== undefined && !PHRASE_END_PREPOSITIONS.has(hunk.next)) return null;
  if (hunk.previous === undefined || !isContentWord(hunk.previous)) return null;
  const [added, other] =
    edit.changedCached.length === 0
      ? [edit.changedIncoming, edit.changedCached]
      : [edit.changedCached, edit.changedIncoming];
  if (other.length > 0 || added.length !== 1) return null;
  const word = added[0]!;
  if (!isContentWord(word) || NEUTRAL_COMPOUND_TAILS.has(word) || NEUTRAL_MODIFIERS.has(word)) {
    return null;
  }
  return edit.changedCached.length === 0
    ? `words differ: none vs ${hunk.previous} ${word}`
    : `words differ: ${hunk.previous} ${word} vs none`;
}

/**
 * `words differ: why vs when` when an edit puts one question word in place of another that asks
 * for something else; otherwise `null`. Only a bare swap counts: `What time does it open?` /
 * `When does it open?` names what it asks with a word of its own.
 */
function describeQuestionWordSwap(
  cached: readonly string[],
  incoming: readonly string[],
  prompt: readonly string[],
): string | null {
  if (cached.length !== 1 || incoming.length !== 1) return null;
  const [left, right] = [cached[0]!, incoming[0]!];
  const asked = QUESTION_WORDS.get(left);
  const askedRight = QUESTION_WORDS.get(right);
  if (asked === undefined || askedRight === undefined || askedRight === asked) return null;
  // `What is the best time…` / `When is the best time…`: the noun names what `when` asks.
  const named = (ask: string) => prompt.some((word) => ASKED_NOUNS.get(ask)?.has(word));
  if ((asked === 'thing' && named(askedRight)) || (askedRight === 'thing' && named(asked))) {
    return null;
  }
  return `words differ: ${left} vs ${right}`;
}

/**
 * `words differ: on vs off` when one side of an edit has a particle and the other its opposite
 * (`turn on` / `turn off`, `log in` / `log out`); otherwise `null`.
 */
function describeParticleFlip(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const sides = (words: readonly string[]) =>
    new Set(words.flatMap((word) => PARTICLE_SIDES.get(word) ?? []));
  const cachedSides = sides(cached);
  const incomingSides = sides(incoming);
  for (const side of cachedSides) {
    const opposite = OPPOSITE_PARTICLE_SIDES.get(side)!;
    if (incomingSides.has(opposite) && !incomingSides.has(side) && !cachedSides.has(opposite)) {
      const word = (words: readonly string[], wanted: string) =>
        words.find((candidate) => PARTICLE_SIDES.get(candidate) === wanted);
      return `words differ: ${word(cached, side)} vs ${word(incoming, opposite)}`;
    }
  }
  return null;
}

/**
 * `words differ: must vs may` when the words an edit changed give one kind of
 * `MEANING_WORDS` (modal, tense, third person, count) only other meanings on each side;
 * otherwise `null`.
 */
function describeMeaningShift(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const cachedMeanings = readWordMeanings(cached);
  const incomingMeanings = readWordMeanings(incoming);
  for (const [kind, cachedValues] of cachedMeanings) {
    const detail = describeMeaningConflict(cachedValues, incomingMeanings.get(kind));
    if (detail !== null) return `words differ: ${detail}`;
  }
  return null;
}

/**
 * `words differ: i vs company` when one side of an edit puts a speaker pronoun (`I`, `we`, `you`)
 * where the other names someone (`If I cancel late…` / `If the company cancels late…`); otherwise
 * `null`. `content` holds the edit's content words that the other side does not reword.
 */
function describeSpeakerSwap(
  content: { cached: readonly string[]; incoming: readonly string[] },
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const speaker = (words: readonly string[]) => words.find((word) => SPEAKER_PRONOUNS.has(word));
  // Who is named, not what is asked (`Is smoking allowed…` / `Can I smoke…`).
  const party = (words: readonly string[]) => words.find((word) => !MEANING_WORDS.has(word));
  const cachedSpeaker = speaker(cached);
  const incomingSpeaker = speaker(incoming);
  if (cachedSpeaker !== undefined && incomingSpeaker === undefined && content.cached.length === 0) {
    const named = party(content.incoming);
    if (named !== undefined) return `words differ: ${cachedSpeaker} vs ${named}`;
  }
  if (
    incomingSpeaker !== undefined &&
    cachedSpeaker === undefined &&
    content.incoming.length === 0
  ) {
    const named = party(content.cached);
    if (named !== undefined) return `words differ: ${named} vs ${incomingSpeaker}`;
  }
  return null;
}

interface Hunk {
  cached: string[];
  incoming: string[];
  /** The shared word that follows the hunk, if any. */
  next: string | undefined;
  /** The shared word that precedes the hunk, if any. */
  previous: string | undefined;
}

/** The stretches where two token lists differ, between the words of a longest common subsequence. */
function alignHunks(cached: readonly string[], incoming: readonly string[]): Hunk[] {
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  const anchors: [number, number][] = [
    ...matchCommonSubsequence(cached, incoming),
    [cached.length, incoming.length],
  ];
  for (const [nextCached, nextIncoming] of anchors) {
    if (nextCached > i || nextIncoming > j) {
      hunks.push({
        cached: cached.slice(i, nextCached),
        incoming: incoming.slice(j, nextIncoming),
        next: cached[nextCached],
        previous: cached[i - 1],
      });
    }
    i = nextCached + 1;
    j = nextIncoming + 1;
  }
  return hunks;
}

function countWords(words: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Removes one occurrence of `word` from `counts`; whether there was one. */
function takeWord(counts: Map<string, number>, word: string): boolean {
  const count = counts.get(word) ?? 0;
  if (count === 0) return false;
  counts.set(word, count - 1);
  return true;
}

/** Whether `word` can change a question on its own: numbers are the number guard's, function words change none. */
export function isContentWord(word: string): boolean {
  if (FUNCTION_WORDS.has(word) || /\d/.test(word)) return false;
  return !(
    word in NUMBER_WORDS ||
    word in SCALE_WORDS ||
    word in ORDINAL_WORDS ||
    word in MULTIPLIER_WORDS ||
    word === 'second' ||
    word === 'percent'
  );
}

/**
 * Inflection or derivation of one stem (`cancel`/`canceled`, `termination`/`terminate`), one
 * unit or library written two ways (`km`/`kilometers`, `Node.js`/`Node`), listed synonyms, or words on the same side of a pair of opposites (`highest`/`largest`).
 */
function areInterchangeable(left: string, right: string): boolean {
  if (stemWord(namedThing(left)) === stemWord(namedThing(right))) return true;
  const leftOpposite = OPPOSITE_WORDS_BY_TOKEN.get(left);
  if (
    leftOpposite !== undefined &&
    leftOpposite.concept === OPPOSITE_WORDS_BY_TOKEN.get(right)?.concept
  ) {
    return true;
  }
  // Words of one meaning (`within` / `before`, `required` / `must`).
  const meaning = MEANING_WORDS.get(left);
  if (meaning !== undefined && meaning === MEANING_WORDS.get(right)) return true;
  return areListedSynonyms(left, right);
}
