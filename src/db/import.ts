import { createReadStream } from "node:fs";
import { z } from "zod";
import { CsvParser, type CsvRecord } from "./csv.js";
import { quoteIdent, sqlState, type Database, type Queryable, type SqlValue } from "./database.js";

/** One bad value (or header problem) of a CSV import. */
export interface ImportIssue {
  /**
   * 1-based physical line of the file (the header is line 1); undefined when the database
   * reports a violation for the whole statement (foreign keys are checked at its end).
   */
  line?: number;
  column?: string;
  value?: string | null;
  message: string;
}

/** A CSV file that does not fit its table. Nothing was imported. */
export class ImportError extends Error {
  override readonly name = "ImportError";
  constructor(
    readonly file: string,
    readonly table: string,
    readonly issues: readonly ImportIssue[],
    readonly totalIssues = issues.length,
  ) {
    const shown = issues.slice(0, MAX_ISSUES_SHOWN).map(formatIssue);
    const more = totalIssues > shown.length ? `\n  … and ${totalIssues - shown.length} more` : "";
    super(`${file} → ${table}: nothing imported, ${totalIssues} problem${totalIssues === 1 ? "" : "s"}:\n  ${shown.join("\n  ")}${more}`);
  }
}

const MAX_ISSUES_SHOWN = 20;
const MAX_ISSUES_KEPT = 1000;

function formatIssue(i: ImportIssue): string {
  const where = [i.line === undefined ? undefined : `line ${i.line}`, i.column === undefined ? undefined : `column ${i.column}`].filter(Boolean).join(", ");
  const value = i.value === undefined ? "" : i.value === null ? " (empty)" : ` value ${JSON.stringify(i.value)}`;
  return `${where || "file"}${value}: ${i.message}`;
}

/** A column as the importer sees it (from the PostgreSQL catalogue). */
export interface TableColumn {
  name: string;
  /** `format_type`, e.g. `character varying(32)`, `double precision`. */
  type: string;
  /** `pg_type.typname`, e.g. `varchar`, `float8`, `timestamptz`. */
  typname: string;
  notNull: boolean;
  hasDefault: boolean;
  generated: boolean;
}

/** Columns of a table visible on the search path; throws naming the table when it does not exist. */
export async function tableColumns(db: Queryable, table: string): Promise<TableColumn[]> {
  const r = await db.query<{ name: string; type: string; typname: string; not_null: boolean; has_default: boolean; generated: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname,
            a.attnotnull AS not_null, (a.atthasdef OR a.attidentity <> '') AS has_default, a.attgenerated <> '' AS generated
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [quoteIdent(table)],
  );
  if (r.rows.length === 0) throw new Error(`table '${table}' does not exist (run 'tno db init' first)`);
  return r.rows.map((c) => ({ name: c.name, type: c.type, typname: c.typname, notNull: c.not_null, hasDefault: c.has_default, generated: c.generated }));
}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_FLOAT_RE = /^[+-]?(nan|inf|infinity)$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?$/;
const INT_RANGES: Record<string, [bigint, bigint]> = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-9223372036854775808n, 9223372036854775807n],
};
const BOOLS: Record<string, string> = { t: "t", true: "t", "1": "t", y: "t", yes: "t", f: "f", false: "f", "0": "f", n: "f", no: "f" };

function validDate(y: string, m: string, d: string): boolean {
  const dt = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return dt.getUTCFullYear() === Number(y) && dt.getUTCMonth() === Number(m) - 1 && dt.getUTCDate() === Number(d);
}

