import { existsSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { DiscordConfig } from './adapters/discord/types.js';
import type { SlackConfig } from './adapters/slack/types.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './core/ingest/limits.js';

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const DURATION = /^(?=\d)(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** "6h", "90m", "1h30m", "45s", "500ms": how operators write a duration. */
const durationMs = z
  .string()
  .trim()
  .regex(DURATION, 'must be a duration such as 6h, 90m or 1h30m (units h, m, s and ms)')
  .transform((text) => {
    const [h = 0, m = 0, sec = 0, ms = 0] = (DURATION.exec(text) ?? [])
      .slice(1)
      .map((part) => Number(part ?? 0));
    return ((h * 60 + m) * 60 + sec) * 1000 + ms;
  });

/** A duration with a floor, and the reason for it in the message. */
const durationAtLeast = (floorMs: number, fallback: string, why: string) =>
  optionalText
    .transform((text) => text ?? fallback)
    .pipe(durationMs)
    .pipe(z.number().min(floorMs, why));

/** Only http(s): a `javascript:` or `ftp://` API base is a typo or an attack, never a setting. */
const httpUrl = (example: string) =>
  optionalText.pipe(
    z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` }).optional(),
  );

/** A whole number written in decimal digits: "0x1F90" and "8e3" are typos, not ports. */
const wholeNumber = (min: number, max: number, what: string, fallback: number) =>
  optionalText
    .pipe(z.string().regex(/^\d+$/, `must be ${what}`).optional())
    .transform((text) => (text === undefined ? fallback : Number(text)))
    .pipe(z.number().int().min(min, `must be ${what}`).max(max, `must be ${what}`));

/** "2MB", "512KB" or a number of bytes. */
const byteSize = optionalText
  .transform((text) => text ?? '2MB')
  .pipe(z.string().regex(/^\d+\s*(?:B|KB|MB)?$/i, 'must be a size such as 2MB, 512KB or 100000'))
  .transform((text) => {
    const [, digits = '0', unit = 'B'] = /^(\d+)\s*([A-Z]*)$/i.exec(text) ?? [];
    return Number(digits) * ({ B: 1, KB: 1024, MB: 1024 * 1024 }[unit.toUpperCase()] ?? 1);
  })
  .pipe(z.number().min(1024, 'must be at least 1KB'));

/** Comma-separated user ids: who may change a channel's digests on that platform. */
const userIds = optionalText.transform((text) =>
  (text ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean),
);

/** The URL's port and form, checked here: pg would throw a bare "Invalid URL" with a stack. Never echoes a password. */
function checkPostgresUrl(url: string, context: z.RefinementCtx): void {
  const authority = url.replace(/^[^/]*\/\//, '').split(/[/?#]/)[0] ?? '';
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  const port = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(hostAndPort)?.[1];
  if (
    port !== undefined &&
    port !== '' &&
    !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)
  ) {
    context.addIssue({
      code: 'custom',
      message: `port ${port.slice(0, 12)} is not a port: write one from 1 to 65535 (PostgreSQL's is 5432), or none`,
    });
  } else if (!URL.canParse(url)) {
    context.addIssue({
      code: 'custom',
      message: 'is not a URL: postgres://user:password@host:5432/db (percent-encode @ : / in the password)',
    });
  }
}

