/** The bot's bound on heap growth: a stream of short-lived work keeps its heap near what is live. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startBotProcess } from './support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'briefbot-heap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A process that keeps 50,000 objects alive and replaces them one by one, each living long enough to
 * be promoted and then dying, as digests do in a busy minute: prints its old generation's peak in MB.
 */
function workload(bound: boolean): string {
  const file = join(dir, `workload-${bound}.mjs`);
  writeFileSync(
    file,
    `${bound ? `(await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/heap.ts')).href)})).boundHeapGrowth();` : ''}
const { getHeapSpaceStatistics } = await import('node:v8');
const oldSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_size;
const ring = new Array(50_000);
let peak = 0;
for (let i = 0; i < 1_000_000; i++) {
  ring[i % ring.length] = { text: \`item \${i} \`.repeat(20), figures: [i, i + 1, i + 2] };
  if (i % 5_000 === 0) peak = Math.max(peak, oldSpace());
}
process.stdout.write(String(Math.round(peak / 1_048_576)));
`,
  );
  return file;
}

async function peakHeapMb(bound: boolean, flags: string[] = []): Promise<number> {
  const run = startBotProcess([...flags, workload(bound)], {});
  expect(await run.exited, run.stderr()).toBe(0);
  return Number(run.stdout());
}

describe('heap growth', () => {
  it('keeps the old generation of a stream of short-lived work at about half what V8 lets it grow to, unless the command line chose', async () => {
    const [unbounded, bounded, chosen] = await Promise.all([
      peakHeapMb(false),
      peakHeapMb(true),
      peakHeapMb(true, ['--heap-growing-percent=300']),
    ]);
    expect(bounded).toBeGreaterThan(0);
    expect(bounded).toBeLessThan(unbounded * 0.7);
    expect(chosen).toBeGreaterThan(bounded * 1.3);
  });
});
