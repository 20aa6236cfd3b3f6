import { describe, expect, it } from 'vitest';
import { brief, briefingsFolder, startCore } from './support/core.js';

/** Eight different developments in Rafah, one a day from a different wire. */
const DEVELOPMENTS = [
  'Hospital generators ran out of diesel in Rafah, leaving surgeons operating by torchlight.',
  'A water desalination plant reopened in Rafah after engineers repaired its pumps.',
  'Teachers in Rafah began lessons for displaced children inside converted tents.',
  'Bakeries in Rafah closed as flour deliveries stopped at the border warehouse.',
  'Municipal crews in Rafah cleared rubble from the main market road with borrowed bulldozers.',
  'A measles vaccination drive started in Rafah clinics for infants under two.',
  'Fishermen in Rafah were barred from the sea after boats were confiscated at the harbour.',
  'Solar panels donated to Rafah schools restored evening electricity for study halls.',
];

function dated(day: number): string {
  const development = DEVELOPMENTS[day - 1] ?? '';
  const headline = development.split(/,| after | as /)[0];
  return `---\ntitle: ${headline}\ndate: 2024-05-${String(day).padStart(2, '0')}\nsource: Wire ${day}\n---\n${development} Officials confirmed the report on day ${day}.\n`;
}

describe('/brief <topic>', () => {
  it('/brief gaza shows all three seed items with summary, key points and source', async () => {
    const core = await startCore();
    const reply = await brief(core, 'gaza');
    expect(reply.kind).toBe('briefing');
    expect(reply.title).toBe('Briefing: Gaza');
    expect(reply.sections).toHaveLength(3);
    const text = JSON.stringify(reply.sections);
    expect(text).toContain('Egypt, Qatar, and the United States');
    expect(text).toContain('northern crossings');
    expect(text).toContain('1.5 million civilians');
    for (const section of reply.sections) {
      expect(section.heading).not.toBe('');
      expect(section.text).toBeTruthy();
      expect(section.source).toMatchObject({ name: expect.any(String), date: '2024-04-29' });
    }
    expect(reply.thread?.itemIds).toHaveLength(3);
  });

  it('/brief rafah puts the Rafah item first and mentions the 1.5 million civilians', async () => {
    const core = await startCore();
    const reply = await brief(core, 'rafah');
    expect(reply.title).toBe('Briefing: Rafah');
    const first = reply.sections[0];
    expect(first?.heading).toMatch(/Rafah/);
    expect(`${first?.text} ${first?.bullets?.join(' ')}`).toContain('over 1.5 million civilians');
  });

  it('/brief aid finds the item on the new northern crossings', async () => {
    const core = await startCore();
    const reply = await brief(core, 'aid');
    expect(reply.title).toBe('Briefing: Humanitarian aid');
    const first = reply.sections[0];
    expect(`${first?.text} ${first?.bullets?.join(' ')}`).toContain('new northern crossings');
  });

  it('accepts aliases such as "khan younis" and free text such as "crossings"', async () => {
    const core = await startCore();
    expect((await brief(core, 'Khan Younis')).title).toBe('Briefing: Gaza');
    const free = await brief(core, 'crossings');
    expect(free.kind).toBe('briefing');
    expect(JSON.stringify(free.sections)).toContain('northern crossings');
  });

  it('an unknown topic suggests the closest known topics instead of an empty message', async () => {
    const core = await startCore();
    const reply = await brief(core, 'gazza');
    expect(reply.kind).toBe('info');
    expect(reply.sections[0]?.text).toContain('/brief gaza');
    const nothing = await brief(core, 'weather forecast');
    expect(nothing.sections[0]?.text).toMatch(/not a known topic/);
  });

  it('shows the newest items first and says how many more exist', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 8 }, (_, index) => [`wire-${index + 1}.md`, dated(index + 1)]),
    );
    const core = await startCore(briefingsFolder(files));
    const reply = await brief(core, 'rafah');
    expect(reply.sections).toHaveLength(5);
    expect(reply.sections.map((section) => section.source?.date)).toEqual([
      '2024-05-08',
      '2024-05-07',
      '2024-05-06',
      '2024-05-05',
      '2024-05-04',
    ]);
    expect(reply.more?.count).toBe(4);
  });

  it('bare /brief explains how to use it', async () => {
    const core = await startCore();
    const reply = await brief(core, '');
    expect(reply.kind).toBe('info');
    expect(JSON.stringify(reply)).toContain('/brief <topic or words>');
  });

  it('/brief topics and /brief help work as Slack users type them', async () => {
    const core = await startCore();
    const topics = await brief(core, 'topics');
    expect(topics.title).toBe('Topics');
    expect(topics.sections.map((section) => section.heading)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^gaza:/), expect.stringMatching(/^rafah:/)]),
    );
    expect((await brief(core, 'help')).sections.length).toBeGreaterThan(2);
  });
});