const EnvSchema = z.object({
  BRIEFINGS_DIR: z.string().trim().min(1).default('./briefings'),
  DATABASE_PATH: z.string().trim().min(1).default('./data/briefbot.db'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL: postgres://user:password@host/db')
      .superRefine(checkPostgresUrl)
      .optional(),
  ),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
  LOG_FILE: optionalText,
  WATCH_BRIEFINGS: z.enum(['true', 'false']).default('true'),
  FEED_CONTACT: optionalText,
  FEED_FAILURE_REPORT_AFTER: durationAtLeast(
    60_000,
    '1h',
    'must be at least 1m: it is how long a feed fails before its subscribers are told',
  ),
  HEALTH_PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number, or 0 for any free port')
      .transform(Number)
      .pipe(z.number().max(65_535, 'must be a port number up to 65535'))
      .optional(),
  ),
  NO_COLOR: optionalText,
  BRIEFBOT_HISTORY: optionalText,

  DIGEST_GRACE: durationAtLeast(
    60_000,
    '6h',
    'must be at least 1m: it is how late a missed digest may still be posted',
  ),
  INSTANCE_ID: optionalText,
  SLACK_ADMIN_USERS: userIds,
  DISCORD_ADMIN_USERS: userIds,

  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must start with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must start with xapp-').optional()),
  SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_API_URL: httpUrl('https://slack.com/api/'),
  PORT: wholeNumber(1, 65_535, 'a port number from 1 to 65535', 3000),

  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText.pipe(
    z
      .string()
      .regex(/^\d{17,20}$/, 'must be the numeric application id')
      .optional(),
  ),
  DISCORD_GUILD_ID: optionalText.pipe(
    z
      .string()
      .regex(/^\d{17,20}$/, 'must be a numeric guild id')
      .optional(),
  ),
  DISCORD_API_URL: httpUrl('https://discord.com/api'),
  DISCORD_SHARDS: optionalText.pipe(
    z
      .string()
      .regex(/^(auto|\d+(\s*,\s*\d+)*)$/, "must be 'auto' or shard ids such as 0,1")
      .transform((text): 'auto' | number[] =>
        text === 'auto' ? 'auto' : [...new Set(text.split(',').map((id) => Number(id.trim())))],
      )
      .optional(),
  ),
  DISCORD_SHARD_COUNT: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number of shards from 1')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be a whole number of shards from 1'))
      .optional(),
  ),

  LLM_BASE_URL: httpUrl('http://127.0.0.1:11434/v1'),
  LLM_MODEL: optionalText,
  LLM_API_KEY: optionalText,
  LLM_TIMEOUT: durationAtLeast(1, '10s', 'must be more than 0: a model call needs time to answer'),

  // The main thread writes and files stories while the workers build: together they use every core.
  INGEST_WORKERS: wholeNumber(
    0,
    64,
    'a number of threads from 0 (the main thread) to 64',
    Math.max(1, availableParallelism() - 1),
  ),
  INGEST_MAX_FILE_SIZE: byteSize,
  INGEST_MAX_SENTENCES: wholeNumber(
    1,
    10_000_000,
    'a whole number of sentences',
    DEFAULT_INGEST_LIMITS.maxSentences,
  ),
  INGEST_MAX_YAML_ALIASES: wholeNumber(
    0,
    100_000,
    'a whole number of aliases',
    DEFAULT_INGEST_LIMITS.maxYamlAliases,
  ),
});

/**
 * Variables the chosen mode does not use are left out before checking, so a stale PORT in a
 * console session, or an LLM_TIMEOUT with no model, stops nothing.
 */
function usedOnly(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  const unused = new Set<string>();
  if (!set('SLACK_BOT_TOKEN')) for (const name of ['SLACK_MODE', 'SLACK_API_URL', 'PORT']) unused.add(name);
  else if ((env.SLACK_MODE?.trim() || 'socket') !== 'http') unused.add('PORT');
  if (!set('DISCORD_TOKEN'))
    for (const name of ['DISCORD_API_URL', 'DISCORD_GUILD_ID', 'DISCORD_SHARDS', 'DISCORD_SHARD_COUNT'])
      unused.add(name);
  if (!set('LLM_BASE_URL')) unused.add('LLM_TIMEOUT');
  if (set('DATABASE_URL')) unused.add('DATABASE_PATH');
  return Object.fromEntries(Object.entries(env).filter(([name]) => !unused.has(name)));
}

