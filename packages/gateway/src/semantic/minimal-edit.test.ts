import { describe, expect, it } from 'vitest';
import { tokenizeText } from '../embed/normalize-text';
import { describeMinimalEdit } from './minimal-edit';

const edit = (cached: string, incoming: string) =>
  describeMinimalEdit(tokenizeText(cached), tokenizeText(incoming));

describe('describeMinimalEdit', () => {
  it('vetoes one or two substituted content words in the same sentence', () => {
    expect(
      edit(
        'Does this contract include a termination-for-cause clause?',
        'Does this contract include a termination for convenience clause?',
      ),
    ).toBe('words differ: cause vs convenience');
    expect(
      edit('Which clause covers data protection?', 'Which clause covers data retention?'),
    ).toBe('words differ: protection vs retention');
    expect(
      edit(
        'Who owns the intellectual property in the deliverables?',
        'Who owns the intellectual property in the source code?',
      ),
    ).toBe('words differ: deliverables vs source code');
    // Differing parts under a shared instruction line can be this short.
    expect(edit('good morning', 'good evening')).toBe('words differ: morning vs evening');
    expect(edit('Apples', 'Pears')).toBe('words differ: apples vs pears');
  });

  it('passes inflections, spelling variants, synonyms and same-side opposites', () => {
    expect(edit('When was the booking cancelled?', 'When was the booking canceled?')).toBeNull();
    expect(edit('What is the liability cap?', 'Is the liability capped?')).toBeNull();
    expect(edit('Summarise the contract', 'Give a summary of the contract')).toBeNull();
    expect(
      edit('Which region had the highest revenue?', 'Which region had the largest revenue?'),
    ).toBeNull();
  });

  it('leaves rewordings, most added words and moved words to the similarity', () => {
    expect(edit('What time is check-out?', 'When does check-out close?')).toBeNull();
    expect(
      edit('Explain the getUserById function', 'Explain the getUserById function, please'),
    ).toBeNull();
    expect(edit('Tokyo is in which time zone?', 'Which time zone is Tokyo in?')).toBeNull();
  });

  it('vetoes one question word put in place of another that asks for something else', () => {
    expect(edit('Why did the Roman Empire fall?', 'When did the Roman Empire fall?')).toBe(
      'words differ: why vs when',
    );
    expect(edit('Where was Einstein born?', 'When was Einstein born?')).toBe(
      'words differ: where vs when',
    );
    expect(edit('How does a vaccine work?', 'Why does a vaccine work?')).toBe(
      'words differ: how vs why',
    );
    // The same question, or what it asks named by a word of its own.
    expect(edit('Which is the tallest building?', 'What is the tallest building?')).toBeNull();
    expect(edit('Who did you call?', 'Whom did you call?')).toBeNull();
    expect(edit('When does the museum open?', 'What time does the museum open?')).toBeNull();
  });

  it('vetoes an added word that names a kind of the thing, and passes neutral ones', () => {
    expect(edit('Is Pluto a planet?', 'Is Pluto a dwarf planet?')).toBe(
      'words differ: none vs dwarf planet',
    );
    expect(edit('How much does an electric car cost?', 'How much does a car cost?')).toBe(
      'words differ: electric car vs none',
    );
    expect(edit('How do I make bread?', 'How do I make sourdough bread?')).toBe(
      'words differ: none vs sourdough bread',
    );
    expect(edit('What is the current time in London?', 'What is the time in London?')).toBeNull();
    expect(edit('Recommend a book about space', 'Recommend a good book about space')).toBeNull();
    // Added after the noun, or more than one word: a rewording.
    expect(
      edit('What is the capital of France?', 'What is the capital city of France?'),
    ).toBeNull();
  });

  it('vetoes a question set by a point in time against one set after it', () => {
    expect(
      edit(
        'Can I get my money back when cancelling in the first two weeks?',
        'Can I get my money back when cancelling after the first two weeks?',
      ),
    ).toBe('words differ: in vs after');
    expect(
      edit(
        'Is it refunded if I cancel within 14 days?',
        'Is it refunded if I cancel before 14 days?',
      ),
    ).toBeNull();
  });

  it('vetoes a word dropped in one place and another added in another', () => {
    expect(
      edit(
        'Does a windscreen claim lower my no-claims discount?',
        'Does making a claim lower my no-claims discount?',
      ),
    ).toBe('words differ: windscreen vs making');
  });

  it('vetoes up to three words swapped one for one in the same sentence', () => {
    expect(
      edit(
        'How long do I get a courtesy car while my car is repaired?',
        'How long do I get a hire car if my car is stolen?',
      ),
    ).toBe('words differ: courtesy vs hire');
    // Three content words changed with words added is a rewording.
    expect(
      edit('How many people live in New York City?', 'What is the population of New York City?'),
    ).toBeNull();
  });

  it('vetoes an added condition, however long', () => {
    expect(
      edit(
        'Does the policy pay if my car is stolen?',
        'Does the policy pay if the car is stolen with the keys inside?',
      ),
    ).toBe('words differ: none vs with keys inside');
    expect(edit('Can I return the shoes if I wore them outside?', 'Can I return the shoes?')).toBe(
      'words differ: if wore outside vs none',
    );
    // A phrase that narrows what is asked about, too.
    expect(
      edit('At what heat should I roast it?', 'At what heat should I roast it in a fan oven?'),
    ).toBe('words differ: none vs in fan oven');
    expect(edit('Is there a termination clause?', 'Is there a termination for cause clause?')).toBe(
      'words differ: none vs for cause',
    );
  });

  it('vetoes a particle swapped for its opposite, and passes a compound written apart', () => {
    expect(edit('Turn on the lights in the kitchen', 'Turn off the lights in the kitchen')).toBe(
      'words differ: on vs off',
    );
    expect(edit('How do I log in?', 'How do I log out?')).toBe('words differ: in vs out');
    expect(edit('Scale the cluster up', 'Scale the cluster down')).toBe('words differ: up vs down');
    expect(edit('How do I log in to my account?', 'how do i login to my account')).toBeNull();
  });

  it('vetoes a modal, a past against a future, a third person or a count changed in place', () => {
    expect(
      edit(
        'Must the buyer notify the supplier of defects?',
        'May the buyer notify the supplier of defects?',
      ),
    ).toBe('words differ: must vs may');
    expect(edit('Does the employee have to sign the NDA?', 'Can the employee sign the NDA?')).toBe(
      'words differ: have to vs can',
    );
    expect(edit('Did it rain today?', 'Will it rain today?')).toBe('words differ: did vs will');
    expect(edit('Who won the election?', 'Who will win the election?')).toBe(
      'words differ: won vs will',
    );
    expect(edit('What languages does she speak?', 'What languages does he speak?')).toBe(
      'words differ: she vs he',
    );
    expect(edit('Do all plans include support?', 'Do any plans include support?')).toBe(
      'words differ: all vs any',
    );
    // Same meaning, or a present tense that stands for either.
    expect(edit('Can I get a refund?', 'May I get a refund?')).toBeNull();
    expect(edit('Does every user need a licence?', 'Does each user need a licence?')).toBeNull();
    expect(edit('What is net income for Q3?', 'What was net income for Q3?')).toBeNull();
  });

  it('vetoes a speaker pronoun put where the other prompt names someone', () => {
    expect(
      edit('If I cancel late, who pays the fee?', 'If the company cancels late, who pays the fee?'),
    ).toBe('words differ: i vs company');
    expect(edit('How do I reset my password?', 'How do you reset your password?')).toBeNull();
    expect(
      edit('Is smoking allowed outside the building?', 'Can I smoke outside the building?'),
    ).toBeNull();
  });

  it('vetoes an added word that asks for another quantity', () => {
    expect(edit('What is the square of 16?', 'What is the square root of 16?')).toBe(
      'words differ: none vs root',
    );
    expect(edit('What is the average price?', 'What is the price?')).toBe(
      'words differ: average vs none',
    );
    expect(
      edit('What is the capital of France?', 'What is the capital city of France?'),
    ).toBeNull();
  });

  it('leaves numbers to the number guard', () => {
    expect(edit('List the 2nd item', 'list the second item')).toBeNull();
  });
});
