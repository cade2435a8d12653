import {
  AVOIDING,
  DETAIL_CATEGORIES,
  FUNCTION_NOUNS,
  FUNCTION_WORDS,
  OPPOSITE_PARTICLE_SIDES,
  PARTY_ROLES,
  PERSON_BY_PRONOUN,
  SYMMETRIC_JOINERS,
  WORD_CATEGORIES,
  WORLD_SCOPE_WORDS,
} from './guard-lexicon';
import { describeInsertedHead } from './inserted-head';
import { describeMinimalEdit } from './minimal-edit';
import {
  CATEGORY_BY_PHRASE,
  foldPlural,
  type OppositeOccurrence,
  PromptFacts,
} from './prompt-facts';
import type { GuardVeto } from './types';
import { areListedSynonyms, describeMeaningConflict, namedThing } from './word-forms';

/** Every guard, in the order they are checked. */
export const GUARD_NAMES = [
  'number',
  'negation',
  'entity',
  'quoted',
  'code',
  'order',
  'edit',
] as const;

/** Name of one semantic guard. */
export type GuardName = (typeof GUARD_NAMES)[number];

/** Guards on by default: all of them, since a wrong answer costs more than a missed hit. */
export const DEFAULT_GUARDS: readonly GuardName[] = GUARD_NAMES;

/** Options of `checkPromptGuards`. */
export interface PromptGuardOptions {
  /**
   * The guards to apply, by name (see `GUARD_NAMES`); an empty list disables the guards.
   * @default DEFAULT_GUARDS
   */
  guards?: readonly string[];
}

/** Whether `name` is one of `GUARD_NAMES`. */
export function isGuardName(name: string): name is GuardName {
  return (GUARD_NAMES as readonly string[]).includes(name);
}

/**
 * Decides whether a cached answer for `cached` may be served for `incoming`, a different prompt that
 * the embedder found similar. Returns the first veto (which guard and what differed) or `null` when
 * every guard passes. Casing, punctuation, whitespace and British/American spelling never count as
 * differences; numbers and arithmetic operators, negations and opposites taken on different
 * sides, named entities, high-information words (languages, months, units, ...) and the parties'
 * roles, quoted text, code-like tokens, the order of such items (`English to French` is not
 * `French to English`, `from production to staging` is not `from staging to production`) or of two
 * swapped phrases (`the dog chases the cat`), and one or two content words substituted in an
 * otherwise identical sentence (`termination for cause` is not `termination for convenience`;
 * `turn on` is not `turn off`; `square` is not `square root`) do. The L2 lookup calls it on the
 * parts where two prompts differ, so a shared document cannot make a guard fire, or keep one from
 * firing.
 *
 * Throws a `RangeError` for an unknown guard name, so a typo in configuration fails at start-up.
 *
 * @example
 * checkPromptGuards('What is 15% of 200?', 'What is 25% of 200?');
 * // { guard: 'number', detail: 'numbers differ: 15% vs 25%' }
 * checkPromptGuards('Summarise contract #123', 'summarise contract #123.'); // null
 */
export function checkPromptGuards(
  cached: string,
  incoming: string,
  options: PromptGuardOptions = {},
): GuardVeto | null {
  const guards = options.guards ?? DEFAULT_GUARDS;
  for (const name of guards) {
    if (!isGuardName(name)) {
      throw new RangeError(`unknown semantic guard "${name}"; known: ${GUARD_NAMES.join(', ')}`);
    }
  }
  if (cached === incoming || guards.length === 0) return null;
  const cachedFacts = new PromptFacts(cached);
  const incomingFacts = new PromptFacts(incoming);
  for (const name of GUARD_NAMES) {
    if (!guards.includes(name)) continue;
    const detail = GUARD_CHECKS[name](cachedFacts, incomingFacts);
    if (detail !== null) return { guard: name, detail };
  }
  return null;
}

/** A word of a detail category as compared: singular, a unit by its full name (`km` → `kilometer`). */
const detailWord = (word: string): string => namedThing(foldPlural(word));

/**
 * The code tokens of `facts` but a library the other prompt names capitalised (`node.js` there is
 * the `Node.js` here, a name: the entity guard's) and a version the other writes without its `v`
 * (`v3.2.0` / `3.2.0`: the number guard compares versions).
 */
