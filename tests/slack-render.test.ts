import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeMrkdwn,
  fitText,
  RENDER_BUDGET,
  renderReply,
  safeLinkUrl,
} from '../src/adapters/slack/render.js';
import type { SlackBlock } from '../src/adapters/slack/types.js';
import { moreLine, type Reply, type ReplySection } from '../src/reply.js';
import { messageTexts, RENDERED_LINK, unescapedMarkup, validateMessage } from './emulators/slack/blockkit.js';
import { gazaBriefing } from './emulators/slack/seed.js';

function sectionTexts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block) => (block.type === 'section' ? [block.text.text] : []));
}

function contextTexts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block) => (block.type === 'context' ? block.elements.map((e) => e.text) : []));
}

describe('Slack rendering of a briefing', () => {
  it('shows a header, one section per item with its key points, and a source link with its date', () => {
    const message = renderReply(gazaBriefing());
    expect(validateMessage(message)).toEqual([]);
    const [header] = message.blocks;
    expect(header).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Gaza: latest developments' },
    });
    const sections = sectionTexts(message.blocks);
    expect(sections.filter((text) => text.startsWith('*'))).toHaveLength(3);
    expect(sections.join('\n')).toContain('Egypt, Qatar, and the United States');
    expect(sections.join('\n')).toContain('new northern crossings');
    expect(sections.join('\n')).toContain('over 1.5 million civilians');
    expect(sections.join('\n')).toMatch(/^• /m);
    expect(contextTexts(message.blocks)).toContain(
      '<https://www.example.org/news/2024/04/29/biden-netanyahu-call|White House readout> · 2024-04-29',
    );
    expect(message.text).toContain('Gaza: latest developments');
  });

  it('renders document text with mentions and disguised links inert', () => {
    const reply: Reply = {
      kind: 'briefing',
      audience: 'channel',
      title: 'Alert <!here> & co',
      intro: 'Hey <!channel>, read <https://evil.example|this> now',
      sections: [
        {
          heading: '<@U123> said <!subteam^S1>',
          text: 'Click <http://evil|x> or <mailto:a@b.c|mail> & win > lose',
          bullets: ['<#C999|general>', 'a && b'],
          quotes: ['"<!everyone>"'],
          source: { name: '<!channel> Times', url: 'https://news.example/a?b=1&c=<2>', date: '2024-04-29' },
        },
      ],
      footer: '<!here> footer',
    };
    const message = renderReply(reply);
    expect(validateMessage(message)).toEqual([]);
    // What goes to Slack: the fallback text and the blocks' JSON.
    const raw = JSON.stringify({ text: message.text, blocks: JSON.parse(message.blocksJson ?? '[]') });
    for (const danger of [
      '<!channel>',
      '<!here>',
      '<@U123>',
      '<!subteam',
      '<http://evil',
      '<mailto',
      '<#C999',
      '<!everyone>',
    ]) {
      expect(raw).not.toContain(danger);
    }
    for (const text of messageTexts(message)) expect(unescapedMarkup(text)).toEqual([]);
    expect(sectionTexts(message.blocks)[1]).toContain('&lt;@U123&gt; said &lt;!subteam^S1&gt;');
    // The one real link is the source's, built from its URL, with its query escaped.
    const links = [...raw.matchAll(RENDERED_LINK)].map((match) => match[1]);
    expect(links).toEqual(['https://news.example/a?b=1&amp;c=%3C2%3E']);
    for (const text of messageTexts(message)) {
      if (text.includes('<https://')) expect(text).toContain('|&lt;!channel&gt; Times>');
    }
  });

  it('links only http and https source URLs', () => {
    expect(safeLinkUrl('https://example.org/a b')).toBe('https://example.org/a%20b');
    expect(safeLinkUrl('http://example.org/x|y')).toBe('http://example.org/x%7Cy');
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,x',
      'ftp://x.org/',
      'slack://open',
      'not a url',
      '',
    ]) {
      expect(safeLinkUrl(bad)).toBeUndefined();
    }
    expect(safeLinkUrl('https://user:pw@example.org/')).toBeUndefined();
    const message = renderReply({
      kind: 'briefing',
      audience: 'channel',
      title: 't',
      sections: [
        { heading: 'h', text: 'x', source: { name: 'Evil', url: 'javascript:alert(1)', date: '2024-01-01' } },
      ],
    });
    expect(contextTexts(message.blocks)).toEqual(['Evil · 2024-01-01']);
  });

  it('cuts a long briefing at a section boundary and counts the cut items into the "N more" line', () => {
    const sections: ReplySection[] = Array.from({ length: 60 }, (_, i) => ({
      heading: `Item ${i + 1}`,
      text: `Summary of development number ${i + 1}.`,
      bullets: ['first point', 'second point'],
      source: { name: 'Wire', url: `https://example.org/${i}`, date: '2024-04-29' },
    }));
    const reply: Reply = {
      kind: 'briefing',
      audience: 'channel',
      title: 'Many',
      sections,
      more: { count: 5 },
    };
    const message = renderReply(reply);
    expect(validateMessage(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const shown = sectionTexts(message.blocks).filter((text) => text.startsWith('*Item'));
    expect(shown.length + message.cutSections).toBe(60);
    expect(shown.at(-1)).toContain(`*Item ${shown.length}*`);
    const footer = contextTexts(message.blocks).at(-1);
    expect(footer).toBe(moreLine(reply, message.cutSections));
    expect(footer).toBe(`${5 + message.cutSections} more items`);
  });

  it('cuts an over-long text at a word boundary with an ellipsis, never inside a word or an entity', () => {
    const words = Array.from({ length: 2_000 }, (_, i) => `word${i}&`).join(' ');
    const fitted = fitText(words, { chars: 100, json: 200 });
    expect(fitted.length).toBeLessThanOrEqual(100);
    expect(fitted.endsWith('…')).toBe(true);
    const body = fitted.slice(0, -1);
    expect(escapeMrkdwn(words).startsWith(body)).toBe(true);
    expect(body).toMatch(/word\d+&amp;$/);
    expect(fitText('short & sweet', { chars: 100, json: 200 })).toBe('short &amp; sweet');
    // A single word longer than the budget has to be cut inside itself.
    expect(fitText('x'.repeat(500), { chars: 50, json: 50 })).toBe(`${'x'.repeat(49)}…`);
  });

  it('keeps one huge item inside the section limit', () => {
    const huge = Array.from({ length: 3_000 }, () => 'Rafah"\\').join(' ');
    const message = renderReply({
      kind: 'briefing',
      audience: 'channel',
      title: 'x'.repeat(400),
      intro: huge,
      sections: [{ heading: huge, text: huge, bullets: [huge, huge], quotes: [huge, huge] }],
    });
    expect(validateMessage(message)).toEqual([]);
    expect(message.cutSections).toBe(0);
  });

  it('always sets a fallback text, even for an empty reply', () => {
    const message = renderReply({ kind: 'info', audience: 'requester', title: '', sections: [] });
    expect(message.text.length).toBeGreaterThan(0);
    expect(validateMessage(message)).toEqual([]);
  });
});

