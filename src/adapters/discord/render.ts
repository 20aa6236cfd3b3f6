import {
  moreLine,
  type Reply,
  type ReplyFigures,
  type ReplyKind,
  type ReplySection,
  type ReplySource,
  reportedBy,
} from '../../reply.js';
import { ELLIPSIS, fitText, httpUrl, oneLine } from '../text.js';
import { type DiscordEmbed, type DiscordMessagePayload, DISCORD_LIMITS as L } from './types.js';

/**
 * Reply -> Discord message body. One embed per section; the reply's title and intro go in `content`.
 * Every text from the core is plain, so it is escaped here exactly once. A reply too big for one message
 * is cut at a section boundary and the cut sections are counted into the "N more" line; a single text
 * too long for its slot ends with an ellipsis at a word boundary. `allowed_mentions` parses nothing.
 */

const NO_MENTIONS = { parse: [] } as { parse: [] };
/** The footer (N more + the reply's footer) never takes more than this out of the 6,000. */
const FOOTER_BUDGET = 1024;
/** A cut text shorter than this is not worth showing. */
const MIN_FRAGMENT = 16;

const COLORS: Record<ReplyKind, number> = {
  briefing: 0x3b82f6,
  digest: 0x6366f1,
  answer: 0x10b981,
  info: 0x6b7280,
  error: 0xef4444,
};

// --- text -----------------------------------------------------------------------------------------

/**
 * Escapes Discord Markdown so document text shows as written: emphasis, code, spoilers, masked links,
 * headings, quotes and lists, and `<...>` (user/role/channel mentions, timestamps). `@everyone` and
 * `@here` get a zero-width space, as discord.js's cleanContent does; allowed_mentions is the real guard.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|<[\]]/g, '\\$&')
    .replace(/^(\s*)([#>-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.')
    .replace(/@(everyone|here)/gi, '@\u200b$1');
}

/**
 * For slots Discord shows without Markdown (embed footers): escaping would show backslashes, so only the
 * mention syntax gets a zero-width space.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<([@#])/g, '<\u200b$1');
}

/** The kit's `fitText` with Discord's Markdown escaping: the result is Markdown-safe and at most `limit` long. */
function fitEscaped(text: string, limit: number): string {
  return fitText(text, limit, { escape: escapeMarkdown }).text;
}

// --- links ----------------------------------------------------------------------------------------

/** An http(s) URL fit for an embed or a masked link, or undefined. */
export function safeUrl(raw: string | undefined): string | undefined {
  const url = httpUrl(raw, L.url);
  // Parentheses would end a masked link early; spaces are already encoded by URL.
  const href = url?.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  return href && href.length <= L.url ? href : undefined;
}

function sourceField(source: ReplySource | undefined): { name: string; value: string } | undefined {
  if (!source) return undefined;
  const url = safeUrl(source.url);
  const date = source.date ? escapeMarkdown(oneLine(source.date).slice(0, 32)) : '';
  const name = oneLine(source.name) || (url ? new URL(url).hostname : '');
  const dateRoom = date ? date.length + 3 : 0;
  const linkBudget = L.fieldValue - dateRoom - (url ? url.length + 4 : 0);
  const label =
    url && name && linkBudget >= MIN_FRAGMENT
      ? `[${fitEscaped(name, linkBudget)}](${url})`
      : fitEscaped(name, L.fieldValue - dateRoom);
  const value = [label, date].filter(Boolean).join(' · ');
  return value ? { name: 'Source', value } : undefined;
}

// --- embeds ---------------------------------------------------------------------------------------

