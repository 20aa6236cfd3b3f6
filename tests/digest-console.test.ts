import { describe, expect, it } from 'vitest';
import { pipedConsole } from './support/console.js';
import {
  advanceTo,
  command,
  digestSetup,
  fakeTime,
  openDigestCore,
  startScheduler,
} from './support/digest.js';
import { runScript } from './support/process.js';

/** Lets stream and readline callbacks run (they use nextTick and I/O, which stay real under fake timers). */
async function settle(done: () => boolean): Promise<void> {
  const until = performance.now() + 10_000;
  while (!done() && performance.now() < until) await new Promise((resolve) => setImmediate(resolve));
}

describe('digests in the local console', () => {
  it('a subscription typed in the console prints its digest at the time, and follow-ups answer from it', async () => {
    fakeTime('2027-03-26T12:00:00Z');
    const core = await openDigestCore();
    const { adapter, input, printed: output } = await pipedConsole(core.bot);
    const scheduler = startScheduler(core, [adapter]);
    await scheduler.start();

    input.write('/brief subscribe gaza,aid 08:00 Europe/London\n');
    await settle(() => output().includes('Next:'));
    expect(output()).toContain('Subscribed: Gaza, Humanitarian aid');
    expect(scheduler.jobCount).toBe(1);

    await advanceTo('2027-03-27T08:00:01Z');
    await scheduler.idle();
    expect(output()).toContain('Daily digest: Gaza, Humanitarian aid');
    expect(output()).toContain('3 new stories since Fri 26 Mar, 08:00 (Europe/London)');
    expect(output().match(/Daily digest/g)).toHaveLength(1);

    input.write('how many civilians are in Rafah?\n');
    await settle(() => output().includes('1.5 million'));
    expect(output()).toContain('over 1.5 million civilians');
    input.end();
    await adapter.closed;
  });
});

function run(args: string[], env: Record<string, string>) {
  return runScript(['src/cli/digest.ts', ...args], '', env);
}

describe('npm run digest -- --channel <id> --dry-run', () => {
  it('prints what each subscription of the channel would get now, and posts nothing', async () => {
    const setup = digestSetup();
    const core = await openDigestCore(setup);
    await command(core, 'subscribe gaza,aid 08:00 Europe/London');
    await command(core, 'subscribe israel 09:00 UTC quiet', { channelId: 'C2' });
    const env = { BRIEFINGS_DIR: setup.briefings, DATABASE_PATH: setup.database, WATCH_BRIEFINGS: 'false' };

    const preview = await run(['--channel', 'C1', '--dry-run'], env);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('# slack C1: Gaza, Humanitarian aid at 08:00 (Europe/London)');
    expect(preview.stdout).toContain('Daily digest: Gaza, Humanitarian aid');
    expect(preview.stdout).toContain('3 new stories since');
    const [subscription] = await core.store.listSubscriptions({ platform: 'slack', channelId: 'C1' });
    expect(await core.store.lastDigestWindowEnd(subscription!.id)).toBeUndefined();

    const none = await run(['--channel', 'C9', '--dry-run'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No digest subscriptions in channel C9.');

    const posting = await run(['--channel', 'C1'], env);
    expect(posting.code).toBe(2);
    expect(posting.stderr).toContain('Only --dry-run exists');
  }, 60_000);
});