function codeTokensOf(facts: PromptFacts, other: PromptFacts): string[] {
  return facts.codeTokens.filter(
    (token) =>
      !(token.endsWith('.js') && other.names.includes(token)) &&
      !(/^v\d+(\.\d+)+$/.test(token) && other.numbers.includes(token.slice(1))),
  );
}

/** Each guard compares two prompts and returns what differed, or `null`. */
const GUARD_CHECKS: Readonly<
  Record<GuardName, (cached: PromptFacts, incoming: PromptFacts) => string | null>
> = {
  number: (cached, incoming) =>
    describeDifference('numbers', cached.numbers, incoming.numbers) ??
    describeDifference('operators', cached.operators, incoming.operators) ??
    describeDroppedUnit(cached.amountUnits, incoming.amountUnits),
  negation: (cached, incoming) =>
    describeNegationDifference(cached.negations, incoming.negations) ??
    describeOppositeConflict(cached.opposites, incoming.opposites) ??
    prefixed('modals differ: ', describeMeaningConflict(cached.modals, incoming.modals)) ??
    describeParticleConflict(cached.particles, incoming.particles),
  entity: (cached, incoming) => {
    // A category word the other prompt says with a listed synonym (`delete` / `remove`, `write` /
    // `draft`) is the same request.
    const saidBy = (facts: PromptFacts, word: string) =>
      facts.tokens.some((token) => areListedSynonyms(word, token));
    for (const category of Object.keys(WORD_CATEGORIES)) {
      const label = category.replace(/_/g, ' ');
      const cachedWords = (cached.categoryWords.get(category) ?? []).filter(
        (word) => !saidBy(incoming, word),
      );
      const incomingWords = (incoming.categoryWords.get(category) ?? []).filter(
        (word) => !saidBy(cached, word),
      );
      const detail = DETAIL_CATEGORIES.has(category)
        ? describeConflictingSets(label, cachedWords.map(detailWord), incomingWords.map(detailWord))
        : describeDifference(label, cachedWords, incomingWords);
      if (detail !== null) return detail;
    }
    const relative = describeRelativeTimeConflict(cached.relativeTimes, incoming.relativeTimes);
    if (relative !== null) return relative;
    // A prompt about the speaker (`my notice period`) against one about a named party and not the
    // speaker (`the employer's notice period`) asks about someone else.
    const speakerOnly = (facts: PromptFacts) =>
      facts.speaker !== undefined && facts.roles.length === 0;
    const partyOnly = (facts: PromptFacts) => facts.speaker === undefined && facts.roles.length > 0;
    if (speakerOnly(cached) && partyOnly(incoming)) {
      return `party roles differ: ${cached.speaker} vs ${incoming.roles.join(', ')}`;
    }
    if (partyOnly(cached) && speakerOnly(incoming)) {
      return `party roles differ: ${cached.roles.join(', ')} vs ${incoming.speaker}`;
    }
    // Parties count when both prompts name some, as sets: leaving the party out can be a
    // rewording, naming another (`buyer` / `supplier`) or one more is another question.
    if (cached.roles.length > 0 && incoming.roles.length > 0) {
      const detail = describeDifference(
        'party roles',
        [...new Set(cached.roles)],
        [...new Set(incoming.roles)],
      );
      if (detail !== null) return detail;
    }
    // Names that are category words (`Sundays`, `French`) were compared with their category.
    const isOwnName = (name: string) =>
      !PARTY_ROLES.has(name) &&
      !CATEGORY_BY_PHRASE.has(foldPlural(name)) &&
      !WORLD_SCOPE_WORDS.has(name);
    // `U.S.` and `US`, `P.O.` and `PO` are one name; so are `Node.js` and `Node`.
    const undotted = (name: string) => namedThing(name).replace(/\./g, '');
    const holds = (facts: PromptFacts, name: string) =>
      facts.tokenSet.has(name) ||
      [...facts.tokenSet].some((token) => undotted(token) === undotted(name));
    return describeDifference(
      'names',
      cached.names.filter((name) => !holds(incoming, name) && isOwnName(name)),
      incoming.names.filter((name) => !holds(cached, name) && isOwnName(name)),
    );
  },
  quoted: (cached, incoming) =>
    describeDifference(
      'quoted texts',
      cached.quotes.filter((quote) => !incoming.containsQuote(quote)).map((quote) => quote.text),
      incoming.quotes.filter((quote) => !cached.containsQuote(quote)).map((quote) => quote.text),
    ),
  code: (cached, incoming) =>
    describeDifference(
      'code tokens',
      codeTokensOf(cached, incoming),
      codeTokensOf(incoming, cached),
    ) ?? describeSymbolDifference(cached.symbols, incoming.symbols),
  order: (cached, incoming) =>
    isAlternativesSwap(cached.tokens, incoming.tokens)
      ? null
      : (describeOrderDifference(cached, incoming) ??
        describeReversedDirection(cached.directions, incoming.directions) ??
        describeTurnedMovement(cached.movementEnds, incoming.movementEnds) ??
        describeSwappedSpans(cached.tokens, incoming.tokens)),
  edit: (cached, incoming) =>
    describeMinimalEdit(cached.tokens, incoming.tokens) ??
    describeInsertedHead(cached, incoming) ??
    describeAnswerKindConflict(cached, incoming) ??
    describeComparisonConflict(cached, incoming) ??
    describeDifference('answer forms', cached.answerForms, incoming.answerForms) ??
    describeUnsharedCondition(cached, incoming),
};