/** zod schema turning one CSV field into the text COPY receives (or null), by column type. */
export function columnSchema(col: TableColumn): z.ZodType<string | null> {
  const required = (base: z.ZodType<string, string>): z.ZodType<string | null> =>
    col.notNull
      ? z.string({ error: col.hasDefault ? "is empty; leave the column out of the file to use its default" : "is required" }).pipe(base)
      : z.union([z.null(), base]);
  const range = INT_RANGES[col.typname];
  if (range) {
    return required(
      z.string().trim().regex(INT_RE, `is not an integer (${col.type})`).refine((v) => {
        if (!INT_RE.test(v)) return true; // already reported by the regex
        const b = BigInt(v);
        return b >= range[0] && b <= range[1];
      }, `is out of range for ${col.type}`),
    );
  }
  switch (col.typname) {
    case "float4":
    case "float8":
      return required(z.string().trim().refine((v) => FLOAT_RE.test(v) || SPECIAL_FLOAT_RE.test(v), `is not a number (${col.type})`));
    case "numeric":
      return required(z.string().trim().regex(FLOAT_RE, `is not a number (${col.type})`));
    case "bool":
      return required(z.string().trim().transform((v, ctx) => {
        const b = BOOLS[v.toLowerCase()];
        if (b === undefined) ctx.addIssue({ code: "custom", message: "is not a boolean (t/f, true/false, 1/0)" });
        return b ?? v;
      }));
    case "date":
      return required(z.string().trim().refine((v) => {
        const m = DATE_RE.exec(v);
        return m !== null && validDate(m[1]!, m[2]!, m[3]!);
      }, "is not a date (YYYY-MM-DD)"));
    case "timestamptz":
    case "timestamp":
      return required(z.string().trim().refine((v) => {
        const m = TIMESTAMP_RE.exec(v);
        return m !== null && validDate(m[1]!, m[2]!, m[3]!) && Number(m[4] ?? 0) < 24 && Number(m[5] ?? 0) < 60 && Number(m[6] ?? 0) < 61;
      }, "is not a timestamp (YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH:MM|Z])"));
    case "time":
      return required(z.string().trim().refine((v) => {
        const m = TIME_RE.exec(v);
        return m !== null && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3] ?? 0) < 61;
      }, "is not a time of day (HH:MM[:SS])"));
    case "json":
    case "jsonb":
      return required(z.string().refine((v) => {
        try {
          JSON.parse(v);
          return true;
        } catch {
          return false;
        }
      }, "is not valid JSON"));
    case "varchar":
    case "bpchar": {
      const n = /\((\d+)\)/.exec(col.type);
      return required(n ? z.string().max(Number(n[1]), `is longer than ${n[1]} characters (${col.type})`) : z.string());
    }
    default:
      // text, interval, …: PostgreSQL checks the syntax; an error rolls the whole import back.
      return required(z.string());
  }
}

/** Options of {@link importCsv}. */
export interface ImportCsvOptions {
  /** Field separator: `,` (default) or `;` (the legacy CSVs). */
  delimiter?: string;
}

/**
 * Loads a CSV file (header row = column names) into a table. Every value is checked against its
 * column's type first; if any row is bad the transaction is rolled back and an
 * {@link ImportError} lists each problem with its line, column and value, so nothing is ever
 * half-imported. Empty unquoted fields are NULL. Rows go in with COPY, in one transaction.
 * Serial id sequences are moved past imported ids. Returns the number of rows imported.
 */
