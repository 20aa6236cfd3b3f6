// The shared feed files (../shared/data/feeds) and what their README says each holds.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MissingBenchData, repoRoot } from '../paths.js';

export const feedsDir = (): string => path.resolve(repoRoot, '../shared/data/feeds');
export const articlePagesDir = (): string => path.resolve(repoRoot, '../shared/data/article-pages');

export interface SharedFeed {
  file: string;
  bytes: Buffer;
  kind: string;
  /** Items the README counted in the raw file. */
  items: number;
}

export function sharedFeeds(): SharedFeed[] {
  const dir = feedsDir();
  let readme: string;
  try {
    readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
  } catch {
    throw new MissingBenchData('the shared feed files', dir);
  }
  const table = new Map<string, { kind: string; items: number }>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const file = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!file || cells.length < 7) continue;
    table.set(file, {
      kind: (cells[3] ?? '').replace(/\*/g, ''),
      items: Number.parseInt(cells[5] ?? '', 10) || 0,
    });
  }
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'README.md' && entry.name !== 'SHA256SUMS')
    .map((entry) => {
      const file = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      const known = table.get(file) ?? { kind: 'unlisted', items: 0 };
      return { file, bytes: readFileSync(path.join(dir, file)), ...known };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

export interface ArticlePage {
  name: string;
  html: string;
  expectedHtml: string;
  lang: string;
}

export function articlePages(): ArticlePage[] {
  const dir = articlePagesDir();
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    throw new MissingBenchData('the shared article pages', dir);
  }
  return names.map((name) => {
    const read = (file: string) => readFileSync(path.join(dir, name, file), 'utf8');
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    // The README's table gives the article's language (metadata lacks it for some pages).
    const lang =
      new RegExp(`^\\| \`${name}\` \\| [^|]* \\| ([^|]+) \\|`, 'm').exec(readme)?.[1]?.trim() ?? '';
    return { name, html: read('source.html'), expectedHtml: read('expected.html'), lang };
  });
}