/** Characters an embed counts toward the 6,000 per message, as Discord counts them. */
export function embedLength(embed: DiscordEmbed): number {
  let total =
    (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Paragraph, then "• " bullets, then "> " quotes, within `limit`; cut at a word boundary. */
function description(section: ReplySection, limit: number): string | undefined {
  const parts: { prefix: string; text: string }[] = [];
  if (section.text?.trim()) parts.push({ prefix: '', text: section.text.trim() });
  for (const bullet of section.bullets ?? [])
    if (bullet.trim()) parts.push({ prefix: '• ', text: oneLine(bullet) });
  for (const quote of section.quotes ?? [])
    if (quote.trim()) parts.push({ prefix: '> ', text: oneLine(quote) });

  let out = '';
  for (const part of parts) {
    const sep = out ? '\n' : '';
    const whole = `${sep}${part.prefix}${escapeMarkdown(part.text)}`;
    if (out.length + whole.length <= limit) {
      out += whole;
      continue;
    }
    const room = limit - out.length - sep.length - part.prefix.length;
    if (room >= MIN_FRAGMENT) {
      const fitted = fitEscaped(part.text, room);
      if (fitted) out += `${sep}${part.prefix}${fitted}`;
    } else if (out.length + 2 <= limit) {
      out += `${sep}${ELLIPSIS}`;
    }
    break;
  }
  return out || undefined;
}

function sectionEmbed(section: ReplySection, color: number, descriptionLimit: number): DiscordEmbed {
  const embed: DiscordEmbed = { color };
  const heading = oneLine(section.heading);
  if (heading) embed.title = fitEscaped(heading, L.title);
  const url = safeUrl(section.source?.url);
  if (url && embed.title) embed.url = url;
  const text = description(section, descriptionLimit);
  if (text) embed.description = text;
  const fields = [
    section.outlets?.length
      ? outletsField(section.outlets, section.source?.date)
      : sourceField(section.source),
    ...(section.figures ?? []).filter((figures) => figures.values.length > 0).map(figuresField),
  ].flatMap((field) => field ?? []);
  if (fields.length > 0) embed.fields = fields.slice(0, L.fields);
  return embed;
}

/** "Reported by": each outlet a masked link, as many as fit in a field value, then "+N". */
function outletsField(
  outlets: readonly ReplySource[],
  date: string | undefined,
): { name: string; value: string } | undefined {
  const { named, others } = reportedBy(outlets);
  const links = named.map((outlet) => {
    const url = safeUrl(outlet.url);
    const name = fitEscaped(oneLine(outlet.name), 100);
    return url ? `[${name}](${url})` : name;
  });
  let value = '';
  let left = others;
  for (const [index, link] of links.entries()) {
    const next = value ? `${value}, ${link}` : link;
    if (next.length + 48 > L.fieldValue) {
      left += links.length - index;
      break;
    }
    value = next;
  }
  if (left > 0) value = `${value} +${left}`.trim();
  if (value && date) value = `${value} · ${escapeMarkdown(oneLine(date).slice(0, 32))}`;
  return value ? { name: 'Reported by', value } : undefined;
}

/** Figures the outlets disagree on, side by side, each with outlet and date. */
function figuresField(figures: ReplyFigures): { name: string; value: string } {
  const values = figures.values.map((value) => {
    const date = value.source.date ? `, ${oneLine(value.source.date).slice(0, 32)}` : '';
    return `“${oneLine(value.text)}” (${oneLine(value.source.name)}${date})`;
  });
  return {
    name: fitEscaped(oneLine(`Sources differ on ${figures.label}`), L.fieldName),
    value: fitEscaped(values.join(' · '), L.fieldValue) || '…',
  };
}

function isEmpty(embed: DiscordEmbed): boolean {
  return !embed.title && !embed.description && !embed.fields?.length && !embed.footer;
}

// --- message --------------------------------------------------------------------------------------

/** "N more" and the reply's footer, one line of plain text. */
function footerLine(reply: Reply, cut: number): string {
  return [moreLine(reply, cut), reply.footer ? oneLine(reply.footer) : undefined].filter(Boolean).join(' · ');
}

/** The last embed's footer: shown without Markdown, so only mentions are neutralised. */
function footerText(reply: Reply, cut: number): string {
  return fitText(footerLine(reply, cut), FOOTER_BUDGET, { escape: neutraliseMentions }).text;
}

export function renderReply(reply: Reply): DiscordMessagePayload {
  const color = COLORS[reply.kind];
  const sections = reply.sections;
  const embeds: DiscordEmbed[] = [];
  let used = 0;
  let skipped = 0;

  for (let i = 0; i < sections.length && embeds.length < L.embeds; i++) {
    let embed = sectionEmbed(sections[i]!, color, L.description);
    if (isEmpty(embed)) {
      // Nothing to show: not an embed, and not "more" either.
      skipped += 1;
      continue;
    }
    // Keep room for the footer as it would read if this were the last section shown.
    const room = L.embedTotal - used - footerText(reply, sections.length - i - 1 - skipped).length;
    let size = embedLength(embed);
    if (size > room) {
      if (embeds.length > 0) break;
      // The first section must show: shorten its description to what is left.
      const rest = size - (embed.description?.length ?? 0);
      embed = sectionEmbed(sections[i]!, color, Math.min(L.description, room - rest));
      size = embedLength(embed);
    }
    embeds.push(embed);
    used += size;
  }
  // Everything not shown, whether over the 6,000 or past the 10th embed, counts as "more".
  const cut = sections.length - embeds.length - skipped;

  const lines: string[] = [];
  const title = oneLine(reply.title);
  if (title) lines.push(`**${fitEscaped(title, L.title)}**`);
  const last = embeds.at(-1);
  let tail = '';
  if (last) {
    const footer = footerText(reply, cut);
    if (footer) last.footer = { text: footer };
  } else {
    tail = fitEscaped(footerLine(reply, cut), FOOTER_BUDGET);
  }
  const intro = reply.intro?.trim();
  if (intro) {
    const room = L.content - lines.join('\n').length - 1 - (tail ? tail.length + 1 : 0);
    const fitted = fitEscaped(intro, room);
    if (fitted) lines.push(fitted);
  }
  if (tail) lines.push(tail);
  let content = lines.join('\n');
  if (!content && embeds.length === 0) content = escapeMarkdown(reply.kind);

  const payload: DiscordMessagePayload = { embeds, allowed_mentions: NO_MENTIONS };
  if (content) payload.content = content;
  return payload;
}

/** A thread name as Discord takes it: one line, 1-100 characters, shown as is. */
export function threadName(name: string): string {
  return fitText(oneLine(name), L.threadName).text || 'briefing';
}

/** Autocomplete choices within Discord's limits: at most 25, names and values 1-100 characters. */
export function renderChoices(
  choices: readonly { name: string; value: string }[],
): { name: string; value: string }[] {
  return choices
    .filter((choice) => choice.value.length >= 1 && choice.value.length <= L.choiceName)
    .map((choice) => ({
      name: fitText(oneLine(choice.name), L.choiceName).text || choice.value,
      value: choice.value,
    }))
    .slice(0, L.choices);
}
