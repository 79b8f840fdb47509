// `tno predict <jobdir>` with its external inputs: an object without an SPK gets it from "JPL
// Horizons" (a local server on 127.0.0.1 replaying the real answer
// spk_smallbody/chiron_20002060_jpl152_horizons_api_response_base64.txt, Chiron JPL#152,
// 2012-2024), a rerun reuses it, offline or failed downloads fail that object only, and kernels
// named in job.json without a path come from the kernel cache. No test reaches the internet.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeEphemeris } from "../src/ephemeris/index.js";
import { KernelCache, sha256OfFile } from "../src/external/index.js";
import { resolveJobKernel } from "../src/jobs/inputs.js";
import { runPredictJob } from "../src/jobs/predict/runner.js";
import { InputError } from "../src/cli/errors.js";
import { KernelError, SpiceEngine } from "../src/spice/index.js";
import { utcToEt } from "../src/time/index.js";
import { runCli } from "./helpers/cli.js";
import { dataPath } from "./helpers/data.js";
import { chironAnswerJson, send, startLocalServer, type LocalServer } from "./helpers/http-server.js";

const LSK = "kernels/naif0012.tls";
const PLANETARY = "spk_planetary/de421_2017-01-01_2025-01-01_appindicators.bsp";
/** Same bytes as the SPK inside the Horizons answer. */
const CHIRON_SPK = "spk_smallbody/chiron_20002060_jpl152_2012-2024_linea.bsp";
const CHARIKLO_SPK = "spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp";
const CHIRON_SPK_ID = 20002060;
/** Period inside the answer's 2012-2024 coverage once widened to whole years either side (2019-01-01 .. 2021-12-31). */
const PERIOD = { start: "2020-06-01", end: "2020-06-02" };
/** Instant of the synthetic star's conjunction with Chiron. */
const EVENT_UTC = "2020-06-01T12:00:00";
/** Same kernels and geocentric model as the star's placement: the refined instant is the placed one (found: 1e-7 s). */
const EVENT_TIME_TOLERANCE_S = 0.01;

let server: LocalServer;
const dirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

