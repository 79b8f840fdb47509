import assert from "node:assert/strict";
import { test } from "node:test";
import {
  getOrbitTraceJob,
  insertOrbitTraceJob,
  nextIdleOrbitTraceJob,
  replaceOrbitTraceResults,
  sqlState,
  updateOrbitTraceJob,
  upsertAsteroids,
  upsertOccultations,
  type OccultationRow,
} from "../src/db/index.js";
import { forEachDatabase } from "./helpers/db.js";

test("orbit trace job rows: insert, queue rule, status and counters written back", async (t) => {
  await forEachDatabase(t, async (db) => {
    const older = await insertOrbitTraceJob(db, { filter_type: "name", filter_value: "Eris", match_radius: 2, submit_time: new Date("2024-01-01T00:00:00Z") });
    const newer = await insertOrbitTraceJob(db, { filter_type: "dynclass", filter_value: "KBO", submit_time: new Date("2024-01-02T00:00:00Z") });
    assert.equal(await nextIdleOrbitTraceJob(db), older);

    const start = new Date("2024-01-03T10:00:00.123Z");
    await updateOrbitTraceJob(db, older, { status: "Running", start, end: null, exec_time: 0, path: "jobs/1-abcdef12" });
    assert.equal(await nextIdleOrbitTraceJob(db), undefined, "nothing starts while a job is Running");

    await updateOrbitTraceJob(db, older, {
      status: "Completed",
      end: new Date("2024-01-03T10:11:00.123Z"),
      exec_time: 660.25,
      count_asteroids: 76,
      count_ccds: 2001,
      count_observations: 1500,
      count_success: 70,
      count_failures: 6,
      h_exec_time: "11 minutes",
      avg_exec_time_asteroid: 8,
      avg_exec_time_ccd: 0,
      error: null,
      traceback: null,
    });
    const row = (await getOrbitTraceJob(db, older))!;
    assert.equal(row.status, 3);
    assert.equal(row.exec_time, "00:11:00.25");
    assert.deepEqual(row.start, start);
    assert.equal(row.count_ccds, 2001);
    assert.equal(row.path, "jobs/1-abcdef12");
    assert.equal(await nextIdleOrbitTraceJob(db), newer);

    await updateOrbitTraceJob(db, newer, { status: 4, error: "x'); DROP TABLE des_orbittracejob; --", traceback: "Traceback\n  line 1" });
    assert.equal((await getOrbitTraceJob(db, newer))!.error, "x'); DROP TABLE des_orbittracejob; --");

    await assert.rejects(updateOrbitTraceJob(db, 9999, { status: "Failed" }), /no job with id 9999/);
    await assert.rejects(updateOrbitTraceJob(db, older, { status: "Done" as "Failed" }), /"Done" is not a status/);
    await assert.rejects(updateOrbitTraceJob(db, older, { id: 5 } as never), /unknown or read-only column 'id'/);
  });
});

test("orbit trace results are replaced per job, never duplicated", async (t) => {
  await forEachDatabase(t, async (db) => {
    const [eris, chiron] = await upsertAsteroids(db, [{ name: "Eris", number: "136199", base_dynclass: "KBO", dynclass: "KBO>SDO" }, { name: "Chiron" }]);
    const job = await insertOrbitTraceJob(db, { filter_type: "name", filter_value: "Eris;Chiron" });
    const rows = [
      { name: "Eris", number: "136199", base_dynclass: "KBO", dynclass: "KBO>SDO", status: 1, spk_id: "20136199", observations: 31, ccds: 40, error: null, asteroid_id: eris!.id },
      { name: "Chiron", number: null, base_dynclass: null, dynclass: null, status: 2, spk_id: null, observations: 0, ccds: 0, error: "no ccd", asteroid_id: chiron!.id },
    ];
    assert.equal(await replaceOrbitTraceResults(db, job, rows), 2);
    assert.equal(await replaceOrbitTraceResults(db, job, rows), 2);
    const back = await db.query<{ name: string; status: number; observations: number }>("SELECT name, status, observations FROM des_orbittracejobresult WHERE job_id = $1 ORDER BY name", [job]);
    assert.deepEqual(back.rows, [
      { name: "Chiron", status: 2, observations: 0 },
      { name: "Eris", status: 1, observations: 31 },
    ]);
    // A duplicate asteroid in one batch fails as a whole and keeps the previous rows.
    await assert.rejects(replaceOrbitTraceResults(db, job, [rows[0]!, rows[0]!]), (e: unknown) => sqlState(e) === "23505");
    const n = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM des_orbittracejobresult");
    assert.equal(n.rows[0]!.n, 2n);
  });
});

