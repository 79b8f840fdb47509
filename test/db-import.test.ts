import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../src/cli/main.js";
import { ImportError, importCsv, migrate, openPglite, upsertAsteroids, type Database } from "../src/db/index.js";
import { forEachDatabase } from "./helpers/db.js";

const dir = mkdtempSync(join(tmpdir(), "tno-db-import-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function csv(text: string): string {
  const p = join(dir, `f${fileCounter++}.csv`);
  writeFileSync(p, text);
  return p;
}

async function count(db: Database, table: string): Promise<bigint> {
  return (await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n;
}

test("db import loads a ';' CSV with quoted fields and moves the id sequence past imported ids", async (t) => {
  await forEachDatabase(t, async (db) => {
    const file = csv('id;name;number;base_dynclass;dynclass\r\n1;"1999 RB216";137295;KBO;KBO>Resonant>2:1\r\n2;"A; B ""quoted""";;Centaur;Centaur\r\n7;Eris;136199;KBO;"KBO>SDO"\r\n');
    assert.equal(await importCsv(db, "tno_asteroid", file, { delimiter: ";" }), 3);
    const rows = await db.query<{ id: number; name: string; number: string | null }>("SELECT id, name, number FROM tno_asteroid ORDER BY id");
    assert.deepEqual(rows.rows, [
      { id: 1, name: "1999 RB216", number: "137295" },
      { id: 2, name: 'A; B "quoted"', number: null },
      { id: 7, name: "Eris", number: "136199" },
    ]);
    const [next] = await upsertAsteroids(db, [{ name: "Chiron" }]);
    assert.equal(next!.id, 8);
  });
});

test("db import reports every bad row with line, column and value, and imports nothing", async (t) => {
  await forEachDatabase(t, async (db) => {
    const file = csv(
      [
        "id,nite,date_obs,band,exptime,radeg",
        "247966,2013-10-28,2013-10-29 03:46:32.731567+00,g,90,23.9", // good
        "247967,2013-10-28,2013-10-29 03:48:00+00,g,ninety,23.9", // line 3: exptime
        "x1,2013-10-28,2013-10-29 03:50:00+00,gr,90,", // line 4: id, band too long
        "247969,2013-02-30,not a time,g,90,1", // line 5: nite, date_obs
        "247970,2013-10-28,,g,90,1", // line 6: date_obs required
        "247971,2013-10-28,2013-10-29 03:52:00+00,g", // line 7: field count
        '247972,2013-10-28,"2013-10-29 03:54:00+00",i,"45",1e-3', // good (quoted numbers are fine)
      ].join("\n"),
    );
    const err = await importCsv(db, "des_exposure", file).then(
      () => assert.fail("expected an ImportError"),
      (e: unknown) => e as ImportError,
    );
    assert.ok(err instanceof ImportError, String(err));
    assert.deepEqual(
      err.issues.map((i) => [i.line, i.column, i.value]),
      [
        [3, "exptime", "ninety"],
        [4, "id", "x1"],
        [4, "band", "gr"],
        [5, "nite", "2013-02-30"],
        [5, "date_obs", "not a time"],
        [6, "date_obs", null],
        [7, undefined, undefined],
      ],
    );
    assert.match(err.message, /line 3, column exptime value "ninety": is not a number \(double precision\)/);
    assert.match(err.message, /line 4, column band value "gr": is longer than 1 characters/);
    assert.match(err.message, /line 6, column date_obs \(empty\): is required/);
    assert.match(err.message, /line 7: has 4 fields, the header has 6/);
    assert.equal(await count(db, "des_exposure"), 0n);
  });
});

test("db import: header problems and constraint violations also import nothing", async (t) => {
  await forEachDatabase(t, async (db) => {
    await assert.rejects(importCsv(db, "des_ccd", csv("id,exposure_id,path,filenme\n1,2,p,f\n")), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.match(e.message, /line 1, column filenme: is not a column of des_ccd/);
      assert.match(e.message, /line 1, column filename: is required but missing from the header/);
      return true;
    });
    await assert.rejects(importCsv(db, "gaia_dr3_source", csv("source_id,ra,dec,dec_zone\n1,2,3,4\n")), /dec_zone: is computed by the database/);
    await assert.rejects(importCsv(db, "des_orbittracejob", csv("filter_type,filter_value,debug\nname,Eris,\n")), /column debug \(empty\): is empty; leave the column out of the file to use its default/);
    await assert.rejects(importCsv(db, "no_such_table", csv("a\n1\n")), /table 'no_such_table' does not exist/);
    await assert.rejects(importCsv(db, "des_ccd; DROP TABLE des_ccd", csv("a\n1\n")), /not a valid SQL identifier/);

    // A duplicate id is reported on its line (checked row by row during COPY)...
    await assert.rejects(importCsv(db, "des_exposure", csv("id,date_obs,exptime\n10,2013-10-29T03:46:32Z,90\n10,2013-10-29T03:47:32Z,90\n")), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.equal(e.issues[0]!.line, 3);
      assert.match(e.message, /line 3: duplicate key value violates unique constraint "des_exposure_pkey" \(Key \(id\)=\(10\) already exists/);
      return true;
    });
    // ...a missing foreign key by its key (checked at the end of the statement); nothing is kept.
    await importCsv(db, "des_exposure", csv("id,date_obs,exptime\n10,2013-10-29T03:46:32Z,90\n"));
    const ccds = csv("id,exposure_id,path,filename\n1,10,p,a.fits\n2,10,p,b.fits\n3,99,p,c.fits\n");
    await assert.rejects(importCsv(db, "des_ccd", ccds), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.match(e.message, /file: .*foreign key.*Key \(exposure_id\)=\(99\) is not present in table "des_exposure"/);
      return true;
    });
    assert.equal(await count(db, "des_ccd"), 0n);
  });
});

