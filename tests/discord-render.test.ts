import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildCommandRegistrations } from '../src/adapters/discord/commands.js';
import { renderChoices, renderReply, safeUrl, threadName } from '../src/adapters/discord/render.js';
import { commands } from '../src/core/commands/index.js';
import type { Reply, ReplyAudience, ReplyKind } from '../src/reply.js';
import { validateMessage } from './emulators/discord/validate.js';

/** Three items as the seed briefing holds them, as plain data for the renderer. */
const GAZA_ITEMS = [
  {
    id: 'gaza-talks',
    headline: 'Hostage and ceasefire talks resume with Egyptian, Qatari and US mediation',
    summary:
      'Negotiators returned to Cairo on Sunday as Egypt, Qatar and the United States pressed Israel and Hamas toward a deal to free hostages and pause the fighting.',
    keyPoints: [
      'Egypt, Qatar and the United States are mediating',
      'The proposal links a phased hostage release to a truce',
      'A Hamas delegation is expected in Cairo this week',
    ],
    source: 'Reuters',
    url: 'https://www.reuters.com/world/middle-east/gaza-talks-resume-cairo-2024-04-28/',
    date: '2024-04-28',
    sentences: [
      'Negotiators returned to Cairo on Sunday as Egypt, Qatar and the United States pressed Israel and Hamas toward a deal.',
      'Egypt and Qatar, with the United States, have mediated between the two sides since the autumn.',
      'President Biden spoke with Prime Minister Netanyahu on Sunday about the talks.',
    ],
  },
  {
    id: 'gaza-aid',
    headline: 'Aid deliveries rise as new northern crossings open',
    summary:
      'Israel agreed to open new crossings into northern Gaza, and aid agencies reported more trucks entering, though deliveries remain far below need.',
    keyPoints: [
      'New crossings into northern Gaza are opening',
      'More aid trucks entered last week',
      'Agencies say deliveries remain far below need',
    ],
    source: 'Associated Press',
    url: 'https://apnews.com/article/gaza-aid-crossings-north',
    date: '2024-04-28',
    sentences: [
      'Israel agreed to open new crossings into northern Gaza.',
      'Aid agencies reported more trucks entering, though deliveries remain far below need.',
    ],
  },
  {
    id: 'gaza-rafah',
    headline: 'Fears grow over an offensive in Rafah',
    summary:
      'Over 1.5 million civilians are sheltering in Rafah, and aid groups warned that a ground offensive there would be catastrophic.',
    keyPoints: [
      'Over 1.5 million civilians are sheltering in Rafah',
      'Aid groups warn an offensive would be catastrophic',
      'The US has asked for a credible plan to protect civilians',
    ],
    source: 'BBC News',
    url: 'https://www.bbc.co.uk/news/world-middle-east-rafah',
    date: '2024-04-29',
    sentences: [
      'Over 1.5 million civilians are sheltering in Rafah, most of them displaced from elsewhere in Gaza.',
      'Aid groups warned that a ground offensive there would be catastrophic.',
    ],
  },
];

const briefing: Reply = {
  kind: 'briefing',
  audience: 'channel',
  title: 'Gaza: latest developments',
  intro: '3 items, newest first',
  sections: GAZA_ITEMS.map((item) => ({
    heading: item.headline,
    text: item.summary,
    bullets: item.keyPoints,
    source: { name: item.source, date: item.date, ...(item.url ? { url: item.url } : {}) },
    itemId: item.id,
  })),
  more: { count: 4 },
  thread: { topic: 'gaza', itemIds: GAZA_ITEMS.map((i) => i.id) },
};

function problems(reply: Reply): string[] {
  const checked = validateMessage(renderReply(reply));
  return [...checked.limits, ...checked.mentions];
}

