import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelError, SpiceEngine, readDaf, smallBodyIdOfSpk } from "../src/spice/index.js";
import { dataPath, repoRoot } from "./helpers/data.js";

test("kernel set loads from paths and reports kinds, bodies and coverage", async () => {
  const e = await SpiceEngine.create();
  const [lsk, de, ceres, bpc] = e.loadKernels([
    dataPath("kernels/naif0012.tls"),
    dataPath("spk_planetary/de405_2000-2050_debian-casacore.bsp"),
    dataPath("spk_smallbody/ceres_20000001_jpl48_1900-2100_kete.bsp"),
    dataPath("kernels/earth_000101_210317_201224.bpc"),
  ]);
  assert.equal(lsk!.kind, "LSK");
  assert.equal(de!.kind, "SPK");
  assert.deepEqual(de!.bodies.map((b) => b.id).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 301, 399]);
  // DE405 excerpt: 1999-12-24 .. 2050-01-02 (data README); ET of those dates ± 1 day.
  const [start, end] = de!.bodies.find((b) => b.id === 399)!.coverageEt[0]!;
  assert.ok(Math.abs(start - (2451536.5 - 2451545) * 86400) < 86400, `start ${start}`);
  assert.ok(Math.abs(end - (2469808.5 - 2451545) * 86400) < 86400, `end ${end}`);
  assert.deepEqual(ceres!.bodies.map((b) => b.id), [20000001]);
  assert.equal(bpc!.kind, "PCK");
  assert.equal(bpc!.bodies[0]!.id, 3000, "ITRF93 frame class");
  assert.equal(e.kernels().length, 4);
  e.dispose();
});

test("the NAIF id of every shared small-body SPK is read from the file (filenames carry the expected id)", () => {
  const dir = dataPath("spk_smallbody");
  const files = readdirSync(dir).filter((f) => f.endsWith(".bsp"));
  assert.ok(files.length >= 20);
  for (const f of files) {
    const expected = Number(/_(\d{7,8})_/.exec(f)![1]);
    assert.equal(smallBodyIdOfSpk(join(dir, f)), expected, f);
  }
});

test("bad kernels: missing file, not a kernel, truncated SPK each give a KernelError naming the file", async () => {
  const e = await SpiceEngine.create();
  const dir = mkdtempSync(join(tmpdir(), "tno-spice-"));
  assert.throws(() => e.loadKernel(join(dir, "nope.bsp")), (err: Error) => err instanceof KernelError && /nope\.bsp: file not found/.test(err.message));
  writeFileSync(join(dir, "junk.bsp"), "hello, not a kernel");
  assert.throws(() => e.loadKernel(join(dir, "junk.bsp")), /junk\.bsp: not a SPICE kernel/);
  const spk = readFileSync(dataPath("spk_smallbody/chiron_20002060_jpl152_2012-2024_linea.bsp"));
  writeFileSync(join(dir, "cut.bsp"), spk.subarray(0, Math.floor(spk.length / 3)));
  assert.throws(() => e.loadKernel(join(dir, "cut.bsp")), /cut\.bsp: corrupt SPK: .*truncated/);
  // The instance stays usable.
  e.loadKernel(dataPath("kernels/naif0012.tls"));
  assert.ok(Number.isFinite(e.raw.str2et("2020-01-01 00:00 UTC")));
  e.dispose();
});

test("a DAF whose last record is short (kuxaku DE430 excerpt) is padded so CSPICE reads it", async () => {
  const path = dataPath("spk_planetary/de430_2019-12-31_2030-01-03_kuxaku.bsp");
  assert.notEqual(readFileSync(path).length % 1024, 0, "the fixture really is short");
  const e = await SpiceEngine.create();
  e.loadKernel(path);
  const { pos } = e.raw.spkgps(399, 708091269, "J2000", 3);
  // Earth to Earth-Moon barycentre = lunar distance (356,500..406,700 km) × μ_moon/(μ_earth+μ_moon) (0.012150).
  const km = Math.hypot(pos[0]!, pos[1]!, pos[2]!);
  assert.ok(km > 356500 * 0.01215 && km < 406700 * 0.01215, `${km} km`);
  e.dispose();
});

test("DAF reader: Chiron Horizons SPK has type-21 segments, centre Sun, and its comment names the SPK id", () => {
  const daf = readDaf(readFileSync(dataPath("spk_smallbody/chiron_20002060_jpl152_2012-2024_linea.bsp")));
  assert.equal(daf.idWord, "DAF/SPK");
  assert.ok(daf.segments.every((s) => s.type === 21 && s.center === 10 && s.body === 20002060 && s.frame === 1));
});

test("the glue's process-wide handlers are removed: an app's own uncaughtException handler still runs", () => {
  const script = `
    import { SpiceEngine } from "./src/spice/index.ts";
    await SpiceEngine.create();
    process.on("uncaughtException", (e) => { console.log("handled:" + e.message); process.exit(0); });
    setTimeout(() => { throw new Error("boom"); }, 1);
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr.slice(0, 400));
  assert.match(r.stdout, /handled:boom/);
  const plain = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `import { SpiceEngine } from "./src/spice/index.ts"; await SpiceEngine.create(); setTimeout(() => { throw new Error("plain"); }, 1);`], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(plain.status, 1, "exit code 1, not the glue's 7");
  assert.ok(plain.stderr.length < 5000, `stderr is short (${plain.stderr.length} bytes), not the minified glue`);
});

test("two engines in one thread keep separate kernel pools", async () => {
  const a = await SpiceEngine.create();
  const b = await SpiceEngine.create();
  a.loadKernel(dataPath("spk_smallbody/ceres_20000001_jpl48_1900-2100_kete.bsp"));
  assert.ok(a.raw.spkgps(20000001, 0, "J2000", 10).pos.length === 3);
  assert.throws(() => b.raw.spkgps(20000001, 0, "J2000", 10), /NOLOADEDFILES|SPKINSUFFDATA/);
  a.dispose();
  b.dispose();
});

test("the installed CSPICE WebAssembly module is the one recorded in wasm/module.json", async () => {
  const { createHash } = await import("node:crypto");
  const manifest = JSON.parse(readFileSync(join(repoRoot, "wasm/module.json"), "utf8")) as {
    version: string;
    files: Record<string, { sha256: string }>;
  };
  const pkgDir = join(repoRoot, "node_modules/@rybosome/tspice");
  assert.equal((JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version, manifest.version);
  for (const [file, { sha256 }] of Object.entries(manifest.files)) {
    assert.equal(createHash("sha256").update(readFileSync(join(pkgDir, file))).digest("hex"), sha256, file);
  }
  const e = await SpiceEngine.create();
  assert.match(e.raw.tkvrsn("TOOLKIT"), /N0067/);
  e.dispose();
});
