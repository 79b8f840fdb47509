import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Database } from "../src/db/database.js";
import { openDatabase } from "../src/db/open.js";
import { DONE_LINE, runOrbitTraceJob } from "../src/jobs/orbit-trace/runner.js";
import { makeTestJob, type TestJob } from "./helpers/orbit-trace.js";

// Authority: the synthetic catalogues hold each object at its SPICE topocentric position (same
// kernels, CTIO WGS84) plus the injected offset, stored as float64: the recovered O−C must equal
// the injected offset to numerical precision.
const OMC_TOLERANCE_MAS = 0.05;

interface ObsRow {
  name: string;
  ccd_id: bigint;
  offset_ra: number;
  offset_dec: number;
  ra: number;
  dec: number;
  date_jd: string;
  date_obs: string;
}

async function observations(db: Database): Promise<ObsRow[]> {
  const r = await db.query<ObsRow>("SELECT name, ccd_id, offset_ra, offset_dec, ra, dec, date_jd, to_char(date_obs AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS date_obs FROM des_observation ORDER BY name, ccd_id");
  return r.rows;
}

describe("orbit-trace job (synthetic sky, PGlite, worker pool)", () => {
  let db: Database;
  let job: TestJob;
  before(async () => {
    db = await openDatabase({ memory: true });
    job = await makeTestJob(db);
  });
  after(async () => {
    await db.close();
    rmSync(job.dir, { recursive: true, force: true });
  });

  it("finds every injected detection with its O−C, counts the undetected object, writes the legacy outputs", async () => {
    job.writeJob({ filter_type: "name", filter_value: " 1999 RB216 ; Chiron;Faint Centaur " });
    const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 2 });
    assert.equal(r.status, "Completed", r.error ?? "");
    assert.deepEqual(
      { a: r.counts.count_asteroids, s: r.counts.count_success, n: r.counts.count_no_observations, f: r.counts.count_failures, c: r.counts.count_ccds, o: r.counts.count_observations },
      { a: 3, s: 2, n: 1, f: 0, c: 36, o: 24 },
    );
    const rows = await observations(db);
    assert.equal(rows.length, 24);
    const byCcd = new Map(job.sky.ccds.map((c) => [c.id, c]));
    for (const row of rows) {
      const c = byCcd.get(Number(row.ccd_id))!;
      assert.equal(job.objects[c.object]!.name, row.name);
      assert.ok(c.injectedOmcArcsec);
      assert.ok(Math.abs(row.offset_ra - c.injectedOmcArcsec[0]) * 1000 < OMC_TOLERANCE_MAS, `RA O−C ${row.offset_ra} vs injected ${c.injectedOmcArcsec[0]}`);
      assert.ok(Math.abs(row.offset_dec - c.injectedOmcArcsec[1]) * 1000 < OMC_TOLERANCE_MAS, `Dec O−C ${row.offset_dec} vs injected ${c.injectedOmcArcsec[1]}`);
    }

    const doc = JSON.parse(readFileSync(join(job.dir, "job.json"), "utf8"));
    assert.equal(doc.status, "Completed");
    assert.equal(doc.error, null);
    assert.equal(doc.count_observations, 24);
    assert.deepEqual(
      doc.time_profile.map((s: { step: string }) => s.step),
      ["retrieve_asteroids", "retrieve_ccds", "retrieve_bsp", "pool_load", "theoretical_positions", "observed_positions", "ingest_observations", "consolidate"],
    );
    assert.match(doc.start, /\+00:00$/);
    assert.ok(doc.exec_time > 0);
    const log = readFileSync(join(job.dir, "orbit_trace.log"), "utf8").trimEnd().split("\n");
    assert.match(log.at(-1)!, new RegExp(`\\[INFO\\] ${DONE_LINE.replace(/[.!]/g, "\\$&")}$`));
    assert.ok(log.some((l) => /\[INFO\] Asteroids Count: 3$/.test(l)));
    assert.ok(log.some((l) => /\[INFO\] Observations Ingested: 24$/.test(l)));
    assert.match(log[0]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[INFO\] --------------< DES Object Identifier >--------------$/);

    const success = JSON.parse(readFileSync(join(job.dir, "asteroids_success.json"), "utf8"));
    assert.deepEqual(success.map((a: { name: string; status: string }) => `${a.name}:${a.status}`), ["1999 RB216:success", "Chiron:success", "Faint Centaur:no observations"]);
    const faint = success[2];
    assert.equal(faint.ccds.length, 12);
    assert.ok(faint.ccds.every((c: { info?: string }) => c.info === "Could not find a position."));
    assert.deepEqual(JSON.parse(readFileSync(join(job.dir, "asteroids_failed.json"), "utf8")), []);
    const results = readFileSync(join(job.dir, "orbit_trace_results.csv"), "utf8").trimEnd().split("\n");
    assert.equal(results[0], "name;number;base_dynclass;dynclass;status;spk_id;observations;ccds;error;asteroid_id;job_id");
    assert.match(results[1]!, /^1999 RB216;137295;KBO;KBO>Resonant>2:1;1;2137295;12;12;;\d+;7$/);
    assert.match(results[3]!, /^Faint Centaur;;Centaur;Centaur;3;20002060;0;12;;\d+;7$/);
    const ccdsCsv = readFileSync(join(job.dir, "ccds.csv"), "utf8").split("\r\n");
    assert.equal(ccdsCsv[0], "id;date_obs;exptime;path;filename");
    assert.equal(ccdsCsv.length, 36 + 2, "36 CCDs (the duplicate SkyBoT ticket gives no duplicate), header, final CRLF");
    assert.match(ccdsCsv[1]!, /;finalcut\/Y6A1\/r4001\/\d{8}\/D\d{8}\/p01\/cat;D\d{8}_[griz]_c\d\d_r4001p01_red-fullcat\.fits$/);
    const desObs = readFileSync(join(job.dir, "asteroids", "1999RB216", "des_obs.csv"), "utf8").trimEnd().split("\n");
    assert.equal(desObs.length, 13);
    assert.ok(!existsSync(join(job.dir, "asteroids", "FaintCentaur", "des_obs.csv")));
  });

  it("a rerun keeps the finished asteroids and changes nothing", async () => {
    const before = await observations(db);
    const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 1 });
    assert.equal(r.status, "Completed");
    assert.equal(r.resumedAsteroids, 3);
    assert.equal(r.counts.count_observations, 24);
    assert.deepEqual(await observations(db), before);
    assert.ok(readFileSync(join(job.dir, "orbit_trace.log"), "utf8").includes("Resuming: 3 asteroid(s) already finished"));
  });

  it("the period filters CCDs; in-process and pooled runs give the same rows", async () => {
    job.writeJob({ filter_type: "dynclass", filter_value: "KBO", period: ["2014-01-01", "2015-12-31"] });
    const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0 });
    // dynclass "KBO" matches its subclass KBO>Resonant>2:1 (1999 RB216); 2 nights × 2 exposures in the period.
    assert.equal(r.status, "Completed", r.error ?? "");
    assert.equal(r.resumedAsteroids, 0, "new inputs: the state of the previous job is discarded");
    assert.equal(r.counts.count_asteroids, 1);
    assert.equal(r.counts.count_ccds, 4);
    assert.equal(r.counts.count_observations, 4);
    const rows = (await observations(db)).filter((o) => o.name === "1999 RB216");
    assert.equal(rows.length, 4, "the asteroid's earlier rows are replaced, not added to");
    assert.ok(rows.every((o) => o.date_obs >= "2014-01-01" && o.date_obs < "2016-01-01"));
  });
});