/** Problems between variables: checked on the raw values, so they show beside any single bad one. */
function missingCompanions(env: Record<string, string | undefined>): string[] {
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  const problems: string[] = [];
  const need = (name: string, why: string) => {
    if (!set(name)) problems.push(`  ${name}: missing: ${why}`);
  };
  if (set('SLACK_BOT_TOKEN')) {
    if ((env.SLACK_MODE?.trim() || 'socket') === 'socket') {
      need('SLACK_APP_TOKEN', 'Socket Mode needs an app-level token (xapp-...), or set SLACK_MODE=http');
    } else {
      need(
        'SLACK_SIGNING_SECRET',
        'HTTP mode needs it to verify requests (Basic Information > Signing Secret)',
      );
    }
  } else if (set('SLACK_SIGNING_SECRET') || set('SLACK_APP_TOKEN')) {
    need('SLACK_BOT_TOKEN', 'the other Slack variables are set, so Slack needs the bot token (xoxb-...) too');
  }
  if (set('DISCORD_TOKEN'))
    need('DISCORD_APPLICATION_ID', 'Discord needs the application id beside the token');
  else if (set('DISCORD_APPLICATION_ID'))
    need('DISCORD_TOKEN', 'the Discord application id is set, so Discord needs the bot token too');
  if (set('DISCORD_TOKEN') && set('DISCORD_SHARDS')) {
    const shards = env.DISCORD_SHARDS?.trim() ?? '';
    const count = Number(env.DISCORD_SHARD_COUNT?.trim());
    if (shards === 'auto' && set('DISCORD_SHARD_COUNT'))
      problems.push(
        '  DISCORD_SHARD_COUNT: set with DISCORD_SHARDS=auto, which takes the count from Discord: unset one of them',
      );
    else if (/^\d/.test(shards)) {
      need('DISCORD_SHARD_COUNT', 'DISCORD_SHARDS names shard ids, so say how many shards all instances run');
      const beyond = shards.split(',').filter((id) => Number.isInteger(count) && Number(id) >= count);
      if (beyond.length > 0)
        problems.push(
          `  DISCORD_SHARDS: shard ${beyond.map((id) => id.trim()).join(', ')} is not below DISCORD_SHARD_COUNT=${count}: ids run from 0 to ${count - 1}`,
        );
    }
  }
  if (set('LLM_BASE_URL')) need('LLM_MODEL', 'the language model endpoint is set, so say which model to ask');
  else if (set('LLM_MODEL') || set('LLM_API_KEY'))
    need('LLM_BASE_URL', 'the model settings need the endpoint too');
  return problems;
}

/** The Slack adapter's own configuration type, as far as the environment sets it; PORT always has a value. */
export type SlackSettings = Pick<
  SlackConfig,
  'botToken' | 'signingSecret' | 'appToken' | 'mode' | 'apiUrl'
> & {
  port: number;
};

export type DiscordSettings = DiscordConfig;

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

export interface IngestSettings {
  /** Threads that build items; 0 builds on the main thread. */
  workers: number;
  limits: IngestLimits;
}

export interface Config {
  briefingsDir: string;
  ingest: IngestSettings;
  databasePath: string;
  /** PostgreSQL connection URL: when set, the store is PostgreSQL and databasePath is unused. */
  databaseUrl?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** LOG_FORMAT: `json` lines for log shippers, `pretty` for people. */
  logFormat: 'pretty' | 'json';
  /** LOG_FILE: where the interactive console writes its logs, so they stay out of the conversation. */
  logFile: string;
  watchBriefings: boolean;
  /** Operator contact (email or URL) named in the User-Agent of every feed and page fetch. */
  feedContact?: string;
  /** How long a feed fails before the channels subscribed to its topics are told. */
  feedFailureReportMs: number;
  /** HEALTH_PORT: serve /healthz, /readyz and /metrics there (0: any free port); unset: no server. */
  healthPort?: number;
  console: ConsoleSettings;
  slack?: SlackSettings;
  discord?: DiscordSettings;
  digest: DigestSettings;
  /** Optional OpenAI-compatible model that may reword answers; unset keeps answers extractive. */
  llm?: LlmSettings;
}

