/**
 * Wall-clock time in IANA zones, on Intl alone. Digests are due at a local time, so "when is 08:00
 * in Europe/London next" must follow daylight saving; the scheduler's cron library resolves times
 * the same way, so what `/brief subscriptions` promises is when the job fires.
 */
import { remember } from '../memo.js';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Local parts of whole-minute instants, which every subscription due at one time asks for again and
 * again (10,000 due in one minute made formatToParts the first second of the minute). A pure memo,
 * emptied when full.
 */
const minuteParts = new Map<string, LocalParts & { second: number }>();
const MINUTE_PARTS_KEPT = 4_096;

function localParts(instant: Date, timeZone: string): LocalParts & { second: number } {
  const ms = instant.getTime();
  if (ms % 60_000 !== 0) return formatParts(instant, timeZone);
  const key = `${timeZone}|${ms}`;
  let parts = minuteParts.get(key);
  if (!parts) {
    if (minuteParts.size >= MINUTE_PARTS_KEPT) minuteParts.clear();
    parts = formatParts(instant, timeZone);
    minuteParts.set(key, parts);
  }
  return parts;
}

function formatParts(instant: Date, timeZone: string): LocalParts & { second: number } {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Minutes the zone is ahead of UTC at that instant. */
function offsetMinutes(instant: number, timeZone: string): number {
  const p = localParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The zone's canonical name ("europe/london" -> "Europe/London"), or undefined if Intl does not know it. */
export function canonicalTimeZone(name: string): string | undefined {
  // Offsets such as "+01:00" are valid Intl zones in newer Node but have no daylight saving to follow.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined;
  try {
    return partsFormatter(name).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The local calendar date of an instant, YYYY-MM-DD: a digest's period key. */
export function localDate(instant: Date, timeZone: string): string {
  // Read at the start of its minute: offsets are whole minutes, so the date is the same, and memoised.
  const p = localParts(new Date(Math.floor(instant.getTime() / 60_000) * 60_000), timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * The instant a local date and HH:MM happen in the zone; undefined when the clocks skip that time
 * (01:30 on the spring-forward day in London), which the cron library skips too. Of a time that
 * happens twice, the one the cron library picks.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date | undefined {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - offsetMinutes(guess, timeZone) * 60_000;
  const second = guess - offsetMinutes(first, timeZone) * 60_000;
  for (const candidate of [first, second]) {
    const p = localParts(new Date(candidate), timeZone);
    if (p.year === year && p.month === month && p.day === day && p.hour === hour && p.minute === minute) {
      return new Date(candidate);
    }
  }
  return undefined;
}

function shiftDate(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The first time after `after` that the zone's clocks show `time`. */
export function nextOccurrence(time: string, timeZone: string, after: Date): Date {
  const today = localDate(after, timeZone);
  for (let days = 0; days < 4; days++) {
    const at = zonedInstant(shiftDate(today, days), time, timeZone);
    if (at && at.getTime() > after.getTime()) return at;
  }
  throw new Error(`no ${time} in ${timeZone} after ${after.toISOString()}`);
}

/** The last time at or before `atOrBefore` that the zone's clocks showed `time`. */
export function previousOccurrence(time: string, timeZone: string, atOrBefore: Date): Date {
  const today = localDate(atOrBefore, timeZone);
  for (let days = 0; days < 4; days++) {
    const at = zonedInstant(shiftDate(today, -days), time, timeZone);
    if (at && at.getTime() <= atOrBefore.getTime()) return at;
  }
  throw new Error(`no ${time} in ${timeZone} before ${atOrBefore.toISOString()}`);
}

/** Building an Intl.DateTimeFormat costs far more than using one: one per zone, kept. */
const displayFormatters = new Map<string, Intl.DateTimeFormat>();

/** Instants formatted lately: a minute's thousands of digests mostly start at the same few. */
const formatted = new Map<string, string>();

/** "Sat 27 Mar, 08:00" in the zone: how users see delivery times. */
export function formatLocal(instant: Date, timeZone: string): string {
  const key = `${timeZone}|${instant.getTime()}`;
  const known = formatted.get(key);
  if (known !== undefined) return known;
  let formatter = displayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    displayFormatters.set(timeZone, formatter);
  }
  const text = formatter.format(instant).replace(/^(\w+) (\d+ \w+),? (\d\d:\d\d)$/, '$1 $2, $3');
  remember(formatted, key, text, 256);
  return text;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
