import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Database } from "../src/db/database.js";
import { runOrbitTraceJob } from "../src/jobs/orbit-trace/runner.js";
import { runCli } from "./helpers/cli.js";
import { databases } from "./helpers/db.js";
import { makeTestJob, type TestJob } from "./helpers/orbit-trace.js";

// Each case: a clear error or result, nothing lost (rows of earlier runs stay unless replaced
// by a successful run of the same asteroid), no duplicates (UNIQUE(asteroid_id, ccd_id) holds and
// counts match).

const readJob = (dir: string) => JSON.parse(readFileSync(join(dir, "job.json"), "utf8")) as Record<string, unknown>;
const lastLogLine = (dir: string) => readFileSync(join(dir, "orbit_trace.log"), "utf8").trimEnd().split("\n").at(-1)!;

async function observationCounts(db: Database): Promise<Record<string, number>> {
  const r = await db.query<{ name: string; n: bigint }>("SELECT name, count(*) AS n FROM des_observation GROUP BY name ORDER BY name");
  return Object.fromEntries(r.rows.map((x) => [x.name, Number(x.n)]));
}

async function assertNoDuplicates(db: Database): Promise<void> {
  const r = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM (SELECT asteroid_id, ccd_id FROM des_observation GROUP BY 1, 2 HAVING count(*) > 1) d");
  assert.equal(Number(r.rows[0]!.n), 0, "duplicate (asteroid, CCD) observations");
}

describe("orbit-trace: malformed job.json (CLI, exit 2, nothing run)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ot-badjob-"));

  it("reports a file that is not JSON", async () => {
    writeFileSync(join(dir, "job.json"), "{ id: 1, ");
    const r = await runCli(["orbit-trace", dir, "--db", join(dir, "db")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /job\.json: not valid JSON/);
    assert.ok(!existsSync(join(dir, "orbit_trace.log")), "no run started");
    assert.ok(!existsSync(join(dir, "db")), "no database opened");
  });

  it("lists every bad field and writes status Failed into job.json", async () => {
    writeFileSync(
      join(dir, "job.json"),
      JSON.stringify({ id: "seven", leap_seconds: { absolute_path: "naif0012.tls" }, period: ["2019-13-01", "2012-01-01"], observatory_location: [289.19, -130, 2202], match_radius: -2, filter_type: "class", filter_value: " ", traceback: null }),
    );
    const r = await runCli(["orbit-trace", dir, "--db", join(dir, "db")]);
    assert.equal(r.code, 2, r.stderr);
    for (const field of ["id", "bsp_planetary", "period.0", "observatory_location.1", "match_radius", "filter_type", "filter_value"]) {
      assert.match(r.stderr, new RegExp(`^\\s+${field.replace(".", "\\.")}: `, "m"), `${field} is named in:\n${r.stderr}`);
    }
    const job = readJob(dir);
    assert.equal(job.status, "Failed");
    assert.match(String(job.error), /7 bad field/);
    assert.ok(!existsSync(join(dir, "orbit_trace.log")));
  });

  it("reports a missing job directory or job.json", async () => {
    const r = await runCli(["orbit-trace", join(dir, "nope")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope.*job\.json: no job file/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("orbit-trace: bad filters, kernels, SPKs and catalogues", () => {
  for (const engine of databases()) {
    it(engine.label, async (t) => {
      const { db, dispose } = await engine.open();
      const job: TestJob = await makeTestJob(db);
      try {
        // A good run first: these rows must survive every failure below.
        job.writeJob({ filter_type: "name", filter_value: job.allNames });
        const ok = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0 });
        assert.equal(ok.status, "Completed", ok.error ?? "");
        const good = await observationCounts(db);
        assert.deepEqual(good, { "1999 RB216": 12, Chiron: 12 });

        await t.test("unknown filter value: the job fails with the legacy message, status written", async () => {
          job.writeJob({ filter_type: "dynclass", filter_value: "Nonexistent>Class" });
          const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0 });
          assert.equal(r.status, "Failed");
          assert.equal(r.error, "No asteroid satisfying the criteria dynclass and Nonexistent>Class. There is nothing to run.");
          const doc = readJob(job.dir);
          assert.equal(doc.status, "Failed");
          assert.equal(doc.error, r.error);
          assert.match(String(doc.traceback), /JobFailure/);
          assert.equal(doc.count_asteroids, 0);
          assert.ok(typeof doc.end === "string" && (doc.exec_time as number) >= 0);
          assert.match(lastLogLine(job.dir), /Identification of DES object is done!\.$/);
          assert.deepEqual(await observationCounts(db), good);
        });

        await t.test("SQL injection in filter_value selects nothing and changes nothing", async () => {
          for (const [type, value] of [
            ["name", "x'); DROP TABLE des_observation; --"],
            ["dynclass", "' OR '1'='1"],
            ["base_dynclass", "Centaur' OR 1=1 --"],
            ["dynclass", "%"],
          ] as const) {
            job.writeJob({ filter_type: type, filter_value: value });
            const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0 });
            assert.equal(r.status, "Failed", `${type}=${value}`);
            assert.equal(r.error, `No asteroid satisfying the criteria ${type} and ${value}. There is nothing to run.`);
          }
          job.writeJob({ filter_type: "name", filter_value: "1999 RB216;' OR 1=1 --" });
          const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0 });
          assert.equal(r.status, "Completed");
          assert.equal(r.counts.count_asteroids, 1, "only the real name matched");
          assert.deepEqual(await observationCounts(db), good);
          const tables = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM tno_asteroid");
          assert.equal(Number(tables.rows[0]!.n), 3);
        });

        await t.test("a missing planetary kernel fails the job and names the file", async () => {
          job.writeJob({ filter_type: "name", filter_value: job.allNames, bsp_planetary: { absolute_path: "kernels/missing-planets.bsp" } });
          const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0 });
          assert.equal(r.status, "Failed");
          assert.match(r.error ?? "", /kernel .*kernels\/missing-planets\.bsp: bsp_planetary: file not found/);
          assert.equal(readJob(job.dir).status, "Failed");
          assert.deepEqual(await observationCounts(db), good);
        });

        await t.test("a corrupt SPK fails that asteroid only; its earlier rows stay", async () => {
          const spk = join(job.dir, "asteroids", "Chiron", "Chiron.bsp");
          const bytes = readFileSync(spk);
          writeFileSync(spk, bytes.subarray(0, 3000));
          try {
            job.writeJob({ filter_type: "name", filter_value: job.allNames });
            const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 2 });
            assert.equal(r.status, "Completed", r.error ?? "");
            assert.deepEqual({ s: r.counts.count_success, n: r.counts.count_no_observations, f: r.counts.count_failures }, { s: 1, n: 1, f: 1 });
            const failed = JSON.parse(readFileSync(join(job.dir, "asteroids_failed.json"), "utf8")) as Array<{ name: string; error: string }>;
            assert.equal(failed.length, 1);
            assert.equal(failed[0]!.name, "Chiron");
            assert.match(failed[0]!.error, /Chiron\.bsp.*(corrupt|truncat)/i);
            assert.match(readFileSync(join(job.dir, "orbit_trace_results.csv"), "utf8"), /^Chiron;2060;Centaur;Centaur;2;;0;12;.*Chiron\.bsp/m);
            assert.deepEqual(await observationCounts(db), good, "Chiron's rows of the earlier run are kept");
          } finally {
            writeFileSync(spk, bytes);
          }
        });

        await t.test("a missing and a truncated catalogue fail their CCDs only", async () => {
          const rb = job.sky.ccds.filter((c) => job.objects[c.object]!.name === "1999 RB216");
          const root = join(job.dir, "catalogs");
          unlinkSync(join(root, rb[0]!.catalogFile));
          truncateSync(join(root, rb[1]!.catalogFile), 5000);
          job.writeJob({ filter_type: "name", filter_value: "1999 RB216" });
          const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0 });
          assert.equal(r.status, "Completed");
          assert.equal(r.counts.count_success, 1);
          assert.equal(r.counts.count_ccds_failed, 2);
          assert.equal(r.counts.count_observations, 10);
          const ccds = (JSON.parse(readFileSync(join(job.dir, "asteroids_success.json"), "utf8"))[0].ccds as Array<{ id: number; error?: string }>).filter((c) => c.error);
          assert.deepEqual(ccds.map((c) => c.id).sort(), [rb[0]!.id, rb[1]!.id].sort());
          assert.ok(ccds.some((c) => /file not found/.test(c.error!)));
          assert.ok(ccds.some((c) => /truncated/.test(c.error!)));
          assert.equal((await observationCounts(db))["1999 RB216"], 10, "the asteroid's rows are replaced by this run's");
          await assertNoDuplicates(db);
        });
      } finally {
        rmSync(job.dir, { recursive: true, force: true });
        await dispose();
      }
    });
  }
});

