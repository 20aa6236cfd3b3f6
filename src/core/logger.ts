export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ignore = (): void => {};

/** For tests and benches: a logger that drops everything. The real one is src/logging.ts (pino). */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
