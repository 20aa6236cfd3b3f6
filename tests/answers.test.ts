import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../src/reply.js';
import { brief, briefingsFolder, consoleCaller, scratchDir, startCore } from './support/core.js';

type Core = Awaited<ReturnType<typeof startCore>>;

async function briefThenAsk(core: Core, topic: string, ...questions: string[]): Promise<Reply[]> {
  const briefing = await brief(core, topic);
  const key = { ...consoleCaller, threadId: 'console:test:1' };
  await core.bot.rememberThread(key, briefing);
  const replies: Reply[] = [];
  for (const text of questions) {
    const reply = await core.bot.followUp({ ...key, text });
    if (!reply) throw new Error('no reply in a known thread');
    replies.push(reply);
  }
  return replies;
}

const quoted = (reply: Reply) => reply.sections.flatMap((section) => section.quotes ?? []).join(' ');

describe('follow-up questions after a briefing', () => {
  it('"How many civilians are in Rafah?" quotes the 1.5 million sentence with its source and date', async () => {
    const [reply] = await briefThenAsk(await startCore(), 'gaza', 'How many civilians are in Rafah?');
    expect(reply?.sections[0]?.heading).toBe('over 1.5 million civilians');
    expect(quoted(reply!)).toContain('where over 1.5 million civilians have sought refuge');
    expect(reply?.sections[0]?.source).toMatchObject({ name: expect.any(String), date: '2024-04-29' });
  });

  it('"Who is mediating the talks?" names Egypt, Qatar and the United States, quoted', async () => {
    const [reply] = await briefThenAsk(await startCore(), 'gaza', 'Who is mediating the talks?');
    expect(reply?.sections[0]?.heading).toBe('Egypt, Qatar, and the United States');
    expect(quoted(reply!)).toContain('Mediation efforts involving Egypt, Qatar, and the United States');
  });

  it('"When did Biden and Netanyahu speak?" resolves "on Sunday" to 28 April 2024', async () => {
    const [reply] = await briefThenAsk(await startCore(), 'gaza', 'When did Biden and Netanyahu speak?');
    expect(reply?.sections[0]?.heading).toContain('28 April 2024');
    expect(reply?.sections[0]?.heading).toContain('on Sunday');
    expect(quoted(reply!)).toContain('Netanyahu on Sunday');
  });

  it.each([
    'What is the weather in Paris?',
    'How many trucks entered yesterday?',
    'How many hostages are held?',
  ])('"%s" gets a plain "not in the briefings", never an invented figure', async (question) => {
    const [reply] = await briefThenAsk(await startCore(), 'gaza', question);
    expect(reply?.title).toBe('Not in the briefings');
    expect(reply?.sections[0]?.text).toContain('do not say');
    // Whatever is shown is a pointer to the closest item, quoted verbatim, not an answer.
    expect(reply?.sections.slice(1).every((section) => section.heading.startsWith('Closest item'))).toBe(
      true,
    );
  });

  it('"who is mediating?" meets "Mediation efforts involving Egypt, Qatar, and the United States"', async () => {
    const [reply] = await briefThenAsk(await startCore(), 'gaza', 'who is mediating?');
    expect(reply?.sections[0]?.heading).toBe('Egypt, Qatar, and the United States');
    expect(quoted(reply!)).toContain('Mediation efforts involving');
  });

  it('a negated question is refused when the sentence says it plainly', async () => {
    const [reply] = await briefThenAsk(await startCore(), 'gaza', 'Who is not mediating the talks?');
    expect(reply?.title).toBe('Not in the briefings');
    expect(reply?.sections[0]?.text).toContain('did not happen');
  });

  it('a year is answered bare, as written, and a question with a changed year is refused', async () => {
    const folder = briefingsFolder({
      '2024-05-03-ohio.txt':
        'date 2024-05-03 The Ohio Company sent the surveyor Christopher Gist to explore the Ohio territory in 1750. ' +
        'He reported on the land and its people in detail to the company in Virginia.',
    });
    const core = await startCore(folder);
    const [year, changed, who] = await briefThenAsk(
      core,
      'Ohio Company',
      'When did Christopher Gist explore the Ohio territory?',
      'Who explored the Ohio territory in 1760?',
      'Who explored the Ohio territory in 1750?',
    );
    expect(year?.sections[0]?.heading).toBe('1750');
    expect(changed?.title).toBe('Not in the briefings');
    expect(changed?.sections[0]?.text).toContain('number or year');
    expect(who?.sections[0]?.heading).toBe('Christopher Gist');
  });

  it('"What did Biden say about a military operation in Rafah?" quotes his firm stance', async () => {
    const [reply] = await briefThenAsk(
      await startCore(),
      'rafah',
      'What did Biden say about a military operation in Rafah?',
    );
    expect(reply?.title).not.toBe('Not in the briefings');
    expect(quoted(reply!)).toContain('Biden reiterated his firm stance against any Israeli military action');
  });

  it('"Who won the football match?" is refused: a "matched his promise" elsewhere is no answer', async () => {
    const [reply] = await briefThenAsk(await startCore(), 'gaza', 'Who won the football match?');
    expect(reply?.title).toBe('Not in the briefings');
  });

  it('"how much did it pay" wants a sum of money: a share owned is no answer', async () => {
    const folder = briefingsFolder({
      '2005-01-28-timewarner.txt':
        'date 2005-01-28 Time Warner said on Friday that it now owns 8% of search-engine Google. ' +
        'TimeWarner chief executive Richard Parsons said the company was pleased.',
    });
    const [paid, owned, chief] = await briefThenAsk(
      await startCore(folder),
      'Time Warner',
      'How much did Time Warner pay for its Google shares?',
      'How much of Google does Time Warner own?',
      'Who is the chief executive of Time Warner?',
    );
    expect(paid?.title).toBe('Not in the briefings');
    expect(owned?.sections[0]?.heading).toBe('8%');
    // "TimeWarner" written as one word still names Time Warner.
    expect(chief?.sections[0]?.heading).toBe('Richard Parsons');
  });

  it('a question that swaps a word of degree ("smallest" for "largest") is refused, the original answered', async () => {
    const folder = briefingsFolder({
      '2024-05-07-refugees.txt':
        'date 2024-05-07 The Dutch Republic received the largest group of Huguenot refugees after the revocation. ' +
        'Many of them settled in Amsterdam and Leiden.',
    });
    const [largest, smallest] = await briefThenAsk(
      await startCore(folder),
      'Huguenot',
      'Which country received the largest group of Huguenot refugees?',
      'Which country received the smallest group of Huguenot refugees?',
    );
    expect(largest?.sections[0]?.heading).toBe('The Dutch Republic');
    expect(smallest?.title).toBe('Not in the briefings');
  });

  it('a "what" or "who" question gets the short phrase that answers it, with the whole sentence quoted beneath', async () => {
    const folder = briefingsFolder({
      '2024-05-06-mace.txt':
        'date 2024-05-06 The parliamentary mace, which is made from silver, sits in front of the desk. ' +
        'The company was founded in 1901 by Anna Berg, a chemist from Oslo.',
    });
    const [made, founded] = await briefThenAsk(
      await startCore(folder),
      'mace',
      'What is the mace made of?',
      'Who founded the company?',
    );
    expect(made?.sections[0]?.heading).toBe('silver');
    expect(quoted(made!)).toBe(
      'The parliamentary mace, which is made from silver, sits in front of the desk.',
    );
    expect(founded?.sections[0]?.heading).toBe('Anna Berg');
    expect(quoted(founded!)).toContain('founded in 1901 by Anna Berg');
  });

  it('a year ending in 3 is found like any other: "Who gained the throne in 1643?"', async () => {
    const folder = briefingsFolder({
      '2024-05-04-louis.txt':
        'date 2024-05-04 Louis XIV gained the throne in 1643 and acted increasingly aggressively. ' +
        'His minister Mazarin ruled in his name for years.',
    });
    const [reply] = await briefThenAsk(await startCore(folder), 'Louis', 'Who gained the throne in 1643?');
    expect(reply?.sections[0]?.heading).toBe('Louis XIV');
  });

  it('a short sentence leaning on the one before does not outrank the sentence that says it all', async () => {
    const folder = briefingsFolder({
      '2024-05-05-huguenots.txt':
        'date 2024-05-05 After the revocation of the Edict of Nantes, the Dutch Republic received the largest group ' +
        'of Huguenot refugees, an estimated total of 75,000 to 100,000 people. Amongst them were 200 clergy.',
    });
    const [reply] = await briefThenAsk(
      await startCore(folder),
      'Huguenot',
      'What country received the largest number of Huguenot refugees?',
    );
    expect(quoted(reply!)).toContain('the Dutch Republic received the largest group');
  });

  it('a short follow-up leans on the question before it', async () => {
    const [, reply] = await briefThenAsk(
      await startCore(),
      'aid',
      'When will the new crossings open?',
      'and in the north?',
    );
    expect(reply?.sections[0]?.heading).toContain('this week');
    expect(quoted(reply!)).toContain('northern crossings');
  });

  it('a thread the bot did not open gets no answer', async () => {
    const core = await startCore();
    const reply = await core.bot.followUp({
      ...consoleCaller,
      threadId: 'console:test:unknown',
      text: 'who is mediating?',
    });
    expect(reply).toBeUndefined();
  });

  it('remembers what a thread showed across a restart', async () => {
    const briefings = briefingsFolder();
    const database = join(scratchDir(), 'restart.db');
    const key = { ...consoleCaller, threadId: 'console:test:restart' };
    const first = await startCore(briefings, database);
    await first.bot.rememberThread(key, await brief(first, 'rafah'));
    await first.close();
    const second = await startCore(briefings, database);
    const reply = await second.bot.followUp({ ...key, text: 'How many civilians are in Rafah?' });
    expect(reply?.sections[0]?.heading).toBe('over 1.5 million civilians');
    expect((await second.store.getThreadContext(key))?.turns).toHaveLength(1);
  });
});
