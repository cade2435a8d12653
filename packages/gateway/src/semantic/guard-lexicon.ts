import { createWordTable } from '../embed/normalize-text';

/**
 * Word lists of the semantic guards: words whose presence or swap changes the right answer even when
 * the rest of a prompt is identical. Curated, lower case, American spelling (guards compare tokens
 * after `tokenizeText`, which folds British spelling).
 */

/** Spelled-out cardinals the number guard reads as digits. */
export const NUMBER_WORDS: Readonly<Record<string, number>> = createWordTable({
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  dozen: 12,
});

/** Scale words that multiply the number before them (`two hundred`, `3 million`). */
export const SCALE_WORDS: Readonly<Record<string, number>> = createWordTable({
  hundred: 100,
  thousand: 1_000,
  million: 1_000_000,
  billion: 1_000_000_000,
  trillion: 1_000_000_000_000,
});

/** Spelled-out ordinals (`second` is left out: it is more often the unit of time). */
export const ORDINAL_WORDS: Readonly<Record<string, number>> = createWordTable({
  first: 1,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
});

/** Multipliers and fractions that change an amount as much as a digit does. */
export const MULTIPLIER_WORDS: Readonly<Record<string, string>> = createWordTable({
  half: '1/2',
  halves: '1/2',
  twice: 'x2',
  double: 'x2',
  triple: 'x3',
  quadruple: 'x4',
});

/**
 * Arithmetic operators by symbol and by word, each mapped to one sign, for the number guard:
 * `2 + 2` and `2 * 2` hold the same numbers and, once punctuation is dropped, the same words.
 */
export const OPERATOR_SYMBOLS: Readonly<Record<string, string>> = {
  '+': '+',
  '-': '-',
  '−': '-',
  '–': '-',
  '*': '×',
  '×': '×',
  '·': '×',
  '/': '÷',
  '÷': '÷',
  '^': '^',
  '=': '=',
  '<': '<',
  '>': '>',
  '≤': '≤',
  '≥': '≥',
};

/**
 * Comparison and equality operators, which compare names as well as numbers (`age > 30`, `== and
 * ===`), each mapped to one sign.
 */
export const COMPARISON_SYMBOLS: Readonly<Record<string, string>> = {
  '===': '===',
  '!==': '!==',
  '==': '==',
  '!=': '≠',
  '<>': '≠',
  '≠': '≠',
  '<=': '≤',
  '>=': '≥',
  '≤': '≤',
  '≥': '≥',
  '<': '<',
  '>': '>',
  '=': '=',
};

/** Operator words (`plus`, `divided by`) with the sign `OPERATOR_SYMBOLS` gives them. */
export const OPERATOR_WORDS: Readonly<Record<string, string>> = createWordTable({
  plus: '+',
  minus: '-',
  times: '×',
  multiplied: '×',
  divided: '÷',
  power: '^',
  equals: '=',
});

/**
 * Particles that turn a verb or a place into its opposite (`turn on` / `turn off`, `log in` /
 * `log out`, `scale up` / `scale down`, `in the EU` / `outside the EU`), each mapped to its side:
 * `on`, `off`, `in`, `out`, `up` or `down`. They are function words everywhere else, so only the
 * particle checks read them.
 */
export const PARTICLE_SIDES: ReadonlyMap<string, string> = new Map([
  ['on', 'on'],
  ['off', 'off'],
  ['in', 'in'],
  ['inside', 'in'],
  ['within', 'in'],
  ['out', 'out'],
  ['outside', 'out'],
  ['up', 'up'],
  ['down', 'down'],
]);

/**
 * Words that carry one of a few meanings, as `kind:meaning`: what a modal asks (may the buyer or
 * must it; `required`, `allowed` and `unnecessary` ask it too), when a question is set (`did`,
 * `will` and irregular pasts), which third person it is about, whether it is set by or after a
 * point in time (`in` / `within` / `before` against `after` / `once`), how many it counts, whether
 * it joins two things (`and`) or offers a choice between them (`or`). Most are
 * function words, which the content comparison of the edit guard leaves out.
 * Substituted for a word of the same kind with another meaning in an otherwise identical prompt
 * (`Must the buyer notify…` / `May the buyer notify…`, `Did it rain?` / `Will it rain?`), they ask
 * another question. Tense counts past against future only: a present-tense question often stands
 * for either (`What is the weather next week?`, `What is net income for Q3?`). `have to` and
 * `need to` are read as `must` by the minimal-edit guard.
 */
