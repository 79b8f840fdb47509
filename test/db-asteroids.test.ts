import assert from "node:assert/strict";
import { test } from "node:test";
import { ZodError } from "zod";
import { asteroidQuery, escapeLike, retrieveAsteroids, splitNames, upsertAsteroids, type AsteroidFilter, type Database } from "../src/db/index.js";
import { forEachDatabase } from "./helpers/db.js";

// SkyBoT classes are '>'-separated paths (portal help text: "KBO>Resonant>12:5, MB>Inner").
const ASTEROIDS = [
  { name: "1999 RB216", number: "137295", base_dynclass: "KBO", dynclass: "KBO>Resonant>2:1" },
  { name: "Eris", number: "136199", base_dynclass: "KBO", dynclass: "KBO>SDO" },
  { name: "Quaoar", number: "50000", base_dynclass: "KBO", dynclass: "KBO>Classical>Main" },
  { name: "2002 KX14", number: "119951", base_dynclass: "KBO", dynclass: "KBO>Classical" },
  { name: "Fake1", number: null, base_dynclass: "KBO", dynclass: "KBO>ClassicalX" },
  { name: "Hilda", number: "153", base_dynclass: "MB", dynclass: "MB>Hilda" },
  { name: "Vesta", number: "4", base_dynclass: "MB", dynclass: "MB>Inner" },
  { name: "Chiron", number: "2060", base_dynclass: "Centaur", dynclass: "Centaur" },
  // Classes with LIKE metacharacters must match literally.
  { name: "Pct", number: null, base_dynclass: "X", dynclass: "A%B" },
  { name: "Pct2", number: null, base_dynclass: "X", dynclass: "AzB>c" },
  { name: "Und", number: null, base_dynclass: "X", dynclass: "A_B>c" },
  { name: "O'Brien", number: null, base_dynclass: "X", dynclass: "Q" },
];

async function seed(db: Database): Promise<void> {
  await upsertAsteroids(db, ASTEROIDS);
}

async function names(db: Database, filter: AsteroidFilter): Promise<string[]> {
  return (await retrieveAsteroids(db, filter)).map((a) => a.name).sort();
}

test("retrieveAsteroids: name list (trimmed), dynclass with subclasses, base_dynclass", async (t) => {
  await forEachDatabase(t, async (db) => {
    await seed(db);
    assert.deepEqual(await names(db, { type: "name", value: " Eris ;Chiron;; 1999 RB216 ;nobody" }), ["1999 RB216", "Chiron", "Eris"]);
    assert.deepEqual(await names(db, { type: "name", value: "O'Brien" }), ["O'Brien"]);
    assert.deepEqual(await names(db, { type: "dynclass", value: "KBO>Classical" }), ["2002 KX14", "Quaoar"]);
    assert.deepEqual(await names(db, { type: "dynclass", value: "KBO" }), ["1999 RB216", "2002 KX14", "Eris", "Fake1", "Quaoar"]);
    assert.deepEqual(await names(db, { type: "dynclass", value: "MB>Hilda" }), ["Hilda"]);
    assert.deepEqual(await names(db, { type: "dynclass", value: "Centaur" }), ["Chiron"]);
    assert.deepEqual(await names(db, { type: "dynclass", value: "KBO>Class" }), []);
    assert.deepEqual(await names(db, { type: "dynclass", value: "A%B" }), ["Pct"]);
    assert.deepEqual(await names(db, { type: "dynclass", value: "A_B" }), ["Und"]);
    assert.deepEqual(await names(db, { type: "base_dynclass", value: "MB" }), ["Hilda", "Vesta"]);
    assert.deepEqual(await names(db, { type: "base_dynclass", value: "MB>Hilda" }), []);
    const row = (await retrieveAsteroids(db, { type: "name", value: "Vesta" }))[0]!;
    assert.deepEqual(row, { id: row.id, name: "Vesta", number: "4", base_dynclass: "MB", dynclass: "MB>Inner" });
  });
});

test("retrieveAsteroids: SQL injection in filter_value selects nothing and changes nothing", async (t) => {
  await forEachDatabase(t, async (db) => {
    await seed(db);
    const attacks = [
      "x'; DROP TABLE tno_asteroid; --",
      "' OR '1'='1",
      "Eris' OR 1=1 --",
      "Chiron'); DELETE FROM tno_asteroid; --",
      "%",
      "_%",
      "\\",
    ];
    for (const value of attacks) {
      for (const type of ["name", "dynclass", "base_dynclass"] as const) {
        assert.deepEqual(await names(db, { type, value }), [], `${type} = ${JSON.stringify(value)}`);
      }
    }
    const count = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM tno_asteroid");
    assert.equal(count.rows[0]!.n, BigInt(ASTEROIDS.length));
    // The values go as parameters: the SQL text never contains them.
    for (const value of attacks) assert.ok(!asteroidQuery({ type: "name", value }).sql.includes(value));
  });
});

test("an unknown filter type or an empty value is bad input naming the field", () => {
  assert.throws(
    () => asteroidQuery({ type: "dynclas" as AsteroidFilter["type"], value: "KBO" }),
    (e: unknown) => e instanceof ZodError && /filter_type: "dynclas" is not one of name, dynclass, base_dynclass/.test(e.issues[0]!.message),
  );
  assert.throws(
    () => asteroidQuery({ type: "name", value: "  " }),
    (e: unknown) => e instanceof ZodError && /filter_value/.test(e.issues[0]!.message),
  );
  assert.deepEqual(splitNames(" a ; b;a;"), ["a", "b"]);
  assert.equal(escapeLike("50%_a\\b"), "50\\%\\_a\\\\b");
});
