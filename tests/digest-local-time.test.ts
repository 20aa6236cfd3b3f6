import cron from 'node-cron';
import { describe, expect, it, vi } from 'vitest';
import {
  canonicalTimeZone,
  formatLocal,
  nextOccurrence,
  previousOccurrence,
  zonedInstant,
} from '../src/core/digests/local-time.js';

describe('local times', () => {
  it('follow daylight saving both ways', () => {
    expect(zonedInstant('2027-03-27', '08:00', 'Europe/London')?.toISOString()).toBe(
      '2027-03-27T08:00:00.000Z',
    );
    expect(zonedInstant('2027-03-28', '08:00', 'Europe/London')?.toISOString()).toBe(
      '2027-03-28T07:00:00.000Z',
    );
    expect(zonedInstant('2027-10-31', '08:00', 'Europe/London')?.toISOString()).toBe(
      '2027-10-31T08:00:00.000Z',
    );
    expect(nextOccurrence('08:00', 'Europe/London', new Date('2027-03-27T08:00:00Z')).toISOString()).toBe(
      '2027-03-28T07:00:00.000Z',
    );
    expect(previousOccurrence('08:00', 'Europe/London', new Date('2027-03-28T06:59:59Z')).toISOString()).toBe(
      '2027-03-27T08:00:00.000Z',
    );
  });

  it('a time the clocks skip does not happen that day, as with cron', () => {
    expect(zonedInstant('2027-03-28', '01:30', 'Europe/London')).toBeUndefined();
    expect(nextOccurrence('01:30', 'Europe/London', new Date('2027-03-27T02:00:00Z')).toISOString()).toBe(
      '2027-03-29T00:30:00.000Z',
    );
  });

  it.each([
    ['30 1 * * *', '01:30', 'Europe/London', '2027-03-26T12:00:00Z'],
    ['30 1 * * *', '01:30', 'Europe/London', '2027-10-30T12:00:00Z'],
    ['0 8 * * *', '08:00', 'America/New_York', '2027-03-13T12:00:00Z'],
    ['30 2 * * *', '02:30', 'America/New_York', '2027-03-13T12:00:00Z'],
  ])('"%s" in %s agrees with node-cron on the next runs', (expression, time, timezone, from) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(from));
    try {
      const task = cron.createTask(expression, () => undefined, { timezone });
      const cronRuns = task.getNextRuns(3).map((date) => date.toISOString());
      void task.destroy();
      const ours: string[] = [];
      for (let at = new Date(from); ours.length < 3; ) {
        at = nextOccurrence(time, timezone, at);
        ours.push(at.toISOString());
      }
      expect(ours).toEqual(cronRuns);
    } finally {
      vi.useRealTimers();
    }
  });

  it('zones are checked and canonicalised; times are shown in the zone', () => {
    expect(canonicalTimeZone('europe/london')).toBe('Europe/London');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
    expect(canonicalTimeZone('+05:00')).toBeUndefined();
    expect(formatLocal(new Date('2027-03-28T07:00:00Z'), 'Europe/London')).toBe('Sun 28 Mar, 08:00');
    expect(formatLocal(new Date('2027-03-28T07:00:00Z'), 'Asia/Tokyo')).toBe('Sun 28 Mar, 16:00');
  });
});
