/**
 * CCDs matched per second per core (issue #3 §7, target ≥ 200): read a DES-like FITS_LDAC
 * catalogue (≥ 5,000 sources, 35 columns with 12-element aperture vectors, 333 bytes per row)
 * and find the source nearest one predicted position, file read and decode included.
 * Run: `npx tsx bench/match.bench.ts` (env BENCH_CCDS, BENCH_SOURCES). Results: bench/RESULTS.md.
 *
 * Cases, one thread:
 *   ours       readDesCatalog (headers + HDU 2 data, 4 columns decoded) + observedPositions (scan)
 *   naive      the legacy's shape: whole file read, every column of every row decoded, Vincenty
 *              separation to every source, argmin (astropy Table + match_to_catalog_sky)
 *   kdbush     readDesCatalog + a tangent-plane kdbush index per CCD + one query
 * Then the same "ours" work on a LocalWorkerPool of 2 threads, one task per CCD and 50 CCDs per
 * task, and one catalogue against many probes (scan vs index, to set INDEX_MIN_PROBES).
 * Synthetic catalogues are written to os.tmpdir() and deleted at the end; the page cache is warm.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { readDesCatalog, writeLdacCatalog } from "../src/catalog/index.js";
import { LocalWorkerPool } from "../src/executors/index.js";
import { observedPositions, separationArcsec, SkyIndex } from "../src/match/index.js";
import type { MatchCcdPayload } from "./match-tasks.js";

const N_CCDS = Number(process.env.BENCH_CCDS ?? 300);
const N_SOURCES = Number(process.env.BENCH_SOURCES ?? 6000);
const RADIUS_ARCSEC = 2;
const DECAM_CCD_DEG = [0.15, 0.3] as const;

let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

interface Ccd {
  path: string;
  ccdId: number;
  raDeg: number;
  decDeg: number;
  expectIndex: number;
}

function makeCcds(dir: string): Ccd[] {
  const ccds: Ccd[] = [];
  for (let c = 0; c < N_CCDS; c++) {
    // Fields spread over the DES footprint, some straddling RA 0/360.
    const ra0 = (c * 37.1) % 360;
    const dec0 = -60 + ((c * 7.3) % 60);
    const n = N_SOURCES + Math.floor(rnd() * 1000);
    const raDeg = new Float64Array(n);
    const decDeg = new Float64Array(n);
    const magPsf = new Float64Array(n);
    const magErrPsf = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      raDeg[i] = (ra0 + (rnd() - 0.5) * DECAM_CCD_DEG[0] / Math.cos((dec0 * Math.PI) / 180) + 360) % 360;
      decDeg[i] = dec0 + (rnd() - 0.5) * DECAM_CCD_DEG[1];
      magPsf[i] = 17 + rnd() * 7;
      magErrPsf[i] = 0.005 + rnd() * 0.1;
    }
    const injected = Math.floor(rnd() * n);
    const path = join(dir, `D${String(c).padStart(8, "0")}_g_c${(c % 62) + 1}_r0000p01_red-fullcat.fits`);
    writeLdacCatalog(path, { raDeg, decDeg, magPsf, magErrPsf, imageHeader: { EXPNUM: c, CCDNUM: (c % 62) + 1 } });
    // The prediction sits 0.3" north of the injected source; the expected answer is the brute-force
    // nearest source (occasionally a field source happens to be closer).
    const pred = { raDeg: raDeg[injected]!, decDeg: decDeg[injected]! + 0.3 / 3600 };
    let expectIndex = -1;
    let bestSep = Infinity;
    for (let i = 0; i < n; i++) {
      const s = separationArcsec(pred.raDeg, pred.decDeg, raDeg[i]!, decDeg[i]!);
      if (s < bestSep) [bestSep, expectIndex] = [s, i];
    }
    ccds.push({ path, ccdId: c, ...pred, expectIndex });
  }
  return ccds;
}

/** The legacy's shape: decode every column (vectors too) of HDU 2, then a full separation pass. */
function naiveMatch(c: Ccd): number {
  const bytes = readFileSync(c.path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let header = "";
  for (let hdu = 0; hdu <= 2; hdu++) {
    header = "";
    for (;;) {
      const block = bytes.toString("latin1", pos, pos + 2880);
      pos += 2880;
      header += block;
      if (/^END {77}/m.test(block.match(/.{80}/g)!.join("\n"))) break;
    }
    const num = (k: string) => Number(new RegExp(`^${k.padEnd(8)}= *([-0-9]+)`, "m").exec(header.match(/.{80}/g)!.join("\n"))?.[1] ?? 0);
    if (hdu < 2) pos += Math.ceil((num("NAXIS") ? num("NAXIS1") * num("NAXIS2") : 0) / 2880) * 2880;
  }
  const cards = header.match(/.{80}/g)!.join("\n");
  const get = (k: string) => new RegExp(`^${k.padEnd(8)}= *'?([^'/\n]*)`, "m").exec(cards)?.[1]?.trim() ?? "";
  const rowBytes = Number(get("NAXIS1"));
  const rows = Number(get("NAXIS2"));
  const size: Record<string, number> = { B: 1, I: 2, J: 4, K: 8, E: 4, D: 8 };
  const columns: Record<string, Float64Array> = {};
  let off = 0;
  for (let i = 1; i <= Number(get("TFIELDS")); i++) {
    const [, rep, type] = /^(\d*)(\w)/.exec(get(`TFORM${i}`))!;
    const r = Number(rep || 1);
    const w = size[type!]!;
    const col = new Float64Array(rows * r);
    for (let row = 0; row < rows; row++) {
      for (let j = 0; j < r; j++) {
        const o = pos + row * rowBytes + off + j * w;
        col[row * r + j] = type === "D" ? view.getFloat64(o) : type === "E" ? view.getFloat32(o) : type === "J" ? view.getInt32(o) : type === "I" ? view.getInt16(o) : type === "K" ? Number(view.getBigInt64(o)) : view.getUint8(o);
      }
    }
    columns[get(`TTYPE${i}`)] = col;
    off += r * w;
  }
  const ra = columns.ALPHA_J2000!;
  const dec = columns.DELTA_J2000!;
  let best = -1;
  let bestSep = Infinity;
  for (let i = 0; i < rows; i++) {
    const s = separationArcsec(c.raDeg, c.decDeg, ra[i]!, dec[i]!);
    if (s < bestSep) {
      bestSep = s;
      best = i;
    }
  }
  return bestSep < RADIUS_ARCSEC ? best : -1;
}

function oursMatch(c: Ccd): number {
  const [m] = observedPositions(readDesCatalog(c.path), [c], RADIUS_ARCSEC);
  return m ? m.index : -1;
}

function kdbushMatch(c: Ccd): number {
  const cat = readDesCatalog(c.path);
  const index = SkyIndex.build(cat.raDeg, cat.decDeg)!;
  return index.nearest(c.raDeg, c.decDeg, RADIUS_ARCSEC)?.index ?? -1;
}

function timeCase(name: string, ccds: Ccd[], fn: (c: Ccd) => number, rounds = 3) {
  for (const c of ccds.slice(0, 20)) fn(c);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const c of ccds) if (fn(c) !== c.expectIndex) throw new Error(`${name}: wrong match on CCD ${c.ccdId}`);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  const perS = ccds.length / best;
  console.log(`${name.padEnd(28)} ${perS.toFixed(0).padStart(7)} CCDs/s/core  (${((best / ccds.length) * 1000).toFixed(3)} ms per CCD)`);
  return perS;
}