/**
 * `questions differ: yes-no vs amount` when one prompt asks whether (`Does the policy pay if my
 * car is stolen?`) and the other how long, many or much (`How long do I get a hire car if my car
 * is stolen?`), however alike their other words; otherwise `null`.
 */
function describeAnswerKindConflict(cached: PromptFacts, incoming: PromptFacts): string | null {
  const [left, right] = [cached.answerKind, incoming.answerKind];
  if (left === undefined || right === undefined || left === right) return null;
  return `questions differ: ${left} vs ${right}`;
}

/**
 * `questions differ: comparison vs none` when one prompt asks for a comparison (`What is the
 * difference between a virus and bacteria?`) and the other neither does nor offers a choice with
 * `or` (`What is a virus?`; but `Should I learn React or Vue?` asks what `React vs Vue` does);
 * otherwise `null`.
 */
function describeComparisonConflict(cached: PromptFacts, incoming: PromptFacts): string | null {
  if (cached.asksComparison === incoming.asksComparison) return null;
  const other = cached.asksComparison ? incoming : cached;
  if (other.tokenSet.has('or')) return null;
  return cached.asksComparison
    ? 'questions differ: comparison vs none'
    : 'questions differ: none vs comparison';
}

/**
 * `conditions differ: if left key vs none` when one prompt sets a condition (`if` or `unless`) and
 * the other sets none while lacking at least two of the condition's content words (`Is theft
 * covered if I left the keys in the car?` / `Is theft of the car covered?`): the condition narrows
 * the question to a case whose answer may differ. Otherwise `null`.
 */
function describeUnsharedCondition(cached: PromptFacts, incoming: PromptFacts): string | null {
  const unshared = (withCondition: PromptFacts, other: PromptFacts) => {
    if (other.conditions.length > 0) return undefined;
    for (const condition of withCondition.conditions) {
      const missing = condition.filter((stem) => !other.contentStems.has(stem));
      if (missing.length >= 2) return `if ${missing.join(' ')}`;
    }
    return undefined;
  };
  const left = unshared(cached, incoming);
  if (left !== undefined) return `conditions differ: ${left} vs none`;
  const right = unshared(incoming, cached);
  return right === undefined ? null : `conditions differ: none vs ${right}`;
}

/** `detail` after `prefix`, or `null`. */
function prefixed(prefix: string, detail: string | null): string | null {
  return detail === null ? null : `${prefix}${detail}`;
}

/**
 * `null` when the items of each kind that both prompts mention once each appear in the same
 * relative order; otherwise `word orders differ: a → b vs b → a`. Swapping names, languages, units
 * or numbers turns a bag of the same words into a different question (`Is Alice older than Bob?`),
 * which no multiset comparison and no bag-of-words embedder sees. Items of different kinds may
 * trade places (`to London on Friday` / `on Friday to London`).
 */
