import { formatLocal } from '../digests/local-time.js';
import type { Source } from '../model.js';

/** How one source is doing, as `/sources` shows it and failure reports tell it. */
export interface SourceStatus {
  source: Source;
  lastSuccess?: string | undefined;
  lastError?: string | undefined;
  lastErrorAt?: string | undefined;
  /** When the current run of failures began; unset while the source works. */
  failingSince?: string | undefined;
  /** Failures in a row. */
  failures: number;
  /** When it is read next; unset for a watched folder, which is read on every change. */
  nextPoll?: string | undefined;
}

/** Every source the bot reads and how each is doing (implemented outside the core, by the sources). */
export interface SourceDirectory {
  statuses(): Promise<SourceStatus[]>;
}

/** "Tue 2 Apr, 08:00 UTC": times in source reports are the operator's, so UTC. */
export function utcTime(iso: string): string {
  return `${formatLocal(new Date(iso), 'UTC')} UTC`;
}

/** "3 h 5 min", "45 s": how long, for people. */
export function spanText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return `${Math.round(hours / 24)} days`;
}

/** "Sky News (feed https://...)": a source as reports name it. */
export function sourceLabel(source: Source): string {
  return source.url ? `${source.name} (${source.url})` : `${source.name} (${source.kind})`;
}
