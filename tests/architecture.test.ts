import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map(
    (match) => match[1] ?? '',
  );
}

describe('architecture boundaries', () => {
  it('nothing under src/core imports a platform library or the scheduler', () => {
    const offenders = sources(join(SRC, 'core')).flatMap((file) =>
      imports(file)
        .filter((name) => /^(@slack\/|discord\.js|@discordjs\/|node-cron)/.test(name))
        .map((name) => `${relative(SRC, file)} imports ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  it('nothing under src/core imports a logging, metrics or HTTP server library', () => {
    const offenders = sources(join(SRC, 'core')).flatMap((file) =>
      imports(file)
        .filter((name) => /^(pino|prom-client|node:http|node:https)$/.test(name))
        .map((name) => `${relative(SRC, file)} imports ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only the store implementations import a database driver', () => {
    const offenders = sources(join(SRC, 'core'))
      .filter((file) => !relative(SRC, file).startsWith('core/store/'))
      .flatMap((file) =>
        imports(file)
          .filter((name) => /^(better-sqlite3|pg)$/.test(name))
          .map((name) => `${relative(SRC, file)} imports ${name}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the core never reaches into the adapters', () => {
    const offenders = sources(join(SRC, 'core')).flatMap((file) =>
      imports(file)
        .filter((name) => name.includes('/adapters/'))
        .map((name) => `${relative(SRC, file)} imports ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  it('adapters reach the core only through its public surface, src/core/index.ts', () => {
    const offenders = sources(join(SRC, 'adapters')).flatMap((file) =>
      imports(file)
        .filter((name) => /\/core\//.test(name) && !name.endsWith('/core/index.js'))
        .map((name) => `${relative(SRC, file)} imports ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only src/config.ts reads process.env', () => {
    const readers = sources(SRC)
      .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(readers).toEqual(['config.ts']);
  });
});
