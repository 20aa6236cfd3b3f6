// Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: self time per function, and
// total (inclusive) time per function of ours, so a missed target can name what bounds it.
// Usage: tsx bench/profile.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Function and file only: under tsx the line numbers are those of the transpiled code, not of the source.
function label(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  const where = url.startsWith('file://') ? path.relative(repoRoot, new URL(url).pathname) : url;
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

// Each sample's time goes to its leaf (self) and, once per distinct label, to every frame above (total).
const self = new Map<string, number>();
const selfByFile = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  all += ms;
  const leaf = byId.get(id)!;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + ms);
  const file = label(leaf).split(' ').at(-1)!;
  const where = file.includes('/')
    ? file.replace(/^(node_modules\/(?:@[^/]+\/)?[^/]+).*/, '$1')
    : label(leaf);
  selfByFile.set(where, (selfByFile.get(where) ?? 0) + ms);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + ms);
  }
});

function print(title: string, entries: Map<string, number>, keep: (name: string) => boolean): void {
  console.log(`\n${title} (of ${(all / 1000).toFixed(1)} s sampled)`);
  const rows = [...entries].filter(([name]) => keep(name)).sort((a, b) => b[1] - a[1]);
  for (const [name, ms] of rows.slice(0, top)) {
    console.log(
      `${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / all).toFixed(1).padStart(5)}%  ${name}`,
    );
  }
}

print('Self time', self, () => true);
print('Self time by package or source file', selfByFile, () => true);
print('Total time, functions in src/', total, (name) => / src\//.test(name));