async function poolCase(ccds: Ccd[], perTask: number) {
  const pool = new LocalWorkerPool({ taskModules: [new URL("./match-tasks.ts", import.meta.url)], size: 2 });
  const tasks = [];
  for (let i = 0; i < ccds.length; i += perTask) {
    const payload: MatchCcdPayload = { ccds: ccds.slice(i, i + perTask).map(({ path, ccdId, raDeg, decDeg }) => ({ path, ccdId, raDeg, decDeg })), radiusArcsec: RADIUS_ARCSEC };
    tasks.push({ kind: "bench/match-ccds", payload });
  }
  await pool.map(tasks.slice(0, 2)); // start both workers (module load) outside the timed region
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const res = await pool.map<{ matched: number }>(tasks);
    best = Math.min(best, (performance.now() - t0) / 1000);
    const matched = res.reduce((a, x) => a + (x.ok ? x.value.matched : 0), 0);
    if (matched !== ccds.length) throw new Error(`pool: ${matched} of ${ccds.length} matched`);
  }
  await pool.close();
  const perS = ccds.length / best;
  console.log(`${`pool 2 workers, ${perTask} CCD/task`.padEnd(28)} ${perS.toFixed(0).padStart(7)} CCDs/s total, ${(perS / 2).toFixed(0)} per core`);
  return perS;
}

function probesCase(c: Ccd) {
  const cat = readDesCatalog(c.path);
  console.log("one catalogue (%d sources), many probes: µs per probe, index build included", cat.count);
  for (const n of [1, 4, 8, 16, 32, 128, 1024]) {
    const probes = Array.from({ length: n }, (_, k) => ({ ccdId: k, raDeg: cat.raDeg[(k * 97) % cat.count]!, decDeg: cat.decDeg[(k * 97) % cat.count]! }));
    const reps = Math.max(3, Math.floor(4000 / n));
    const t = (method: "scan" | "index") => {
      observedPositions(cat, probes, RADIUS_ARCSEC, { method });
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) observedPositions(cat, probes, RADIUS_ARCSEC, { method });
      return ((performance.now() - t0) * 1000) / reps / n;
    };
    console.log(`  ${String(n).padStart(5)} probes: scan ${t("scan").toFixed(1).padStart(7)}  index ${t("index").toFixed(1).padStart(7)}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), "tno-match-bench-"));
try {
  console.log(`${cpus()[0]?.model} x${cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  const t0 = performance.now();
  const ccds = makeCcds(dir);
  const bytes = ccds.reduce((a, c) => a + readFileSync(c.path).length, 0);
  console.log(`${N_CCDS} synthetic LDAC catalogues, ${N_SOURCES}-${N_SOURCES + 999} sources, ${(bytes / N_CCDS / 1e6).toFixed(2)} MB each (written in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  timeCase("ours (read 4 cols + scan)", ccds, oursMatch);
  timeCase("naive (all cols + full pass)", ccds, naiveMatch, 1);
  timeCase("kdbush index per CCD", ccds, kdbushMatch);
  await poolCase(ccds, 1);
  await poolCase(ccds, 50);
  probesCase(ccds[0]!);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