export const MEANING_WORDS: ReadonlyMap<string, string> = new Map([
  ['must', 'modal:must'],
  ['shall', 'modal:must'],
  ['required', 'modal:must'],
  ['obliged', 'modal:must'],
  ['obligated', 'modal:must'],
  ['may', 'modal:may'],
  ['can', 'modal:may'],
  ['could', 'modal:may'],
  ['might', 'modal:may'],
  ['allowed', 'modal:may'],
  ['permitted', 'modal:may'],
  ['possible', 'modal:may'],
  ['unnecessary', 'modal:neednot'],
  ['needless', 'modal:neednot'],
  ['optional', 'modal:neednot'],
  ['should', 'modal:should'],
  ['ought', 'modal:should'],
  ['was', 'tense:past'],
  ['were', 'tense:past'],
  ['did', 'tense:past'],
  ['will', 'tense:future'],
  // Irregular pasts that no suffix shows (`Who won?` / `Who will win?`); forms that are also a
  // present, a noun or a direction (`read`, `put`, `left`, `saw`) are left out.
  ...[
    'won',
    'went',
    'ate',
    'made',
    'took',
    'came',
    'got',
    'gave',
    'said',
    'told',
    'wrote',
    'ran',
    'began',
    'broke',
    'bought',
    'brought',
    'built',
    'caught',
    'chose',
    'drank',
    'drove',
    'fell',
    'flew',
    'forgot',
    'grew',
    'heard',
    'held',
    'kept',
    'knew',
    'lost',
    'met',
    'paid',
    'rode',
    'rose',
    'sold',
    'sent',
    'sang',
    'slept',
    'spoke',
    'spent',
    'stood',
    'stole',
    'swam',
    'taught',
    'thought',
    'threw',
    'wore',
  ].map((past): [string, string] => [past, 'tense:past']),
  ['he', 'person:he'],
  ['him', 'person:he'],
  ['his', 'person:he'],
  ['himself', 'person:he'],
  ['she', 'person:she'],
  ['her', 'person:she'],
  ['hers', 'person:she'],
  ['herself', 'person:she'],
  // When, against a point in time, a question is set: `in the first two weeks` / `after the first
  // two weeks`. `before 14 days have passed` is `within 14 days`.
  ...['in', 'within', 'inside', 'before', 'until', 'till'].map((word): [string, string] => [
    word,
    'sequence:by',
  ]),
  ...['after', 'later', 'past', 'beyond', 'once', 'since'].map((word): [string, string] => [
    word,
    'sequence:after',
  ]),
  ['all', 'count:all'],
  ['every', 'count:all'],
  ['each', 'count:all'],
  ['any', 'count:some'],
  ['some', 'count:some'],
  // `ibuprofen and paracetamol` (both) is not `ibuprofen or paracetamol` (either).
  ['and', 'joiner:both'],
  ['or', 'joiner:either'],
]);

/**
 * Nouns that name what a question word asks for: `What is the best time to visit?` asks `When is
 * the best time to visit?`, `What is the best place…` asks `Where…`.
 */
export const ASKED_NOUNS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['time', new Set(['time', 'date', 'day', 'year', 'month', 'hour', 'season', 'moment'])],
  ['place', new Set(['place', 'location', 'spot', 'area'])],
  ['reason', new Set(['reason', 'cause'])],
  ['manner', new Set(['way', 'method'])],
]);

/** Words in -ing that are not what `stop` stops when they follow its object. */
export const NOT_GERUNDS: ReadonlySet<string> = new Set([
  'using',
  'including',
  'during',
  'regarding',
  'according',
  'following',
  'concerning',
  'excluding',
  'nothing',
  'something',
  'anything',
  'everything',
  'morning',
  'evening',
  'string',
  'spring',
]);

/**
 * Forms an answer can be asked in, by the words that name them (`as a table`, `in bullet points`,
 * `in Markdown`, `like a pirate`): the same question asked for in another form wants another answer.
 * Read by `PromptFacts.answerForms`.
 */
export const ANSWER_FORMS: ReadonlyMap<string, string> = new Map([
  ['table', 'table'],
  ['tables', 'table'],
  ['list', 'list'],
  ['checklist', 'list'],
  ['bullet', 'list'],
  ['bullets', 'list'],
  ['bulleted', 'list'],
  ['numbered', 'list'],
  ['chart', 'chart'],
  ['graph', 'chart'],
  ['diagram', 'diagram'],
  ['flowchart', 'diagram'],
  ['timeline', 'timeline'],
  ['outline', 'outline'],
  ['poem', 'poem'],
  ['haiku', 'poem'],
  ['limerick', 'poem'],
  ['sonnet', 'poem'],
  ['rhyme', 'poem'],
  ['song', 'song'],
  ['rap', 'song'],
  ['dialogue', 'dialogue'],
  // JSON, YAML, CSV, XML and HTML are programming languages to the entity guard, wherever they stand.
  ['markdown', 'markdown'],
  ['pirate', 'pirate'],
  ['shakespeare', 'shakespeare'],
]);

/** Words of `ANSWER_FORMS` that ask for their form wherever they stand (`a bulleted summary`). */
export const STANDALONE_ANSWER_FORMS: ReadonlySet<string> = new Set([
  'bullet',
  'bullets',
  'bulleted',
]);

/**
 * Words of `ANSWER_FORMS` that also name things a question works on (`a value in a list`, `convert
 * a dict into a list`, `duplicates in a table`): they ask for a form only after `as` or `like`.
 */
export const DATA_ANSWER_FORMS: ReadonlySet<string> = new Set([
  'table',
  'tables',
  'list',
  'chart',
  'graph',
]);

/**
 * Words that ask for a comparison: `the difference between a virus and bacteria` is not `What is a
 * virus?`, however much of it the other prompt repeats.
 */
export const COMPARISON_WORDS: ReadonlySet<string> = new Set([
  'difference',
  'differences',
  'differ',
  'differs',
  'compare',
  'compared',
  'compares',
  'comparing',
  'comparison',
  'versus',
  'vs',
  'contrast',
]);

/**
 * What a question word asks for. Put in place of another in an otherwise identical prompt (`Why did
 * the Roman Empire fall?` / `When did the Roman Empire fall?`), it asks another question; `what`
 * and `which`, `who` and `whom` ask the same.
 */
export const QUESTION_WORDS: ReadonlyMap<string, string> = new Map([
  ['what', 'thing'],
  ['which', 'thing'],
  ['who', 'person'],
  ['whom', 'person'],
  ['whose', 'owner'],
  ['when', 'time'],
  ['where', 'place'],
  ['why', 'reason'],
  ['how', 'manner'],
]);

