/**
 * The neutral reply every adapter renders. All text is plain: no Markdown, no platform markup,
 * so each renderer escapes it once for its own platform and nothing from a document can smuggle
 * markup through.
 */
export interface ReplySource {
  name: string;
  url?: string;
  /** YYYY-MM-DD */
  date?: string;
}

/** A figure as one outlet stated it. */
export interface ReplyFigure {
  /** The quantity as written, quoted verbatim ("over 1.5 million civilians"). */
  text: string;
  source: ReplySource;
}

/** Outlets disagree on a figure: every version is shown, none picked. */
export interface ReplyFigures {
  /** What is counted ("civilians"). */
  label: string;
  values: ReplyFigure[];
}

export interface ReplySection {
  heading: string;
  /** A paragraph: a summary, or an answer. */
  text?: string;
  bullets?: string[];
  /** Sentences quoted verbatim from a source document. */
  quotes?: string[];
  source?: ReplySource;
  /** Every outlet that reported what the section shows, each linked to its own article. */
  outlets?: ReplySource[];
  /** Figures the outlets disagree on. */
  figures?: ReplyFigures[];
  /** Item this section shows, so a follow-up thread knows what the user saw. */
  itemId?: string;
}

export type ReplyKind = 'briefing' | 'digest' | 'answer' | 'info' | 'error';

/**
 * Who sees a reply, decided by the core: only the person who asked (Slack ephemeral, Discord's
 * ephemeral flag), or everyone in the channel or thread. The console shows both alike.
 */
export type ReplyAudience = 'requester' | 'channel';

/**
 * Text the core writes may name commands as `{/name args}`, e.g. "see every topic with {/topics}"; the
 * platform's command syntax fills each in (`/brief topics` in Slack, `/topics` in Discord and the
 * console), so no reply names a command its platform lacks. Quotes and sources are document text and
 * are never filled.
 */
export interface Reply {
  kind: ReplyKind;
  audience: ReplyAudience;
  title: string;
  /** One line under the title. */
  intro?: string;
  sections: ReplySection[];
  /** Items that exist but are not shown; renderers add the sections they had to cut. */
  more?: { count: number; hint?: string; noun?: { one: string; many: string } };
  footer?: string;
  /** Set when follow-up questions under this reply should be answered from what it showed. */
  thread?: { topic?: string; itemIds: string[] };
}

/** The "N more" line, counting both what the core left out and what a renderer cut. */
export function moreLine(reply: Reply, cutSections: number): string | undefined {
  const count = (reply.more?.count ?? 0) + cutSections;
  if (count <= 0) return undefined;
  const { one, many } = reply.more?.noun ?? { one: 'item', many: 'items' };
  const noun = reply.kind === 'answer' ? 'more' : `more ${count === 1 ? one : many}`;
  const hint = reply.more?.hint ? ` (${reply.more.hint})` : '';
  return `${count} ${noun}${hint}`;
}

/** How many outlets a "Reported by" line names before it says "+N". */
export const OUTLETS_NAMED = 3;

/** "Reported by A, B, C +2": the outlets to name and how many are left over. */
export function reportedBy(outlets: readonly ReplySource[]): { named: ReplySource[]; others: number } {
  return { named: outlets.slice(0, OUTLETS_NAMED), others: Math.max(0, outlets.length - OUTLETS_NAMED) };
}

/** "civilians: “1.5 million civilians” (Reuters, 2024-04-29) · ..." as plain text, for fallbacks. */
export function figuresLine(figures: ReplyFigures): string {
  const values = figures.values.map(
    (value) => `“${value.text}” (${[value.source.name, value.source.date].filter(Boolean).join(', ')})`,
  );
  return `Sources differ on ${figures.label}: ${values.join(' · ')}`;
}

/** A one-paragraph reply for the person who asked. */
export function infoReply(title: string, text: string, kind: ReplyKind = 'info'): Reply {
  return { kind, audience: 'requester', title, sections: [{ heading: '', text }] };
}

/** How a platform has a command typed, for hints: Slack `('topics', '')` -> `/brief topics`. */
export type CommandSyntax = (command: string, args: string) => string;

const HINT = /\{\/([a-z][a-z0-9_-]*)(?:\s+([^{}]*?))?\s*\}/g;
/** How every hint starts: text without it has none to fill. */
const HINT_START = '{/';

/** `{/name args}` placeholders in one text, filled with the platform's syntax. */
export function fillHints(text: string, syntax: CommandSyntax): string {
  return text.replace(HINT, (_whole, name: string, args: string | undefined) => syntax(name, args ?? ''));
}

/** The reply with every hint filled in: title, intro, headings, paragraphs, bullets, footer, "more". */
export function withHints(reply: Reply, syntax: CommandSyntax): Reply {
  const fill = (text: string) => fillHints(text, syntax);
  const { more, intro, footer } = reply;
  return {
    ...reply,
    title: fill(reply.title),
    ...(intro !== undefined ? { intro: fill(intro) } : {}),
    ...(footer !== undefined ? { footer: fill(footer) } : {}),
    ...(more ? { more: { ...more, ...(more.hint !== undefined ? { hint: fill(more.hint) } : {}) } } : {}),
    // A section with no hint is passed on as it is: sections shared by many replies (a digest's story
    // cards) stay one object, which a renderer may have rendered already.
    sections: reply.sections.map((section) =>
      [section.heading, section.text ?? '', ...(section.bullets ?? [])].some((text) =>
        text.includes(HINT_START),
      )
        ? {
            ...section,
            heading: fill(section.heading),
            ...(section.text !== undefined ? { text: fill(section.text) } : {}),
            ...(section.bullets ? { bullets: section.bullets.map(fill) } : {}),
          }
        : section,
    ),
  };
}
