import { join } from "node:path";
import type { Database } from "./database.js";
import { openPglite } from "./pglite.js";
import { openPostgres } from "./postgres.js";

/** Environment variable holding a PostgreSQL connection string. */
export const DATABASE_URL_ENV = "TNO_DATABASE_URL";
/** Default embedded data folder, relative to the working (or job) directory. */
export const DEFAULT_DB_DIR = join(".tno", "db");

/** Where to find the database; see {@link openDatabase} for the precedence. */
export interface OpenDatabaseOptions {
  /** PostgreSQL connection string (`postgres://user:pass@host:port/db`). */
  url?: string;
  /** PGlite data folder. */
  dir?: string;
  /** PGlite in memory (tests). */
  memory?: boolean;
  /** PostgreSQL only: schema put first in `search_path` (created if missing). */
  schema?: string;
  /** Base of the default folder `.tno/db` (default: the current directory). */
  cwd?: string;
  /** Environment to read {@link DATABASE_URL_ENV} from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/**
 * Opens the database the options point at. Precedence: `url` (PostgreSQL), then `dir` (PGlite on
 * disk), then `memory` (PGlite in memory), then `$TNO_DATABASE_URL` (PostgreSQL), then PGlite in
 * `<cwd>/.tno/db`. Does not create tables; run {@link migrate} for that.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const env = options.env ?? process.env;
  if (options.url !== undefined && options.dir !== undefined) {
    throw new Error("give either a database URL or a PGlite folder, not both");
  }
  if (options.url !== undefined) return openPostgres(options.url, options.schema === undefined ? {} : { schema: options.schema });
  if (options.dir !== undefined) return openPglite(options.dir);
  if (options.memory) return openPglite();
  const envUrl = env[DATABASE_URL_ENV];
  if (envUrl !== undefined && envUrl !== "") return openPostgres(envUrl, options.schema === undefined ? {} : { schema: options.schema });
  return openPglite(join(options.cwd ?? process.cwd(), DEFAULT_DB_DIR));
}
