// English only: the whole package loads every locale, hundreds of modules at start-up.
import * as chrono from 'chrono-node/en';

export interface DateMention {
  /** As written: "on Sunday", "October 7", "by 2007". */
  text: string;
  /** Character offset in the sentence. */
  index: number;
  /**
   * What the words pin down. `day`: a calendar day, read against the document's date where relative
   * ("on Sunday", "yesterday"). `month-day`: day and month but no year ("October 7"), which the
   * answer must not make up. `vague`: "this week", "in 2007": quoted as written.
   */
  precision: 'day' | 'month-day' | 'vague';
  /** YYYY-MM-DD for `day`; MM-DD for `month-day`; absent for `vague`. */
  date?: string;
}

/** Words chrono reads as dates that answer no "when": "now a member of ...". */
const NOT_AN_ANSWER = /^(?:now|right now|currently|then)$/i;
/** Years with the preposition that makes them an answer: "by 2007", "in 2004". */
const YEAR =
  /\b(?:in|by|since|until|till|from|before|after|during|around)\s+(?:early |late |mid-)?(1[89]\d\d|20\d\d)\b/gi;

/** Dates a sentence mentions, read against the day its document was published. */
export function dateMentions(sentence: string, published: string): DateMention[] {
  const reference = new Date(`${published}T12:00:00Z`);
  const mentions: DateMention[] = [];
  for (const result of chrono.parse(sentence, { instant: reference, timezone: 'UTC' })) {
    if (NOT_AN_ANSWER.test(result.text.trim())) continue;
    const start = result.start;
    const iso = start.date().toISOString().slice(0, 10);
    const relative = start.isCertain('weekday') || !start.isCertain('month');
    const precision =
      start.isCertain('day') && start.isCertain('month') && start.isCertain('year')
        ? 'day'
        : start.isCertain('day') && start.isCertain('month')
          ? 'month-day'
          : relative && (start.isCertain('day') || start.isCertain('weekday'))
            ? 'day'
            : 'vague';
    mentions.push({
      text: result.text,
      index: result.index,
      precision,
      ...(precision === 'day' ? { date: iso } : precision === 'month-day' ? { date: iso.slice(5) } : {}),
    });
  }
  for (const match of sentence.matchAll(YEAR)) {
    const overlaps = mentions.some(
      (mention) =>
        match.index < mention.index + mention.text.length && mention.index < match.index + match[0].length,
    );
    if (!overlaps) mentions.push({ text: match[0], index: match.index, precision: 'vague' });
  }
  return mentions.sort((a, b) => a.index - b.index);
}

const LONG = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' } as const;

/** "Sunday 28 April 2024": unambiguous in every locale our users read. */
export function formatDate(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', LONG);
}

/** A date answer that says no more than the words do, and how it was read. */
export function describeMention(mention: DateMention, published: string): string {
  const words = `“${mention.text.trim()}”`;
  const report = `the report is dated ${formatDate(published)}`;
  if (mention.precision === 'day' && mention.date) return `${formatDate(mention.date)} (${words}; ${report})`;
  if (mention.precision === 'month-day' && mention.date) {
    const dayMonth = new Date(`2000-${mention.date}T12:00:00Z`).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    });
    return `${dayMonth}, year not stated (${words}; ${report})`;
  }
  return `${words} (${report})`;
}
