import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { startInTerminal } from './support/terminal.js';

const PROMPT = 'brief> ';
const SEED_SENTENCE =
  'Netanyahu had previously pledged to deploy troops to Rafah, where over 1.5 million civilians have sought refuge.';

function setup(extra: Record<string, string> = {}) {
  const home = scratchDir();
  const briefings = briefingsFolder();
  const env = {
    HOME: home,
    BRIEFINGS_DIR: briefings,
    DATABASE_PATH: join(home, 'briefbot.db'),
    LOG_FILE: join(home, 'briefbot.log'),
    ...extra,
  };
  return { home, briefings, env };
}

/** The screen with the console's colours and prompt as a person sees them. */
function lastLine(lines: string[]): string {
  return lines.at(-1) ?? '';
}

// Each case starts the real bot in a pseudo-terminal, which takes a few seconds on a busy machine.
describe('the console at a terminal', { timeout: 60_000 }, () => {
  it.each([
    { cols: 80, color: true },
    { cols: 120, color: false },
  ])(
    'wraps a briefing at $cols columns without breaking a word (colours: $color)',
    async ({ cols, color }) => {
      const { env } = setup({ WATCH_BRIEFINGS: 'false', ...(color ? {} : { NO_COLOR: '1' }) });
      const session = startInTerminal(['src/main.ts'], env, { cols });
      await session.waitFor(/^brief> $/m);
      session.type('/brief rafah\r');
      const lines = await session.waitFor(/Ask about these items[\s\S]*^brief> $/m);
      expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(cols);
      // Every word of the quoted sentence is whole on some row: none was cut by the terminal's edge.
      const words = new Set(lines.flatMap((line) => line.split(/\s+/)));
      for (const word of SEED_SENTENCE.split(' ')) expect(words).toContain(word);
      // The width is the terminal's: at 120 columns the summary uses more than 80 of them.
      if (cols > 80) expect(lines.some((line) => line.length > 80)).toBe(true);
      expect(lastLine(lines)).toBe(PROMPT);
      // Titles in bold on a terminal; NO_COLOR turns that off.
      expect(session.raw().includes('\u001b[1mBriefing: Rafah')).toBe(color);
      session.type('/quit\r');
      expect(await session.exited).toBe(0);
    },
  );

  it('shows a warning above the prompt and keeps what was being typed; info logs go to the log file', async () => {
    const { env, briefings } = setup();
    const session = startInTerminal(['src/main.ts'], env);
    const start = await session.waitFor(/^brief> $/m);
    expect(start.join(' ')).toContain(`Logs go to ${env.LOG_FILE}`);
    expect(start.join('\n')).not.toContain('INFO');

    session.type('how many civ');
    await session.waitFor(/^brief> how many civ$/m);
    writeFileSync(join(briefings, 'broken.md'), '---\ntitle: [unclosed\n---\nBody text.\n');
    const lines = await session.waitFor(/WARN skipped broken\.md/);
    const warning = lines.findIndex((line) => line.includes('WARN skipped broken.md'));
    expect(lastLine(lines)).toBe('brief> how many civ');
    expect(warning).toBeLessThan(lines.length - 1);
    expect(lines.filter((line) => line.startsWith(PROMPT))).toHaveLength(1);

    session.type('ilians are in Rafah?\r');
    const answered = await session.waitFor(/over 1\.5 million civilians[\s\S]*^brief> $/m);
    expect(answered).toContain('brief> how many civilians are in Rafah?');
    expect(answered.join('\n')).not.toMatch(/INFO/);
    expect(lastLine(answered)).toBe(PROMPT);
    session.type('/quit\r');
    expect(await session.exited).toBe(0);
    expect(readFileSync(env.LOG_FILE, 'utf8')).toMatch(/INFO follow-up .*"platform":"console"/);
  });

  it('prints a digest that comes due while the prompt waits above a redrawn prompt', async () => {
    const { env } = setup({ WATCH_BRIEFINGS: 'false' });
    // Due ten minutes ago: caught up at start-up, marked late, with everything ingested since.
    const due = new Date(Date.now() - 10 * 60_000);
    const time = `${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}`;
    const store = new SqliteStore(env.DATABASE_PATH);
    await store.saveSubscription({
      id: 'digest-1',
      platform: 'console',
      channelId: 'local',
      topics: ['gaza'],
      time,
      timezone: 'UTC',
      quiet: false,
      createdBy: 'console',
      createdAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });
    await store.close();

    const session = startInTerminal(['src/main.ts'], env);
    const lines = await session.waitFor(/Daily digest: Gaza[\s\S]*^brief> $/m);
    expect(lines.filter((line) => line.startsWith(PROMPT))).toEqual([PROMPT]);
    expect(lastLine(lines)).toBe(PROMPT);
    expect(lines.findIndex((line) => line.startsWith('Daily digest'))).toBeGreaterThan(
      lines.findIndex((line) => line.includes('local console')),
    );
    // Lines typed after the digest are questions about it.
    session.type('who is mediating the talks?\r');
    await session.waitFor(/Egypt, Qatar/);
    session.type('/quit\r');
    expect(await session.exited).toBe(0);
  });

  it('completes commands and topics with Tab, and remembers lines across sessions', async () => {
    const { env, home } = setup({ WATCH_BRIEFINGS: 'false' });
    const first = startInTerminal(['src/main.ts'], env);
    await first.waitFor(/^brief> $/m);
    first.type('/top\t');
    await first.waitFor(/^brief> \/topics$/m);
    first.type('\r');
    await first.waitFor(/^rafah: Rafah/m);
    first.type('/brief raf\t');
    await first.waitFor(/^brief> \/brief rafah$/m);
    first.type('\r');
    await first.waitFor(/Briefing: Rafah/);
    first.type('/quit\r');
    expect(await first.exited).toBe(0);
    expect(readFileSync(join(home, '.briefbot_history'), 'utf8')).toBe('/topics\n/brief rafah\n/quit\n');

    const second = startInTerminal(['src/main.ts'], env);
    await second.waitFor(/^brief> $/m);
    second.type('\u001b[A\u001b[A');
    await second.waitFor(/^brief> \/brief rafah$/m);
  });
});