/**
 * Words that open a condition or a narrowing phrase inserted into a question (`if the car is
 * stolen`, `in a fan oven`, `for adults`, `by area`, `to a child`, `as a table`), for the
 * minimal-edit guard.
 */
export const NARROWING_OPENERS: ReadonlySet<string> = new Set([
  'if',
  'unless',
  'with',
  'without',
  'in',
  'on',
  'at',
  'for',
  'from',
  'under',
  'over',
  'near',
  'when',
  'while',
  'except',
  'once',
  'after',
  'before',
  'during',
  'by',
  'to',
  // `Explain this error and how to fix it` asks for more than the explanation.
  'and',
  'per',
  'about',
  'regarding',
  // `… as a table`, `… like a pirate` ask for another form of answer.
  'as',
  'like',
]);

/**
 * Words that, as the whole of an added `as` phrase, make it an idiom that asks nothing else: `as
 * well`, `as soon as possible`, `as usual`.
 */
export const AS_IDIOM_WORDS: ReadonlySet<string> = new Set([
  'well',
  'soon',
  'possible',
  'usual',
  'ever',
  'always',
  'follows',
  // `as simply as possible` asks what `simply` does.
  'simply',
  'briefly',
  'clearly',
  'quickly',
  'concisely',
]);

/**
 * Words that, as the whole of an added phrase, only say what a question means anyway: `the longest
 * river in the world`, `the largest ocean on Earth`.
 */
export const WORLD_SCOPE_WORDS: ReadonlySet<string> = new Set([
  'world',
  'earth',
  'planet',
  'globe',
]);

/** Words that open a condition the guards compare across rewordings (`if I left the keys in`). */
export const CONDITION_OPENERS: ReadonlySet<string> = new Set(['if', 'unless']);

/** Pronouns for a thing (`eat it`), which a prompt may replace by what they stand for. */
export const THING_PRONOUNS: ReadonlySet<string> = new Set([
  'it',
  'this',
  'that',
  'these',
  'those',
  'them',
  'they',
]);

/** Articles, which may change with an added word (`a car` / `an electric car`). */
export const ARTICLES: ReadonlySet<string> = new Set(['a', 'an', 'the']);

/** First words of a yes-no question (`Does the policy pay…?`). */
export const YES_NO_OPENERS: ReadonlySet<string> = new Set([
  'is',
  'are',
  'am',
  'was',
  'were',
  'do',
  'does',
  'did',
  'can',
  'could',
  'will',
  'would',
  'should',
  'may',
  'must',
  'has',
  'have',
]);

/** Words after `how` that ask for an amount (`How long…`, `How many…`). */
export const AMOUNT_WORDS: ReadonlySet<string> = new Set(['long', 'many', 'much', 'often', 'far']);

/** Word categories of when a thing happens: their words may move around the other items. */
export const MOVABLE_CATEGORIES: ReadonlySet<string> = new Set(['weekdays', 'months', 'seasons']);

/**
 * Pronouns of the people in the conversation: put in place of a named party (`If I cancel late…` /
 * `If the company cancels late…`) they ask about someone else.
 */
export const SPEAKER_PRONOUNS: ReadonlySet<string> = new Set(['i', 'me', 'we', 'us', 'you']);

/**
 * Personal pronouns by the person they stand for, whatever their case (`me` is `i`): who does what
 * to whom changes when two of them trade places (`Can you help me?` / `Can I help you?`).
 */
export const PERSON_BY_PRONOUN: ReadonlyMap<string, string> = new Map([
  ['i', 'i'],
  ['me', 'i'],
  ['we', 'we'],
  ['us', 'we'],
  ['you', 'you'],
  ['he', 'he'],
  ['him', 'he'],
  ['she', 'she'],
  ['they', 'they'],
  ['them', 'they'],
]);

/** Speaker pronouns and their possessives, for telling `my notice` from `the employer's notice`. */
export const SPEAKER_WORDS: ReadonlySet<string> = new Set([
  ...SPEAKER_PRONOUNS,
  'my',
  'our',
  'mine',
]);

/** The opposite of each side of `PARTICLE_SIDES`. */
export const OPPOSITE_PARTICLE_SIDES: ReadonlyMap<string, string> = new Map([
  ['on', 'off'],
  ['off', 'on'],
  ['in', 'out'],
  ['out', 'in'],
  ['up', 'down'],
  ['down', 'up'],
]);

/**
 * Words that place a period relative to now, by what they mean: `last week` is not `this week` nor
 * `next week`.
 */
export const RELATIVE_TIME_WORDS: Readonly<Record<string, string>> = createWordTable({
  this: 'this',
  current: 'this',
  last: 'last',
  previous: 'last',
  past: 'last',
  prior: 'last',
  next: 'next',
  coming: 'next',
  following: 'next',
  upcoming: 'next',
});

/**
 * Short forms of units that the `units` category leaves out (they would count as another unit
 * there), read only as "this amount has a unit" by the number guard: `10 mins` keeps its unit.
 */
export const UNIT_ABBREVIATIONS: ReadonlySet<string> = new Set([
  'sec',
  'secs',
  'min',
  'mins',
  'hr',
  'hrs',
  'wk',
  'wks',
  'mo',
  'mos',
  'yr',
  'yrs',
  'k',
  'm',
  'bn',
]);

/**
 * The full name of each short or irregular form in the `units` category, so that the same unit
 * written two ways (`5 miles in km` / `5 miles in kilometers`, `feet` / `foot`) is one unit.
 */
