import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Database, Queryable } from "../src/db/database.js";
import { getOrbitTraceJob, insertOrbitTraceJob } from "../src/db/jobs.js";
import { openPglite } from "../src/db/pglite.js";
import { openPostgres } from "../src/db/postgres.js";
import { runOrbitTraceJob } from "../src/jobs/orbit-trace/runner.js";
import { STATE_FILE } from "../src/jobs/orbit-trace/state.js";
import { repoRoot } from "./helpers/data.js";
import { databases, TEST_PG_URL_ENV } from "./helpers/db.js";
import { makeTestJob, type TestJob } from "./helpers/orbit-trace.js";

// The database going down mid-run and `kill -9` mid-run: the job ends Failed with its status
// written (or is killed), nothing committed is lost, no asteroid is half-written, and a rerun
// of the same command ends with des_observation identical to an uninterrupted run.

/** des_observation content (everything but the serial id and created_at), in a stable order. */
async function content(db: Queryable): Promise<string[]> {
  const r = await db.query<Record<string, unknown>>(
    `SELECT asteroid_id, ccd_id, name, to_char(date_obs AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS date_obs, date_jd,
            ra, dec, offset_ra, offset_dec, mag_psf, mag_psf_err FROM des_observation ORDER BY asteroid_id, ccd_id`,
  );
  return r.rows.map((x) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

async function perAsteroid(db: Queryable): Promise<Map<string, number>> {
  const r = await db.query<{ name: string; n: bigint }>("SELECT name, count(*) AS n FROM des_observation GROUP BY name");
  return new Map(r.rows.map((x) => [x.name, Number(x.n)]));
}

/**
 * A Database whose `n`-th transaction meets an outage. PostgreSQL: its connection is terminated
 * by the server just before the COPY (after the DELETE). PGlite: the engine is closed just before
 * the transaction starts (PGlite's close waits for an open transaction, so it cannot die inside one).
 */
function failingAt(db: Database, n: number, label: "pglite" | "postgres"): Database {
  let count = 0;
  const terminate = async (tx: Queryable) => {
    const pid = (await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    await db.query("SELECT pg_terminate_backend($1)", [pid]);
  };
  return {
    ...db,
    async transaction(fn) {
      count++;
      if (count === n && label === "pglite") await db.close();
      return db.transaction(async (tx) => {
        if (count !== n) return fn(tx);
        return fn({ ...tx, copyFrom: async (...args) => (await terminate(tx), tx.copyFrom(...args)) });
      });
    },
  };
}

describe("orbit-trace: the database goes down mid-run", () => {
  for (const engine of databases()) {
    it(engine.label, async () => {
      const pgliteDir = mkdtempSync(join(tmpdir(), "ot-outage-db-"));
      let job: TestJob | undefined;
      try {
        // The uninterrupted run (its database is removed before the next one is opened: the
        // PostgreSQL harness gives one schema per database, and q3c lives in the first one).
        const reference = await engine.open();
        let expected: string[];
        try {
          job = await makeTestJob(reference.db, { clones: 3 });
          job.writeJob({ filter_type: "name", filter_value: job.allNames });
          const ref = await runOrbitTraceJob({ jobDir: job.dir, db: reference.db, workers: 1 });
          assert.equal(ref.status, "Completed", ref.error ?? "");
          expected = await content(reference.db);
          assert.equal(expected.length, 5 * 12);
        } finally {
          await reference.dispose();
        }

        // The database under test: PGlite on disk (to reopen after closing it), or a PostgreSQL schema.
        const target = engine.label === "pglite" ? { db: await openPglite(pgliteDir), dispose: async () => {} } : await engine.open();
        let db = target.db;
        try {
          await job.loadInto(db);
          const jobId = await insertOrbitTraceJob(db, { filter_type: "name", filter_value: job.allNames });
          job.writeJob({ id: jobId, filter_type: "name", filter_value: job.allNames });
          rmSync(join(job.dir, STATE_FILE));
          // Earlier rows of every asteroid, marked: an asteroid cut by the outage must keep them.
          await runOrbitTraceJob({ jobDir: job.dir, db, workers: 1 });
          await db.query("UPDATE des_observation SET mag_psf = -99");
          rmSync(join(job.dir, STATE_FILE));

          const r = await runOrbitTraceJob({ jobDir: job.dir, db: failingAt(db, 3, engine.label), workers: 1 });
          assert.equal(r.status, "Failed");
          assert.match(r.error ?? "", /database error while writing the observations of .+: /);
          const doc = JSON.parse(readFileSync(join(job.dir, "job.json"), "utf8"));
          assert.equal(doc.status, "Failed");
          assert.equal(doc.error, r.error);
          assert.ok(doc.end && doc.exec_time > 0);
          assert.match(readFileSync(join(job.dir, "orbit_trace.log"), "utf8").trimEnd(), /Identification of DES object is done!\.$/);

          if (engine.label === "pglite") db = await openPglite(pgliteDir);
          else {
            // The server stayed up: the runner wrote the Failed status into des_orbittracejob too.
            assert.equal((await getOrbitTraceJob(db, jobId))?.status, 4);
          }
          const counts = await perAsteroid(db);
          const fresh = await db.query<{ name: string; n: bigint }>("SELECT name, count(*) AS n FROM des_observation WHERE mag_psf <> -99 GROUP BY name");
          assert.equal(fresh.rows.length, 2, "two asteroids were written before the outage");
          for (const o of job.objects.filter((x) => x.detected !== false)) assert.equal(counts.get(o.name), 12, `${o.name}: all rows, old or new, none lost`);

          const rerun = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 2 });
          assert.equal(rerun.status, "Completed", rerun.error ?? "");
          assert.equal(rerun.resumedAsteroids, 2);
          assert.deepEqual(await content(db), expected);
          if (engine.label === "postgres") assert.equal((await getOrbitTraceJob(db, jobId))?.status, 3);
        } finally {
          if (engine.label === "pglite") await db.close().catch(() => {});
          await target.dispose();
        }
      } finally {
        if (job) rmSync(job.dir, { recursive: true, force: true });
        rmSync(pgliteDir, { recursive: true, force: true });
      }
    });
  }
});

/** Runs `tno orbit-trace <jobDir> <dbArgs>` in a child and kills it with SIGKILL once `killAfter` asteroids are recorded. */
function runAndKill(jobDir: string, dbArgs: string[], killAfter: number): Promise<{ recordedAtKill: number; signal: string | null }> {
  const child = spawn(process.execPath, [join(repoRoot, "bin", "tno.js"), "orbit-trace", jobDir, ...dbArgs, "--workers", "1"], { stdio: "ignore" });
  return new Promise((resolve, reject) => {
    let recorded = 0;
    const timer = setInterval(() => {
      const file = join(jobDir, STATE_FILE);
      if (!existsSync(file)) return;
      recorded = readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith('{"kind":"asteroid"')).length;
      if (recorded >= killAfter) {
        clearInterval(timer);
        child.kill("SIGKILL");
      }
    }, 5);
    child.on("exit", (_code, signal) => {
      clearInterval(timer);
      resolve({ recordedAtKill: recorded, signal });
    });
    child.on("error", reject);
  });
}

