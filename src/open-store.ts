import { UserError } from './core/errors.js';
import { SqliteStore } from './core/store/sqlite.js';
import type { Store } from './core/store/store.js';

/** Network failures before PostgreSQL answered, and what each one means to the operator. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
};

/** SQLSTATEs a server answers a connection with that a setting fixes. */
const REFUSED: Record<string, string> = {
  '28P01': 'the password was refused',
  '28000': 'the role or client is not allowed',
  '3D000': 'the database does not exist: create it, or name one that does',
  '42501': 'the role may not create tables here',
};

/**
 * The store the configuration names, PostgreSQL when DATABASE_URL is set, else the SQLite file. A
 * server that cannot be reached or refuses the connection, or a file that cannot be opened, is one
 * message naming the variable (the URL without its password) instead of the driver's stack trace.
 */
export async function openStore(databaseUrl: string | undefined, databasePath: string): Promise<Store> {
  if (!databaseUrl) return openSqlite(databasePath);
  try {
    // pg is loaded only when DATABASE_URL asks for it, so a bot on SQLite starts without it.
    const { PostgresStore } = await import('./core/store/postgres.js');
    return await PostgresStore.open(databaseUrl);
  } catch (error) {
    const failed = error as Error & { code?: unknown; errno?: unknown; severity?: unknown };
    const code = typeof failed.code === 'string' ? failed.code : '';
    const target = `DATABASE_URL ${withoutPassword(databaseUrl)}`;
    if (UNREACHABLE[code])
      throw new UserError(
        `${target}: PostgreSQL cannot be reached (${code}: ${UNREACHABLE[code]}): check the host and port, and that the server runs`,
        { cause: error },
      );
    if (REFUSED[code])
      throw new UserError(
        `${target}: PostgreSQL refused the connection (${failed.message}): ${REFUSED[code]}`,
        {
          cause: error,
        },
      );
    // Anything else the server said (it has a severity) is about the setting too; a bug keeps its stack.
    if (typeof failed.severity === 'string')
      throw new UserError(`${target}: PostgreSQL answered ${code} ${failed.message}`, { cause: error });
    throw error;
  }
}

function openSqlite(path: string): Store {
  try {
    return new SqliteStore(path);
  } catch (error) {
    const failed = error as Error & { code?: unknown };
    const code = typeof failed.code === 'string' ? failed.code : '';
    if (
      /^SQLITE_(CANTOPEN|READONLY|PERM|NOTADB|CORRUPT)|^E(ACCES|NOENT|NOTDIR|ROFS|EXIST|ISDIR|PERM)$/.test(
        code,
      )
    )
      throw new UserError(
        // Node's file errors begin with their code already; SQLite's do not.
        `DATABASE_PATH ${path}: cannot use it as the SQLite database (${failed.message.startsWith(`${code}:`) ? '' : `${code}: `}${failed.message}): name a file in a writable folder (it is created when missing)`,
        { cause: error },
      );
    throw error;
  }
}

/** The URL as it may be shown: user, host, port and database, never the password. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return 'postgres://...';
  }
}
