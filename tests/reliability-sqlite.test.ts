import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { briefingsFolder, scratchDir } from './support/core.js';
import { type Started, startBotProcess } from './support/process.js';

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