function describeOrderDifference(cached: PromptFacts, incoming: PromptFacts): string | null {
  const kinds = new Set(cached.salientKinds.values());
  for (const kind of kinds) {
    const ofKind = (facts: PromptFacts) =>
      facts.salientItems.filter((item) => facts.salientKinds.get(item) === kind);
    const detail = describeItemOrderDifference(ofKind(cached), ofKind(incoming));
    if (detail !== null) return detail;
  }
  return null;
}

function describeItemOrderDifference(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const occursOnce = (items: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
    return (item: string) => counts.get(item) === 1;
  };
  const onceInCached = occursOnce(cached);
  const onceInIncoming = occursOnce(incoming);
  const shared = cached.filter((item) => onceInCached(item) && onceInIncoming(item));
  const sharedSet = new Set(shared);
  const incomingOrder = incoming.filter((item) => sharedSet.has(item));
  if (shared.every((item, index) => incomingOrder[index] === item)) return null;
  return `word orders differ: ${shared.join(' → ')} vs ${incomingOrder.join(' → ')}`;
}

/**
 * `relative times differ: last week vs this week` when both prompts place one period differently
 * relative to now; otherwise `null`.
 */
function describeRelativeTimeConflict(
  cached: ReadonlyMap<string, ReadonlySet<string>>,
  incoming: ReadonlyMap<string, ReadonlySet<string>>,
): string | null {
  const oneSided =
    describeOneSidedRelativeTime(cached, incoming, 'left') ??
    describeOneSidedRelativeTime(incoming, cached, 'right');
  if (oneSided !== null) return oneSided;
  for (const [period, cachedMeanings] of cached) {
    const incomingMeanings = incoming.get(period);
    if (incomingMeanings === undefined) continue;
    const same =
      cachedMeanings.size === incomingMeanings.size &&
      [...cachedMeanings].every((meaning) => incomingMeanings.has(meaning));
    if (same) continue;
    const show = (meanings: ReadonlySet<string>) =>
      [...meanings].map((meaning) => `${meaning} ${period}`).join(', ');
    return `relative times differ: ${show(cachedMeanings)} vs ${show(incomingMeanings)}`;
  }
  return null;
}

/**
 * `relative times differ: last year vs none` when one prompt asks about a period before or after
 * the present (`last year`, `next month`) and the other names no such period: a question without
 * one asks about now. `this year` against none is no conflict. `side` says which prompt `marked` is.
 */
function describeOneSidedRelativeTime(
  marked: ReadonlyMap<string, ReadonlySet<string>>,
  other: ReadonlyMap<string, ReadonlySet<string>>,
  side: 'left' | 'right',
): string | null {
  for (const [period, meanings] of marked) {
    if (other.has(period)) continue;
    const moved = [...meanings].filter((meaning) => meaning !== 'this');
    if (moved.length === 0) continue;
    const shown = moved.map((meaning) => `${meaning} ${period}`).join(', ');
    return side === 'left'
      ? `relative times differ: ${shown} vs none`
      : `relative times differ: none vs ${shown}`;
  }
  return null;
}

/**
 * `directions differ: production → staging vs staging → production` when one prompt names a
 * movement the other names the other way round, however each is worded (`Can I copy the data from
 * production to staging?` / `Is copying it from staging to production allowed?`); otherwise `null`.
 */
function describeReversedDirection(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  for (const direction of cached) {
    const [source, destination] = direction.split(' → ');
    const reversed = `${destination} → ${source}`;
    if (incoming.includes(reversed) && !incoming.includes(direction)) {
      return `directions differ: ${direction} vs ${reversed}`;
    }
  }
  return null;
}

/**
 * `directions differ: to paris vs from paris` when a thing one prompt goes `to` is one the other
 * comes `from`, and neither prompt names it both ways (`Show me flights to Paris` / `Show me
 * flights from Paris`, `Translate it to English` / `… from English`); otherwise `null`. A movement
 * named from both ends in either order (`from the drive to my laptop` / `to my laptop from the
 * drive`) keeps its ends.
 */
