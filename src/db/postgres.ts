import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFromStream } from "pg-copy-streams";
import { copyStatement, csvChunks, quoteIdent, type Database, type Queryable, type QueryResult, type SqlValue } from "./database.js";
import { OID } from "./pglite.js";

const identity = (v: string): string => v;

/** Same result types as the PGlite engine (see {@link Queryable}). */
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    switch (oid) {
      case OID.int8:
        return (v: string) => BigInt(v);
      case OID.numeric:
        return (v: string) => Number(v);
      case OID.date:
      case OID.time:
      case OID.interval:
        return identity;
      default:
        return pg.types.getTypeParser(oid, format as "text");
    }
  },
} as pg.CustomTypesConfig;

type PgRunner = pg.Pool | pg.PoolClient;

function handle(runner: PgRunner, withClient: <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<R>> {
      const r = await runner.query(sql, params as unknown[]);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string): Promise<void> {
      // No parameters → simple query protocol, which accepts several statements.
      await runner.query(sql);
    },
    async copyFrom(table, columns, rows): Promise<number> {
      const statement = copyStatement(table, columns, "STDIN");
      return withClient(async (client) => {
        const stream = client.query(copyFromStream(statement));
        await pipeline(Readable.from(csvChunks(table, columns, rows)), stream);
        return stream.rowCount;
      });
    },
  };
}

/** Removes the password from a connection string for logs and labels. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparsable url)";
  }
}

/**
 * Connects to PostgreSQL. `schema` (created if missing) becomes the first entry of every
 * connection's `search_path`, followed by `public` (where extensions such as q3c live).
 * Fails fast when the server is unreachable.
 */
export async function openPostgres(url: string, options: { schema?: string; max?: number } = {}): Promise<Database> {
  const { schema, max = 4 } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: TYPES,
    // Sessions run in UTC so that timestamps without a zone mean UTC on both engines.
    options: `-c TimeZone=UTC${schema === undefined ? "" : ` -c search_path=${quoteIdent(schema)},public`}`,
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  try {
    if (schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    else await pool.query("SELECT 1");
  } catch (e) {
    await pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`, { cause: e });
  }

  async function withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let failed: Error | undefined;
    // A checked-out client that loses its server emits 'error'; unheard, it would crash the
    // process. Record it: the pending query rejects too, and the client is then destroyed.
    const onError = (e: Error) => {
      failed ??= e;
    };
    client.on("error", onError);
    try {
      return await fn(client);
    } catch (e) {
      failed = e as Error;
      throw e;
    } finally {
      client.off("error", onError);
      // A client whose connection broke is destroyed instead of returned to the pool.
      client.release(failed !== undefined && isConnectionError(failed) ? failed : undefined);
    }
  }

  const base = handle(pool, withClient);
  return {
    kind: "postgres",
    label: redactUrl(url) + (schema === undefined ? "" : ` (schema ${schema})`),
    ...base,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return withClient(async (client) => {
        await client.query("BEGIN");
        try {
          const out = await fn(handle(client, (f) => f(client)));
          await client.query("COMMIT");
          return out;
        } catch (e) {
          await client.query("ROLLBACK").catch(() => {});
          throw e;
        }
      });
    },
    async hasExtension(name: string): Promise<boolean> {
      const r = await pool.query("SELECT 1 FROM pg_extension WHERE extname = $1", [name]);
      return r.rows.length > 0;
    },
    close: () => pool.end(),
  };
}

function isConnectionError(e: Error): boolean {
  const code = (e as { code?: string }).code;
  return code === undefined || code.startsWith("08") || code === "57P01" || /ECONNRESET|EPIPE|terminated/i.test(e.message);
}
