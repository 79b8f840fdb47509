/**
 * Ephemeris throughput over 100,000 consecutive epochs (one minute apart), one WASM instance per
 * core. Run: `npx tsx bench/ephemeris.bench.ts`. Results go in bench/RESULTS.md.
 *
 * Cases (issue #2): heliocentric positions from a Horizons type-21 SPK (target >= 100,000/s per
 * core) and topocentric astrometric RA/Dec with light time (target >= 50,000/s per core); the
 * same split over a worker pool of 2 threads. Baseline, same process: the raw CSPICE `spkpos`
 * call through tspice's public client (string ids, the way the legacy called SpiceyPy).
 */
import { availableParallelism, cpus } from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { SpiceEngine } from "../src/spice/index.js";
import { computeEphemeris, CTIO_BLANCO } from "../src/ephemeris/index.js";
import { utcToEt } from "../src/time/index.js";

const DATA = process.env.TNO_DATA_DIR ?? new URL("../../shared/data/", import.meta.url).pathname;
const KERNELS = [
  "kernels/naif0012.tls",
  "kernels/earth_000101_210317_201224.bpc",
  "spk_planetary/de405_2000-2050_debian-casacore.bsp",
  "spk_smallbody/1999RB216_2137295_jpl18_2000-2030_linea.bsp",
].map((k) => `${DATA}/${k}`);
const TARGET = 2137295;
const EPOCHS = 100_000;
const STEP_S = 60;

type Case = "heliocentric" | "topocentric";

async function run(kind: Case, startIndex: number, count: number): Promise<{ seconds: number; checksum: number }> {
  const engine = await SpiceEngine.create();
  engine.loadKernels(KERNELS);
  const et0 = utcToEt(engine, "2014-09-01T00:00:00");
  const et = new Float64Array(count);
  for (let i = 0; i < count; i++) et[i] = et0 + (startIndex + i) * STEP_S;
  // Warm-up (JIT, SPICE segment buffers) outside the timed region.
  computeEphemeris(engine, { targetId: TARGET, etSeconds: et.subarray(0, 2000), observer: CTIO_BLANCO });
  const t0 = performance.now();
  let checksum = 0;
  if (kind === "heliocentric") {
    const raw = engine.raw;
    for (let i = 0; i < count; i++) checksum += raw.spkgps(TARGET, et[i]!, "J2000", 10).pos[0]!;
  } else {
    const eph = computeEphemeris(engine, { targetId: TARGET, etSeconds: et, observer: CTIO_BLANCO, abcorr: "LT" });
    checksum = eph.raDeg[count - 1]!;
  }
  const seconds = (performance.now() - t0) / 1000;
  engine.dispose();
  return { seconds, checksum };
}

async function baselinePublicClient(count: number): Promise<number> {
  const { spiceClients } = await import("@rybosome/tspice");
  const { readFileSync } = await import("node:fs");
  const listeners = process.listeners("uncaughtException").length;
  const { spice, dispose } = await spiceClients.toSync({ backend: "wasm" });
  for (const l of process.listeners("uncaughtException").slice(listeners)) process.removeListener("uncaughtException", l);
  for (const k of KERNELS) spice.raw.furnsh({ path: k.split("/").pop()!, bytes: readFileSync(k) });
  const et0 = spice.raw.str2et("2014-09-01 00:00:00 UTC");
  const t0 = performance.now();
  for (let i = 0; i < count; i++) spice.raw.spkpos(String(TARGET), et0 + i * STEP_S, "J2000", "NONE", "10");
  const seconds = (performance.now() - t0) / 1000;
  dispose();
  return seconds;
}

/** Wall time, and the slowest worker's timed compute (start-up and kernel loads excluded). */
async function pooled(kind: Case, threads: number): Promise<{ wallS: number; computeS: number }> {
  const per = Math.ceil(EPOCHS / threads);
  const t0 = performance.now();
  const times = await Promise.all(
    Array.from({ length: threads }, (_, w) =>
      new Promise<number>((resolve, reject) => {
        // The worker registers tsx itself, then loads this file (a TypeScript source).
        const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
        const worker = new Worker(boot, { eval: true, workerData: { kind, start: w * per, count: Math.min(per, EPOCHS - w * per) } });
        worker.once("message", (seconds: number) => resolve(seconds));
        worker.once("error", reject);
      }),
    ),
  );
  return { wallS: (performance.now() - t0) / 1000, computeS: Math.max(...times) };
}

if (!isMainThread) {
  const { kind, start, count } = workerData as { kind: Case; start: number; count: number };
  const { seconds } = await run(kind, start, count);
  parentPort!.postMessage(seconds);
} else {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(`# ephemeris bench: ${EPOCHS} epochs, ${STEP_S} s step, ${cpu}, ${availableParallelism()} threads, Node ${process.version}`);
  const base = await baselinePublicClient(EPOCHS);
  console.log(`baseline  tspice public client spkpos('NONE', string ids)   ${(EPOCHS / base).toFixed(0).padStart(8)} /s`);
  for (const kind of ["heliocentric", "topocentric"] as Case[]) {
    const { seconds } = await run(kind, 0, EPOCHS);
    const rate = EPOCHS / seconds;
    console.log(`${kind.padEnd(12)} 1 thread  ${rate.toFixed(0).padStart(8)} /s   (${(rate / (EPOCHS / base)).toFixed(2)}x baseline)`);
    const p = await pooled(kind, 2);
    console.log(
      `${kind.padEnd(12)} 2 workers ${(EPOCHS / p.computeS).toFixed(0).padStart(8)} /s   (${(seconds / p.computeS).toFixed(2)}x 1 thread; wall ${p.wallS.toFixed(2)} s incl. worker start and kernel loads)`,
    );
  }
}