function runCliToEnd(jobDir: string, dbArgs: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [join(repoRoot, "bin", "tno.js"), "orbit-trace", jobDir, ...dbArgs, "--workers", "2"], { stdio: ["ignore", "pipe", "ignore"] });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout })));
}

describe("orbit-trace: kill -9 mid-run, then the same command again", () => {
  const pgUrl = process.env[TEST_PG_URL_ENV];
  for (const label of databases().map((e) => e.label)) {
    it(label, async () => {
      const job = await makeTestJob(undefined, { clones: 7, skipLoad: true, starsPerCcd: 3000, columns: "des-like" });
      const dirs = [mkdtempSync(join(tmpdir(), "ot-kill-a-")), mkdtempSync(join(tmpdir(), "ot-kill-b-"))];
      const dbNames = [`tno_ot_ref_${process.pid}`, `tno_ot_kill_${process.pid}`];
      let admin: Database | undefined;
      try {
        // Two identical databases: one for the uninterrupted run, one for the killed run.
        const dbArgs: string[][] = [];
        for (let i = 0; i < 2; i++) {
          if (label === "pglite") {
            const db = await openPglite(dirs[i]!);
            await job.loadInto(db);
            await db.close();
            dbArgs.push(["--db", dirs[i]!]);
          } else {
            admin ??= await openPostgres(pgUrl!);
            await admin.query(`DROP DATABASE IF EXISTS ${dbNames[i]}`);
            await admin.query(`CREATE DATABASE ${dbNames[i]}`);
            const url = new URL(pgUrl!);
            url.pathname = `/${dbNames[i]}`;
            const db = await openPostgres(url.toString());
            await job.loadInto(db);
            await db.close();
            dbArgs.push(["--database-url", url.toString()]);
          }
        }
        job.writeJob({ filter_type: "name", filter_value: job.allNames });
        const full = await runCliToEnd(job.dir, dbArgs[0]!);
        assert.equal(full.code, 0, full.stdout);
        rmSync(join(job.dir, STATE_FILE));

        const killed = await runAndKill(job.dir, dbArgs[1]!, 2);
        assert.equal(killed.signal, "SIGKILL");
        assert.ok(killed.recordedAtKill >= 2 && killed.recordedAtKill < job.objects.length, `killed after ${killed.recordedAtKill} of ${job.objects.length} asteroids`);
        assert.ok(existsSync(join(job.dir, ".orbit_trace.lock")), "the killed run left its lock behind");
        assert.equal(JSON.parse(readFileSync(join(job.dir, "job.json"), "utf8")).status, "Running", "kill -9 leaves Running (nothing can run at SIGKILL)");

        const rerun = await runCliToEnd(job.dir, dbArgs[1]!);
        assert.equal(rerun.code, 0, rerun.stdout);
        assert.match(rerun.stdout, /^Completed: 10 asteroid\(s\), 120 CCD\(s\), 108 observation\(s\).*\((\d+) kept from a previous run\)/);
        assert.equal(JSON.parse(readFileSync(join(job.dir, "job.json"), "utf8")).status, "Completed");

        const rows: string[][] = [];
        for (let i = 0; i < 2; i++) {
          const db = label === "pglite" ? await openPglite(dirs[i]!) : await openPostgres(dbArgs[i]![1]!);
          rows.push(await content(db));
          await db.close();
        }
        assert.equal(rows[0]!.length, 108);
        assert.deepEqual(rows[1], rows[0], "des_observation after kill -9 + rerun equals the uninterrupted run");
      } finally {
        if (admin) {
          for (const n of dbNames) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`).catch(() => {});
          await admin.close();
        }
        for (const d of [...dirs, job.dir]) rmSync(d, { recursive: true, force: true });
      }
    });
  }
});

describe("orbit-trace: Ctrl-C (SIGINT) or kill (SIGTERM) stops cleanly and the rerun resumes", () => {
  it("writes status Aborted, keeps the finished asteroids, releases the lock", async () => {
    const dbDir = mkdtempSync(join(tmpdir(), "ot-sigint-db-"));
    const job = await makeTestJob(undefined, { clones: 7, skipLoad: true, starsPerCcd: 3000, columns: "des-like" });
    try {
      const db = await openPglite(dbDir);
      await job.loadInto(db);
      await db.close();
      job.writeJob({ filter_type: "name", filter_value: job.allNames });
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        rmSync(join(job.dir, STATE_FILE), { force: true });
        const child = spawn(process.execPath, [join(repoRoot, "bin", "tno.js"), "orbit-trace", job.dir, "--db", dbDir, "--workers", "1"], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += String(d)));
        child.stderr.on("data", (d) => (stderr += String(d)));
        const code = await new Promise<number | null>((resolve) => {
          const timer = setInterval(() => {
            const file = join(job.dir, STATE_FILE);
            if (existsSync(file) && readFileSync(file, "utf8").includes('"kind":"asteroid"')) {
              clearInterval(timer);
              child.kill(signal);
            }
          }, 5);
          child.on("exit", (c) => {
            clearInterval(timer);
            resolve(c);
          });
        });
        assert.equal(code, 1, `${signal}: ${stdout}${stderr}`);
        assert.match(stderr, new RegExp(`${signal}: stopping after the running tasks`));
        assert.match(stdout, /^Aborted: /);
        const doc = JSON.parse(readFileSync(join(job.dir, "job.json"), "utf8"));
        assert.equal(doc.status, "Aborted");
        assert.match(doc.error, new RegExp(`Interrupted \\(${signal}\\); run the same command again to resume`));
        assert.equal(doc.count_asteroids, 10, "asteroids selected");
        const finished = doc.count_success + doc.count_no_observations + doc.count_failures;
        assert.ok(finished >= 1 && finished < 10, `${finished} asteroids finished before ${signal}`);
        assert.match(readFileSync(join(job.dir, "orbit_trace.log"), "utf8").trimEnd(), /Identification of DES object is done!\.$/);
        assert.ok(!existsSync(join(job.dir, ".orbit_trace.lock")), "lock released");
        const rerun = await runCliToEnd(job.dir, ["--db", dbDir]);
        assert.equal(rerun.code, 0, rerun.stdout);
        assert.match(rerun.stdout, new RegExp(`^Completed: 10 asteroid\\(s\\), 120 CCD\\(s\\), 108 observation\\(s\\).*\\(${finished} kept from a previous run\\)`));
      }
    } finally {
      rmSync(job.dir, { recursive: true, force: true });
      rmSync(dbDir, { recursive: true, force: true });
    }
  });
});