describe("orbit-trace: CLI exit codes of a job run", () => {
  it("exits 0 on success, 1 on a failed job (status written), 2 on a second runner", async () => {
    const { openPglite } = await import("../src/db/pglite.js");
    const dbDir = mkdtempSync(join(tmpdir(), "ot-clidb-"));
    const db = await openPglite(dbDir);
    const job = await makeTestJob(db);
    await db.close();
    try {
      job.writeJob({ filter_type: "name", filter_value: "Chiron" });
      const ok = await runCli(["orbit-trace", job.dir, "--db", dbDir, "--workers", "1"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^Completed: 1 asteroid\(s\), 12 CCD\(s\), 12 observation\(s\)/);
      assert.match(ok.stderr, /Orbit Trace CCDs: 12\/12/, "plain progress lines when stderr is not a terminal");
      job.writeJob({ filter_type: "base_dynclass", filter_value: "Trojan" });
      const failed = await runCli(["orbit-trace", job.dir, "--db", dbDir]);
      assert.equal(failed.code, 1);
      assert.match(failed.stdout, /^Failed: .*\nerror: No asteroid satisfying the criteria base_dynclass and Trojan/);
      writeFileSync(join(job.dir, ".orbit_trace.lock"), String(process.pid));
      const locked = await runCli(["orbit-trace", job.dir, "--db", dbDir]);
      assert.equal(locked.code, 2);
      assert.match(locked.stderr, /already running \(pid \d+/);
    } finally {
      rmSync(job.dir, { recursive: true, force: true });
      rmSync(dbDir, { recursive: true, force: true });
    }
  });
});
