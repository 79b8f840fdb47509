import { mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { copyStatement, csvChunks, type Database, type Queryable, type QueryResult, type SqlValue } from "./database.js";
import { takePidLock } from "../pidlock.js";

/** PostgreSQL type OIDs whose text form both engines parse the same way (see {@link Queryable}). */
export const OID = { int8: 20, numeric: 1700, date: 1082, time: 1083, interval: 1186 } as const;

const PARSERS = {
  [OID.int8]: (v: string) => BigInt(v),
  [OID.numeric]: (v: string) => Number(v),
  [OID.date]: (v: string) => v,
  [OID.time]: (v: string) => v,
  [OID.interval]: (v: string) => v,
};

type PgliteRunner = Pick<Transaction, "query" | "exec">;

function handle(runner: PgliteRunner): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<R>> {
      const r = await runner.query<R>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rowCount ?? r.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await runner.exec(sql);
    },
    async copyFrom(table, columns, rows): Promise<number> {
      // PGlite has no COPY protocol stream; it reads the CSV from a Blob mounted as /dev/blob.
      const parts: string[] = [];
      for await (const chunk of csvChunks(table, columns, rows)) parts.push(chunk);
      if (parts.length === 0) return 0;
      const r = await runner.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob(parts) });
      return r.affectedRows ?? r.rowCount ?? 0;
    },
  };
}

/** A PGlite {@link Database}, which can also dump its whole data folder. */
export interface PgliteDatabase extends Database {
  readonly kind: "pglite";
  /** The data folder as an uncompressed tarball (for {@link PgliteOptions.loadDataDir}). */
  dumpDataDir(): Promise<Blob>;
}

/** Options of {@link openPglite}. */
export interface PgliteOptions {
  /** Start from a tarball of {@link PgliteDatabase.dumpDataDir} instead of running initdb (faster). */
  loadDataDir?: Blob;
}

/**
 * Opens embedded PostgreSQL (PGlite, PostgreSQL in WebAssembly). `dataDir` is a folder on disk
 * (created if missing; the first open runs initdb, about 5 s) or `undefined` for memory only.
 */
export async function openPglite(dataDir?: string, options: PgliteOptions = {}): Promise<PgliteDatabase> {
  let dir: string | undefined;
  let unlock = (): void => {};
  if (dataDir !== undefined) {
    dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    unlock = lockDataDir(dir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(dir === undefined ? {} : { dataDir: dir }),
      ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
      parsers: PARSERS,
    });
    // Same session time zone as the PostgreSQL engine: timestamps without a zone mean UTC.
    await pg.exec("SET TimeZone = 'UTC'");
  } catch (e) {
    unlock();
    throw e;
  }
  const base = handle(pg);
  return {
    kind: "pglite",
    label: `pglite:${dir ?? "memory"}`,
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(handle(tx))),
    async hasExtension(name: string): Promise<boolean> {
      const r = await pg.query("SELECT 1 FROM pg_extension WHERE extname = $1", [name]);
      return r.rows.length > 0;
    },
    dumpDataDir: () => pg.dumpDataDir("none"),
    async close() {
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * PGlite is a single-process engine: two processes on one data folder corrupt it. A lock file
 * beside the folder (`<dir>.lock`, holding the pid) refuses a second opener while the first is
 * alive; a lock left by a killed process is taken over. Returns the release function.
 */
function lockDataDir(dir: string): () => void {
  return takePidLock(
    join(dirname(dir), `${basename(dir)}.lock`),
    (owner) => new Error(`database folder ${dir} is in use by process ${owner}${owner === process.pid ? " (this process: close the other handle first)" : ""}`),
  );
}
