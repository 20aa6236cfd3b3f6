import { describe, expect, it } from 'vitest';
import { command, MemoryLog, openDigestCore, RecordingPoster, startScheduler } from './support/digest.js';

describe('DIGEST_GRACE applies only to late digests', () => {
  it('with a grace of 1m an on-time digest is posted, and one found later than the grace is reported missed', async () => {
    const core = await openDigestCore();
    await command(core, 'subscribe gaza 08:00 UTC');
    const [subscription] = await core.store.listSubscriptions();
    const poster = new RecordingPoster();
    const log = new MemoryLog();
    let now = new Date();
    const scheduler = startScheduler(core, [poster], { graceMs: 60_000, clock: () => now, logger: log });
    const at = async (due: string, foundAfterMs: number) => {
      now = new Date(Date.parse(due) + foundAfterMs);
      return scheduler.runDue(subscription!.id, new Date(due), 'UTC');
    };

    // Found 30 s and 3 min after it was due: on time (within 5 min), whatever the grace.
    expect(await at('2027-03-27T08:00:00.000Z', 30_000)).toBe('posted');
    expect(await at('2027-03-28T08:00:00.000Z', 3 * 60_000)).toBe('posted');
    // Found 10 min after: late, and later than the grace.
    expect(await at('2027-03-29T08:00:00.000Z', 10 * 60_000)).toBe('missed');
    expect(poster.posts).toHaveLength(2);
    expect(log.messages('warn')).toContain('digest skipped: missed beyond the grace period');
    const missed = await core.store.getDigestRun({
      subscriptionId: subscription!.id,
      periodKey: '2027-03-29',
    });
    expect(missed).toMatchObject({ status: 'skipped' });
    expect(missed?.error).toMatch(
      /^missed: due 2027-03-29T08:00:00.000Z, found 10 min later, beyond DIGEST_GRACE/,
    );
  });
});
