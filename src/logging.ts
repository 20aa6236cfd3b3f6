import { pino } from 'pino';
import type { Logger, LogLevel } from './core/logger.js';

export type LogFormat = 'json' | 'pretty';

/** Where formatted lines go: each call is one whole line, newline included, at the event's level. */
export type LogSink = (level: Exclude<LogLevel, 'silent'>, line: string) => void;

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  sink?: LogSink;
}

/** Values under these keys never reach a log line, at any depth: tokens, secrets, passwords, keys. */
const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|cookie|signature/i;
const REDACTED = '[redacted]';

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/** Standard error, where logs go so standard output stays the bot's replies. */
export const stderrSink: LogSink = (_level, line) => {
  process.stderr.write(line);
};

/**
 * pino behind the core's Logger: one line per event, as JSON for log shippers or as a short
 * human line ("2024-05-02T08:00:00.000Z WARN message {fields}") for a terminal.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const { level = 'info', format = 'pretty', sink = stderrSink } = options;
  const instance = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
      serializers: { error: serializeError },
    },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { level: string };
        const at = LEVELS.has(entry.level) ? (entry.level as Exclude<LogLevel, 'silent'>) : 'error';
        sink(at, format === 'json' ? line : prettyLine(entry));
      },
    },
  );
  const log =
    (at: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (fields) instance[at](fields, message);
      else instance[at](message);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function prettyLine(entry: Record<string, unknown>): string {
  const { level, time, msg, ...fields } = entry;
  const name = String(level).toUpperCase();
  const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  // A file name or document text with a newline in it cannot forge a second log line.
  const message = String(msg).replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return `${String(time)} ${name} ${message}${extra}\n`;
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (Array.isArray(value)) return value.map((entry) => redact(entry, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      key,
      SECRET_KEY.test(key) && entry !== undefined ? REDACTED : redact(entry, depth + 1),
    ]),
  );
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return { name: error.name, message: error.message, stack: error.stack };
}
