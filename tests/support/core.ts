import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Metrics } from '../../src/core/metrics.js';
import { type Core, type CoreOptions, openCore } from '../../src/runtime.js';

export const SEED_FILE = '2024-04-29-biden-netanyahu-call.txt';
export const REPO_BRIEFINGS = join(import.meta.dirname, '../../briefings');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A scratch folder removed after the test. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A briefings folder holding the topic catalogue and the seed (unless `seed: false`), plus any extra
 * files given by name.
 */
export function briefingsFolder(files: Record<string, string | Buffer> = {}, seed = true): string {
  const dir = join(scratchDir(), 'briefings');
  cpSync(join(REPO_BRIEFINGS, 'topics.yaml'), join(dir, 'topics.yaml'), { recursive: true });
  if (seed) cpSync(join(REPO_BRIEFINGS, SEED_FILE), join(dir, SEED_FILE));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** The core on a briefings folder and a fresh database file, closed after the test. */
export async function startCore(
  briefingsDir = briefingsFolder(),
  databasePath = join(scratchDir(), 'briefbot.db'),
  clock?: () => Date,
  metrics?: Metrics,
  options: Partial<CoreOptions> = {},
): Promise<Core> {
  const core = await openCore({
    briefingsDir,
    databasePath,
    logger: silentLogger,
    ...options,
    ...(clock ? { clock } : {}),
    ...(metrics ? { metrics } : {}),
  });
  cleanups.push(() => core.close());
  return core;
}

export const consoleCaller = { platform: 'console' as const, channelId: 'test', userId: 'tester' };

/** Runs `/brief <text>` as a console user would type it. */
export function brief(core: Core, text: string) {
  return core.bot.command({ ...consoleCaller, name: 'brief', input: { text } });
}
