/**
 * The database seam: one small interface, two engines (embedded PGlite, PostgreSQL through `pg`).
 * Everything above this file (migrations, repositories, the CLI) is written once against
 * {@link Database} and runs unchanged on both.
 */

/** A value that can be sent as a query parameter or written by COPY. */
export type SqlValue = string | number | bigint | boolean | Date | null | undefined | readonly unknown[] | Record<string, unknown>;

/** Result of {@link Queryable.query}. */
export interface QueryResult<R> {
  rows: R[];
  /** Rows returned (SELECT) or changed (INSERT/UPDATE/DELETE), from the command tag. */
  rowCount: number;
}

/**
 * What can run SQL: a {@link Database} or the handle passed to {@link Database.transaction}.
 *
 * Result types are the same on both engines: `int8` → `bigint`, `numeric` → `number`,
 * `date` → `'YYYY-MM-DD'` string, `timestamptz` → `Date` (millisecond precision; format in SQL
 * with `to_char` when microseconds matter), `interval` and `time` → string, `json`/`jsonb` → parsed.
 */
export interface Queryable {
  /** One statement; values ALWAYS go in `params` ($1, $2, …), never into the SQL text. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<R>>;
  /** Several statements without parameters (migration scripts). */
  exec(sql: string): Promise<void>;
  /**
   * `COPY table (columns) FROM STDIN (FORMAT csv)` from rows of values in `columns` order.
   * `null`/`undefined` → NULL; strings are always quoted, so `''` stays an empty string;
   * `Date` → ISO-8601 UTC; objects → JSON. Returns the number of rows copied.
   */
  copyFrom(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]> | AsyncIterable<readonly SqlValue[]>): Promise<number>;
}

/** Which engine a {@link Database} runs on. */
export type DatabaseKind = "pglite" | "postgres";

/** An open database. Close it with {@link Database.close}. */
export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Human-readable location without credentials, e.g. `pglite:.tno/db` or `postgres://host:5432/tno`. */
  readonly label: string;
  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is
   * re-thrown). Queries on the handle run inside the transaction; do not nest transactions.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** True when the extension is installed in this database (`pg_extension`). */
  hasExtension(name: string): Promise<boolean>;
  /** Releases the connection pool or shuts the embedded engine down (flushing it to disk). */
  close(): Promise<void>;
}

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Quotes an identifier (`table`, `schema.table`, a column). Only plain SQL identifiers are
 * accepted, so a value that reached this function by mistake cannot become SQL.
 */
export function quoteIdent(name: string): string {
  const parts = name.split(".");
  if (parts.length > 2 || parts.some((p) => !IDENT_RE.test(p))) {
    throw new Error(`'${name}' is not a valid SQL identifier (letters, digits, _ and $; optionally schema.name)`);
  }
  return parts.map((p) => `"${p}"`).join(".");
}

/** The `COPY … FROM STDIN` statement both engines run (the PGlite engine swaps the source). */
export function copyStatement(table: string, columns: readonly string[], source: "STDIN" | "'/dev/blob'"): string {
  if (columns.length === 0) throw new Error(`COPY into ${table}: no columns given`);
  return `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")}) FROM ${source} WITH (FORMAT csv)`;
}

/** One value as a PostgreSQL CSV field (see {@link Queryable.copyFrom} for the rules). */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  switch (typeof v) {
    case "number":
      // String() gives the shortest round-trip repr; NaN/±Infinity are valid float8 input.
      return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    case "bigint":
      return v.toString();
    case "boolean":
      return v ? "t" : "f";
    case "string":
      return quoteCsv(v);
    default:
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new Error("COPY: invalid Date value");
        return v.toISOString();
      }
      return quoteCsv(JSON.stringify(v));
  }
}

function quoteCsv(s: string): string {
  return s.includes('"') ? `"${s.replaceAll('"', '""')}"` : `"${s}"`;
}

/** Rows → CSV text in chunks of about `chunkChars` characters; checks every row's width. */
export async function* csvChunks(
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly SqlValue[]> | AsyncIterable<readonly SqlValue[]>,
  chunkChars = 1 << 16,
): AsyncGenerator<string> {
  let buf = "";
  let index = 0;
  // The same Date object in every row (created_at) is formatted once.
  let lastDate: Date | undefined;
  let lastIso = "";
  const add = (row: readonly SqlValue[]): void => {
    if (row.length !== columns.length) {
      throw new Error(`COPY into ${table}: row ${index} has ${row.length} values for ${columns.length} columns (${columns.join(", ")})`);
    }
    let line = "";
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      let field: string;
      if (v instanceof Date && v === lastDate) field = lastIso;
      else {
        field = csvField(v);
        if (v instanceof Date) {
          lastDate = v;
          lastIso = field;
        }
      }
      line += i === 0 ? field : `,${field}`;
    }
    buf += `${line}\n`;
    index++;
  };
  // A synchronous source is encoded without an await per row.
  if (Symbol.iterator in rows) {
    for (const row of rows) {
      add(row);
      if (buf.length >= chunkChars) {
        yield buf;
        buf = "";
      }
    }
  } else {
    for await (const row of rows) {
      add(row);
      if (buf.length >= chunkChars) {
        yield buf;
        buf = "";
      }
    }
  }
  if (buf.length > 0) yield buf;
}

/** SQL that formats a timestamptz column as `YYYY-MM-DDTHH:MM:SS.ffffff` in UTC (µs kept). */
export function utcMicrosSql(column: string): string {
  return `to_char(${quoteIdent(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
}

/** SQLSTATE of a database error (`23505` unique violation, …), or undefined for other errors. */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
