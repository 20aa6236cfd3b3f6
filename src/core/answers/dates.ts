import * as chrono from 'chrono-node';

export interface DateMention {
  /** As written: "on Sunday", "October 7". */
  text: string;
  /** Character offset in the sentence. */
  index: number;
  /** The calendar date it means, YYYY-MM-DD, read against the document's date. */
  date: string;
  /** False for spans like "this week" whose day is a guess. */
  exactDay: boolean;
}

/**
 * Dates a sentence mentions, resolved against the day its document was published. News reports the
 * past: a date with no year ("October 7") that would fall after publication means last year's.
 */
export function dateMentions(sentence: string, published: string): DateMention[] {
  const reference = new Date(`${published}T12:00:00Z`);
  return chrono.parse(sentence, { instant: reference, timezone: 'UTC' }).map((result) => {
    const start = result.start.date();
    if (!result.start.isCertain('year') && result.start.isCertain('month') && start > reference) {
      start.setUTCFullYear(start.getUTCFullYear() - 1);
    }
    return {
      text: result.text,
      index: result.index,
      date: start.toISOString().slice(0, 10),
      exactDay: result.start.isCertain('day') || result.start.isCertain('weekday'),
    };
  });
}

/** "Sunday 28 April 2024": unambiguous in every locale our users read. */
export function formatDate(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