export interface ConsoleSettings {
  /** NO_COLOR (https://no-color.org): any value turns colours off even on a terminal. */
  color: boolean;
  /** Lines typed at the console, kept across sessions: BRIEFBOT_HISTORY or ~/.briefbot_history. */
  historyFile: string;
}

export interface DigestSettings {
  /** A digest missed while the bot was down is posted late within this, skipped after it. */
  graceMs: number;
  /** Who may subscribe or unsubscribe a channel, per platform; a platform not listed lets anyone. */
  admins: { slack?: string[]; discord?: string[] };
  /** Names this process in digest claims; main makes one from host and pid when unset. */
  instanceId?: string;
}

/** Every problem with the environment at once, each with how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads `.env` when there is one; variables already set in the environment win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** The only reader of the environment. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(usedOnly(env));
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `  ${String(issue.path[0] ?? '')}: ${issue.message}`)),
    ...missingCompanions(env),
  ];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`Configuration problems (see .env.example):\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    briefingsDir: e.BRIEFINGS_DIR,
    ingest: {
      workers: e.INGEST_WORKERS,
      limits: {
        maxFileBytes: e.INGEST_MAX_FILE_SIZE,
        maxSentences: e.INGEST_MAX_SENTENCES,
        maxYamlAliases: e.INGEST_MAX_YAML_ALIASES,
      },
    },
    databasePath: e.DATABASE_PATH,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    logFile: e.LOG_FILE ?? join(dirname(e.DATABASE_PATH), 'briefbot.log'),
    watchBriefings: e.WATCH_BRIEFINGS === 'true',
    ...(e.FEED_CONTACT ? { feedContact: e.FEED_CONTACT } : {}),
    feedFailureReportMs: e.FEED_FAILURE_REPORT_AFTER,
    ...(e.HEALTH_PORT !== undefined ? { healthPort: e.HEALTH_PORT } : {}),
    console: {
      color: e.NO_COLOR === undefined,
      historyFile: e.BRIEFBOT_HISTORY ?? join(homedir(), '.briefbot_history'),
    },
    digest: {
      graceMs: e.DIGEST_GRACE,
      admins: {
        ...(e.SLACK_ADMIN_USERS.length > 0 ? { slack: e.SLACK_ADMIN_USERS } : {}),
        ...(e.DISCORD_ADMIN_USERS.length > 0 ? { discord: e.DISCORD_ADMIN_USERS } : {}),
      },
      ...(e.INSTANCE_ID ? { instanceId: e.INSTANCE_ID } : {}),
    },
    ...(e.LLM_BASE_URL && e.LLM_MODEL
      ? {
          llm: {
            baseUrl: e.LLM_BASE_URL,
            model: e.LLM_MODEL,
            timeoutMs: e.LLM_TIMEOUT,
            ...(e.LLM_API_KEY ? { apiKey: e.LLM_API_KEY } : {}),
          },
        }
      : {}),
    ...(e.SLACK_BOT_TOKEN
      ? {
          slack: {
            botToken: e.SLACK_BOT_TOKEN,
            ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
            mode: e.SLACK_MODE,
            port: e.PORT,
            ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
            ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
          },
        }
      : {}),
    ...(e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
      ? {
          discord: {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            ...(e.DISCORD_GUILD_ID ? { guildId: e.DISCORD_GUILD_ID } : {}),
            ...(e.DISCORD_API_URL ? { apiUrl: e.DISCORD_API_URL } : {}),
            ...(e.DISCORD_SHARDS ? { shards: e.DISCORD_SHARDS } : {}),
            ...(e.DISCORD_SHARD_COUNT ? { shardCount: e.DISCORD_SHARD_COUNT } : {}),
          },
        }
      : {}),
  };
}