before(async () => {
  const chiron = JSON.stringify(chironAnswerJson());
  // Chiron for COMMAND '2060;', Horizons' "No matches found" for anything else.
  server = await startLocalServer((req, res) => {
    const command = new URL(req.url ?? "/", "http://127.0.0.1").searchParams.get("COMMAND") ?? "";
    if (command === "'2060;'") send(res, 200, "application/json", chiron);
    else send(res, 200, "application/json", JSON.stringify({ signature: { source: "NASA/JPL Horizons API", version: "1.2" }, result: `\n*******\nNo matches found.\n` }));
  });
});
after(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * A SYNTHETIC star file (not a catalogue excerpt): one star placed at Chiron's geocentric
 * astrometric position at {@link EVENT_UTC}, so that the job has exactly one event to find.
 */
async function syntheticStars(dir: string): Promise<string> {
  const engine = await SpiceEngine.create();
  try {
    engine.loadKernels([dataPath(LSK), dataPath(PLANETARY), dataPath(CHIRON_SPK)]);
    const eph = computeEphemeris(engine, { targetId: CHIRON_SPK_ID, etSeconds: [utcToEt(engine, EVENT_UTC)], observer: { kind: "geocenter" }, abcorr: "LT" });
    const file = join(dir, "stars_synthetic.csv");
    writeFileSync(file, ["source_id,ra,dec,pmra,pmdec,phot_g_mean_mag,ref_epoch", `1,${eph.raDeg[0]},${eph.decDeg[0]},0,0,15.0,2020.4`].join("\n"));
    return file;
  } finally {
    engine.dispose();
  }
}

async function eventEt(): Promise<number> {
  const engine = await SpiceEngine.create();
  try {
    engine.loadKernel(dataPath(LSK));
    return utcToEt(engine, EVENT_UTC);
  } finally {
    engine.dispose();
  }
}

const baseJob = (extra: Record<string, unknown> = {}) => ({
  predict_start_date: PERIOD.start,
  predict_end_date: PERIOD.end,
  predict_step: 60,
  bsp_planetary: { name: "de421", absolute_path: dataPath(PLANETARY) },
  leap_seconds: { name: "naif0012", absolute_path: dataPath(LSK) },
  star_catalog: { file: "stars_synthetic.csv" },
  horizons_url: `${server.origin}/api/horizons.api`,
  ...extra,
});

const writeJob = (dir: string, job: object) => writeFileSync(join(dir, "job.json"), JSON.stringify(job, null, 2));
const readJob = (dir: string) => JSON.parse(readFileSync(join(dir, "job.json"), "utf8")) as Record<string, unknown>;

test("an object without an SPK: downloaded from Horizons (legacy span), predicted, then reused; bsp_days_to_expire 0 refreshes", async () => {
  const dir = tempDir("tno-predict-ext-");
  await syntheticStars(dir);
  const seen = server.requests.length;
  writeJob(dir, { id: 11, ...baseJob(), objects: [{ name: "2060 Chiron", number: 2060, diameter: 200 }] });
  const first = await runPredictJob({ jobDir: dir, workers: 0 });
  assert.equal(first.status, "Completed", first.error ?? JSON.stringify(first.objects));
  assert.equal(first.objects[0]!.status, "success", first.objects[0]!.message ?? "");
  assert.equal(server.requests.length - seen, 1, "one Horizons request");
  const q = server.requests[seen]!.query;
  assert.deepEqual([q.COMMAND, q.START_TIME, q.STOP_TIME, q.EPHEM_TYPE], ["'2060;'", "'2019-Jan-01'", "'2021-Dec-31'", "SPK"]);
  const bsp = join(dir, "asteroids", "2060Chiron", "2060Chiron.bsp");
  assert.equal(sha256OfFile(bsp), sha256OfFile(dataPath(CHIRON_SPK)), "the decoded SPK is the one Horizons sent");
  const meta = JSON.parse(readFileSync(join(dir, "asteroids", "2060Chiron", "2060Chiron.json"), "utf8"));
  assert.equal(meta.spkId, CHIRON_SPK_ID);
  assert.equal(meta.solution, "JPL#152");

  // The synthetic star is found at the instant it was placed.
  assert.equal(first.events, 1);
  const { events } = JSON.parse(readFileSync(join(dir, "objects", "2060Chiron", "occultations.json"), "utf8")) as { events: Array<{ etSeconds: number; utc: string }> };
  const dt = Math.abs(events[0]!.etSeconds - (await eventEt()));
  assert.ok(dt <= EVENT_TIME_TOLERANCE_S, `event at ${events[0]!.utc}, ${dt} s from ${EVENT_UTC}`);

  // New inputs (the step): the object is redone, the cached SPK is reused, no second request.
  writeJob(dir, { ...readJob(dir), predict_step: 120 });
  const second = await runPredictJob({ jobDir: dir, workers: 0 });
  assert.equal(second.status, "Completed", second.error ?? "");
  assert.equal(second.resumed, 0);
  assert.equal(second.events, 1);
  assert.equal(server.requests.length - seen, 1, "the cached SPK is reused");
  assert.match(readFileSync(join(dir, "predict.log"), "utf8"), /2060 Chiron: cached SPK still valid/);

  // bsp_days_to_expire 0: always downloaded again.
  writeJob(dir, { ...readJob(dir), predict_step: 60, bsp_days_to_expire: 0 });
  const third = await runPredictJob({ jobDir: dir, workers: 0 });
  assert.equal(third.objects[0]!.status, "success", third.objects[0]!.message ?? "");
  assert.equal(server.requests.length - seen, 2, "refreshed");
});

test("a failed download fails that object only, with its reason; the others run", async () => {
  const dir = tempDir("tno-predict-ext-");
  await syntheticStars(dir);
  writeJob(dir, {
    ...baseJob(),
    objects: [
      { name: "2060 Chiron", number: 2060 },
      { name: "Nosuchobject" },
    ],
  });
  const report = await runPredictJob({ jobDir: dir, workers: 0 });
  assert.equal(report.status, "Completed", report.error ?? "");
  const byName = Object.fromEntries(report.objects.map((o) => [o.name, o]));
  assert.equal(byName["2060 Chiron"]!.status, "success");
  assert.equal(byName.Nosuchobject!.status, "failure");
  assert.match(byName.Nosuchobject!.message ?? "", /JPL Horizons: no object matches 'Nosuchobject'/);
  assert.equal(readJob(dir).count_failures, 1);
  assert.ok(!existsSync(join(dir, "asteroids", "Nosuchobject", "Nosuchobject.bsp")), "nothing half-written");
});

test("offline with no cached SPK: that object fails with a clear message, a listed SPK still runs", async () => {
  const dir = tempDir("tno-predict-ext-");
  await syntheticStars(dir);
  const seen = server.requests.length;
  writeJob(dir, { ...baseJob(), offline: true, objects: [{ name: "2060 Chiron", number: 2060 }, { name: "Chariklo", spk: dataPath(CHARIKLO_SPK) }] });
  const report = await runPredictJob({ jobDir: dir, workers: 0 });
  assert.equal(report.status, "Completed", report.error ?? "");
  assert.equal(server.requests.length, seen, "offline: no request");
  const chiron = report.objects.find((o) => o.name === "2060 Chiron")!;
  assert.equal(chiron.status, "failure");
  assert.match(chiron.message ?? "", /offline and .*2060Chiron\.bsp cannot be used: no metadata/);
  assert.equal(report.objects.find((o) => o.name === "Chariklo")!.status, "success");
});

/** A kernel cache holding naif0012.tls, recorded in its manifest through the cache API. */
async function cacheWithLsk(): Promise<string> {
  const cacheDir = tempDir("tno-kernel-cache-");
  copyFileSync(dataPath(LSK), join(cacheDir, "naif0012.tls"));
  const got = await new KernelCache({ cacheDir, offline: true }).fetch("naif0012");
  assert.equal(got.reused, true);
  return cacheDir;
}

test("leap_seconds given by name only: taken from the kernel cache (offline, job field kernel_cache)", async () => {
  const cacheDir = await cacheWithLsk();
  assert.equal(JSON.parse(readFileSync(join(cacheDir, "manifest.json"), "utf8")).files["naif0012.tls"].sha256, sha256OfFile(dataPath(LSK)));
  const dir = tempDir("tno-predict-ext-");
  await syntheticStars(dir);
  writeJob(dir, { ...baseJob(), leap_seconds: { name: "naif0012", filename: "naif0012.tls" }, kernel_cache: cacheDir, offline: true, objects: [{ name: "2060 Chiron", spk: dataPath(CHIRON_SPK) }] });
  const report = await runPredictJob({ jobDir: dir, workers: 0 });
  assert.equal(report.status, "Completed", report.error ?? "");
  assert.equal(report.events, 1);
  const [header, row] = readFileSync(join(dir, "objects", "2060Chiron", "occultation_table.csv"), "utf8").trim().split("\n");
  assert.equal(row!.split(";")[header!.split(";").indexOf("leap_seconds")], "naif0012");
});

test("resolveJobKernel: a file wins, a missing path falls back to its name, unknown names are bad input", async () => {
  const cacheDir = await cacheWithLsk();
  const jobDir = tempDir("tno-predict-ext-");
  const opts = { cacheDir, offline: true };
  assert.equal(await resolveJobKernel(jobDir, "leap_seconds", { absolute_path: dataPath(LSK) }, opts), dataPath(LSK));
  assert.equal(await resolveJobKernel(jobDir, "leap_seconds", { absolute_path: "/lustre/t1/tmp/tno/naif0012.tls" }, opts), join(cacheDir, "naif0012.tls"));
  assert.equal(await resolveJobKernel(jobDir, "extra_kernels", "naif0012.tls", opts), join(cacheDir, "naif0012.tls"));
  await assert.rejects(resolveJobKernel(jobDir, "bsp_planetary", { name: "my ephemeris" }, opts), InputError);
  await assert.rejects(resolveJobKernel(jobDir, "bsp_planetary", { absolute_path: "nowhere/mine.bsp" }, opts), (e: unknown) => e instanceof KernelError && /bsp_planetary: file not found/.test((e as Error).message));
  await assert.rejects(resolveJobKernel(jobDir, "bsp_planetary", { name: "de440", filename: "de440.bsp" }, opts), (e: unknown) => e instanceof KernelError && /tno kernels fetch de440\.bsp/.test((e as Error).message));
});

test("tno predict --offline: a planetary kernel missing from the cache exits 2 naming `tno kernels fetch <file>`", async () => {
  const cacheDir = tempDir("tno-kernel-cache-");
  const dir = tempDir("tno-predict-ext-");
  await syntheticStars(dir);
  mkdirSync(join(dir, "asteroids"), { recursive: true });
  writeJob(dir, { ...baseJob(), bsp_planetary: { name: "de440", filename: "de440.bsp", absolute_path: "/lustre/t1/tmp/tno/bsp_planetary/de440.bsp" }, objects: [{ name: "2060 Chiron", spk: dataPath(CHIRON_SPK) }] });
  const r = await runCli(["predict", dir, "--offline", "--workers", "0"], { TNO_KERNEL_CACHE: cacheDir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /run `tno kernels fetch de440\.bsp`/);
  assert.equal(readJob(dir).status, "Failed");
});