describe('a briefing rendered for Discord', () => {
  test('shows one embed per item with its headline, summary, key points and linked source', () => {
    const payload = renderReply(briefing);
    expect(problems(briefing)).toEqual([]);
    expect(payload.content).toBe('**Gaza: latest developments**\n3 items, newest first');
    expect(payload.embeds).toHaveLength(3);
    const [talks] = payload.embeds;
    expect(talks?.title).toBe(GAZA_ITEMS[0]!.headline);
    expect(talks?.url).toBe(GAZA_ITEMS[0]!.url);
    expect(talks?.description).toContain('Egypt, Qatar and the United States');
    expect(talks?.description).toContain('• The proposal links a phased hostage release to a truce');
    expect(talks?.fields).toEqual([
      { name: 'Source', value: `[Reuters](${GAZA_ITEMS[0]!.url}) · 2024-04-28` },
    ]);
    expect(payload.embeds[2]?.description).toContain('Over 1.5 million civilians');
    expect(payload.embeds[2]?.footer?.text).toBe('4 more items');
    expect(payload.allowed_mentions).toEqual({ parse: [] });
  });

  test('a briefing too long for one message is cut between items and says how many more there are', () => {
    const { more: _more, ...withoutMore } = briefing;
    const long: Reply = {
      ...withoutMore,
      sections: Array.from({ length: 30 }, (_, i) => ({
        heading: `Item ${i + 1}`,
        text: `${'Negotiators met again in Cairo on Sunday. '.repeat(40)}`,
        source: { name: 'Reuters', url: 'https://example.com/a', date: '2024-04-28' },
      })),
    };
    const payload = renderReply(long);
    expect(problems(long)).toEqual([]);
    const shown = payload.embeds.length;
    expect(shown).toBeGreaterThan(1);
    expect(shown).toBeLessThan(30);
    expect(payload.embeds.at(-1)?.footer?.text).toBe(`${30 - shown} more items`);
    // Every shown item is whole: nothing cut inside an item.
    for (const embed of payload.embeds) expect(embed.description?.endsWith('…')).toBe(false);
  });

  test('more than ten items show as ten embeds and "N more"', () => {
    const many: Reply = {
      ...briefing,
      more: { count: 2, hint: 'use /brief gaza again later' },
      sections: Array.from({ length: 14 }, (_, i) => ({ heading: `Item ${i}`, text: 'Short.' })),
    };
    const payload = renderReply(many);
    expect(payload.embeds).toHaveLength(10);
    expect(payload.embeds[9]?.footer?.text).toBe('6 more items (use /brief gaza again later)');
  });

  test('one huge item still shows, shortened at a word boundary', () => {
    const huge: Reply = {
      kind: 'answer',
      audience: 'channel',
      title: 'Answer',
      sections: [{ heading: 'x'.repeat(400), text: 'word '.repeat(3000), quotes: ['quoted '.repeat(500)] }],
    };
    const payload = renderReply(huge);
    expect(problems(huge)).toEqual([]);
    expect(payload.embeds).toHaveLength(1);
    expect(payload.embeds[0]?.description).toMatch(/word…$/);
    expect(payload.embeds[0]?.title?.length).toBeLessThanOrEqual(256);
  });

  test('document text cannot ping or format: mentions and Markdown show as written', () => {
    const hostile: Reply = {
      kind: 'briefing',
      audience: 'channel',
      title: 'Leak @everyone <@&123>',
      intro: '@here **now**',
      sections: [
        {
          heading: '# @everyone read this',
          text: 'Ping <@&123> and <@456> and @here, [click](https://evil.example) ||spoiler|| `code`',
          bullets: ['> quoted', '- listed', '1. numbered'],
          source: { name: 'Evil [Source]', url: 'javascript:alert(1)' },
        },
      ],
    };
    const payload = renderReply(hostile);
    expect(problems(hostile)).toEqual([]);
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    const all = JSON.stringify(payload);
    expect(all).not.toMatch(/(?<!\\)<@/);
    expect(all).not.toMatch(/@(everyone|here)/);
    expect(payload.embeds[0]?.url).toBeUndefined();
    expect(payload.embeds[0]?.description).toContain('\\[click\\](https://evil.example)');
    expect(payload.embeds[0]?.fields?.[0]?.value).toBe('Evil \\[Source\\]');
  });

  test('an empty reply still sends something', () => {
    expect(
      renderReply({ kind: 'info', audience: 'requester', title: '', sections: [] }).content,
    ).toBeTruthy();
    expect(
      renderReply({ kind: 'info', audience: 'requester', title: 'Topics', sections: [{ heading: '' }] }),
    ).toEqual({
      content: '**Topics**',
      embeds: [],
      allowed_mentions: { parse: [] },
    });
  });
});

describe('links and Discord limits', () => {
  test('only http(s) links are kept', () => {
    expect(safeUrl('https://example.com/a b(c)')).toBe('https://example.com/a%20b%28c%29');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('ftp://example.com')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
  });

  test('thread names and autocomplete choices stay within Discord limits', () => {
    expect(threadName(briefing.thread?.topic ?? '')).toBe('gaza');
    expect(threadName('Daily digest '.repeat(20)).length).toBeLessThanOrEqual(100);
    const choices = renderChoices(
      Array.from({ length: 40 }, (_, i) => ({ name: `Topic ${i} `.repeat(20), value: `t${i}` })),
    );
    expect(choices).toHaveLength(25);
    for (const choice of choices) expect(choice.name.length).toBeLessThanOrEqual(100);
  });
});

