#!/usr/bin/env node
import { readFileSync } from 'node:fs';

/**
 * The `briefbot` command: `briefbot` runs the bot, `briefbot brief gaza` prints one briefing,
 * `briefbot digest --channel C1 --dry-run` previews digests, `briefbot sources import feeds.opml` adds a
 * feed reader's feeds to sources.yaml, `briefbot --version` says which.
 * Each entry point is loaded only when asked for, so `--version` answers at once.
 */
const [first, ...rest] = process.argv.slice(2);
if (first === '--version' || first === '-v') {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  process.stdout.write(`briefbot ${pkg.version}\n`);
} else if (first === 'brief' || first === 'digest' || first === 'sources') {
  // The entry points read their arguments from argv, as they do when run on their own.
  process.argv.splice(2, process.argv.length - 2, ...rest);
  await import(first === 'brief' ? './brief.js' : first === 'digest' ? './digest.js' : './sources.js');
} else {
  await import('../main.js');
}