function describeTurnedMovement(
  cached: PromptFacts['movementEnds'],
  incoming: PromptFacts['movementEnds'],
): string | null {
  const turned = (end: string, left: PromptFacts['movementEnds'], right: typeof left) =>
    left.to.has(end) && !left.from.has(end) && right.from.has(end) && !right.to.has(end);
  for (const end of cached.to) {
    if (turned(end, cached, incoming)) return `directions differ: to ${end} vs from ${end}`;
  }
  for (const end of incoming.to) {
    if (turned(end, incoming, cached)) return `directions differ: from ${end} vs to ${end}`;
  }
  return null;
}

/**
 * Whether one prompt is the other with two alternatives named in the other order, joined by `or`,
 * `and` or `vs` (`rent or buy` / `buy or rent`, `a fruit or a vegetable` / `a vegetable or a
 * fruit`, `a kilogram of feathers or a kilogram of steel`): the same question, whichever comes
 * first. After the joiner, the words before the first alternative may repeat (`a`, `a kilogram
 * of`), nothing else: `shower and then eat` / `eat and then shower` is an order.
 */
function isAlternativesSwap(cached: readonly string[], incoming: readonly string[]): boolean {
  for (const { start, first, last, end } of swappedSpans(cached, incoming)) {
    const joiner = start + first;
    if (!SYMMETRIC_JOINERS.has(cached[joiner]!)) continue;
    const repeated = end - start - first - last - 1;
    if (repeated > start) continue;
    const repeats = cached.slice(joiner + 1, joiner + 1 + repeated);
    if (repeats.every((word, offset) => word === cached[start - repeated + offset])) return true;
  }
  return false;
}

/**
 * Two spans swapped around an unchanged middle: `cached[start, end)` is X M Y, the same stretch of
 * `incoming` is Y M X.
 */
interface SpanSwap {
  start: number;
  end: number;
  /** Words of X. */
  first: number;
  /** Words of Y. */
  last: number;
}

/**
 * Every way `incoming` is `cached` with two spans swapped around an unchanged middle, all else
 * equal: cached = … X M Y …, incoming = … Y M X …, shortest X first.
 */
function* swappedSpans(
  cached: readonly string[],
  incoming: readonly string[],
): Generator<SpanSwap> {
  if (cached.length !== incoming.length) return;
  let start = 0;
  while (start < cached.length && cached[start] === incoming[start]) start++;
  let end = cached.length;
  while (end > start && cached[end - 1] === incoming[end - 1]) end--;
  const length = end - start;
  const same = (from: number, to: number, count: number) => {
    for (let offset = 0; offset < count; offset++) {
      if (cached[from + offset] !== incoming[to + offset]) return false;
    }
    return true;
  };
  for (let first = 1; first < length; first++) {
    if (!same(start, end - first, first)) continue;
    for (let last = 1; first + last < length; last++) {
      const middle = length - first - last;
      if (same(end - last, start, last) && same(start + first, start + last, middle)) {
        yield { start, end, first, last };
      }
    }
  }
}

/**
 * `null` unless one prompt is the other with two spans of words swapped around an unchanged middle
 * (`Does the dog chase the cat?` / `Does the cat chase the dog?`, `merge the branch into main` /
 * `merge main into the branch`, `from best to worst` / `from worst to best`), each span holding a
 * content word; then `word orders differ: dog … cat vs cat … dog`. The words are the same, so
 * neither the other guards nor a bag-of-words embedder see a difference, but who does what to whom
 * changed. Two swapped one-letter names count too (`Is A a subset of B?`). A rewording that moves
 * one phrase elsewhere (`Tokyo is in which time zone?` / `Which time zone is Tokyo in?`) is no such
 * swap.
 */