export const UNIT_NAMES: ReadonlyMap<string, string> = new Map([
  ['ms', 'millisecond'],
  ['mm', 'millimeter'],
  ['cm', 'centimeter'],
  ['km', 'kilometer'],
  ['feet', 'foot'],
  ['ft', 'foot'],
  ['kg', 'kilogram'],
  ['lb', 'pound'],
  ['lbs', 'pound'],
  ['oz', 'ounce'],
  ['ml', 'milliliter'],
  ['kb', 'kilobyte'],
  ['mb', 'megabyte'],
  ['gb', 'gigabyte'],
]);

/** Periods that `RELATIVE_TIME_WORDS` place (weekdays and months count too). */
export const RELATIVE_PERIODS: ReadonlySet<string> = new Set([
  'day',
  'night',
  'morning',
  'afternoon',
  'evening',
  'week',
  'weekend',
  'month',
  'quarter',
  'year',
  'season',
  'semester',
  'term',
  'decade',
  'century',
  'time',
  'session',
  'release',
  'version',
  'sprint',
]);

/**
 * Function words that are nouns all the same: swapped with another noun, they change the question
 * (`convert a string to a number` / `convert a number to a string`).
 */
export const FUNCTION_NOUNS: ReadonlySet<string> = new Set(['number']);

/**
 * Prepositions after which one added word is the last of its phrase: `list the files [recursively]
 * in a directory`, `the population [density] of Tokyo`. The minimal-edit guard vetoes such a word
 * when it follows a word both prompts share.
 */
export const PHRASE_END_PREPOSITIONS: ReadonlySet<string> = new Set([
  'of',
  'in',
  'on',
  'at',
  'for',
  'with',
  'from',
  'by',
  'to',
  'during',
]);

/**
 * Nouns that, added after another before `of`, leave what it names alone: `the capital city of
 * France` is `the capital of France`. Any other noun added there names another thing (`the
 * population density of Tokyo`), which the minimal-edit guard vetoes.
 */
export const NEUTRAL_COMPOUND_TAILS: ReadonlySet<string> = new Set([
  'city',
  'town',
  'village',
  'country',
  'nation',
]);

/**
 * Nouns that, put before `of` in front of a thing, still name the thing: `Explain the concept of
 * recursion` asks what `Explain recursion` asks. Any other noun put there names something else that
 * belongs to it (`the population of the capital of Canada`), which the edit guard vetoes.
 */
export const NEUTRAL_OF_HEADS: ReadonlySet<string> = new Set([
  'concept',
  'idea',
  'notion',
  'topic',
  'subject',
  'term',
  'word',
  'phrase',
  'meaning',
  'definition',
  'basics',
  'fundamentals',
  'kind',
  'sort',
  'type',
]);

/**
 * Words between two alternatives whose order does not matter: `rent or buy` is `buy or rent`, `Python
 * and Java` is `Java and Python`.
 */
export const SYMMETRIC_JOINERS: ReadonlySet<string> = new Set(['or', 'and', 'vs', 'versus']);

/**
 * Words that, put before a noun, leave what it names alone: `the typical average temperature`,
 * `the current time`, `a quick summary`; and greetings and thanks, wherever they are added. Any
 * other word added there names a kind of the thing (`a dwarf planet`, `an electric car`), which the
 * minimal-edit guard vetoes.
 */
export const NEUTRAL_MODIFIERS: ReadonlySet<string> = new Set([
  'please',
  'pls',
  'plz',
  'thanks',
  'thx',
  'cheers',
  'hi',
  'hello',
  'hey',
  'kindly',
  'typical',
  'usual',
  'normal',
  'general',
  'overall',
  'actual',
  'exact',
  'approximate',
  'rough',
  'current',
  'present',
  'simple',
  'quick',
  'brief',
  'short',
  'good',
  'nice',
  'great',
  'main',
  'basic',
  'common',
  'key',
  'important',
  'official',
  'real',
  'correct',
  'right',
  'proper',
  'specific',
  'particular',
  'detailed',
  'full',
  'complete',
  'entire',
  'whole',
  'total',
  'also',
  'just',
  'really',
  'actually',
  'briefly',
  'simply',
  'exactly',
  'properly',
  'correctly',
  'roughly',
  'approximately',
  'currently',
  'now',
  'usually',
  'typically',
  'generally',
]);

/**
 * Words that, added to an otherwise identical prompt, ask for another quantity (`the square of 16`
 * / `the square root of 16`, `the inverse of the matrix`, `the average price`, `the index of the
 * maximum`). Most added words
 * only reword a question (`the capital city of France`), so the minimal-edit guard lets insertions
 * through but for these.
 */
export const QUANTITY_MODIFIERS: ReadonlySet<string> = new Set([
  'root',
  'roots',
  'inverse',
  'reciprocal',
  'derivative',
  'integral',
  'logarithm',
  'log',
  'factorial',
  'cube',
  'square',
  'average',
  'median',
  'cumulative',
  'marginal',
  'net',
  'gross',
  'annualized',
  'reverse',
  'opposite',
  'complement',
  'remainder',
  'percentage',
  'ratio',
  'index',
  'indices',
  'position',
  'count',
  'length',
  'sum',
]);

/** Words that negate what follows; `n't` and `cannot` already arrive here as `not`. */
export const NEGATION_WORDS: ReadonlySet<string> = new Set([
  'not',
  'no',
  'never',
  'none',
  'nothing',
  'nobody',
  'nowhere',
  'neither',
  'nor',
  'without',
  'non',
  'except',
  'excluding',
]);

/** What `PromptFacts.negations` holds for each verb of avoiding (`prevent`, `stop … from`). */
export const AVOIDING = 'avoid';

/**
 * Verbs that ask how *not* to do what follows: `exercises for back pain` is not `exercises to
 * avoid with back pain`, while `avoid`, `prevent` and `stop … from` ask alike.
 */
