import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { type Started, startBotProcess } from './support/process.js';

/**
 * Another process writing to a fresh file in SQLite's default journal mode, for `holdMs`: while it holds
 * its write lock, SQLite refuses the switch to WAL at once rather than waiting.
 */
function holdWriteLock(file: string, holdMs: number): Started {
  const script = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE; CREATE TABLE writer (x); INSERT INTO writer VALUES (1)');
    console.log('locked');
    setTimeout(() => db.exec('COMMIT'), ${holdMs});`;
  return startBotProcess(['-e', script], {}, 30_000);
}

/** News-like files for both instances to ingest at once, so their write transactions overlap. */
function busyFolder(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) {
    files[`report-${i}.txt`] =
      `date 2024-05-0${(i % 9) + 1}\nAid trucks entered Gaza through Kerem Shalom, report ${i} said. ` +
      `The UN said ${i + 40} trucks crossed on the day. Talks on a ceasefire continued in Cairo.\n`;
  }
  return briefingsFolder(files);
}

describe('two processes on one SQLite file', () => {
  it('a bot opening a file another process is writing waits for it, then starts', async () => {
    const file = join(scratchDir(), 'held.db');
    const writer = holdWriteLock(file, 300);
    await expect.poll(() => writer.stdout(), { timeout: 20_000, interval: 20 }).toContain('locked');
    const store = new SqliteStore(file);
    expect(await store.countItems({})).toBe(0);
    await store.close();
    expect(await writer.exited).toBe(0);
    expect(writer.stderr()).toBe('');
  });

  it('started at the same moment on a fresh file, both migrate, ingest and answer without an error', async () => {
    const briefings = busyFolder();
    for (let round = 0; round < 3; round++) {
      const database = join(scratchDir(), `shared-${round}.db`);
      const instances: Started[] = [0, 1].map(() =>
        startBotProcess(['tests/support/sqlite-instance.ts', database, briefings], {}, 90_000),
      );
      for (const instance of instances) {
        await expect.poll(() => instance.stdout(), { timeout: 60_000, interval: 50 }).toContain('ready');
      }
      for (const instance of instances) instance.child.stdin.write('go\n');
      const codes = await Promise.all(instances.map((instance) => instance.exited));
      for (const instance of instances) {
        expect(instance.stderr()).toBe('');
        const result = JSON.parse(instance.stdout().split('\n')[1] ?? '{}');
        expect(result).toEqual({ problems: [], title: 'Briefing: Gaza' });
      }
      expect(codes).toEqual([0, 0]);
    }
  }, 240_000);
});
