import { describe, expect, it } from 'vitest';
import { extractSymbolRuns } from './symbol-runs';

describe('extractSymbolRuns', () => {
  it.each([
    ['When should I use ?? instead of ||?', ['??', '||']],
    ['What does x += 1 do?', ['+=']],
    ['What does $? mean in bash?', ['$?']],
    ['What does a?.b mean in TypeScript?', ['?.']],
    ['What is [] in Python?', ['[]']],
    ['What does ~/ mean in a path?', ['~/']],
    ['What does @Override do in Java?', ['@']],
    ['What does !important mean in CSS?', ['!']],
    ['Is C# faster than C++?', ['#', '++']],
  ])('keeps the symbols of %j', (text, runs) => {
    expect(extractSymbolRuns(text)).toEqual(runs);
  });

  it.each([
    "Don't panic: what's a well-known use of Node.js, in km/h (roughly)?",
    'Explain the <div> tag — briefly, please!',
    '"Quoted," she said. ¿Qué? ¡Sí!',
    'What is 15% of $20, and 2 + 2 = 4, and item #123?',
    'What does `git status` show? 😊',
    "C'est quoi, un pointeur ?",
  ])('ignores the prose punctuation and number signs of %j', (text) => {
    expect(extractSymbolRuns(text)).toEqual([]);
  });
});
