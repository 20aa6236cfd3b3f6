import { afterEach, describe, expect, it } from 'vitest';
import { renderConsole } from '../src/adapters/console/render.js';
import type { Reply } from '../src/reply.js';
import { startHarness } from './emulators/discord/harness.js';
import { CHANNEL, startSlackHarness } from './emulators/slack/harness.js';
import { brief, briefingsFolder, startCore } from './support/core.js';

function article(outlet: string, title: string, date: string, body: string): string {
  return `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\nsource: ${outlet}\nurl: https://news.example/${encodeURIComponent(outlet)}/${date}\n---\n${body}\n`;
}

/** One development told by four outlets on the day, a later one dated by its own sentence, and a third. */
const RAFAH = {
  'reuters.md': article(
    'Reuters',
    'Israel orders evacuation of eastern Rafah ahead of ground offensive',
    '2024-05-06',
    'Israel ordered Palestinians to evacuate parts of eastern Rafah, signalling that a ground offensive on the southern Gaza city could begin soon. About 100,000 people were told to move to an expanded humanitarian zone in Al-Mawasi.',
  ),
  'ap.md': article(
    'Associated Press',
    'Israel orders evacuation of eastern Rafah as offensive looms',
    '2024-05-06',
    'The Israeli military told around 100,000 Palestinians to evacuate eastern Rafah, a sign that an invasion of the southern Gaza city was near. Leaflets and text messages told residents to move to Al-Mawasi.',
  ),
  'bbc.md': article(
    'BBC',
    'Israel orders evacuation of eastern Rafah',
    '2024-05-06',
    'Israel has ordered civilians to leave eastern Rafah, as it prepares a military operation in the southern Gaza city. Families packed belongings onto carts and left eastern Rafah.',
  ),
  'aljazeera.md': article(
    'Al Jazeera',
    'Israeli army orders evacuation of eastern Rafah',
    '2024-05-06',
    'The Israeli army has ordered Palestinians in eastern Rafah to evacuate to Al-Mawasi, raising fears of a ground assault on the southern Gaza city.',
  ),
  'guardian.md': article(
    'The Guardian',
    'Israel seizes Rafah crossing as tanks roll into the city',
    '2024-05-08',
    'Israeli tanks rolled into Rafah on Tuesday and seized control of the Rafah border crossing with Egypt, cutting off a main route for aid. The crossing was still closed on Wednesday, the United Nations said.',
  ),
  'ft.md': article(
    'Financial Times',
    'Ceasefire talks in Cairo end without a deal over Rafah',
    '2024-05-09',
    'Negotiators left Cairo without agreeing a ceasefire, as the fighting in Rafah continued and aid deliveries through the southern crossings stalled.',
  ),
};

/** The dated lines of a timeline reply, as "YYYY-MM-DD · text (outlets)". */
function lines(reply: Reply): string[] {
  return reply.sections.map((section) => section.text ?? '');
}

describe('/brief timeline', () => {
  it('lists the dated developments of a topic in date order, one line each with its date and outlet', async () => {
    const core = await startCore(briefingsFolder(RAFAH, false));
    const reply = await brief(core, 'timeline rafah');
    expect(reply.title).toBe('Timeline: Rafah');
    const timeline = lines(reply);
    for (const line of timeline) expect(line).toMatch(/^\d{4}-\d{2}-\d{2} · .+ \([^()]+\)$/);
    const dates = timeline.map((line) => line.slice(0, 10));
    expect(dates).toEqual([...dates].sort());
    // Four outlets telling one development on one day make one line, naming the first and counting the rest.
    const evacuation = timeline.filter((line) => /evacuat/i.test(line) && line.startsWith('2024-05-06'));
    expect(evacuation).toHaveLength(1);
    expect(evacuation[0]).toMatch(/ \(\w[\w ]+ \+3\)$/);
    // "On Tuesday" in a report dated Wednesday 8 May is Tuesday 7 May, and the report is not listed again on the 8th.
    expect(timeline).toContain(
      '2024-05-07 · Israeli tanks rolled into Rafah on Tuesday and seized control of the Rafah border crossing with Egypt, cutting off a main route for aid. (The Guardian)',
    );
    expect(timeline.filter((line) => line.includes('The Guardian'))).toHaveLength(1);
    expect(timeline.at(-1)).toBe(
      '2024-05-09 · Ceasefire talks in Cairo end without a deal over Rafah (Financial Times)',
    );
    expect(reply.intro).toBe(`${timeline.length} developments from 2024-05-06 to 2024-05-09, oldest first`);
    expect(renderConsole(reply)).toContain('2024-05-06 · Israel orders evacuation of eastern Rafah');
  });

  it('takes words naming a story as well as a topic, and says so when nothing matches', async () => {
    const core = await startCore(briefingsFolder(RAFAH, false));
    const story = lines(await brief(core, 'timeline rafah border crossing tanks'));
    expect(story[0]).toMatch(/^2024-05-07 · Israeli tanks rolled into Rafah/);
    expect(story.join('\n')).not.toContain('Financial Times');
    const none = await brief(core, 'timeline zebras');
    expect(none.audience).toBe('requester');
    expect(none.title).toBe('Nothing on “zebras”');
  });
});

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

describe('the timeline on the platforms', () => {
  it('Slack: /brief timeline rafah posts the dated lines in the channel', async () => {
    const core = await startCore(briefingsFolder(RAFAH, false));
    const h = await startSlackHarness({ bot: core.bot });
    stops.push(() => h.close());
    await h.command('timeline rafah');
    const post = await h.emulator.waitFor((e) =>
      e.posted().find((call) => String(call.body.text).startsWith('Timeline: Rafah')),
    );
    expect(post.body.channel).toBe(CHANNEL);
    const blocks = JSON.stringify(post.body.blocks);
    expect(blocks).toContain('2024-05-07 · Israeli tanks rolled into Rafah on Tuesday');
    expect(blocks.indexOf('2024-05-06 · ')).toBeLessThan(blocks.indexOf('2024-05-09 · '));
    expect(h.emulator.violations()).toEqual([]);
  }, 30_000);

  it('Discord: /timeline topic:rafah answers with the dated lines', async () => {
    const h = await startHarness({ files: RAFAH });
    stops.push(() => h.stop());
    const interaction = h.emulator.command('timeline', { topic: 'rafah' });
    const message = await h.emulator.waitFor(
      () => interaction.originalMessageId && h.emulator.messages.get(interaction.originalMessageId),
      'the /timeline answer',
    );
    expect(message.content).toContain('Timeline: Rafah');
    const text = JSON.stringify(message.embeds);
    expect(text).toContain('2024-05-07 · Israeli tanks rolled into Rafah on Tuesday');
    expect(h.emulator.violations).toEqual([]);
  }, 30_000);
});
