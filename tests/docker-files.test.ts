import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './support/process.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** Instructions with their continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stages = instructions.reduce<string[][]>((all, line) => {
  if (line.startsWith('FROM ')) all.push([]);
  all.at(-1)?.push(line);
  return all;
}, []);
const runtime = stages.at(-1) ?? [];

interface ComposeService {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('the Dockerfile', () => {
  it('has no problems dockerfile-utils (the Docker language server’s linter) reports', () => {
    expect(
      validate(dockerfile).map((problem) => `${problem.range.start.line + 1}: ${problem.message}`),
    ).toEqual([]);
  });

  it('builds in one stage on a pinned slim Node 20 image and runs from another, as a non-root user', () => {
    expect(stages.map((stage) => stage[0])).toEqual([
      'FROM node:20-bookworm-slim AS build',
      'FROM node:20-bookworm-slim AS runtime',
    ]);
    expect(stages[0]?.join('\n')).toMatch(/npm ci/);
    expect(runtime).toContain('COPY --from=build /app/node_modules ./node_modules');
    expect(runtime.filter((line) => line.startsWith('USER ')).at(-1)).toBe('USER node');
    expect(runtime).toContain('VOLUME ["/data"]');
    expect(runtime.join('\n')).toMatch(/DATABASE_PATH=\/data\/briefbot\.db/);
  });

  it('follows the hadolint rules that apply: JSON-form CMD, a HEALTHCHECK, lean apt installs', () => {
    const cmd = runtime.find((line) => line.startsWith('CMD '));
    expect(() => JSON.parse(cmd?.slice(4) ?? '')).not.toThrow();
    expect(runtime.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('/healthz'))).toBe(true);
    for (const line of instructions.filter((l) => l.includes('apt-get install'))) {
      expect(line).toContain('--no-install-recommends'); // DL3015
      expect(line).toContain('-y'); // DL3014
      expect(line).toContain('rm -rf /var/lib/apt/lists/*'); // DL3009
    }
    expect(instructions.some((line) => /^RUN .*\bcd\b/.test(line))).toBe(false); // DL3003: WORKDIR instead
    expect(instructions.some((line) => /^FROM \S+:latest\b|^FROM [^:\s]+(\s|$)/.test(line))).toBe(false); // DL3006/7
  });
});

describe('compose.yaml', () => {
  it('runs two bot instances on one PostgreSQL 16, each with its own id, port and volume', () => {
    const { postgres, ...bots } = compose.services;
    expect(postgres?.image).toBe('postgres:16');
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(Object.keys(bots)).toHaveLength(2);
    const instances = Object.values(bots);
    for (const bot of instances) {
      expect(bot.build).toBe('.');
      expect(bot.environment?.DATABASE_URL).toMatch(/^postgres:\/\/\w+:\w+@postgres:5432\/\w+$/);
      expect(bot.environment?.HEALTH_PORT).toBe('8080');
      expect(bot.depends_on?.postgres?.condition).toBe('service_healthy');
    }
    const distinct = (pick: (bot: ComposeService) => unknown) => new Set(instances.map(pick)).size;
    expect(distinct((bot) => bot.environment?.INSTANCE_ID)).toBe(2);
    expect(distinct((bot) => bot.ports?.[0]?.split(':')[0])).toBe(2);
    expect(distinct((bot) => bot.volumes?.[0])).toBe(2);
  });
});