function describeSwappedSpans(
  cachedTokens: readonly string[],
  incomingTokens: readonly string[],
): string | null {
  // `me` and `I` are one person: `… you … me` / `… I … you` is a swap.
  const byPerson = (token: string) => PERSON_BY_PRONOUN.get(token) ?? token;
  const cached = cachedTokens.map(byPerson);
  const incoming = incomingTokens.map(byPerson);
  const hasContentWord = (from: number, count: number) =>
    cached
      .slice(from, from + count)
      .some((word) => !FUNCTION_WORDS.has(word) || FUNCTION_NOUNS.has(word));
  const isPerson = (from: number, count: number) =>
    count === 1 && PERSON_BY_PRONOUN.has(cached[from]!);
  for (const { start, end, first, last } of swappedSpans(cached, incoming)) {
    // Each span names someone or something, and one at least is not a pronoun, or both are
    // persons (`Can you help me?`): a pronoun alone may move as a rewording does (`Is it…` / `…
    // is it`).
    const x = hasContentWord(start, first);
    const y = hasContentWord(end - last, last);
    const px = isPerson(start, first);
    const py = isPerson(end - last, last);
    const spansName = (x && y) || (x && py) || (px && y) || (px && py);
    // Two one-letter names (`Is A a subset of B?`), where `a` reads as the article otherwise.
    const areLetters =
      first === 1 && last === 1 && cached[start]!.length === 1 && cached[end - 1]!.length === 1;
    if (spansName || areLetters) {
      const spanX = cached.slice(start, start + first).join(' ');
      const spanY = cached.slice(end - last, end).join(' ');
      return `word orders differ: ${spanX} … ${spanY} vs ${spanY} … ${spanX}`;
    }
  }
  return null;
}

/**
 * `negations differ: a vs b` like `describeDifference`, except that avoiding something on one side
 * and a negation word the other lacks (`stop the agreement from renewing` / `non-renewal`, `avoid
 * sunburn` / `not get sunburned`) say the same; otherwise `null`.
 */
function describeNegationDifference(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const [onlyCached, onlyIncoming] = splitDifference(cached, incoming);
  const unpairedCached = [...onlyCached];
  const unpairedIncoming = [...onlyIncoming];
  const pairs = (avoiding: string[], negating: string[]) => {
    while (avoiding.includes(AVOIDING)) {
      const other = negating.findIndex((word) => word !== AVOIDING);
      if (other === -1) break;
      avoiding.splice(avoiding.indexOf(AVOIDING), 1);
      negating.splice(other, 1);
    }
  };
  pairs(unpairedCached, unpairedIncoming);
  pairs(unpairedIncoming, unpairedCached);
  if (unpairedCached.length === 0 && unpairedIncoming.length === 0) return null;
  return formatDifference('negations', onlyCached, onlyIncoming);
}

/**
 * `null` when one prompt's items are all among the other's (it names fewer units, which a reworded
 * question often does: `How long…` / `How many days…`); otherwise, when each names one the other
 * lacks (`miles` / `kilometers`), `<label> differ: a vs b`.
 */
function describeConflictingSets(
  label: string,
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const cachedSet = new Set(cached);
  const incomingSet = new Set(incoming);
  if ([...cachedSet].every((item) => incomingSet.has(item))) return null;
  if ([...incomingSet].every((item) => cachedSet.has(item))) return null;
  return describeDifference(
    label,
    [...cachedSet].filter((item) => !incomingSet.has(item)),
    [...incomingSet].filter((item) => !cachedSet.has(item)),
  );
}

/**
 * `null` when both lists hold the same items (as multisets); otherwise `<label> differ: a vs b`
 * naming only the items that differ, `none` standing for an empty side.
 */
function describeDifference(
  label: string,
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const [onlyCached, onlyIncoming] = splitDifference(cached, incoming);
  return formatDifference(label, onlyCached, onlyIncoming);
}

/** The items only `cached` holds and those only `incoming` holds, as multisets. */
function splitDifference(
  cached: readonly string[],
  incoming: readonly string[],
): [onlyCached: string[], onlyIncoming: string[]] {
  const remaining = new Map<string, number>();
  for (const item of incoming) remaining.set(item, (remaining.get(item) ?? 0) + 1);
  const onlyCached: string[] = [];
  for (const item of cached) {
    const count = remaining.get(item) ?? 0;
    if (count > 0) remaining.set(item, count - 1);
    else onlyCached.push(item);
  }
  const onlyIncoming: string[] = [];
  for (const [item, count] of remaining)
    for (let index = 0; index < count; index++) onlyIncoming.push(item);
  return [onlyCached, onlyIncoming];
}

