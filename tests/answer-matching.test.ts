import { describe, expect, it } from 'vitest';
import { readQuestion } from '../src/core/answers/question.js';
import { matcherOf } from '../src/core/answers/retrieve.js';
import { analyse } from '../src/core/ingest/text.js';

describe('how a question meets a sentence', () => {
  it("a possessive's 's is no word the sentence must hold", () => {
    const question = readQuestion("How much did Time Warner's quarterly profits jump?");
    expect(question.stems).not.toContain("'s");
    expect(question.stems).toEqual(expect.arrayContaining(['warner', 'profit', 'jump']));
  });

  it('a name written as one word ("TimeWarner") holds the words of the name written apart', () => {
    const match = matcherOf(analyse('Quarterly profits at US media giant TimeWarner jumped 76%.'));
    expect(match('time')).toBe(1);
    expect(match('warner')).toBe(1);
    // Only a joined name is split: an ordinary word does not hold the words inside it.
    expect(matcherOf(analyse('The timetable slipped.'))('time')).toBe(0);
  });
});
