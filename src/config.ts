import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** "6h", "90m", "1h30m", "45s": how operators write a duration. */
const durationMs = z
  .string()
  .trim()
  .regex(/^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/, 'must be a duration such as 6h, 90m or 1h30m')
  .transform((text) => {
    const part = (unit: string) => Number(new RegExp(`(\\d+)${unit}`).exec(text)?.[1] ?? 0);
    return ((part('h') * 60 + part('m')) * 60 + part('s')) * 1000;
  });

/** Comma-separated user ids: who may change a channel's digests on that platform. */
const userIds = optionalText.transform((text) =>
  (text ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean),
);

const EnvSchema = z.object({
  BRIEFINGS_DIR: z.string().trim().min(1).default('./briefings'),
  DATABASE_PATH: z.string().trim().min(1).default('./data/briefbot.db'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL: postgres://user:password@host/db')
      .optional(),
  ),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
  LOG_FILE: optionalText,
  WATCH_BRIEFINGS: z.enum(['true', 'false']).default('true'),
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

  DIGEST_GRACE: optionalText.transform((text) => text ?? '6h').pipe(durationMs),
  INSTANCE_ID: optionalText,
  SLACK_ADMIN_USERS: userIds,
  DISCORD_ADMIN_USERS: userIds,

  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must start with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must start with xapp-').optional()),
  SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_API_URL: optionalText.pipe(z.url('must be a URL such as https://slack.com/api/').optional()),
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65_535).default(3000),

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
  DISCORD_API_URL: optionalText.pipe(z.url('must be a URL such as https://discord.com/api').optional()),

  LLM_BASE_URL: optionalText.pipe(z.url('must be a URL such as http://127.0.0.1:11434/v1').optional()),
  LLM_MODEL: optionalText,
  LLM_API_KEY: optionalText,
  LLM_TIMEOUT: optionalText.transform((text) => text ?? '10s').pipe(durationMs),
});

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
  if (set('LLM_BASE_URL')) need('LLM_MODEL', 'the language model endpoint is set, so say which model to ask');
  else if (set('LLM_MODEL') || set('LLM_API_KEY'))
    need('LLM_BASE_URL', 'the model settings need the endpoint too');
  return problems;
}

export interface SlackSettings {
  botToken: string;
  /** Needed in HTTP mode; Socket Mode connections are authenticated by the app token instead. */
  signingSecret?: string;
  appToken?: string;
  mode: 'socket' | 'http';
  port: number;
  apiUrl?: string;
}

export interface DiscordSettings {
  token: string;
  applicationId: string;
  guildId?: string;
  apiUrl?: string;
}

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

export interface Config {
  briefingsDir: string;
  databasePath: string;
  /** PostgreSQL connection URL: when set, the store is PostgreSQL and databasePath is unused. */
  databaseUrl?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** LOG_FORMAT: `json` lines for log shippers, `pretty` for people. */
  logFormat: 'pretty' | 'json';
  /** LOG_FILE: where the interactive console writes its logs, so they stay out of the conversation. */
  logFile: string;
  watchBriefings: boolean;
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
  const parsed = EnvSchema.safeParse(env);
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
    databasePath: e.DATABASE_PATH,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    logFile: e.LOG_FILE ?? join(dirname(e.DATABASE_PATH), 'briefbot.log'),
    watchBriefings: e.WATCH_BRIEFINGS === 'true',
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
          },
        }
      : {}),
  };
}