export const AVOIDANCE_WORDS: ReadonlySet<string> = new Set([
  'avoid',
  'avoids',
  'avoided',
  'avoiding',
  'prevent',
  'prevents',
  'prevented',
  'preventing',
]);

/**
 * Pairs of words that flip the meaning of an otherwise identical prompt. Verbs are listed by their
 * base form and inflected by `inflectVerb`; other words are listed with their variants.
 */
const OPPOSITE_VERBS: readonly (readonly [string, string])[] = [
  ['enable', 'disable'],
  ['include', 'exclude'],
  ['increase', 'decrease'],
  ['allow', 'deny'],
  ['allow', 'disallow'],
  ['permit', 'forbid'],
  ['add', 'remove'],
  ['add', 'subtract'],
  ['open', 'close'],
  ['start', 'stop'],
  ['start', 'end'],
  ['buy', 'sell'],
  ['import', 'export'],
  ['encrypt', 'decrypt'],
  ['encode', 'decode'],
  ['compress', 'decompress'],
  ['upload', 'download'],
  ['upgrade', 'downgrade'],
  ['push', 'pull'],
  ['lock', 'unlock'],
  ['show', 'hide'],
  ['accept', 'reject'],
  ['approve', 'reject'],
  ['win', 'lose'],
  ['pass', 'fail'],
  ['succeed', 'fail'],
  ['connect', 'disconnect'],
  ['install', 'uninstall'],
  ['subscribe', 'unsubscribe'],
  ['follow', 'unfollow'],
  ['block', 'unblock'],
  ['mount', 'unmount'],
  ['archive', 'unarchive'],
  ['attach', 'detach'],
  ['activate', 'deactivate'],
  ['grant', 'revoke'],
  ['lend', 'borrow'],
  ['send', 'receive'],
  ['maximize', 'minimize'],
  ['merge', 'split'],
  ['credit', 'debit'],
  ['expand', 'collapse'],
  ['zip', 'unzip'],
  ['pause', 'resume'],
  ['freeze', 'unfreeze'],
  ['hire', 'fire'],
  ['resign', 'dismiss'],
  ['quit', 'dismiss'],
  ['ascend', 'descend'],
  // Contract terms: what outlives a contract and what ends with it.
  ['survive', 'expire'],
  ['survive', 'terminate'],
  ['survive', 'end'],
  ['survive', 'lapse'],
  ['allow', 'prohibit'],
  ['permit', 'prohibit'],
  ['renew', 'terminate'],
  ['extend', 'shorten'],
  ['confirm', 'cancel'],
  ['raise', 'lower'],
];

const OPPOSITE_WORDS: readonly (readonly [readonly string[], readonly string[]])[] = [
  [
    ['before', 'prior', 'ahead'],
    ['after', 'past'],
  ],
  [
    ['above', 'over'],
    ['below', 'under'],
  ],
  [['more'], ['less', 'fewer']],
  // `more than 25` is `over 25`, `less than 6 hours` is `under 6 hours`.
  [
    ['more', 'above', 'over'],
    ['less', 'fewer', 'below', 'under'],
  ],
  // `during probation` against `after probation`, `once probation is over`.
  [
    ['during', 'while'],
    ['after', 'before', 'once'],
  ],
  // `within 30 days` against `after 30 days`, `later than 30 days`.
  [
    ['within', 'inside'],
    ['after', 'later', 'beyond', 'outside', 'past', 'once'],
  ],
  [
    ['domestic', 'domestically', 'home'],
    ['international', 'internationally', 'abroad', 'foreign', 'overseas'],
  ],
  [['most'], ['least', 'fewest']],
  // `arguments for nuclear power` against `arguments against nuclear power`.
  [
    ['for', 'pro', 'pros'],
    ['against', 'con', 'cons'],
  ],
  [['fresh'], ['dried', 'frozen', 'canned', 'tinned']],
  [
    ['common', 'frequent'],
    ['rare', 'uncommon', 'infrequent'],
  ],
  [
    ['min', 'minimum', 'minimal', 'lowest', 'smallest'],
    ['max', 'maximum', 'maximal', 'highest', 'largest', 'biggest'],
  ],
  [
    ['greater', 'higher', 'larger', 'bigger'],
    ['smaller', 'lower', 'lesser'],
  ],
  [
    ['first', 'earliest', 'oldest'],
    ['last', 'latest', 'newest'],
  ],
  [
    ['inside', 'internal'],
    ['outside', 'external'],
  ],
  [
    ['inbound', 'incoming'],
    ['outbound', 'outgoing'],
  ],
  [['input'], ['output']],
  [['public'], ['private']],
  [['true'], ['false']],
  [['valid'], ['invalid']],
  [['legal'], ['illegal']],
  [['possible'], ['impossible']],
  [['correct'], ['incorrect']],
  [
    ['success', 'successful'],
    ['failure', 'unsuccessful'],
  ],
  [
    ['ascending', 'asc'],
    ['descending', 'desc'],
  ],
  [
    ['synchronous', 'sync'],
    ['asynchronous', 'async'],
  ],
  [
    ['uppercase', 'upper'],
    ['lowercase', 'lower'],
  ],
  [
    ['horizontal', 'horizontally'],
    ['vertical', 'vertically'],
  ],
  [['left'], ['right']],
  [['positive'], ['negative']],
  [['best'], ['worst']],
  [['better'], ['worse']],
  [['cheapest', 'cheaper'], ['expensive']],
  [
    ['fastest', 'faster'],
    ['slowest', 'slower'],
  ],
  [
    ['hot', 'hotter', 'warm'],
    ['cold', 'colder', 'cool'],
  ],
  [['always'], ['sometimes', 'never']],
  [['all', 'every'], ['some']],
  [['same'], ['different']],
  [['online'], ['offline']],
  [['enabled'], ['disabled']],
  [
    ['local', 'locally'],
    ['remote', 'remotely'],
  ],
  [
    ['pros', 'advantages', 'benefits'],
    ['cons', 'disadvantages', 'drawbacks'],
  ],
  [['profit'], ['loss']],
  [
    ['gain', 'gains'],
    ['loss', 'losses'],
  ],
  [
    ['rise', 'rises', 'rising'],
    ['fall', 'falls', 'falling'],
  ],
  [
    ['buyer', 'buyers'],
    ['seller', 'sellers'],
  ],
  [['client'], ['server']],
  [['frontend'], ['backend']],
  [
    ['male', 'men', 'man'],
    ['female', 'women', 'woman'],
  ],
  [
    ['boy', 'boys'],
    ['girl', 'girls'],
  ],
  [
    ['start', 'beginning'],
    ['end', 'ending'],
  ],
  [['gross'], ['net']],
  [
    ['mandatory', 'compulsory'],
    ['optional', 'voluntary'],
  ],
  [['inclusive'], ['exclusive']],
  [['earlier', 'sooner'], ['later']],
  [['early'], ['late']],
  [['paid'], ['unpaid']],
  [['refundable'], ['nonrefundable']],
  [['upfront'], ['arrears']],
  [['cause'], ['convenience']],
];

