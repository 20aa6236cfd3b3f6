import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig, loadDotEnv } from '../config.js';
import { importOpml } from '../sources/opml-import.js';
import { runCli } from './run.js';

const USAGE = 'usage: npm run sources -- import <file.opml>   (adds its feeds to briefings/sources.yaml)';

/**
 * `briefbot sources import feeds.opml`: the feeds of a feed reader's export added to sources.yaml,
 * what was there kept, each duplicate and skipped outline reported. 0 done, 2 a mistake to fix.
 */
runCli(async ([verb, file, ...extra]) => {
  if (verb !== 'import' || !file || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  loadDotEnv();
  const config = loadConfig();
  const sourcesPath = join(config.briefingsDir, 'sources.yaml');
  const opml = await readFile(resolve(file), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw Object.assign(new Error(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`), {
      name: 'UserError',
    });
  });
  const existing = await readFile(sourcesPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const result = importOpml(opml, existing, sourcesPath);
  if (!result.ok) {
    process.stderr.write(`${result.problems.join('\n')}\nNothing was changed.\n`);
    return 2;
  }
  const { report } = result;
  if (report.added.length > 0) await writeFile(sourcesPath, report.text);
  const lines = [
    `${report.added.length} ${report.added.length === 1 ? 'feed' : 'feeds'} added to ${sourcesPath}`,
    ...report.added.map((feed) => `  + ${feed.name ? `${feed.name}: ` : ''}${feed.url}`),
  ];
  if (report.duplicates.length > 0)
    lines.push(
      `${report.duplicates.length} already followed, not added again:`,
      ...report.duplicates.map(
        (feed) =>
          `  = ${feed.url} (${feed.line > 0 ? `${sourcesPath}:${feed.line}` : 'listed twice in the OPML'})`,
      ),
    );
  if (report.skipped.length > 0)
    lines.push(
      `${report.skipped.length} skipped:`,
      ...report.skipped.map((outline) => `  - ${outline.text}: ${outline.reason}`),
    );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
});
