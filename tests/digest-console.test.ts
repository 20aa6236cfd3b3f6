import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../src/adapters/console/index.js';
import {
  advanceTo,
  command,
  digestSetup,
  fakeTime,
  openDigestCore,
  startScheduler,
} from './support/digest.js';

const ROOT = join(import.meta.dirname, '..');

/** Lets stream and readline callbacks run (they use nextTick and I/O, which stay real under fake timers). */
async function settle(done: () => boolean): Promise<void> {
  const until = performance.now() + 10_000;
  while (!done() && performance.now() < until) await new Promise((resolve) => setImmediate(resolve));
}

describe('digests in the local console', () => {
  it('a subscription typed in the console prints its digest at the time, and follow-ups answer from it', async () => {
    fakeTime('2027-03-26T12:00:00Z');
    const core = await openDigestCore();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const adapter = new ConsoleAdapter({ bot: core.bot, input, output, interactive: false });
    await adapter.start();
    const scheduler = startScheduler(core, [adapter]);
    await scheduler.start();

    input.write('/brief subscribe gaza,aid 08:00 Europe/London\n');
    await settle(() => printed.includes('Next:'));
    expect(printed).toContain('Subscribed: Gaza, Humanitarian aid');
    expect(scheduler.jobCount).toBe(1);

    await advanceTo('2027-03-27T08:00:01Z');
    await scheduler.idle();
    expect(printed).toContain('Daily digest: Gaza, Humanitarian aid');
    expect(printed).toContain('3 new items since Fri 26 Mar, 08:00 (Europe/London)');
    expect(printed.match(/Daily digest/g)).toHaveLength(1);

    input.write('how many civilians are in Rafah?\n');
    await settle(() => printed.includes('1.5 million'));
    expect(printed).toContain('over 1.5 million civilians');
    input.end();
    await adapter.closed;
  });
});

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/digest.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
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
    expect(preview.stdout).toContain('3 new items since');
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
