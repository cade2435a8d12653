import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPromptGuards, DEFAULT_GUARDS, GUARD_NAMES, isGuardName } from './guards';

interface GuardCases {
  near_misses: { guard: string; cached: string; incoming: string }[];
  near_duplicates: [string, string][];
}

const guardCases = JSON.parse(
  readFileSync(new URL('../../test/fixtures/guard-cases.json', import.meta.url), 'utf8'),
) as GuardCases;

describe('checkPromptGuards', () => {
  it('says what differed', () => {
    expect(checkPromptGuards('What is 15% of 200?', 'What is 25% of 200?')).toEqual({
      guard: 'number',
      detail: 'numbers differ: 15% vs 25%',
    });
    expect(checkPromptGuards('Is port 443 open?', 'Is port 8443 open?')).toEqual({
      guard: 'number',
      detail: 'numbers differ: 443 vs 8443',
    });
    expect(checkPromptGuards('Should I enable 2FA?', 'Should I disable 2FA?')).toEqual({
      guard: 'negation',
      detail: 'opposites differ: enable vs disable',
    });
    expect(checkPromptGuards('Send it to Alice', 'Send it to Bob')).toEqual({
      guard: 'entity',
      detail: 'names differ: alice vs bob',
    });
    expect(
      checkPromptGuards("Translate 'hello' to Spanish", "Translate 'hello' to Italian"),
    ).toEqual({
      guard: 'entity',
      detail: 'languages differ: spanish vs italian',
    });
    expect(checkPromptGuards('Explain `git rebase`', 'Explain `git  rebase --onto`')).toEqual({
      guard: 'quoted',
      detail: 'quoted texts differ: none vs git rebase --onto',
    });
    expect(
      checkPromptGuards('Parse data_v1.csv', 'Parse data_v2.csv', { guards: ['code'] }),
    ).toEqual({
      guard: 'code',
      detail: 'code tokens differ: data_v1.csv vs data_v2.csv',
    });
  });

  it('treats number spellings alike: separators, words, ordinals, percent', () => {
    expect(checkPromptGuards('Send 1,000 invites', 'send 1000 invites')).toBeNull();
    expect(checkPromptGuards('Give me twenty five ideas', 'Give me 25 ideas')).toBeNull();
    expect(checkPromptGuards('What is in the third row?', 'What is in the 3rd row?')).toBeNull();
    expect(checkPromptGuards('Add 7 percent tax', 'Add 7% tax')).toBeNull();
    expect(checkPromptGuards('Budget of 3 million', 'Budget of 3,000,000')).toBeNull();
    expect(checkPromptGuards('Show the top 5 items', 'Show the top 05 items')).toBeNull();
    expect(checkPromptGuards('What is 7 percent of 90', 'What is 7 of 90')?.guard).toBe('number');
  });

  it('compares arithmetic operators, by symbol or by word', () => {
    expect(checkPromptGuards('What is 2 + 2?', 'What is 2 * 2?')).toEqual({
      guard: 'number',
      detail: 'operators differ: + vs ×',
    });
    expect(checkPromptGuards('Is a < b?', 'Is a > b?')?.guard).toBe('number');
    expect(checkPromptGuards('What is 10 - 3?', 'What is 10 minus 3?')).toBeNull();
    expect(checkPromptGuards('What is 6 times 7?', 'what is 6x7')).toBeNull();
    expect(checkPromptGuards('What is 12 divided by 4?', 'What is 12 / 4?')).toBeNull();
    expect(checkPromptGuards('What times does it open?', 'When does it open?')).toBeNull();
    expect(checkPromptGuards('Solve 2x + 3 = 7', 'Solve 2x - 3 = 7')?.detail).toBe(
      'operators differ: + vs -',
    );
  });

  it('vetoes an amount that loses its unit', () => {
    expect(checkPromptGuards('Set the timeout to 30 seconds', 'Set the timeout to 30')).toEqual({
      guard: 'number',
      detail: 'amounts differ: 30 second vs 30',
    });
    expect(checkPromptGuards('Run 5km', 'Run 5 km')).toBeNull();
    expect(checkPromptGuards('Set a timer for 10 minutes', 'Set a timer for 10 mins')).toBeNull();
    expect(checkPromptGuards('Wait 3 days', 'Wait three days')).toBeNull();
  });

  it('vetoes a yes-no question against a how-much one, and a condition only one prompt sets', () => {
    expect(
      checkPromptGuards(
        'Does the policy pay if my car is stolen?',
        'How long do I get a hire car if my car is stolen?',
      ),
    ).toEqual({ guard: 'edit', detail: 'questions differ: yes-no vs amount' });
    expect(
      checkPromptGuards(
        'Is theft covered if I left the keys in the car?',
        'Is theft of the car covered?',
      ),
    ).toEqual({ guard: 'edit', detail: 'conditions differ: if left key vs none' });
    expect(
      checkPromptGuards(
        'Is theft of the car covered?',
        'Is theft covered if I left the keys in the car?',
      ),
    ).toEqual({ guard: 'edit', detail: 'conditions differ: none vs if left key' });
    // Both set one, or the condition only repeats what the other asks: a rewording.
    expect(
      checkPromptGuards(
        'What refund do I get if I cancel within 14 days?',
        'If I cancel before 14 days have passed, what is refunded?',
      ),
    ).toBeNull();
    expect(
      checkPromptGuards(
        'How much is the gym joining fee?',
        'How much does the gym charge to join?',
      ),
    ).toBeNull();
  });

  it('vetoes two phrases swapped around the same words', () => {
    expect(checkPromptGuards('Does the dog chase the cat?', 'Does the cat chase the dog?')).toEqual(
      { guard: 'order', detail: 'word orders differ: dog … cat vs cat … dog' },
    );
    expect(
      checkPromptGuards('Merge the branch into main', 'Merge main into the branch')?.guard,
    ).toBe('order');
    expect(
      checkPromptGuards('Rank these from best to worst', 'Rank these from worst to best')?.guard,
    ).toBe('order');
    // A day or month moves around the other items freely, but not around another day or month.
    expect(
      checkPromptGuards('Book a flight to London on Friday', 'Book a flight on Friday to London'),
    ).toBeNull();
    expect(
      checkPromptGuards(
        'Alice works on Monday and Bob on Friday',
        'Alice works on Friday and Bob on Monday',
      )?.guard,
    ).toBe('order');
    // One-letter names, the first of which reads as the article `a`.
    expect(checkPromptGuards('Is A a subset of B?', 'Is B a subset of A?')).toEqual({
      guard: 'order',
      detail: 'word orders differ: a … b vs b … a',
    });
    expect(
      checkPromptGuards('Tokyo is in which time zone?', 'Which time zone is Tokyo in?'),
    ).toBeNull();
  });

  it('vetoes a movement named the other way round, however it is worded', () => {
    expect(
      checkPromptGuards(
        'Can I copy the database from production to staging?',
        'Is copying the database from staging to production allowed?',
      ),
    ).toEqual({
      guard: 'order',
      detail: 'directions differ: production → staging vs staging → production',
    });
    expect(
      checkPromptGuards(
        'Move the files to the archive from the inbox',
        'Move files from the archive into the inbox',
      )?.guard,
    ).toBe('order');
    expect(
      checkPromptGuards(
        'Can I copy the database from production to staging?',
        'Is copying the database from production to staging allowed?',
      ),
    ).toBeNull();
  });

  it('vetoes opposite particles on the same word, however the prompts are worded', () => {
    expect(
      checkPromptGuards(
        'When do items that are out of stock ship?',
        'How fast do in-stock items ship?',
      ),
    ).toEqual({ guard: 'negation', detail: 'opposites differ: item out vs item in' });
    // The particle after its object (`turn maintenance mode on`) still meets the one before it.
    expect(
      checkPromptGuards(
        'When I turn maintenance mode on, what happens?',
        'What does turning off maintenance mode do?',
      )?.guard,
    ).toBe('negation');
    expect(
      checkPromptGuards(
        'What does turning maintenance mode on do?',
        'What happens when I turn maintenance mode off?',
      )?.guard,
    ).toBe('negation');
    expect(
      checkPromptGuards('How do I log in to my account?', 'How can I log in on my account?'),
    ).toBeNull();
  });

  it('vetoes a period placed differently relative to now', () => {
    expect(
      checkPromptGuards('Which users signed up last week?', 'Which users signed up this week?'),
    ).toEqual({ guard: 'entity', detail: 'relative times differ: last week vs this week' });
    expect(checkPromptGuards('Show the next 7 days', 'Show the past 7 days')?.guard).toBe('entity');
    expect(checkPromptGuards('Is it open next Monday?', 'Is it open this Monday?')?.guard).toBe(
      'entity',
    );
    expect(
      checkPromptGuards(
        'Which users signed up last week?',
        'Which users registered in the previous week?',
      ),
    ).toBeNull();
  });

  it('reads outside and within as particles', () => {
    expect(
      checkPromptGuards(
        'Is the service available in the EU?',
        'Is the service available outside the EU?',
      )?.guard,
    ).toBe('negation');
    expect(
      checkPromptGuards(
        'Do you deliver within the city?',
        'Is delivery available outside the city?',
      )?.guard,
    ).toBe('negation');
  });

  it('vetoes an obligation against a permission, however the prompts are worded', () => {
    expect(
      checkPromptGuards(
        'Is the Buyer required to notify the Supplier of defects?',
        'Can the Buyer tell the Supplier about defects?',
      ),
    ).toEqual({ guard: 'negation', detail: 'modals differ: required vs can' });
    expect(checkPromptGuards('Do I have to pay a deposit?', 'Must I pay a deposit?')).toBeNull();
    expect(
      checkPromptGuards('How do I reset my password?', 'How can I reset my password?'),
    ).toBeNull();
  });

  it('vetoes a question about the speaker against one about a named party', () => {
    expect(
      checkPromptGuards(
        'What is my notice period once probation is over?',
        "What is the employer's notice period once probation is over?",
      ),
    ).toEqual({ guard: 'entity', detail: 'party roles differ: my vs employer' });
    expect(
      checkPromptGuards('How much notice must I give?', 'How much notice must I give, please?'),
    ).toBeNull();
  });

  it('reads during against after, and unnecessary against must', () => {
    expect(
      checkPromptGuards(
        'How much notice applies during probation?',
        'How much notice applies after probation?',
      )?.guard,
    ).toBe('negation');
    expect(
      checkPromptGuards(
        'After how many sick days must I bring a medical certificate?',
        'For how many sick days is a medical certificate unnecessary?',
      ),
    ).toEqual({ guard: 'negation', detail: 'modals differ: must vs unnecessary' });
  });

  it('reads plural weekdays as the weekday', () => {
    expect(
      checkPromptGuards('Is the museum open on Sundays?', 'Is the museum open on Sunday?'),
    ).toBeNull();
    expect(
      checkPromptGuards('Is the museum open on Sundays?', 'Is the museum open on Mondays?')?.guard,
    ).toBe('entity');
  });

  it('counts negations, so adding or dropping one vetoes', () => {
    expect(checkPromptGuards("Why won't it start?", 'Why will it not start?')).toBeNull();
    expect(checkPromptGuards('Why will it start?', "Why won't it start?")).toEqual({
      guard: 'negation',
      detail: 'negations differ: none vs not',
    });
  });

  it('matches names case-insensitively and ignores sentence-initial capitals', () => {
    expect(
      checkPromptGuards('What time zone is Tokyo in?', 'what time zone is tokyo in'),
    ).toBeNull();
    expect(checkPromptGuards('Please list my tickets', 'List my tickets please')).toBeNull();
    expect(checkPromptGuards('I think I need a refund', 'i think i need a refund')).toBeNull();
  });

  it('reads words that name built-in object properties as plain words', () => {
    expect(
      checkPromptGuards('What does the constructor do?', 'what does the constructor do'),
    ).toBeNull();
    expect(
      checkPromptGuards(
        'What does the constructor return?',
        'What does the valueOf method return?',
      ),
    ).not.toBeNull();
  });

  it('only applies the configured guards', () => {
    const cached = 'Should I enable two-factor authentication?';
    const incoming = 'Should I disable two-factor authentication?';
    expect(checkPromptGuards(cached, incoming, { guards: [] })).toBeNull();
    expect(checkPromptGuards(cached, incoming, { guards: ['number', 'entity'] })).toBeNull();
    expect(checkPromptGuards(cached, incoming, { guards: ['negation'] })?.guard).toBe('negation');
  });

  it('rejects unknown guard names', () => {
    expect(() => checkPromptGuards('a', 'b', { guards: ['numbers'] })).toThrow(
      'unknown semantic guard "numbers"; known: number, negation, entity, quoted, code, order',
    );
    expect(isGuardName('quoted')).toBe(true);
    expect(isGuardName('spelling')).toBe(false);
    expect(DEFAULT_GUARDS).toEqual(GUARD_NAMES);
  });
});

