import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_DB_DIR, migrate, openDatabase, openPglite } from "../src/db/index.js";

test("embedded database: a folder on disk that persists, one process at a time", async () => {
  const root = mkdtempSync(join(tmpdir(), "tno-pglite-"));
  try {
    // Default location: .tno/db under the given working directory.
    const db = await openDatabase({ cwd: root, env: {} });
    assert.equal(db.kind, "pglite");
    assert.equal(db.label, `pglite:${join(root, DEFAULT_DB_DIR)}`);
    await migrate(db);
    await db.query("INSERT INTO tno_asteroid (name) VALUES ($1)", ["Eris"]);

    // A second opener of the same folder is refused while the first is open.
    await assert.rejects(openPglite(join(root, DEFAULT_DB_DIR)), /is in use by process \d+/);
    await db.close();
    assert.equal(existsSync(join(root, ".tno", "db.lock")), false, "lock released on close");

    // A lock left by a process that no longer exists (kill -9) is taken over.
    writeFileSync(join(root, ".tno", "db.lock"), "2147483646");
    const again = await openPglite(join(root, DEFAULT_DB_DIR));
    try {
      assert.deepEqual((await again.query("SELECT name FROM tno_asteroid")).rows, [{ name: "Eris" }]);
      assert.deepEqual((await migrate(again)).applied, []);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("openDatabase picks PostgreSQL from the URL option or TNO_DATABASE_URL, and never both sources", async () => {
  await assert.rejects(openDatabase({ url: "postgres://127.0.0.1:1/x", dir: "y" }), /either a database URL or a PGlite folder/);
  await assert.rejects(openDatabase({ env: { TNO_DATABASE_URL: "postgres://u:secret@127.0.0.1:1/x" } }), (e: unknown) => {
    assert.match((e as Error).message, /cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/);
    assert.doesNotMatch((e as Error).message, /secret/);
    return true;
  });
});
