/**
 * Runs database tests on every engine: a fresh in-memory PGlite always, and a fresh schema on
 * the PostgreSQL server of `TNO_TEST_PG_URL` when it is set. In CI (`CI=true`) PostgreSQL is
 * mandatory: a missing or unreachable server FAILS the PostgreSQL case instead of omitting it.
 */
import { randomBytes } from "node:crypto";
import type { TestContext } from "node:test";
import { migrate, openPglite, openPostgres, quoteIdent, type Database } from "../../src/db/index.js";

/** Environment variable with the test server's connection string. */
export const TEST_PG_URL_ENV = "TNO_TEST_PG_URL";

/** An engine the suite runs on. */
export interface TestEngine {
  label: "pglite" | "postgres";
  /** Opens a fresh, empty database; `dispose` removes it. */
  open(): Promise<{ db: Database; dispose(): Promise<void> }>;
}

function inCi(): boolean {
  return /^(1|true|yes)$/i.test(process.env.CI ?? "");
}

// initdb runs once per test process; each test starts from a copy of that cluster (~0.5 s
// instead of ~2 s per fresh PGlite).
let pgliteTemplate: Promise<Blob> | undefined;
function freshPgliteDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const db = await openPglite();
    try {
      return await db.dumpDataDir();
    } finally {
      await db.close();
    }
  })();
  return pgliteTemplate;
}

const pglite: TestEngine = {
  label: "pglite",
  async open() {
    const db = await openPglite(undefined, { loadDataDir: await freshPgliteDump() });
    return { db, dispose: () => db.close() };
  },
};

function postgres(url: string | undefined): TestEngine {
  return {
    label: "postgres",
    async open() {
      if (url === undefined || url === "") {
        throw new Error(`${TEST_PG_URL_ENV} is not set: PostgreSQL tests are required in CI (CI=true); .ci/run starts a server and sets it`);
      }
      // One schema per test: parallel test files share the server without seeing each other.
      const schema = `tno_t_${process.pid}_${randomBytes(4).toString("hex")}`;
      const db = await openPostgres(url, { schema });
      return {
        db,
        async dispose() {
          try {
            await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
          } finally {
            await db.close();
          }
        },
      };
    },
  };
}

/**
 * The engines to test on: PGlite, plus PostgreSQL when `TNO_TEST_PG_URL` is set or `CI=true`
 * (where its absence makes the PostgreSQL case fail).
 */
export function databases(): TestEngine[] {
  const url = process.env[TEST_PG_URL_ENV];
  return url !== undefined && url !== "" ? [pglite, postgres(url)] : inCi() ? [pglite, postgres(undefined)] : [pglite];
}

/** Options of {@link forEachDatabase}. */
export interface ForEachDatabaseOptions {
  /** Run the migrations first (default true). */
  migrate?: boolean;
}

/**
 * Runs `fn` as one subtest per engine (named after the engine) on a fresh database, migrated
 * unless `{ migrate: false }`, and removes the database afterwards.
 */
export async function forEachDatabase(
  t: TestContext,
  fn: (db: Database, label: TestEngine["label"]) => Promise<void>,
  options: ForEachDatabaseOptions = {},
): Promise<void> {
  for (const engine of databases()) {
    await t.test(engine.label, async () => {
      const { db, dispose } = await engine.open();
      try {
        if (options.migrate ?? true) await migrate(db);
        await fn(db, engine.label);
      } finally {
        await dispose();
      }
    });
  }
}