describe('extra near misses (guard-cases.json)', () => {
  it('covers every guard with several cases', () => {
    expect(guardCases.near_misses.length).toBeGreaterThanOrEqual(20);
    for (const guard of GUARD_NAMES) {
      expect(
        guardCases.near_misses.filter((testCase) => testCase.guard === guard).length,
      ).toBeGreaterThanOrEqual(4);
    }
  });

  it.each(guardCases.near_misses)('$guard vetoes "$cached" vs "$incoming"', (testCase) => {
    const veto = checkPromptGuards(testCase.cached, testCase.incoming);
    expect(veto, 'the default guards must veto').not.toBeNull();
    expect(veto!.detail).toMatch(/ differ: /);
    const alone = checkPromptGuards(testCase.cached, testCase.incoming, {
      guards: [testCase.guard],
    });
    expect(alone?.guard, `the ${testCase.guard} guard alone must veto`).toBe(testCase.guard);
    // Guards are symmetric: which prompt was cached does not matter.
    expect(checkPromptGuards(testCase.incoming, testCase.cached)).not.toBeNull();
  });
});

describe('extra near duplicates (guard-cases.json)', () => {
  it.each(guardCases.near_duplicates)('passes "%s" vs "%s"', (cached, incoming) => {
    expect(checkPromptGuards(cached, incoming)).toBeNull();
    expect(checkPromptGuards(incoming, cached)).toBeNull();
  });
});
