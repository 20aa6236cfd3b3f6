import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { escapeMarkdown } from '../src/adapters/discord/render.js';
import { escapeMrkdwn } from '../src/adapters/slack/render.js';
import { fitText, httpUrl, oneLine, sanitize } from '../src/adapters/text.js';

describe('the text kit every renderer shares', () => {
  test('a long text is cut at a word boundary with an ellipsis', () => {
    expect(fitText('alpha beta gamma', 12).text).toBe('alpha beta…');
    expect(fitText('alpha beta gamma', 16)).toEqual({ text: 'alpha beta gamma', truncated: false });
    expect(fitText('supercalifragilistic', 6)).toEqual({ text: 'super…', truncated: true });
  });

  test('never cuts mid-word when a word boundary fits, whatever the platform escaping', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9.,'’&<*_-]{1,12}$/);
    const escapes = [escapeMarkdown, escapeMrkdwn];
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 14, max: 400 }),
        fc.constantFrom(0, 1),
        (ws, limit, which) => {
          const escapeFn = escapes[which]!;
          const text = ws.join(' ');
          const { text: fitted, truncated } = fitText(text, limit, { escape: escapeFn });
          expect(fitted.length).toBeLessThanOrEqual(limit);
          if (!truncated) {
            expect(fitted).toBe(escapeFn(text));
            return;
          }
          expect(fitted.endsWith('…')).toBe(true);
          const firstWordFits = `${escapeFn(ws[0]!)}…`.length <= limit;
          const heads = firstWordFits
            ? ws.map((_, i) => ws.slice(0, i + 1).join(' '))
            : Array.from({ length: ws[0]!.length }, (_, i) => ws[0]!.slice(0, i + 1));
          const shown = heads.map((head) => `${escapeFn(head)}…`);
          expect(shown).toContain(fitted);
          // The longest that fits: one more word or letter would not.
          const next = shown[shown.indexOf(fitted) + 1];
          if (next) expect(next.length).toBeGreaterThan(limit);
        },
      ),
    );
  });

  test('an entity is never split, and a second limit (Slack JSON length) is honoured', () => {
    const words = Array.from({ length: 500 }, (_, i) => `w${i}&"`).join(' ');
    const json = (s: string) => JSON.stringify(s).length - 2;
    const fitted = fitText(words, 300, { escape: escapeMrkdwn, fits: (s) => json(s) <= 120 });
    expect(json(fitted.text)).toBeLessThanOrEqual(120);
    expect(fitted.text).toMatch(/w\d+&amp;"…$/);
  });

  test('a surrogate pair is never cut in half, and nothing fits gives an empty text', () => {
    const emoji = '😀'.repeat(20);
    const fitted = fitText(emoji, 8).text;
    expect(fitted).toBe(`${'😀'.repeat(3)}…`);
    expect(fitText('word', 0)).toEqual({ text: '', truncated: true });
  });

  test('control characters and broken surrogates from documents are removed', () => {
    expect(sanitize('a\u001b[31mred\u009b\r\nline\ud800')).toBe('a[31mred\nline\ufffd');
    expect(oneLine(' a\n\tb  c ')).toBe('a b c');
  });

  test('only plain http(s) links without credentials pass', () => {
    expect(httpUrl('https://example.org/a b', 100)?.href).toBe('https://example.org/a%20b');
    for (const bad of ['javascript:alert(1)', 'ftp://example.org', 'not a url', 'https://u:p@example.org/'])
      expect(httpUrl(bad, 100)).toBeUndefined();
    expect(httpUrl(`https://example.org/${'x'.repeat(200)}`, 100)).toBeUndefined();
  });
});