describe("orbit-trace job: SPKs fetched when the asteroid folder has none", () => {
  it("downloads through the SPK source, reuses it on the next run, and fails only that asteroid when the source fails", async () => {
    const { readDaf } = await import("../src/spice/daf.js");
    const { ServiceError } = await import("../src/external/errors.js");
    const db = await openDatabase({ memory: true });
    const job = await makeTestJob(db);
    try {
      const folder = join(job.dir, "asteroids", "1999RB216");
      rmSync(folder, { recursive: true, force: true });
      const bytes = new Uint8Array(readFileSync(job.objects[0]!.spk));
      const asked: string[] = [];
      const source = {
        async fetchSpk(target: { identifier: string | number }, span: { start: string; end: string }) {
          asked.push(`${target.identifier} ${span.start}..${span.end}`);
          return { spkBytes: bytes, daf: readDaf(bytes), resultText: "Rec #:137295 soln ref.= JPL#18", command: "137295;", url: "http://test/horizons", attempts: 1 };
        },
      };
      job.writeJob({ filter_type: "name", filter_value: "1999 RB216", bsp_days_to_expire: 60 });
      const r = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0, spkSource: source });
      assert.equal(r.status, "Completed", r.error ?? "");
      assert.equal(r.counts.count_observations, 12);
      assert.deepEqual(asked, ["137295 2011-01-01..2020-12-31"], "asked by number, for the legacy span (period ± 1 year)");
      assert.ok(existsSync(join(folder, "1999RB216.bsp")) && existsSync(join(folder, "1999RB216.json")));

      rmSync(join(job.dir, "orbit_trace_state.jsonl"));
      const again = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0, spkSource: source });
      assert.equal(again.status, "Completed");
      assert.equal(asked.length, 1, "reused: younger than bsp_days_to_expire and covering the period");
      assert.match(readFileSync(join(job.dir, "orbit_trace.log"), "utf8"), /Asteroid \[1999 RB216\] Pre-existing BSP is still valid and will be reused\./);

      rmSync(folder, { recursive: true, force: true });
      rmSync(join(job.dir, "orbit_trace_state.jsonl"));
      job.writeJob({ filter_type: "name", filter_value: "1999 RB216;Chiron" });
      const failing = { fetchSpk: async () => Promise.reject(new ServiceError("JPL Horizons", "http://test/horizons", "http", "503 Service Unavailable", 503, 4)) };
      const down = await runOrbitTraceJob({ jobDir: job.dir, db, workers: 0, spkSource: failing as never });
      assert.equal(down.status, "Completed");
      assert.deepEqual({ s: down.counts.count_success, f: down.counts.count_failures }, { s: 1, f: 1 });
      const failed = JSON.parse(readFileSync(join(job.dir, "asteroids_failed.json"), "utf8"));
      assert.match(failed[0].error, /^Failed during retrieve bsp from jpl step\. .*503/);
    } finally {
      await db.close();
      rmSync(job.dir, { recursive: true, force: true });
    }
  });
});
