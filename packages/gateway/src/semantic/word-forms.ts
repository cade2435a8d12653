import { MEANING_WORDS, SYNONYM_GROUPS, UNIT_NAMES } from './guard-lexicon';

/**
 * The meanings of `MEANING_WORDS` that `words` give, by kind (`modal` → `must` → the word
 * that gave it). `have to` and `need to` count as `must`.
 */
export function readWordMeanings(words: readonly string[]): Map<string, Map<string, string>> {
  const found = new Map<string, Map<string, string>>();
  words.forEach((word, index) => {
    const obligation =
      /^(have|has|had|need|needs)$/.test(word) && words[index + 1] === 'to'
        ? 'modal:must'
        : undefined;
    const meaning = obligation ?? MEANING_WORDS.get(word);
    if (meaning === undefined) return;
    const [kind = '', value = ''] = meaning.split(':');
    const values = found.get(kind) ?? new Map<string, string>();
    if (!values.has(value)) values.set(value, obligation === undefined ? word : `${word} to`);
    found.set(kind, values);
  });
  return found;
}

/**
 * `must vs may` when two sides give one kind of meaning and share none of its values; `null` when
 * they share one or a side gives none.
 */
export function describeMeaningConflict(
  cached: ReadonlyMap<string, string> | undefined,
  incoming: ReadonlyMap<string, string> | undefined,
): string | null {
  if (cached === undefined || incoming === undefined || cached.size === 0 || incoming.size === 0) {
    return null;
  }
  if ([...cached.keys()].some((value) => incoming.has(value))) return null;
  return `${[...cached.values()].join(' ')} vs ${[...incoming.values()].join(' ')}`;
}

const SUFFIXES = [
  'ations',
  'ation',
  'ions',
  'ion',
  'ments',
  'ment',
  'ings',
  'ing',
  'edly',
  'ed',
  'ers',
  'er',
  'est',
  'ies',
  'es',
  'ly',
  's',
  'ate',
  'e',
] as const;

/** A crude suffix-stripping stem: enough to tell inflections apart from different words. */
export function stemWord(word: string): string {
  let stem = word;
  for (const suffix of SUFFIXES) {
    if (stem.length - suffix.length >= 3 && stem.endsWith(suffix)) {
      stem = stem.slice(0, -suffix.length);
      if (suffix === 'ies') stem += 'y';
      // `capped` → `capp` → `cap`, like `cap`.
      else if (/^(ed|ing|er|est)$/.test(suffix) && /([b-df-hj-np-tv-z])\1$/.test(stem)) {
        stem = stem.slice(0, -1);
      }
      break;
    }
  }
  // `terminate` → `terminat` → `termin`, like `termination` → `termin`.
  if (stem.length > 4 && stem.endsWith('at')) stem = stem.slice(0, -2);
  return stem;
}

/**
 * The word as the guards compare it for what it names: a unit written short by its full name
 * (`km` → `kilometer`, `lbs` → `pound`), a library without its `.js` (`node.js` → `node`).
 */
export function namedThing(word: string): string {
  return UNIT_NAMES.get(word) ?? (word.endsWith('.js') ? word.slice(0, -3) : word);
}

const SYNONYM_GROUP_BY_WORD: ReadonlyMap<string, number> = new Map(
  SYNONYM_GROUPS.flatMap((group, index) => group.map((word) => [word, index] as const)),
);

/** Whether two words are listed in one of `SYNONYM_GROUPS` (`delete` / `remove`). */
export function areListedSynonyms(left: string, right: string): boolean {
  const group = SYNONYM_GROUP_BY_WORD.get(left);
  return group !== undefined && group === SYNONYM_GROUP_BY_WORD.get(right);
}