/** `<label> differ: a vs b`, `none` standing for an empty side; `null` when both are empty. */
function formatDifference(
  label: string,
  onlyCached: readonly string[],
  onlyIncoming: readonly string[],
): string | null {
  if (onlyCached.length === 0 && onlyIncoming.length === 0) return null;
  const show = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));
  return `${label} differ: ${show(onlyCached)} vs ${show(onlyIncoming)}`;
}

/**
 * `symbols differ: && || vs & |` when the prompts hold other symbols, or the same in another
 * order (`use ?? instead of ||` / `use || instead of ??`); otherwise `null`.
 */
function describeSymbolDifference(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  if (cached.length === incoming.length && cached.every((run, at) => incoming[at] === run)) {
    return null;
  }
  const show = (runs: readonly string[]) => (runs.length === 0 ? 'none' : runs.join(' '));
  return `symbols differ: ${show(cached)} vs ${show(incoming)}`;
}

/**
 * `amounts differ: 30 second vs 30` when a number both prompts hold has a unit in one and none in
 * the other (`Set the timeout to 30 seconds` / `… to 30`); otherwise `null`. A different unit is the
 * entity guard's (`30 seconds` / `30 minutes`).
 */
function describeDroppedUnit(
  cached: ReadonlyMap<string, ReadonlySet<string>>,
  incoming: ReadonlyMap<string, ReadonlySet<string>>,
): string | null {
  for (const [number, cachedUnits] of cached) {
    const incomingUnits = incoming.get(number);
    if (incomingUnits === undefined || (cachedUnits.size === 0) === (incomingUnits.size === 0)) {
      continue;
    }
    const show = (units: ReadonlySet<string>) =>
      units.size === 0 ? number : [...units].map((unit) => `${number} ${unit}`).join(', ');
    return `amounts differ: ${show(cachedUnits)} vs ${show(incomingUnits)}`;
  }
  return null;
}

/**
 * `null` unless the prompts stand on different sides of one pair of opposites (`enable` against
 * `disable`, `survive` against `terminate`, or one of them against both); then `opposites differ:
 * enable vs disable`. An opposite word only one prompt uses is no conflict: in a reworded question it
 * is incidental (`What time is check-out?` / `When does check-out close?`), and in an otherwise
 * identical sentence the `edit` guard sees the substitution.
 */
function describeOppositeConflict(
  cached: readonly OppositeOccurrence[],
  incoming: readonly OppositeOccurrence[],
): string | null {
  const sidesByPair = (occurrences: readonly OppositeOccurrence[]) => {
    const pairs = new Map<number, Set<number>>();
    for (const occurrence of occurrences) {
      for (const side of occurrence.sides) {
        const pair = Math.floor(side / 2);
        pairs.set(pair, (pairs.get(pair) ?? new Set()).add(side % 2));
      }
    }
    return pairs;
  };
  const cachedPairs = sidesByPair(cached);
  const incomingPairs = sidesByPair(incoming);
  for (const [pair, cachedSides] of cachedPairs) {
    const incomingSides = incomingPairs.get(pair);
    if (incomingSides === undefined) continue;
    if (
      cachedSides.size === incomingSides.size &&
      [...cachedSides].every((side) => incomingSides.has(side))
    ) {
      continue;
    }
    const onPair = (occurrences: readonly OppositeOccurrence[]) =>
      occurrences
        .filter((occurrence) => occurrence.sides.some((side) => Math.floor(side / 2) === pair))
        .map((occurrence) => occurrence.concept);
    const detail = describeDifference('opposites', onPair(cached), onPair(incoming));
    if (detail !== null) return detail;
  }
  return null;
}

/**
 * `opposites differ: stock in vs stock out` when the prompts attach opposite particles to the same
 * word (`items in stock` / `items out of stock`, `turn the lights on` / `turning off the lights`)
 * and neither attaches the other's; otherwise `null`.
 */
function describeParticleConflict(
  cached: ReadonlySet<string>,
  incoming: ReadonlySet<string>,
): string | null {
  for (const attached of cached) {
    const [anchor, particle] = attached.split(' ');
    const flipped = `${anchor} ${OPPOSITE_PARTICLE_SIDES.get(particle ?? '')}`;
    if (incoming.has(flipped) && !incoming.has(attached) && !cached.has(flipped)) {
      return `opposites differ: ${attached} vs ${flipped}`;
    }
  }
  return null;
}
