/**
 * Observation ingest throughput into `des_observation` (issue #3 §7: ≥ 100,000 rows/s with COPY
 * on PostgreSQL). Run: `npx tsx bench/db-copy.bench.ts` with `TNO_BENCH_PG_URL` (or
 * `TNO_TEST_PG_URL` / `TNO_DATABASE_URL`) for PostgreSQL; PGlite (in memory and on disk) always.
 * Results go in bench/RESULTS.md.
 *
 * Rows are SYNTHETIC: 2,000 asteroids × 100 CCDs (12 columns as the pipeline writes them).
 * Cases, each on an emptied table with its indexes, UNIQUE(asteroid_id, ccd_id) and the FK:
 * - COPY, all rows in one statement (`copyObservations` in one transaction);
 * - `replaceObservations` per asteroid (DELETE + COPY, one transaction per asteroid), the way the
 *   runner writes;
 * - baseline: multi-row INSERT, 1,000 rows per statement (12,000 parameters), one transaction;
 * - baseline: single-row INSERT (on a 5,000-row sample), one transaction.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  migrate,
  OBSERVATION_COLUMNS,
  openPglite,
  openPostgres,
  quoteIdent,
  replaceObservations,
  upsertAsteroids,
  type Database,
  type ObservationRow,
  type SqlValue,
} from "../src/db/index.js";

const ASTEROIDS = 2_000;
const CCDS_PER_ASTEROID = 100;
const SINGLE_ROW_SAMPLE = 5_000;
const MULTI_ROW_BATCH = 1_000;
const REPEATS = 2;

function synthetic(ids: number[]): Map<number, ObservationRow[]> {
  const byAsteroid = new Map<number, ObservationRow[]>();
  ids.forEach((id, a) => {
    const rows: ObservationRow[] = [];
    for (let c = 0; c < CCDS_PER_ASTEROID; c++) {
      const t = Date.UTC(2013, 8, 1) + (a * CCDS_PER_ASTEROID + c) * 97_000;
      rows.push({
        name: `SYN ${id}`,
        dateObs: new Date(t),
        dateJd: 2440587.5 + t / 86_400_000 + 45.525 / 86400,
        raDeg: (a * 0.17 + c * 1e-3) % 360,
        decDeg: -30 + ((a * 0.01) % 60),
        offsetRaArcsec: Math.sin(a + c) * 0.2,
        offsetDecArcsec: Math.cos(a * c) * 0.2,
        magPsf: 21 + (c % 30) / 10,
        magPsfErr: 0.01 + (c % 7) / 100,
        ccdId: 1_300_000_000 + a * CCDS_PER_ASTEROID + c,
      });
    }
    byAsteroid.set(id, rows);
  });
  return byAsteroid;
}

const COLUMNS = OBSERVATION_COLUMNS;

function values(asteroidId: number, r: ObservationRow, createdAt: Date): SqlValue[] {
  return [r.name, r.dateObs, String(r.dateJd), r.raDeg, r.decDeg, r.offsetRaArcsec, r.offsetDecArcsec, r.magPsf, r.magPsfErr, asteroidId, r.ccdId, createdAt];
}

/** Best of REPEATS runs on an emptied table; checks that every row arrived (a bench that loses rows is void). */
async function timed(db: Database, expectedRows: number, fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    await db.exec("TRUNCATE des_observation");
    const t0 = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
    const got = (await db.query<{ n: bigint }>("SELECT count(*) AS n FROM des_observation")).rows[0]!.n;
    if (got !== BigInt(expectedRows)) throw new Error(`expected ${expectedRows} rows, found ${got}`);
  }
  return best;
}

async function bench(label: string, db: Database): Promise<void> {
  await migrate(db);
  const asteroids = await upsertAsteroids(
    db,
    Array.from({ length: ASTEROIDS }, (_, i) => ({ name: `SYN ${i}`, base_dynclass: "KBO", dynclass: "KBO>Classical" })),
  );
  // Names match the asteroid rows (SYN <index>).
  const ids = asteroids.map((a) => a.id);
  const data = synthetic(ids.map((_, i) => i));
  const all: [number, ObservationRow][] = [];
  ids.forEach((id, i) => data.get(i)!.forEach((r) => all.push([id, r])));
  const n = all.length;
  const createdAt = new Date();
  const out: [string, number, number][] = [];

  const copyS = await timed(db, n, () =>
    db.transaction((tx) => tx.copyFrom("des_observation", COLUMNS, all.map(([id, r]) => values(id, r, createdAt)))),
  );
  out.push(["COPY, one statement", n, copyS]);

  const replaceS = await timed(db, n, async () => {
    for (let i = 0; i < ids.length; i++) await replaceObservations(db, ids[i]!, data.get(i)!, createdAt);
  });
  out.push([`replaceObservations per asteroid (${ASTEROIDS} transactions)`, n, replaceS]);

  const placeholders = (rows: number) =>
    Array.from({ length: rows }, (_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(", ")})`).join(", ");
  const batchSql = `INSERT INTO des_observation (${COLUMNS.join(", ")}) VALUES ${placeholders(MULTI_ROW_BATCH)}`;
  const multiS = await timed(db, n, () =>
    db.transaction(async (tx) => {
      for (let i = 0; i < n; i += MULTI_ROW_BATCH) {
        const batch = all.slice(i, i + MULTI_ROW_BATCH);
        const sql = batch.length === MULTI_ROW_BATCH ? batchSql : `INSERT INTO des_observation (${COLUMNS.join(", ")}) VALUES ${placeholders(batch.length)}`;
        await tx.query(sql, batch.flatMap(([id, r]) => values(id, r, createdAt)));
      }
    }),
  );
  out.push([`multi-row INSERT, ${MULTI_ROW_BATCH} rows per statement`, n, multiS]);

  const singleSql = `INSERT INTO des_observation (${COLUMNS.join(", ")}) VALUES ${placeholders(1)}`;
  const singleS = await timed(db, SINGLE_ROW_SAMPLE, () =>
    db.transaction(async (tx) => {
      for (const [id, r] of all.slice(0, SINGLE_ROW_SAMPLE)) await tx.query(singleSql, values(id, r, createdAt));
    }),
  );
  out.push(["single-row INSERT", SINGLE_ROW_SAMPLE, singleS]);

  for (const [name, rows, s] of out) {
    console.log(`| ${label} | ${name} | ${rows.toLocaleString("en-US")} | ${s.toFixed(2)} | ${Math.round(rows / s).toLocaleString("en-US")} |`);
  }
}

console.log("| engine | case | rows | s | rows/s |");
console.log("|---|---|---:|---:|---:|");

const pgUrl = process.env.TNO_BENCH_PG_URL ?? process.env.TNO_TEST_PG_URL ?? process.env.TNO_DATABASE_URL;
if (pgUrl) {
  const schema = `tno_bench_${randomBytes(4).toString("hex")}`;
  const db = await openPostgres(pgUrl, { schema });
  try {
    await bench("PostgreSQL 15 (pg + pg-copy-streams, TCP loopback)", db);
  } finally {
    await db.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    await db.close();
  }
} else {
  console.error("PostgreSQL skipped: set TNO_BENCH_PG_URL");
}

{
  const db = await openPglite();
  try {
    await bench("PGlite 0.5 (memory)", db);
  } finally {
    await db.close();
  }
}
{
  const dir = mkdtempSync(join(tmpdir(), "tno-bench-pglite-"));
  const db = await openPglite(dir);
  try {
    await bench("PGlite 0.5 (disk folder)", db);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
