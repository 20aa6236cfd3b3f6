import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeDigest } from '../src/core/digests/compose.js';
import { CHANNEL, startSlackHarness } from './emulators/slack/harness.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { addBriefing, openDigestCore, startScheduler } from './support/digest.js';

/**
 * What changed, through the real core, clustering, store and scheduler, posted by the real Bolt app
 * to the Slack emulator: a channel's second digest shows of a story it was already shown only what
 * the new article adds.
 */
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function article(outlet: string, title: string, date: string, body: string): string {
  return `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\nsource: ${outlet}\nurl: https://news.example/${encodeURIComponent(outlet)}/${date}\n---\n${body}\n`;
}

const FIRST_DAY = {
  'reuters.md': article(
    'Reuters',
    'Israeli strikes on Rafah kill 43, Gaza health officials say',
    '2024-05-06',
    'Israeli air strikes on Rafah killed 43 people overnight, Gaza health officials said on Monday. The strikes hit homes in the Tal al-Sultan neighbourhood of the southern Gaza city. Israel said it had targeted Hamas militants in Rafah.',
  ),
  'ap.md': article(
    'Associated Press',
    'Overnight Israeli strikes on Rafah kill 43 people',
    '2024-05-06',
    'An overnight Israeli bombardment of Rafah killed 43 people, according to the Gaza health ministry. Residents said the air strikes flattened several homes in Tal al-Sultan, in the southern Gaza city.',
  ),
  'aid.md': article(
    'UN News',
    'Aid trucks reach northern Gaza through new Erez crossing',
    '2024-05-06',
    'The first aid convoy crossed into northern Gaza through the reopened Erez crossing, the United Nations said. Thirty trucks carried flour and medical supplies to Gaza City and Jabalia.',
  ),
};

const NEW_ARTICLE = article(
  'The Guardian',
  'Death toll from Israeli strikes on Rafah rises to 45',
  '2024-05-07',
  'The death toll from Israeli air strikes on Rafah has risen to 45 people, Gaza health officials said on Tuesday. Rescuers were still digging through the rubble of homes in Tal al-Sultan with their bare hands, searching for survivors. The Israeli military said it had been targeting Hamas militants in Rafah.',
);

/** Another copy of what Associated Press already said: nothing in it is new. */
const REPEAT_ARTICLE = article(
  'Associated Press',
  'Israeli bombardment of Rafah killed 43 people overnight',
  '2024-05-07',
  'An overnight Israeli bombardment of Rafah killed 43 people, according to the Gaza health ministry. Residents said the air strikes flattened several homes in Tal al-Sultan, in the southern Gaza city.',
);

const DAY_MS = 86_400_000;

describe('digest deltas: what changed since the channel last saw a story', () => {
  it('a second digest after one new article shows only its new facts, and a third with nothing new repeats nothing', async () => {
    const core = await openDigestCore({
      briefings: briefingsFolder(FIRST_DAY, false),
      database: join(scratchDir(), 'briefbot.db'),
    });
    const h = await startSlackHarness({ bot: core.bot });
    stops.push(() => h.close());
    await h.command('subscribe gaza 08:00 Europe/London');
    const [subscription] = await vi.waitFor(async () => {
      const found = await core.store.listSubscriptions({ platform: 'slack', channelId: CHANNEL });
      if (found.length !== 1) throw new Error('not subscribed yet');
      return found;
    });
    const scheduler = startScheduler(core, [h.adapter]);
    const digests = () =>
      h.emulator
        .posted()
        .filter((call) => /Daily digest|No new developments/.test(String(call.body.text)))
        .map((call) => JSON.stringify(call.body.blocks));
    const start = Date.now();
    const run = (day: number) =>
      scheduler.runDue(subscription!.id, new Date(start + day * DAY_MS), subscription!.timezone);

    expect(await run(0)).toBe('posted');
    const first = digests()[0] ?? '';
    expect(first).toContain('2 new stories');
    expect(first).toContain('Israeli strikes on Rafah kill 43');
    expect(first).toContain('Aid trucks reach northern Gaza');

    await addBriefing(core, 'guardian.md', NEW_ARTICLE);
    expect(await run(1)).toBe('posted');
    const second = digests()[1] ?? '';
    expect(second).toContain('1 story updated');
    expect(second).toContain('Update: Israeli strikes on Rafah kill 43');
    // The new outlet, the revised figure with both outlets, and the fact no one had given. Reuters
    // and Associated Press both gave 43 that day, ingested in one batch: either is the earlier figure.
    expect(second).toContain('Now also reported by The Guardian.');
    expect(second).toMatch(
      /Now “45 people” \(The Guardian, 2024-05-07\), was “43 people” \((?:Reuters|Associated Press), 2024-05-06\)/,
    );
    expect(second).toContain('Rescuers were still digging through the rubble');
    // Nothing it had already been told: not the restated claim, not the old story's lines, not the aid story.
    expect(second).not.toContain('targeting Hamas militants');
    expect(second).not.toContain('flattened several homes');
    expect(second).not.toContain('Aid trucks');
    // What a channel was shown is its own: another channel on the same topic still gets whole cards.
    const elsewhere = await composeDigest(
      core,
      { ...subscription!, id: 'elsewhere', channelId: 'C0ELSEWHERE' },
      { since: new Date(start - DAY_MS).toISOString(), until: new Date().toISOString() },
    );
    expect(elsewhere?.intro).toMatch(/^2 new stories since/);
    expect(elsewhere?.sections.map((section) => section.heading).join()).not.toContain('Update');

    await addBriefing(core, 'ap-again.md', REPEAT_ARTICLE);
    expect(await run(2)).toBe('posted');
    const third = digests()[2] ?? '';
    expect(third).toContain('No new developments on Gaza');
    expect(h.emulator.violations()).toEqual([]);
  }, 60_000);
});