/**
 * Noun forms of opposite words, compared as their verb (`termination` and `terminated` are the same
 * event to the guard, so rewording one as the other is not a veto).
 */
export const OPPOSITE_NOUN_FORMS: Readonly<Record<string, string>> = createWordTable({
  survival: 'survive',
  expiry: 'expire',
  expiration: 'expire',
  termination: 'terminate',
  terminations: 'terminate',
  renewal: 'renew',
  renewals: 'renew',
  extension: 'extend',
  cancellation: 'cancel',
  cancelation: 'cancel',
  confirmation: 'confirm',
  prohibition: 'prohibit',
  permission: 'permit',
  inclusion: 'include',
  exclusion: 'exclude',
  approval: 'approve',
  rejection: 'reject',
});

/** `enable` → `enable enables enabled enabling` (with doubled final consonants and `-y` verbs). */
export function inflectVerb(base: string): string[] {
  const irregular: Record<string, string[]> = {
    buy: ['bought'],
    sell: ['sold'],
    win: ['won'],
    lose: ['lost'],
    lend: ['lent'],
    send: ['sent'],
    split: ['split'],
    freeze: ['froze', 'frozen'],
    show: ['shown'],
    hide: ['hid', 'hidden'],
    forbid: ['forbade', 'forbidden'],
  };
  const forms = [base, ...(irregular[base] ?? [])];
  if (base.endsWith('e')) {
    forms.push(`${base}s`, `${base}d`, `${base.slice(0, -1)}ing`);
  } else if (/[^aeiou]y$/.test(base)) {
    forms.push(`${base.slice(0, -1)}ies`, `${base.slice(0, -1)}ied`, `${base}ing`);
  } else if (/^[^aeiou]*[aeiou][bdgklmnprtz]$/.test(base)) {
    const doubled = `${base}${base.at(-1)}`;
    forms.push(`${base}s`, `${doubled}ed`, `${doubled}ing`);
  } else {
    const plural = /(s|sh|ch|x|z)$/.test(base) ? `${base}es` : `${base}s`;
    forms.push(plural, `${base}ed`, `${base}ing`);
  }
  return forms;
}

/** One opposite word as the guard reads it: its concept, and the pairs and sides it belongs to. */
export interface OppositeWord {
  /**
   * What the word means to the guard: a verb's inflections and noun forms map to its base
   * (`terminated`, `termination` → `terminate`), other words to the first word of their side
   * (`buyers` → `buyer`, `largest` → `max`).
   */
  concept: string;
  /** `pair * 2 + side` for every pair the word is a side of. */
  sides: readonly number[];
}

/** Every opposite word and what the guard reads in it. */
export const OPPOSITE_WORDS_BY_TOKEN: ReadonlyMap<string, OppositeWord> = (() => {
  const words = new Map<string, { concept: string; sides: number[] }>();
  const addWord = (word: string, concept: string, side: number) => {
    const known = words.get(word);
    if (known) known.sides.push(side);
    else words.set(word, { concept, sides: [side] });
  };
  let pair = 0;
  for (const bases of OPPOSITE_VERBS) {
    bases.forEach((base, side) => {
      const forms = [
        ...inflectVerb(base),
        ...Object.keys(OPPOSITE_NOUN_FORMS).filter((noun) => OPPOSITE_NOUN_FORMS[noun] === base),
      ];
      for (const form of forms) addWord(form, base, pair * 2 + side);
    });
    pair++;
  }
  for (const sides of OPPOSITE_WORDS) {
    sides.forEach((words, side) => {
      for (const word of words)
        addWord(word, word === words[0] ? word : words[0]!, pair * 2 + side);
    });
    pair++;
  }
  return words;
})();

/**
 * Roles of the parties to an agreement, singular and plural mapped to one name. Two prompts that
 * both name parties must name the same ones, in the same order: `Can the buyer terminate?` is not
 * `Can the supplier terminate?`, and `Does the licensor indemnify the licensee?` is not the reverse.
 */
