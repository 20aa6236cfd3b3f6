import { join } from 'node:path';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import { afterEach } from 'vitest';
import { ROOT } from './process.js';

const running: pty.IPty[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

export interface TerminalSession {
  /** The visible screen, one string per row, trailing spaces trimmed, empty rows at the end dropped. */
  screen(): string[];
  /** Everything the program wrote, escapes and all. */
  raw(): string;
  type(text: string): void;
  /** Waits (bounded) until the screen matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string[]>;
  exited: Promise<number>;
}

/**
 * Runs `npm start`'s entry point in a real pseudo-terminal of the given size, and keeps what a
 * terminal of that size would show (xterm's own emulator, headless), so tests assert the screen.
 */
export function startInTerminal(
  args: string[],
  env: Record<string, string>,
  size: { cols: number; rows?: number } = { cols: 80 },
): TerminalSession {
  const rows = size.rows ?? 40;
  const terminal = new xterm.Terminal({ cols: size.cols, rows, allowProposedApi: true, scrollback: 1000 });
  const child = pty.spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), ...args], {
    name: 'xterm-256color',
    cols: size.cols,
    rows,
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color', ...env },
  });
  running.push(child);
  let raw = '';
  child.onData((data) => {
    raw += data;
    terminal.write(data);
  });
  const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  // Written data reaches the emulator's buffer asynchronously: flush before reading it.
  const flushed = () => new Promise<void>((resolve) => terminal.write('', resolve));
  const screen = () => {
    const buffer = terminal.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < buffer.length; row++) {
      lines.push(buffer.getLine(row)?.translateToString(true) ?? '');
    }
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  };
  return {
    screen,
    raw: () => raw,
    type: (text) => child.write(text),
    async waitFor(pattern, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await flushed();
        const lines = screen();
        if (pattern.test(lines.join('\n'))) return lines;
        if (Date.now() > until) {
          throw new Error(`screen never matched ${pattern}:\n${lines.join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    exited,
  };
}
