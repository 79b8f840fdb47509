import type { Database, Queryable, SqlValue } from "./database.js";

/** `status` codes of `des_orbittracejob` and `tno_predictionjob` (8 is predict only). */
export const JOB_STATUS = {
  Idle: 1,
  Running: 2,
  Completed: 3,
  Failed: 4,
  Aborted: 5,
  Warning: 6,
  Aborting: 7,
  Consolidating: 8,
} as const;
export type JobStatusLabel = keyof typeof JOB_STATUS;

/** Columns of `des_orbittracejob` a runner writes back (snake_case as in the table). */
export interface OrbitTraceJobUpdate {
  status?: JobStatusLabel | number;
  path?: string;
  start?: Date | null;
  end?: Date | null;
  /** Seconds; stored as `interval`. */
  exec_time?: number | null;
  estimated_execution_time?: number | null;
  error?: string | null;
  traceback?: string | null;
  count_asteroids?: number;
  count_ccds?: number;
  count_observations?: number;
  count_success?: number;
  count_failures?: number;
  h_exec_time?: string | null;
  avg_exec_time_asteroid?: number;
  avg_exec_time_ccd?: number;
  results?: string | null;
}

/** Fields of a new `des_orbittracejob` row. */
export interface OrbitTraceJobInsert extends OrbitTraceJobUpdate {
  filter_type: string;
  filter_value: string;
  match_radius?: number;
  date_initial?: string;
  date_final?: string;
  debug?: boolean;
  owner_id?: number | null;
  submit_time?: Date;
}

/** A `des_orbittracejob` row as read back (`exec_time` as PostgreSQL interval text). */
export type OrbitTraceJobRow = Record<string, unknown> & { id: number; status: number; exec_time: string | null };

const UPDATABLE = new Set<string>([
  "status",
  "path",
  "start",
  "end",
  "exec_time",
  "estimated_execution_time",
  "error",
  "traceback",
  "count_asteroids",
  "count_ccds",
  "count_observations",
  "count_success",
  "count_failures",
  "h_exec_time",
  "avg_exec_time_asteroid",
  "avg_exec_time_ccd",
  "results",
]);
const INSERTABLE = new Set<string>([...UPDATABLE, "filter_type", "filter_value", "match_radius", "date_initial", "date_final", "debug", "owner_id", "submit_time"]);
const INTERVAL_COLUMNS = new Set(["exec_time", "estimated_execution_time"]);

function statusCode(s: JobStatusLabel | number): number {
  const code = typeof s === "number" ? s : JOB_STATUS[s];
  if (!Number.isInteger(code) || code < 1 || code > 7) throw new Error(`des_orbittracejob.status: ${JSON.stringify(s)} is not a status (1-7 or ${Object.keys(JOB_STATUS).slice(0, 7).join(", ")})`);
  return code;
}

/** Column list, parameter placeholders (intervals cast from seconds) and values of a patch. */
function assignments(patch: Record<string, unknown>, allowed: Set<string>, firstParam: number) {
  const columns: string[] = [];
  const placeholders: string[] = [];
  const values: SqlValue[] = [];
  for (const [key, raw] of Object.entries(patch)) {
    if (raw === undefined) continue;
    if (!allowed.has(key)) throw new Error(`des_orbittracejob: unknown or read-only column '${key}'`);
    const value = key === "status" ? statusCode(raw as JobStatusLabel | number) : (raw as SqlValue);
    values.push(value);
    const p = `$${firstParam + values.length - 1}`;
    columns.push(key === "end" ? `"end"` : key);
    placeholders.push(INTERVAL_COLUMNS.has(key) ? `make_interval(secs => ${p}::double precision)` : p);
  }
  return { columns, placeholders, values };
}

/** Inserts a job row (status Idle unless given) and returns its id. */
export async function insertOrbitTraceJob(db: Queryable, job: OrbitTraceJobInsert): Promise<number> {
  const { columns, placeholders, values } = assignments({ ...job }, INSERTABLE, 1);
  const r = await db.query<{ id: number }>(`INSERT INTO des_orbittracejob (${columns.join(", ")}) VALUES (${placeholders.join(", ")}) RETURNING id`, values);
  return r.rows[0]!.id;
}

/**
 * Writes the given columns of job `id` (only those present in `patch`). `status` takes the
 * legacy labels or codes; `exec_time` is seconds. Throws when the job does not exist.
 */
export async function updateOrbitTraceJob(db: Queryable, id: number, patch: OrbitTraceJobUpdate): Promise<void> {
  const { columns, placeholders, values } = assignments({ ...patch }, UPDATABLE, 2);
  if (columns.length === 0) return;
  const set = columns.map((c, i) => `${c} = ${placeholders[i]}`).join(", ");
  const r = await db.query(`UPDATE des_orbittracejob SET ${set} WHERE id = $1`, [id, ...values]);
  if (r.rowCount === 0) throw new Error(`des_orbittracejob: no job with id ${id}`);
}

/** The job row, or undefined. */
export async function getOrbitTraceJob(db: Queryable, id: number): Promise<OrbitTraceJobRow | undefined> {
  const r = await db.query<OrbitTraceJobRow>("SELECT * FROM des_orbittracejob WHERE id = $1", [id]);
  return r.rows[0];
}

/** The legacy queue rule: nothing when a job is Running; otherwise the oldest Idle job's id. */
export async function nextIdleOrbitTraceJob(db: Queryable): Promise<number | undefined> {
  const r = await db.query<{ id: number }>(
    `SELECT id FROM des_orbittracejob
      WHERE status = $1 AND NOT EXISTS (SELECT 1 FROM des_orbittracejob WHERE status = $2)
      ORDER BY submit_time, id LIMIT 1`,
    [JOB_STATUS.Idle, JOB_STATUS.Running],
  );
  return r.rows[0]?.id;
}

/** `des_orbittracejobresult` columns in the legacy COPY order (legacy-orbit-trace.md §2.10). */
export const ORBIT_TRACE_RESULT_COLUMNS = [
  "name",
  "number",
  "base_dynclass",
  "dynclass",
  "status",
  "spk_id",
  "observations",
  "ccds",
  "error",
  "asteroid_id",
  "job_id",
] as const;

/** One asteroid's outcome in a job (`status`: 1 success, 2 failure; the runner may add codes). */
export interface OrbitTraceResultRow {
  name: string;
  number: string | null;
  base_dynclass: string | null;
  dynclass: string | null;
  status: number;
  spk_id: string | null;
  observations: number;
  ccds: number;
  error: string | null;
  asteroid_id: number;
}

/** Replaces the result rows of a job (DELETE + COPY in one transaction). Returns rows written. */
export function replaceOrbitTraceResults(db: Database, jobId: number, rows: readonly OrbitTraceResultRow[]): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query("DELETE FROM des_orbittracejobresult WHERE job_id = $1", [jobId]);
    return tx.copyFrom(
      "des_orbittracejobresult",
      ORBIT_TRACE_RESULT_COLUMNS,
      rows.map((r) => [r.name, r.number, r.base_dynclass, r.dynclass, r.status, r.spk_id, r.observations, r.ccds, r.error, r.asteroid_id, jobId]),
    );
  });
}
