import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConsole } from '../src/adapters/console/render.js';
import { brief, briefingsFolder, scratchDir, startCore } from './support/core.js';

/** Five outlets' own words about one development: an evacuation order for eastern Rafah. */
const FIVE_OUTLETS: Record<string, { title: string; date: string; body: string }> = {
  Reuters: {
    title: 'Israel orders evacuation of eastern Rafah ahead of ground offensive',
    date: '2024-05-06',
    body: 'Israel ordered Palestinians to evacuate parts of eastern Rafah on Monday, signalling that a ground offensive on the southern Gaza city could begin soon. The Israeli military said about 100,000 people should move to an expanded humanitarian zone in Al-Mawasi. Over 1.5 million civilians have sought refuge in Rafah.',
  },
  'Associated Press': {
    title: 'Israel tells 100,000 people to leave eastern Rafah as offensive looms',
    date: '2024-05-06',
    body: 'The Israeli military told around 100,000 Palestinians on Monday to evacuate eastern Rafah, a sign that an invasion of the southern Gaza city was near. Leaflets, text messages and radio broadcasts told residents to move to Al-Mawasi. Some 1.4 million civilians are sheltering in Rafah, the United Nations says.',
  },
  'Al Jazeera': {
    title: 'Israeli army orders Palestinians to evacuate eastern Rafah',
    date: '2024-05-06',
    body: 'The Israeli army has ordered Palestinians in eastern Rafah to evacuate to Al-Mawasi, raising fears of a ground assault on the southern Gaza city. Aid groups warned that an offensive on Rafah would be catastrophic for displaced families crowded into tents.',
  },
  BBC: {
    title: 'Rafah: Israel orders evacuation of eastern part of Gaza city',
    date: '2024-05-06',
    body: 'Israel has ordered civilians to leave eastern Rafah, as it prepares a military operation in the southern Gaza city. The Israeli military said the evacuation to the Al-Mawasi humanitarian zone was limited in scope. Families packed belongings onto carts and left eastern Rafah on Monday.',
  },
  'The Guardian': {
    title: 'Israel issues evacuation order for eastern Rafah before expected offensive',
    date: '2024-05-07',
    body: 'Israel issued an evacuation order for eastern Rafah, telling Palestinians to move to Al-Mawasi before an expected ground offensive on the southern Gaza city. The United Nations warned that an assault on Rafah could lead to a slaughter.',
  },
};

function outletFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(FIVE_OUTLETS).map(([outlet, { title, date, body }], index) => [
      `rafah-${index}.md`,
      `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\nsource: ${outlet}\nurl: https://news.example/${index}\n---\n${body}\n`,
    ]),
  );
}

describe('story cards across outlets', () => {
  it('five outlets reporting one development make one card naming all five, each linked', async () => {
    const core = await startCore(briefingsFolder(outletFiles()));
    const reply = await brief(core, 'rafah');
    const cards = reply.sections.filter((section) => section.outlets?.some((o) => o.name === 'Reuters'));
    expect(cards).toHaveLength(1);
    const card = cards[0];
    expect(card?.outlets?.map((outlet) => outlet.name).sort()).toEqual(Object.keys(FIVE_OUTLETS).sort());
    for (const outlet of card?.outlets ?? []) expect(outlet.url).toMatch(/^https:\/\/news\.example\/\d$/);
    expect(Object.values(FIVE_OUTLETS).map((outlet) => outlet.title)).toContain(card?.heading);
    const summaryWords = (card?.text ?? '').split(/\s+/).length;
    expect(summaryWords).toBeGreaterThan(5);
    expect(summaryWords).toBeLessThanOrEqual(75);
    const shown = renderConsole(reply);
    expect(shown.replace(/\s+/g, ' ')).toMatch(/Reported by [^“]+ \+2/);
  });

  it('two outlets giving different figures for the same thing are both shown, with outlet and date', async () => {
    const core = await startCore(briefingsFolder(outletFiles()));
    const reply = await brief(core, 'rafah');
    const card = reply.sections.find((section) => section.outlets?.some((o) => o.name === 'Reuters'));
    const civilians = card?.figures?.find((figure) => figure.label === 'civilians');
    expect(civilians?.values).toEqual(
      expect.arrayContaining([
        {
          text: 'Over 1.5 million civilians',
          source: expect.objectContaining({ name: 'Reuters', date: '2024-05-06' }),
        },
        {
          text: 'Some 1.4 million civilians',
          source: expect.objectContaining({ name: 'Associated Press', date: '2024-05-06' }),
        },
      ]),
    );
    const shown = renderConsole(reply);
    expect(shown).toContain('1.5 million civilians');
    expect(shown).toContain('1.4 million civilians');
  });

  it('/brief rafah more shows key points, each quoted with its outlet', async () => {
    const core = await startCore(briefingsFolder(outletFiles()));
    const reply = await brief(core, 'rafah more');
    const card = reply.sections.find((section) => section.outlets?.some((o) => o.name === 'Reuters'));
    expect(card?.bullets?.length).toBeGreaterThan(0);
    const outlets = Object.keys(FIVE_OUTLETS);
    for (const bullet of card?.bullets ?? []) {
      expect(bullet).toMatch(/^“.+” — /);
      expect(outlets.some((outlet) => bullet.endsWith(`— ${outlet}`))).toBe(true);
    }
  });

  it('stories survive a restart: the same store gives the same card', async () => {
    const folder = briefingsFolder(outletFiles());
    const database = join(scratchDir(), 'stories.db');
    const first = await startCore(folder, database);
    const before = await brief(first, 'rafah');
    await first.close();
    const again = await startCore(folder, database);
    const after = await brief(again, 'rafah');
    expect(after.sections.map((section) => section.outlets?.length)).toEqual(
      before.sections.map((section) => section.outlets?.length),
    );
  });
});
