import assert from "node:assert/strict";
import { test } from "node:test";
import { csvField, parseCsv, quoteIdent, sqlState, type SqlValue } from "../src/db/index.js";
import { forEachDatabase } from "./helpers/db.js";

const TRICKY_TEXT = ['plain', 'comma, inside', 'quote " inside', 'two\nlines', 'crlf\r\nline', '', ' padded ', 'ünïcødé ✓', '\\N', 'NULL', 'tab\there', "it's"];

test("COPY round trip keeps every value exactly, on both engines", async (t) => {
  await forEachDatabase(
    t,
    async (db) => {
      await db.exec(`CREATE TABLE copy_probe (
        id int8, txt text, f8 double precision, b boolean, ts timestamptz, j jsonb, d date, n int4)`);
      const when = new Date("2013-10-29T03:46:32.731Z");
      const rows: SqlValue[][] = TRICKY_TEXT.map((txt, i) => [BigInt(i) + 9007199254740993n, txt, i === 0 ? 0.1 + 0.2 : -1 / 3, i % 2 === 0, when, { k: txt, a: [i, null] }, "2019-02-01", null]);
      rows.push([1n, null, Number.NaN, null, null, null, null, 2147483647]);
      rows.push([2n, "inf", Number.POSITIVE_INFINITY, true, null, [], null, -1]);
      const n = await db.copyFrom("copy_probe", ["id", "txt", "f8", "b", "ts", "j", "d", "n"], rows);
      assert.equal(n, rows.length);
      const back = await db.query<Record<string, unknown>>("SELECT id, txt, f8, b, ts, j, d, n FROM copy_probe ORDER BY id");
      const expected = [...rows].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
      assert.equal(back.rows.length, expected.length);
      back.rows.forEach((r, i) => {
        const e = expected[i]!;
        assert.equal(r.id, e[0]);
        assert.equal(r.txt, e[1], `text of row ${String(e[0])}`);
        if (Number.isNaN(e[2] as number)) assert.ok(Number.isNaN(r.f8 as number));
        else assert.equal(r.f8, e[2]); // exact: the CSV carries the shortest round-trip repr
        assert.equal(r.b, e[3]);
        assert.deepEqual(r.ts, e[4]);
        assert.deepEqual(r.j, e[5]);
        assert.equal(r.d, e[6]);
        assert.equal(r.n, e[7]);
      });
    },
    { migrate: false },
  );
});

test("COPY from an async iterable of 20,000 rows", async (t) => {
  await forEachDatabase(
    t,
    async (db) => {
      await db.exec("CREATE TABLE copy_many (i int4, x double precision)");
      async function* gen() {
        for (let i = 0; i < 20_000; i++) yield [i, i / 7];
      }
      assert.equal(await db.copyFrom("copy_many", ["i", "x"], gen()), 20_000);
      const r = await db.query<{ n: bigint; s: number }>("SELECT count(*) AS n, sum(x) AS s FROM copy_many");
      assert.equal(r.rows[0]!.n, 20_000n);
      // Authority: the closed form sum(i/7) = n(n-1)/14; PostgreSQL sums 20,000 doubles, so allow
      // their rounding (~n·ulp(3e7) ≈ 1e-4) and nothing more.
      const SUM_TOLERANCE = 1e-4;
      assert.ok(Math.abs(r.rows[0]!.s - (19_999 * 20_000) / 14) < SUM_TOLERANCE);
    },
    { migrate: false },
  );
});

test("a failing COPY inside a transaction rolls the transaction back", async (t) => {
  await forEachDatabase(
    t,
    async (db) => {
      await db.exec("CREATE TABLE copy_tx (i int4 PRIMARY KEY)");
      await db.copyFrom("copy_tx", ["i"], [[1], [2]]);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query("DELETE FROM copy_tx");
          await tx.copyFrom("copy_tx", ["i"], [[3], [3]]);
        }),
        (e: unknown) => sqlState(e) === "23505",
      );
      const r = await db.query<{ i: number }>("SELECT i FROM copy_tx ORDER BY i");
      assert.deepEqual(r.rows.map((x) => x.i), [1, 2]);
      // The engine is usable after the failure.
      assert.equal(await db.copyFrom("copy_tx", ["i"], [[4]]), 1);
    },
    { migrate: false },
  );
});

test("COPY rejects rows of the wrong width and identifiers that are not plain names", async (t) => {
  await forEachDatabase(
    t,
    async (db) => {
      await db.exec("CREATE TABLE copy_w (a int4, b int4)");
      await assert.rejects(db.copyFrom("copy_w", ["a", "b"], [[1, 2], [3]]), /row 1 has 1 values for 2 columns/);
      await assert.rejects(db.copyFrom("copy_w; DROP TABLE copy_w", ["a"], [[1]]), /not a valid SQL identifier/);
      await assert.rejects(db.copyFrom("copy_w", ['a" , "b'], [[1]]), /not a valid SQL identifier/);
      const r = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM copy_w");
      assert.equal(r.rows[0]!.n, 0n);
    },
    { migrate: false },
  );
});

test("csvField and the CSV reader agree on quoting, NULL and line numbers", () => {
  assert.equal(csvField(null), "");
  assert.equal(csvField(""), '""');
  assert.equal(csvField('a"b'), '"a""b"');
  assert.equal(csvField(0.1), "0.1");
  assert.equal(csvField(-0), "0");
  assert.equal(csvField(Number.NEGATIVE_INFINITY), "-Infinity");
  assert.equal(csvField(12345678901234567890n), "12345678901234567890");
  assert.equal(quoteIdent("public.des_ccd"), '"public"."des_ccd"');
  const recs = parseCsv('a,b\r\n1,"x\r\ny"\r\n2,\n"",3');
  assert.deepEqual(recs, [
    { line: 1, fields: ["a", "b"] },
    { line: 2, fields: ["1", "x\r\ny"] },
    { line: 4, fields: ["2", null] },
    { line: 5, fields: ["", "3"] },
  ]);
  assert.deepEqual(parseCsv("a;b\n1;2", ";")[1], { line: 2, fields: ["1", "2"] });
  assert.throws(() => parseCsv('a\n"open'), /line 2: quoted field is not closed/);
});
