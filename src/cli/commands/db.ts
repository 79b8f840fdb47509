import type { Command } from "commander";
import { z } from "zod";
import { DATABASE_URL_ENV, DEFAULT_DB_DIR, ImportError, importCsv, migrate, openDatabase, type Database } from "../../db/index.js";
import { InputError } from "../errors.js";

/** The `--db` / `--database-url` flags every database command takes. */
export interface DatabaseFlags {
  db?: string;
  databaseUrl?: string;
}

/** Adds `--db <dir>` and `--database-url <url>` to a command (for any command that opens the database). */
export function addDatabaseOptions(cmd: Command): Command {
  return cmd
    .option("--db <dir>", `embedded database folder (PGlite; default ${DEFAULT_DB_DIR} in the current directory)`)
    .option("--database-url <url>", `PostgreSQL connection string (default: $${DATABASE_URL_ENV}, else the embedded database)`);
}

/** Opens the database the flags (or `$TNO_DATABASE_URL`) point at. Both flags at once is bad input. */
export function openDatabaseFromFlags(flags: DatabaseFlags): Promise<Database> {
  if (flags.db !== undefined && flags.databaseUrl !== undefined) throw new InputError("give either --db or --database-url, not both");
  return openDatabase({
    ...(flags.db === undefined ? {} : { dir: flags.db }),
    ...(flags.databaseUrl === undefined ? {} : { url: flags.databaseUrl }),
  });
}

const DELIMITERS: Record<string, string> = { ",": ",", ";": ";", "|": "|", tab: "\t", "\t": "\t" };

const importSchema = z.object({
  delimiter: z.string().refine((d) => d in DELIMITERS, "must be , ; | or tab"),
});

/**
 * Registers `tno db` (`init`, `import`) and returns the `db` command so that other modules can
 * add sub-commands to it (e.g. `tno db import-stars`), using {@link addDatabaseOptions} and
 * {@link openDatabaseFromFlags} for the same flags.
 */
export function registerDb(program: Command): Command {
  const db = program.command("db").description("Create and load the database (embedded PGlite by default, or PostgreSQL).");

  addDatabaseOptions(
    db
      .command("init")
      .description("Create or upgrade the tables (idempotent); adds the q3c index where the server has q3c."),
  ).action(async (flags: DatabaseFlags) => {
    const handle = await openDatabaseFromFlags(flags);
    try {
      const r = await migrate(handle);
      const applied = r.applied.length > 0 ? `applied ${r.applied.join(", ")}` : "already up to date";
      process.stdout.write(`${handle.label}: schema version ${r.version} (${applied}); q3c index: ${r.q3c ? "yes" : "no"}\n`);
    } finally {
      await handle.close();
    }
  });

  addDatabaseOptions(
    db
      .command("import")
      .description(
        "Load a CSV export of a portal table (header = column names; empty = NULL). Every row is checked first; " +
          "one bad row means nothing is imported (exit 2, with line, column and value of each problem).",
      )
      .argument("<table>", "table name, e.g. tno_asteroid, des_exposure, des_ccd, skybot_position, des_skybotposition")
      .argument("<file>", "CSV file")
      .option("--delimiter <c>", "field separator: , ; | or tab", ","),
  ).action(async (table: string, file: string, raw: DatabaseFlags & { delimiter: string }) => {
    const { delimiter } = importSchema.parse(raw);
    const handle = await openDatabaseFromFlags(raw);
    try {
      await migrate(handle);
      const n = await importCsv(handle, table, file, { delimiter: DELIMITERS[delimiter]! });
      process.stdout.write(`imported ${n} rows into ${table} from ${file}\n`);
    } catch (e) {
      if (e instanceof ImportError) throw new InputError(e.message);
      if (e instanceof Error && /^table '.*' does not exist/.test(e.message)) throw new InputError(e.message);
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(`${file}: no such file`);
      throw e;
    } finally {
      await handle.close();
    }
  });

  return db;
}