export const PARTY_ROLES: ReadonlyMap<string, string> = new Map(
  [
    'buyer',
    'seller',
    'supplier',
    'vendor',
    'purchaser',
    'customer',
    'provider',
    'licensor',
    'licensee',
    'landlord',
    'tenant',
    'lessor',
    'lessee',
    'employer',
    'employee',
    'contractor',
    'subcontractor',
    'consultant',
    'lender',
    'borrower',
    'creditor',
    'debtor',
    'guarantor',
    'insurer',
    'policyholder',
    'beneficiary',
    'grantor',
    'grantee',
    'assignor',
    'assignee',
    'franchisor',
    'franchisee',
    'distributor',
    'reseller',
    'manufacturer',
    'shipper',
    'carrier',
    'consignor',
    'consignee',
    'principal',
    'agent',
    'discloser',
    'recipient',
    'client',
    'contractee',
    'shareholder',
    'investor',
    'company',
    'guest',
    'hotel',
    'patient',
    'traveler',
    'passenger',
  ].flatMap((role) => [
    [role, role],
    [`${role}s`, role],
  ]),
);

/**
 * Function words: a minimal edit that only adds or swaps these (`the`, `please`, `is`) is a
 * rewording, not a different question. Negations and opposites are not here: their guards see them.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'this',
  'that',
  'these',
  'those',
  'is',
  'are',
  'was',
  'were',
  'be',
  'been',
  'being',
  'am',
  'do',
  'does',
  'did',
  'done',
  'have',
  'has',
  'had',
  'will',
  'would',
  'shall',
  'should',
  'can',
  'could',
  'may',
  'might',
  'must',
  'i',
  'me',
  'my',
  'we',
  'us',
  'our',
  'you',
  'your',
  'he',
  'she',
  'it',
  'its',
  'they',
  'them',
  'their',
  'what',
  'which',
  'who',
  'whom',
  'whose',
  'when',
  'where',
  'why',
  'how',
  'of',
  'in',
  'on',
  'at',
  'to',
  'for',
  'from',
  'by',
  'with',
  'as',
  'into',
  'onto',
  'about',
  'and',
  'or',
  'but',
  'if',
  'then',
  'so',
  'any',
  'there',
  'here',
  'please',
  'kindly',
  'just',
  'also',
  'exactly',
  'actually',
  'really',
  'tell',
  'number',
  'like',
  'get',
  'give',
]);

/**
 * Phrases that may replace each other in an otherwise identical prompt (`turn on dark mode` /
 * `enable dark mode`), each group written as the prompts' tokens joined by spaces.
 */
export const PHRASE_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['turn on', 'switch on', 'enable', 'activate'],
  ['turn off', 'switch off', 'disable', 'deactivate'],
  ['sign in', 'log in', 'login', 'signin'],
  ['sign out', 'log out', 'logout', 'signout'],
  ['sign up', 'register', 'signup'],
  ['set up', 'setup', 'configure'],
  ['simply', 'in simple terms', 'in plain terms', 'in simple words'],
];

/**
 * Words that may replace each other in an otherwise identical prompt without changing the question,
 * for the minimal-edit guard. Deliberately short: a missing pair costs a hit, a wrong one an answer.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['world', 'earth'],
  ['big', 'large'],
  ['small', 'little', 'tiny'],
  ['buy', 'purchase'],
  ['start', 'begin'],
  ['finish', 'complete'],
  ['quick', 'fast', 'rapid'],
  ['show', 'display', 'list'],
  ['make', 'create'],
  ['help', 'assist'],
  ['explain', 'describe'],
  ['summarize', 'summary', 'recap'],
  ['fee', 'charge', 'cost', 'price'],
  ['allowed', 'permitted'],
  ['agreement', 'contract'],
  ['reply', 'response', 'answer'],
  ['deadline', 'cutoff'],
  ['period', 'time', 'duration'],
  ['kept', 'retained', 'stored'],
  ['wrote', 'written', 'author', 'authored', 'writer'],
  ['directed', 'director'],
  ['write', 'draft', 'compose'],
  ['update', 'change', 'modify'],
  ['delete', 'remove', 'erase'],
  ['avoid', 'prevent'],
  ['yearly', 'annual', 'annually'],
  ['times', 'x', 'multiplied'],
  ['turn', 'switch'],
  ['every', 'each'],
  ['exit', 'quit'],
  ['recommend', 'suggest'],
  ['many', 'much'],
  ['often', 'frequently'],
  ['second', 'seconds', 'sec', 'secs'],
  ['minute', 'minutes', 'min', 'mins'],
  ['hour', 'hours', 'hr', 'hrs'],
  ['week', 'weeks', 'wk', 'wks'],
  ['year', 'years', 'yr', 'yrs'],
];

/**
 * High-information word categories: two prompts that differ in one of these words ask different
 * questions (`Spanish` vs `Italian`, `weekly` vs `monthly`, `leap year` vs `year`). Multi-word
 * entries are matched as phrases.
 */