function event(hash: string, overrides: Partial<OccultationRow> = {}): OccultationRow {
  return {
    hash_id: hash,
    name: "Chariklo",
    number: 10199,
    date_time: "2017-06-22 21:18:47.5+00:00",
    gaia_source_id: 6872519605180656128n,
    ra_star_candidate: "18 55 15.6528",
    dec_star_candidate: "-31 31 21.675",
    ra_target: "18 55 15.6525",
    dec_target: "-31 31 21.658",
    closest_approach: 0.017,
    velocity: -22.1,
    loc_t: "22:52",
    occ_path_coeff: { coeff_latitude: [1.5, -2.25e-3], min_longitude: -10 },
    have_path_coeff: true,
    last_obs_included: "2017-05-01",
    ...overrides,
  };
}

test("upsertOccultations inserts, updates on hash_id, keeps omitted columns, all or nothing", async (t) => {
  await forEachDatabase(t, async (db) => {
    assert.equal(await upsertOccultations(db, [event("evt-a"), event("evt-b", { g_star: 14.2 })]), 2);
    const first = await db.query<{ created_at: Date; updated_at: Date }>("SELECT created_at, updated_at FROM tno_occultation WHERE hash_id = 'evt-b'");

    // Update evt-b (closest approach changes, g_star omitted → kept); insert evt-c; repeated hash → last wins.
    const n = await upsertOccultations(db, [
      { ...event("evt-b", { closest_approach: 0.5 }), g_star: undefined },
      event("evt-c"),
      event("evt-c", { velocity: -20 }),
    ]);
    assert.equal(n, 2);
    const rows = await db.query<Record<string, unknown>>(
      "SELECT hash_id, closest_approach, g_star, velocity, date_time, loc_t, occ_path_coeff, last_obs_included, catalog, gaia_source_id, created_at, updated_at FROM tno_occultation ORDER BY hash_id",
    );
    assert.equal(rows.rows.length, 3);
    const b = rows.rows[1]!;
    assert.equal(b.closest_approach, 0.5);
    assert.equal(b.g_star, 14.2);
    assert.deepEqual(b.date_time, new Date("2017-06-22T21:18:47.500Z"));
    assert.equal(b.loc_t, "22:52:00");
    assert.deepEqual(b.occ_path_coeff, { coeff_latitude: [1.5, -2.25e-3], min_longitude: -10 });
    assert.equal(b.last_obs_included, "2017-05-01");
    assert.equal(b.catalog, "GAIA DR3"); // column default
    assert.equal(b.gaia_source_id, 6872519605180656128n);
    assert.deepEqual(b.created_at, first.rows[0]!.created_at);
    assert.ok((b.updated_at as Date) >= first.rows[0]!.updated_at);
    assert.equal(rows.rows[2]!.velocity, -20);

    // One bad event (hash too long) rejects the batch before anything is written.
    await assert.rejects(upsertOccultations(db, [event("evt-d"), event("x".repeat(27))]), /hash_id .* longer than 26/);
    await assert.rejects(upsertOccultations(db, [event("evt-d", { ra_target: "" })]), /'ra_target' is required/);
    await assert.rejects(upsertOccultations(db, [{ ...event("evt-d"), bogus: 1 } as OccultationRow]), /unknown column 'bogus'/);
    // A database-level failure (multiplicity_flag is varchar(2)) rolls the whole batch back.
    await assert.rejects(upsertOccultations(db, [event("evt-d"), event("evt-e", { multiplicity_flag: "toolong" })]));
    const count = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM tno_occultation");
    assert.equal(count.rows[0]!.n, 3n);
  });
});
