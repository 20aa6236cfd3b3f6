import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { PostgresStore } from '../../src/core/store/postgres.js';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import type { Store } from '../../src/core/store/store.js';

/** The PostgreSQL server the contract suite runs against: `bash scripts/test-postgres.sh` prints one. */
export const PG_URL = process.env.BRIEFBOT_TEST_PG_URL?.trim() || undefined;
/** Under CI a missing server is a failure, not a skip. */
export const IN_CI = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');

export interface StoreUnderTest {
  store: Store;
  /** Another store on the same data over its own connection(s), as a second bot instance would be. */
  another(): Promise<Store>;
}

export interface StoreFactory {
  name: string;
  /** Set when this implementation cannot run here, saying why. */
  unavailable?: string;
  /** A fresh, empty store; it and everything `another` opened are closed and removed after the test. */
  create(): Promise<StoreUnderTest>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'briefbot-store-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'store.db');
    const open = async () => {
      const store = new SqliteStore(path);
      cleanups.push(() => store.close());
      return store;
    };
    return { store: await open(), another: open };
  },
};

let admin: pg.Pool | undefined;
afterAll(async () => {
  await admin?.end();
  admin = undefined;
});
let schemas = 0;

/** A pool whose connections keep their tables in `schema`. */
export function schemaPool(url: string, schema: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max });
  pool.on('error', () => undefined);
  return pool;
}

/** A new empty schema in the test database, dropped after the test. */
export async function scratchSchema(url: string): Promise<string> {
  admin ??= new pg.Pool({ connectionString: url, max: 2 });
  const schema = `briefbot_test_${process.pid}_${Date.now().toString(36)}_${++schemas}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  cleanups.push(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  return schema;
}

export const postgresFactory: StoreFactory = {
  name: 'postgres',
  ...(PG_URL
    ? {}
    : {
        unavailable:
          'BRIEFBOT_TEST_PG_URL is unset: run `export BRIEFBOT_TEST_PG_URL=$(bash scripts/test-postgres.sh)` to include PostgreSQL',
      }),
  async create() {
    if (!PG_URL) throw new Error(this.unavailable);
    const schema = await scratchSchema(PG_URL);
    const open = async () => {
      const pool = schemaPool(PG_URL, schema);
      cleanups.push(() => pool.end());
      const store = await PostgresStore.open(pool);
      cleanups.push(() => store.close());
      return store;
    };
    return { store: await open(), another: open };
  },
};

export const STORE_FACTORIES: StoreFactory[] = [sqliteFactory, postgresFactory];