export const WORD_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  // Data operations: `select all users` and `delete all users` share every other word.
  data_operations: [
    'select',
    'insert',
    'update',
    'upsert',
    'delete',
    'drop',
    'truncate',
    'create',
    'alter',
    'read',
    'write',
  ],
  weekdays: [
    'monday',
    'tuesday',
    'wednesday',
    'thursday',
    'friday',
    'saturday',
    'sunday',
    'weekday',
    'weekend',
    'today',
    'tomorrow',
    'yesterday',
    'tonight',
  ],
  months: [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ],
  seasons: ['spring', 'summer', 'autumn', 'winter'],
  languages: [
    'english',
    'spanish',
    'italian',
    'french',
    'german',
    'portuguese',
    'dutch',
    'swedish',
    'norwegian',
    'danish',
    'finnish',
    'polish',
    'czech',
    'slovak',
    'hungarian',
    'romanian',
    'bulgarian',
    'greek',
    'turkish',
    'russian',
    'ukrainian',
    'arabic',
    'hebrew',
    'persian',
    'farsi',
    'hindi',
    'bengali',
    'urdu',
    'tamil',
    'chinese',
    'mandarin',
    'cantonese',
    'japanese',
    'korean',
    'vietnamese',
    'thai',
    'indonesian',
    'malay',
    'filipino',
    'tagalog',
    'swahili',
    'latin',
    'catalan',
    'basque',
    'welsh',
    'irish',
    'icelandic',
  ],
  programming_languages: [
    'python',
    'javascript',
    'typescript',
    'java',
    'kotlin',
    'scala',
    'rust',
    'golang',
    'ruby',
    'php',
    'perl',
    'swift',
    'c++',
    'c#',
    'haskell',
    'elixir',
    'erlang',
    'clojure',
    'lua',
    'dart',
    'julia',
    'matlab',
    'fortran',
    'cobol',
    'sql',
    'bash',
    'powershell',
    'html',
    'css',
    'json',
    'yaml',
    'xml',
    'toml',
    'csv',
  ],
  countries: [
    'usa',
    'america',
    'united states',
    'canada',
    'mexico',
    'brazil',
    'argentina',
    'chile',
    'colombia',
    'peru',
    'uk',
    'britain',
    'united kingdom',
    'england',
    'scotland',
    'ireland',
    'france',
    'germany',
    'spain',
    'portugal',
    'italy',
    'netherlands',
    'belgium',
    'switzerland',
    'austria',
    'sweden',
    'norway',
    'denmark',
    'finland',
    'poland',
    'greece',
    'turkey',
    'russia',
    'ukraine',
    'egypt',
    'nigeria',
    'kenya',
    'south africa',
    'morocco',
    'israel',
    'iran',
    'iraq',
    'saudi arabia',
    'india',
    'pakistan',
    'bangladesh',
    'china',
    'japan',
    'korea',
    'south korea',
    'north korea',
    'vietnam',
    'thailand',
    'indonesia',
    'philippines',
    'malaysia',
    'singapore',
    'australia',
    'new zealand',
  ],
  colors: [
    'red',
    'green',
    'blue',
    'yellow',
    'orange',
    'purple',
    'violet',
    'pink',
    'black',
    'white',
    'gray',
    'brown',
    'cyan',
    'magenta',
    'gold',
    'silver',
  ],
  units: [
    'millisecond',
    'milliseconds',
    'ms',
    'second',
    'seconds',
    'minute',
    'minutes',
    'hour',
    'hours',
    'day',
    'days',
    'week',
    'weeks',
    'month',
    'months',
    'year',
    'years',
    'decade',
    'decades',
    'century',
    'centuries',
    'millimeter',
    'millimeters',
    'mm',
    'centimeter',
    'centimeters',
    'cm',
    'meter',
    'meters',
    'kilometer',
    'kilometers',
    'km',
    'inch',
    'inches',
    'foot',
    'feet',
    'ft',
    'yard',
    'yards',
    'mile',
    'miles',
    'gram',
    'grams',
    'kilogram',
    'kilograms',
    'kg',
    'pound',
    'pounds',
    'lb',
    'lbs',
    'ounce',
    'ounces',
    'oz',
    'ton',
    'tons',
    'liter',
    'liters',
    'milliliter',
    'milliliters',
    'ml',
    'gallon',
    'gallons',
    'celsius',
    'fahrenheit',
    'kelvin',
    'byte',
    'bytes',
    'kilobyte',
    'kilobytes',
    'kb',
    'megabyte',
    'megabytes',
    'mb',
    'gigabyte',
    'gigabytes',
    'gb',
    'terabyte',
    'terabytes',
    'tb',
    'bit',
    'bits',
    'watt',
    'watts',
    'kw',
    'kwh',
    'volt',
    'volts',
    'hz',
    'mhz',
    'ghz',
    'dollar',
    'dollars',
    'usd',
    'euro',
    'euros',
    'eur',
    'gbp',
    'yen',
    'jpy',
    'yuan',
    'rupee',
    'rupees',
    'franc',
    'francs',
  ],
  periods: [
    'hourly',
    'daily',
    'nightly',
    'weekly',
    'biweekly',
    'monthly',
    'quarterly',
    'yearly',
    'annual',
    'annually',
  ],
  calendar_terms: [
    'leap',
    'fiscal',
    'calendar',
    'business',
    'working',
    'lunar',
    'solar',
    'academic',
    'school',
  ],
  directions: [
    'north',
    'south',
    'east',
    'west',
    'northeast',
    'northwest',
    'southeast',
    'southwest',
    'northern',
    'southern',
    'eastern',
    'western',
  ],
};

/**
 * Categories of `WORD_CATEGORIES` that add detail rather than change the subject: a prompt naming
 * none of them, or fewer, asks the same thing (`How long are backups kept?` / `For how many days…`),
 * so only naming different ones (`miles` / `kilometers`, `weekly` / `monthly`) vetoes.
 */
export const DETAIL_CATEGORIES: ReadonlySet<string> = new Set(['units', 'periods']);

/** Prepositions after which `may` and `march` are months rather than a verb. */
export const MONTH_CONTEXT_WORDS: ReadonlySet<string> = new Set([
  'in',
  'of',
  'since',
  'until',
  'till',
  'before',
  'after',
  'during',
  'from',
  'by',
  'on',
  'early',
  'late',
  'mid',
  'end',
  'next',
  'last',
  'this',
]);
