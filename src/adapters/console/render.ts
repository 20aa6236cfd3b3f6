import {
  type CommandSyntax,
  figuresLine,
  moreLine,
  type Reply,
  type ReplySource,
  reportedBy,
  withHints,
} from '../../reply.js';
import { httpUrl, oneLine } from '../text.js';

export interface ConsoleLook {
  /** Columns to wrap at: the terminal's width, or 80 when there is no terminal. */
  width?: number;
  /** ANSI bold and dim for titles, headings and sources: only on a terminal, and not under NO_COLOR. */
  color?: boolean;
}

export const DEFAULT_WIDTH = 80;

/** The console takes every command by its own name: `/topics`, `/subscribe gaza 08:00 UTC`. */
export const consoleCommandSyntax: CommandSyntax = (name, args) => (args ? `/${name} ${args}` : `/${name}`);

/**
 * Terminal text for a reply, wrapped at word boundaries. Document text is stripped of control
 * characters first, so a briefing cannot move the cursor, recolour the terminal or hide text with
 * escape sequences; the only escapes in the output are the renderer's own colours.
 */
export function renderConsole(unfilled: Reply, look: ConsoleLook = {}): string {
  const reply = withHints(unfilled, consoleCommandSyntax);
  const width = Math.max(20, look.width ?? DEFAULT_WIDTH);
  const style = look.color ? STYLES : PLAIN;
  const wrap = (text: string, first: string, rest: string) => wrapWords(text, first, rest, width);
  const lines: string[] = [];
  const title = oneLine(reply.title);
  const titleLines = wrap(title, '', '');
  lines.push(...titleLines.map(reply.kind === 'error' ? style.error : style.strong));
  lines.push('='.repeat(Math.min(Math.max(...titleLines.map((line) => line.length), 0), width)));
  if (reply.intro) lines.push(...wrap(oneLine(reply.intro), '', ''));
  const numbered = reply.kind === 'briefing' || reply.kind === 'digest';
  reply.sections.forEach((section, index) => {
    lines.push('');
    const indent = numbered ? '   ' : '';
    if (section.heading)
      lines.push(
        ...wrap(`${numbered ? `${index + 1}. ` : ''}${oneLine(section.heading)}`, '', indent).map(
          style.strong,
        ),
      );
    if (section.text) lines.push(...wrap(oneLine(section.text), indent, indent));
    for (const bullet of section.bullets ?? [])
      lines.push(...wrap(`• ${oneLine(bullet)}`, indent, `${indent}  `));
    for (const quote of section.quotes ?? [])
      lines.push(...wrap(`“${oneLine(quote)}”`, `${indent}> `, `${indent}> `));
    for (const figures of section.figures ?? [])
      lines.push(...wrap(`≠ ${oneLine(figuresLine(figures))}`, indent, `${indent}  `));
    if (section.outlets && section.outlets.length > 0) {
      // oneLine trims, so the separator goes outside it.
      const date = section.source?.date ? ` · ${oneLine(section.source.date)}` : '';
      lines.push(...wrap(`${reportedByText(section.outlets)}${date}`, indent, `${indent}  `));
    } else if (section.source) {
      const { name, date, url } = section.source;
      const source = [oneLine(name), date, linkText(url)].filter(Boolean).join(', ');
      lines.push(...wrap(`— ${source}`, indent, `${indent}  `).map(style.dim));
    }
  });
  const more = moreLine(reply, 0);
  if (more || reply.footer) lines.push('');
  if (more) lines.push(...wrap(oneLine(more), '', ''));
  if (reply.footer) lines.push(...wrap(oneLine(reply.footer), '', '').map(style.dim));
  return `${lines.join('\n')}\n`;
}

/** "Reported by A (url), B (url), C +2": the terminal shows each outlet's link beside its name. */
function reportedByText(outlets: readonly ReplySource[]): string {
  const { named, others } = reportedBy(outlets);
  const names = named.map((outlet) => {
    const link = linkText(outlet.url);
    return link ? `${oneLine(outlet.name)} (${link})` : oneLine(outlet.name);
  });
  return `Reported by ${names.join(', ')}${others > 0 ? ` +${others}` : ''}`;
}

/** Only http(s) links are printed: a terminal makes other schemes clickable too. */
function linkText(url: string | undefined): string | undefined {
  return httpUrl(url, URL_MAX)?.href;
}

const URL_MAX = 2048;

type Style = (line: string) => string;
const PLAIN: Record<'strong' | 'dim' | 'error', Style> = { strong: (l) => l, dim: (l) => l, error: (l) => l };
const STYLES: Record<'strong' | 'dim' | 'error', Style> = {
  strong: (line) => `\u001b[1m${line}\u001b[22m`,
  dim: (line) => `\u001b[2m${line}\u001b[22m`,
  error: (line) => `\u001b[1;31m${line}\u001b[22;39m`,
};

/** Lines of at most `width` columns, broken only between words; a word longer than a line keeps a line of its own. */
export function wrapWords(text: string, first: string, rest: string, width: number): string[] {
  const lines: string[] = [];
  let line = first;
  let prefix = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > prefix.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      prefix = rest;
    }
    line += line.length > prefix.length ? ` ${word}` : word;
  }
  if (line.length > prefix.length) lines.push(line);
  return lines;
}
