import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConsole } from '../src/adapters/console/render.js';
import { pipedConsole } from './support/console.js';
import { briefingsFolder, scratchDir, startCore } from './support/core.js';
import { runScript } from './support/process.js';

/** Feeds lines to the console adapter as piped input and collects what it prints. */
async function converse(lines: string[]): Promise<string> {
  const core = await startCore();
  const { adapter, input, printed } = await pipedConsole(core.bot);
  input.end(`${lines.join('\n')}\n`);
  await adapter.closed;
  return printed();
}

describe('the local console', () => {
  it('answers commands and follow-up questions line by line, then closes at end of input', async () => {
    const printed = await converse(['/brief gaza', 'how many civilians are in Rafah?', '/topics', '/help']);
    expect(printed).toContain('Briefing: Gaza');
    expect(printed).toContain('over 1.5 million civilians');
    // Who reported it and when, apart: "Reported by <outlet> · 2024-04-29".
    expect(printed).toMatch(/Reported by \S+ · 2024-04-29/);
    expect(printed).toMatch(/^rafah: Rafah$/m);
    expect(printed).toContain('Follow-up questions');
  });

  it('says to ask on the next line, where there is no thread, and names commands as the console takes them', async () => {
    const printed = await converse(['/brief gaza', '/brief xyzzy']);
    expect(printed).toContain('Ask about these items on the next line.');
    expect(printed).not.toContain('Reply in the thread');
    expect(printed).toContain('See every topic with /topics.');
    expect(printed).not.toMatch(/\/brief topics|\{\//);
  });

  it('a command given far too many words says so without echoing them all back', async () => {
    const pasted = 'word '.repeat(200_000);
    const printed = await converse([`/topics ${pasted}`]);
    expect(printed).toMatch(/Too many words for \/topics: "word word [\s\S]*…"/);
    expect(printed.length).toBeLessThan(2_000);
  });

  it('answers a question asked before any briefing from the whole store', async () => {
    const printed = await converse(['who is mediating the talks?']);
    expect(printed).toContain('Egypt, Qatar');
  });

  it('/quit leaves without reading further lines', async () => {
    const printed = await converse(['/quit', '/brief gaza']);
    expect(printed).not.toContain('Briefing');
  });

  it('strips terminal escape sequences that a document might carry', () => {
    const text = renderConsole({
      kind: 'briefing',
      audience: 'channel',
      title: 'Briefing',
      sections: [{ heading: 'Evil \u001b[2J\u001b]0;owned\u0007 headline', text: 'clear\u009b31m' }],
    });
    expect(text).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(text).toContain('Evil');
  });
});

describe('npm start and npm run brief on a fresh folder', () => {
  it('npm start with piped input says it runs the console, prints each reply and exits 0', async () => {
    const env = { BRIEFINGS_DIR: briefingsFolder(), DATABASE_PATH: join(scratchDir(), 'start.db') };
    const result = await runScript(['src/main.ts'], '/brief rafah\nhow many civilians are in Rafah?\n', env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/no Slack or Discord credentials.*local console/);
    expect(result.stdout).toContain('Briefing: Rafah');
    expect(result.stdout).toContain('over 1.5 million civilians');
    // Piped: no colours, and lines wrapped at 80 columns.
    expect(result.stdout).not.toContain('\u001b');
    expect(Math.max(...result.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
  });

  it('npm run brief -- gaza prints one briefing and exits', async () => {
    const env = { BRIEFINGS_DIR: briefingsFolder(), DATABASE_PATH: join(scratchDir(), 'brief.db') };
    const result = await runScript(['src/cli/brief.ts', 'gaza'], '', env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Briefing: Gaza');
    expect(result.stdout.match(/^\d\. /gm)).toHaveLength(3);
    // One briefing to stdout: nothing follows it, so nothing promises answers.
    expect(result.stdout).not.toMatch(/Reply in the thread|next line/);
  });

  it('npm run brief exits 1 when nothing matched, as grep does, and prints only the reply', async () => {
    const env = { BRIEFINGS_DIR: briefingsFolder(), DATABASE_PATH: join(scratchDir(), 'none.db') };
    const result = await runScript(['src/cli/briefbot.ts', 'brief', 'zebras'], '', env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Nothing/);
    expect(result.stderr).toBe('');
  });

  it('--version prints the version from package.json', async () => {
    const result = await runScript(['src/cli/briefbot.ts', '--version'], '', {});
    expect(result).toEqual({ code: 0, stdout: 'briefbot 0.1.0\n', stderr: '' });
  });

  it('a bad setting stops start-up with one message naming every problem', async () => {
    const result = await runScript(['src/main.ts'], '', {
      BRIEFINGS_DIR: briefingsFolder(),
      DATABASE_PATH: join(scratchDir(), 'bad.db'),
      SLACK_BOT_TOKEN: 'not-a-token',
      LOG_LEVEL: 'loud',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN');
    expect(result.stderr).toContain('LOG_LEVEL');
  });
});
