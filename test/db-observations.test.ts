import assert from "node:assert/strict";
import { test } from "node:test";
import { observationsOfAsteroid, replaceObservations, sqlState, upsertAsteroids, type Database, type ObservationRow } from "../src/db/index.js";
import { forEachDatabase } from "./helpers/db.js";

function obs(name: string, ccdId: number, i: number): ObservationRow {
  return {
    name,
    // The legacy stores the exposure START with microseconds; they must survive.
    dateObs: `2013-10-29 03:46:${String(10 + i).padStart(2, "0")}.731567+00:00`,
    dateJd: 2456594.6578502096 + i / 86400,
    raDeg: 23.9564 + i * 1e-4,
    decDeg: 3.6106,
    offsetRaArcsec: 0.123 * i,
    offsetDecArcsec: -0.05,
    magPsf: 22.5,
    magPsfErr: i === 0 ? null : 0.03,
    ccdId,
  };
}

async function twoAsteroids(db: Database): Promise<[number, number]> {
  const [a, b] = await upsertAsteroids(db, [
    { name: "1999 RB216", number: "137295", base_dynclass: "KBO", dynclass: "KBO>Resonant>2:1" },
    { name: "Chiron", number: "2060", base_dynclass: "Centaur", dynclass: "Centaur" },
  ]);
  return [a!.id, b!.id];
}

async function ccdsOf(db: Database, asteroidId: number): Promise<number[]> {
  return (await observationsOfAsteroid(db, asteroidId)).map((o) => Number(o.ccdId));
}

test("replaceObservations writes, reads back exactly, and replaces only that asteroid", async (t) => {
  await forEachDatabase(t, async (db) => {
    const [rb, chiron] = await twoAsteroids(db);
    const first = [obs("1999 RB216", 1_300_000_001, 0), obs("1999 RB216", 1_300_000_002, 1)];
    const created = new Date("2022-04-12T18:29:19.792Z");
    assert.equal(await replaceObservations(db, rb, first, created), 2);
    assert.equal(await replaceObservations(db, chiron, [obs("Chiron", 1_300_000_001, 0)]), 1);

    const back = await observationsOfAsteroid(db, rb);
    assert.equal(back.length, 2);
    assert.equal(back[0]!.dateObs, "2013-10-29T03:46:10.731567");
    assert.equal(back[0]!.dateJd, first[0]!.dateJd); // exact: stored as the full repr
    assert.equal(back[1]!.raDeg, first[1]!.raDeg);
    assert.equal(back[1]!.offsetRaArcsec, first[1]!.offsetRaArcsec);
    assert.equal(back[0]!.magPsfErr, null);
    assert.deepEqual(back[0]!.createdAt, created);

    // Rerun with different CCDs: old rows of this asteroid go, the other asteroid is untouched.
    const second = [obs("1999 RB216", 1_300_000_003, 2)];
    assert.equal(await replaceObservations(db, rb, second), 1);
    assert.deepEqual(await ccdsOf(db, rb), [1_300_000_003]);
    assert.deepEqual(await ccdsOf(db, chiron), [1_300_000_001]);

    // Same rows twice (a resumed job): no duplicates.
    await replaceObservations(db, rb, second);
    assert.deepEqual(await ccdsOf(db, rb), [1_300_000_003]);

    // Zero rows clears the asteroid.
    assert.equal(await replaceObservations(db, rb, []), 0);
    assert.deepEqual(await ccdsOf(db, rb), []);
  });
});

test("a failing COPY leaves the previous observations intact (one transaction per asteroid)", async (t) => {
  await forEachDatabase(t, async (db) => {
    const [rb] = await twoAsteroids(db);
    const old = [obs("1999 RB216", 11, 0), obs("1999 RB216", 12, 1)];
    await replaceObservations(db, rb, old);

    // Two detections on one CCD violate UNIQUE(asteroid_id, ccd_id) inside the COPY, after the DELETE.
    const dup = [obs("1999 RB216", 13, 0), obs("1999 RB216", 13, 1)];
    await assert.rejects(replaceObservations(db, rb, dup), (e: unknown) => sqlState(e) === "23505");
    assert.deepEqual(await ccdsOf(db, rb), [11, 12]);

    // Rows the row schema refuses (NaN, a name longer than varchar(32)) fail before the DELETE.
    await assert.rejects(replaceObservations(db, rb, [{ ...obs("1999 RB216", 14, 0), raDeg: Number.NaN }]), /observation 0 of asteroid \d+: raDeg/);
    await assert.rejects(replaceObservations(db, rb, [{ ...obs("x".repeat(33), 14, 0) }]), /name/);
    // An asteroid that is not in tno_asteroid.
    await assert.rejects(replaceObservations(db, 999_999, [obs("nobody", 14, 0)]), /asteroid id 999999 is not in tno_asteroid/);
    assert.deepEqual(await ccdsOf(db, rb), [11, 12]);

    const total = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM des_observation");
    assert.equal(total.rows[0]!.n, 2n);
  });
});

test("the unique (asteroid_id, ccd_id) constraint holds for direct inserts too", async (t) => {
  await forEachDatabase(t, async (db) => {
    const [rb] = await twoAsteroids(db);
    await replaceObservations(db, rb, [obs("1999 RB216", 21, 0)]);
    await assert.rejects(
      db.query(
        `INSERT INTO des_observation (name, date_obs, date_jd, ra, dec, asteroid_id, ccd_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        ["1999 RB216", "2013-10-29T03:46:32Z", "2456594.6", 1, 2, rb, 21],
      ),
      (e: unknown) => sqlState(e) === "23505",
    );
  });
});