/* ---------------------------- property tests ----------------------------- */

const nasty = fc.constantFrom(
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123>',
  '<#C1|x>',
  '<http://evil|x>',
  '<https://evil.example>',
  '&amp;',
  '&lt;',
  '&',
  '<',
  '>',
  '\n> ',
  '*',
  '_',
  '`',
  '"',
  '\\',
  '\u0000',
  '\u2028',
  '\uD800',
  '😀',
  '\r\n',
  '   ',
);
const word = fc.oneof(
  { weight: 5, arbitrary: fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' }) },
  { weight: 2, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 4_000, unit: 'grapheme-ascii' }) },
);
const text = (max: number) => fc.array(word, { maxLength: max }).map((words) => words.join(' '));
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    'javascript:alert(1)',
    'https://evil.example/<x>|y',
    'http://a.b/?q=1&r=<2>',
    'ftp://x',
    '',
  ),
  fc.string({ maxLength: 40 }),
);
const section: fc.Arbitrary<ReplySection> = fc.record(
  {
    heading: text(20),
    text: text(400),
    bullets: fc.array(text(60), { maxLength: 5 }),
    quotes: fc.array(text(80), { maxLength: 4 }),
    source: fc.record(
      { name: text(10), url, date: fc.oneof(fc.constant('2024-04-29'), fc.string({ maxLength: 12 })) },
      { requiredKeys: ['name'] },
    ),
    outlets: fc.array(fc.record({ name: text(10), url }, { requiredKeys: ['name'] }), { maxLength: 8 }),
    figures: fc.array(
      fc.record({
        label: text(3),
        values: fc.array(
          fc.record({
            text: text(8),
            source: fc.record({ name: text(6), url, date: fc.constant('2024-04-29') }),
          }),
          { maxLength: 6 },
        ),
      }),
      { maxLength: 3 },
    ),
    itemId: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: ['heading'] },
);
const reply: fc.Arbitrary<Reply> = fc.record(
  {
    kind: fc.constantFrom('briefing', 'digest', 'answer', 'info', 'error'),
    audience: fc.constantFrom('requester', 'channel'),
    title: text(30),
    intro: text(200),
    sections: fc.array(section, { maxLength: 70 }),
    more: fc.record({ count: fc.nat({ max: 100_000 }), hint: text(8) }, { requiredKeys: ['count'] }),
    footer: text(60),
  },
  { requiredKeys: ['kind', 'audience', 'title', 'sections'] },
);

describe('Slack rendering of any reply (property)', () => {
  it('stays within every Block Kit limit, and sends exactly the blocks it measured', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const message = renderReply(r);
        expect(validateMessage(message)).toEqual([]);
        expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(RENDER_BUDGET.blocksJson);
        // The JSON posted is made from the sections' kept pieces: it must be the blocks' own.
        expect(message.blocksJson).toBe(JSON.stringify(message.blocks));
        expect(renderReply(r).blocksJson).toBe(message.blocksJson);
        expect(message.cutSections).toBeGreaterThanOrEqual(0);
        expect(message.cutSections).toBeLessThanOrEqual(r.sections.length);
        const count = (r.more?.count ?? 0) + message.cutSections;
        if (count > 0) {
          const last = message.blocks.at(-1);
          expect(last?.type).toBe('context');
          if (last?.type === 'context') expect(last.elements[0]?.text).toMatch(new RegExp(`^${count} more`));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never lets an unescaped <, > or & from document text through, and links only source URLs', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const message = renderReply(r);
        for (const t of messageTexts(message)) expect(unescapedMarkup(t)).toEqual([]);
        const allowed = new Set(
          r.sections
            .flatMap((s) => [s.source?.url, ...(s.outlets ?? []).map((outlet) => outlet.url)])
            .map(safeLinkUrl)
            .filter(Boolean),
        );
        for (const t of messageTexts(message)) {
          for (const match of t.matchAll(RENDERED_LINK)) expect(allowed.has(match[1])).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
