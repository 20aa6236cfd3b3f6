import {
  type CommandSyntax,
  figuresLine,
  moreLine,
  type Reply,
  type ReplySource,
  reportedBy,
  withHints,
} from '../../reply.js';

const WIDTH = 88;

/** The console takes every command by its own name: `/topics`, `/subscribe gaza 08:00 UTC`. */
export const consoleCommandSyntax: CommandSyntax = (name, args) => (args ? `/${name} ${args}` : `/${name}`);

/**
 * Terminal text for a reply. Document text is stripped of control characters first, so a briefing
 * cannot move the cursor, recolour the terminal or hide text with escape sequences.
 */
export function renderConsole(unfilled: Reply): string {
  const reply = withHints(unfilled, consoleCommandSyntax);
  const lines: string[] = [];
  const title = clean(reply.title);
  lines.push(title, '='.repeat(Math.min(title.length, WIDTH)));
  if (reply.intro) lines.push(clean(reply.intro));
  const numbered = reply.kind === 'briefing' || reply.kind === 'digest';
  reply.sections.forEach((section, index) => {
    lines.push('');
    const indent = numbered ? '   ' : '';
    if (section.heading)
      lines.push(...wrap(`${numbered ? `${index + 1}. ` : ''}${clean(section.heading)}`, '', indent));
    if (section.text) lines.push(...wrap(clean(section.text), indent, indent));
    for (const bullet of section.bullets ?? [])
      lines.push(...wrap(`• ${clean(bullet)}`, indent, `${indent}  `));
    for (const quote of section.quotes ?? [])
      lines.push(...wrap(`“${clean(quote)}”`, `${indent}> `, `${indent}> `));
    for (const figures of section.figures ?? [])
      lines.push(...wrap(`≠ ${clean(figuresLine(figures))}`, indent, `${indent}  `));
    if (section.outlets && section.outlets.length > 0) {
      const date = section.source?.date ? ` · ${section.source.date}` : '';
      lines.push(...wrap(`${reportedByText(section.outlets)}${clean(date)}`, indent, `${indent}  `));
    } else if (section.source) {
      const { name, date, url } = section.source;
      lines.push(
        `${indent}— ${[clean(name), date, url ? clean(url) : undefined].filter(Boolean).join(', ')}`,
      );
    }
  });
  const more = moreLine(reply, 0);
  if (more || reply.footer) lines.push('');
  if (more) lines.push(clean(more));
  if (reply.footer) lines.push(clean(reply.footer));
  return `${lines.join('\n')}\n`;
}

/** "Reported by A (url), B (url), C +2": the terminal shows each outlet's link beside its name. */
function reportedByText(outlets: readonly ReplySource[]): string {
  const { named, others } = reportedBy(outlets);
  const names = named.map((outlet) =>
    outlet.url ? `${clean(outlet.name)} (${clean(outlet.url)})` : clean(outlet.name),
  );
  return `Reported by ${names.join(', ')}${others > 0 ? ` +${others}` : ''}`;
}

function clean(text: string): string {
  // C0 and C1 controls, including ESC and the single-byte CSI; newlines become spaces.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function wrap(text: string, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let prefix = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > prefix.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = rest;
      prefix = rest;
    }
    line += line.length > prefix.length ? ` ${word}` : word;
  }
  if (line.length > prefix.length) lines.push(line);
  return lines;
}