describe('command registration', () => {
  test('is derived from the command list, with topic autocomplete on /brief', () => {
    const body = buildCommandRegistrations(commands);
    expect(body.map((c) => c.name)).toEqual([
      'brief',
      'timeline',
      'topics',
      'sources',
      'subscribe',
      'subscriptions',
      'unsubscribe',
      'help',
    ]);
    expect(body[0]).toMatchObject({
      type: 1,
      name: 'brief',
      options: [{ type: 3, name: 'topic', required: true, autocomplete: true }],
      contexts: [0],
    });
  });

  test('puts required options first and refuses names Discord would reject', () => {
    const [command] = buildCommandRegistrations([
      {
        name: 'subscribe',
        description: 'Daily digest',
        options: [
          { name: 'quiet', description: 'Stay silent when nothing is new', required: false },
          { name: 'topic', description: 'Topic', required: true },
        ],
      },
    ]);
    expect(command?.options?.map((o) => o.name)).toEqual(['topic', 'quiet']);
    expect(() => buildCommandRegistrations([{ name: 'Brief Me', description: 'x', options: [] }])).toThrow(
      /not a valid Discord name/,
    );
  });
});

// --- property: any reply renders within every Discord limit, and nothing in it can ping ---------------

const nasty = fc.constantFrom(
  '@everyone',
  '@here',
  '<@&123>',
  '<@456>',
  '<#789>',
  '**',
  '__',
  '||',
  '`',
  '```',
  '# ',
  '> ',
  '- ',
  '1. ',
  '[x](https://e.com)',
  '\\',
  '\n',
  '  ',
  '🇵🇸',
  '👍🏽',
  'é',
  '1.5 million',
  'x'.repeat(300),
);
const word = fc.oneof(fc.string({ maxLength: 12 }), nasty, fc.stringMatching(/^[a-z]{1,10}$/));
const text = (maxWords: number) => fc.array(word, { maxLength: maxWords }).map((ws) => ws.join(' '));
const url = fc.oneof(fc.webUrl(), fc.constant('javascript:alert(1)'), fc.string({ maxLength: 30 }));

const section = fc.record(
  {
    heading: text(60),
    text: text(900),
    bullets: fc.array(text(80), { maxLength: 5 }),
    quotes: fc.array(text(80), { maxLength: 3 }),
    source: fc.record({ name: text(40), url, date: fc.constant('2024-04-28') }, { requiredKeys: ['name'] }),
    outlets: fc.array(fc.record({ name: text(20), url }, { requiredKeys: ['name'] }), { maxLength: 8 }),
    figures: fc.array(
      fc.record({
        label: text(3),
        values: fc.array(
          fc.record({
            text: text(8),
            source: fc.record({ name: text(10), url, date: fc.constant('2024-04-28') }),
          }),
          { maxLength: 6 },
        ),
      }),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['heading'] },
);

const reply: fc.Arbitrary<Reply> = fc.record(
  {
    kind: fc.constantFrom<ReplyKind>('briefing', 'digest', 'answer', 'info', 'error'),
    audience: fc.constantFrom<ReplyAudience>('requester', 'channel'),
    title: text(80),
    intro: text(500),
    sections: fc.array(section, { maxLength: 30 }),
    more: fc.record({ count: fc.nat(100_000), hint: text(30) }, { requiredKeys: ['count'] }),
    footer: text(600),
  },
  { requiredKeys: ['kind', 'audience', 'title', 'sections'] },
);

describe('any reply', () => {
  test('renders within every Discord limit, with mentions parsing nothing', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const payload = renderReply(r);
        const checked = validateMessage(payload);
        expect(checked.limits).toEqual([]);
        expect(checked.mentions).toEqual([]);
        const json = JSON.stringify(payload);
        expect(json).not.toMatch(/@(everyone|here)/i);
        expect(json).not.toMatch(/(?<!\\)<[@#]/);
      }),
      { numRuns: 300 },
    );
  });

  test('counts every section it cut into the "N more" line', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const payload = renderReply(r);
        const footer = payload.embeds.at(-1)?.footer?.text ?? payload.content ?? '';
        const shown = payload.embeds.length;
        const nonEmpty = r.sections.filter(
          (s) =>
            renderReply({ kind: r.kind, audience: r.audience, title: r.title, sections: [s] }).embeds.length >
            0,
        ).length;
        const expected = (r.more?.count ?? 0) + (nonEmpty - shown);
        if (expected > 0) expect(footer).toMatch(new RegExp(`^${expected} more|\\n${expected} more`));
        else expect(footer).not.toMatch(/^\d+ more/);
      }),
      { numRuns: 100 },
    );
  });
});