export async function importCsv(db: Database, table: string, file: string, options: ImportCsvOptions = {}): Promise<number> {
  const columns = await tableColumns(db, table);
  const parser = new CsvParser(options.delimiter ?? ",");
  const issues: ImportIssue[] = [];
  let totalIssues = 0;
  const report = (issue: ImportIssue) => {
    totalIssues++;
    if (issues.length < MAX_ISSUES_KEPT) issues.push(issue);
  };

  async function* records(): AsyncGenerator<CsvRecord> {
    const stream = createReadStream(file, { encoding: "utf8" });
    let first = true;
    for await (const chunk of stream as AsyncIterable<string>) {
      // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first column name.
      yield* parser.push(first && chunk.startsWith("\uFEFF") ? chunk.slice(1) : chunk);
      first = false;
    }
    yield* parser.end();
  }

  const it = records()[Symbol.asyncIterator]();
  const head = await it.next().catch((e: Error) => {
    throw new ImportError(file, table, [{ line: 1, message: e.message }]);
  });
  if (head.done) throw new ImportError(file, table, [{ line: 1, message: "the file is empty (a header row with column names is required)" }]);
  const header = head.value.fields.map((f) => (f ?? "").trim());
  const byName = new Map(columns.map((c) => [c.name, c]));
  const seen = new Set<string>();
  header.forEach((name) => {
    const col = byName.get(name);
    if (name === "") report({ line: 1, message: "a header field is empty" });
    else if (!col) report({ line: 1, column: name, message: `is not a column of ${table} (columns: ${columns.map((c) => c.name).join(", ")})` });
    else if (col.generated) report({ line: 1, column: name, message: "is computed by the database and cannot be imported" });
    else if (seen.has(name)) report({ line: 1, column: name, message: "appears twice in the header" });
    seen.add(name);
  });
  for (const c of columns) {
    if (c.notNull && !c.hasDefault && !c.generated && !seen.has(c.name)) report({ line: 1, column: c.name, message: "is required but missing from the header" });
  }
  if (totalIssues > 0) throw new ImportError(file, table, issues, totalIssues);

  const targets = header.map((n) => byName.get(n)!);
  const schemas = targets.map(columnSchema);
  const copiedLines: number[] = [];

  async function* rows(): AsyncGenerator<SqlValue[]> {
    for (;;) {
      let next: IteratorResult<CsvRecord>;
      try {
        next = await it.next();
      } catch (e) {
        report({ line: copiedLines.at(-1) ?? 1, message: (e as Error).message });
        return;
      }
      if (next.done) return;
      const { line, fields } = next.value;
      if (fields.length === 1 && fields[0] === null && header.length > 1) continue; // blank line
      if (fields.length !== header.length) {
        report({ line, message: `has ${fields.length} fields, the header has ${header.length}` });
        continue;
      }
      const values: (string | null)[] = [];
      let ok = true;
      for (let i = 0; i < fields.length; i++) {
        const r = schemas[i]!.safeParse(fields[i]);
        if (r.success) values.push(r.data);
        else {
          ok = false;
          report({ line, column: header[i]!, value: fields[i] ?? null, message: r.error.issues[0]?.message ?? "is invalid" });
        }
      }
      // Bad rows are not sent; the transaction is rolled back at the end anyway.
      if (ok && totalIssues === 0) {
        copiedLines.push(line);
        yield values;
      }
    }
  }

  try {
    return await db.transaction(async (tx) => {
      const n = await tx.copyFrom(table, header, rows());
      if (totalIssues > 0) throw new ImportError(file, table, issues, totalIssues);
      await advanceSequences(tx, table, header);
      return n;
    });
  } catch (e) {
    if (e instanceof ImportError) throw e;
    const state = sqlState(e);
    // Data (22) and constraint (23) errors are the file's fault: report them like bad values.
    if (state !== undefined && (state.startsWith("22") || state.startsWith("23"))) {
      const where = String((e as { where?: unknown }).where ?? "");
      const copyLine = /line (\d+)/.exec(where);
      const line = copyLine ? copiedLines[Number(copyLine[1]) - 1] : undefined;
      const detail = (e as { detail?: unknown }).detail;
      const message = `${(e as Error).message}${detail ? ` (${String(detail)})` : ""}`;
      throw new ImportError(file, table, [line === undefined ? { message } : { line, message }]);
    }
    throw e;
  }
}

/** After explicit ids were imported, the serial sequence must not hand them out again. */
async function advanceSequences(tx: Queryable, table: string, header: readonly string[]): Promise<void> {
  for (const column of header) {
    const s = await tx.query<{ seq: string | null }>("SELECT pg_get_serial_sequence($1, $2) AS seq", [quoteIdent(table), column]);
    const seq = s.rows[0]?.seq;
    if (!seq) continue;
    await tx.query(`SELECT setval($1::regclass, m) FROM (SELECT max(${quoteIdent(column)}) AS m FROM ${quoteIdent(table)}) x WHERE m IS NOT NULL`, [seq]);
  }
}