test("tno db init / import on an embedded folder: exit 0, and exit 2 naming line, column and value", async () => {
  const dbDir = join(dir, "cli-db");
  const stderr: string[] = [];
  const stdout: string[] = [];
  const origErr = process.stderr.write.bind(process.stderr);
  const origOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((s: string) => (stderr.push(String(s)), true)) as typeof process.stderr.write;
  process.stdout.write = ((s: string) => (stdout.push(String(s)), true)) as typeof process.stdout.write;
  try {
    assert.equal(await main(["db", "init", "--db", dbDir]), 0, stderr.join(""));
    assert.match(stdout.join(""), /schema version 3 \(applied 1, 2, 3\); q3c index: no/);
    const good = csv("name,number,base_dynclass,dynclass\nEris,136199,KBO,KBO>SDO\n");
    assert.equal(await main(["db", "import", "tno_asteroid", good, "--db", dbDir]), 0);
    const bad = csv("name,number,base_dynclass,dynclass\nQuaoar,50000,KBO,KBO>Classical>Main\n" + "x".repeat(33) + ",1,KBO,KBO\n");
    assert.equal(await main(["db", "import", "tno_asteroid", bad, "--db", dbDir]), 2);
    assert.match(stderr.join(""), /line 3, column name value "x{33}": is longer than 32 characters/);
    assert.equal(await main(["db", "import", "tno_asteroid", good, "--db", dbDir, "--delimiter", "x"]), 2);
    assert.equal(await main(["db", "import", "tno_asteroid", join(dir, "missing.csv"), "--db", dbDir]), 2);
    assert.equal(await main(["db", "init", "--db", dbDir, "--database-url", "postgres://localhost/x"]), 2);
  } finally {
    process.stderr.write = origErr;
    process.stdout.write = origOut;
  }
  const db = await openPglite(dbDir);
  try {
    await migrate(db);
    const names = await db.query<{ name: string }>("SELECT name FROM tno_asteroid ORDER BY name");
    assert.deepEqual(names.rows, [{ name: "Eris" }]);
  } finally {
    await db.close();
  }
});
