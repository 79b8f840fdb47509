import { strict as assert } from "node:assert";
import { after, describe, it } from "node:test";
import {
  ExecutorAbortError,
  InProcessExecutor,
  LocalWorkerPool,
  type Executor,
  type Task,
  type TaskResult,
} from "../src/executors/index.js";
import { dataPath } from "./helpers/data.js";

const taskModule = new URL("./helpers/executor-tasks.ts", import.meta.url);
const lsk = dataPath("kernels", "naif0012.tls");
const planetary = dataPath("spk_planetary", "de405_2000-2050_debian-casacore.bsp");
const ceresSpk = dataPath("spk_smallbody", "ceres_20000001_jpl48_1900-2100_kete.bsp");

/**
 * Authority: JPL Horizons OBSERVER table, 1 Ceres (JPL#48), geocentre, astrometric ICRF RA/Dec
 * at 2022-06-10 00:00 UT (../shared/data/horizons/astroquery_ceres/ceres_ephemerides_range.txt).
 * Printed to 1e-5° (36 mas); DE405 vs Horizons' DE441 adds ≲ 2 mas.
 */
const HORIZONS_CERES_2022_06_10 = { utc: "2022-06-10T00:00:00", raDeg: 101.73343, decDeg: 26.78554 };
const HORIZONS_PRINT_TOL_MAS = 36;
/** Workers and the main thread run the same CSPICE build on the same kernels: bit-identical. */
const SAME_ENGINE_TOL_KM = 0;

type Echo = { x: number; workerId: number; instanceTag: string };
type Ceres = { pos: number[]; raDeg: number; decDeg: number; workerId: number; instanceTag: string; stats: { enginesCreated: number; kernelLoads: number; slotLoads: number; slotHits: number } };

const echo = (x: number, sleepMs = 0): Task => ({ kind: "test/echo", payload: { x, sleepMs } });
const ceresTask: Task = { kind: "test/ceres", payload: { lsk, planetary, spk: ceresSpk, utc: HORIZONS_CERES_2022_06_10.utc } };

function value<R>(r: TaskResult<R> | undefined): R {
  assert.ok(r?.ok, `task failed: ${r && !r.ok ? `${r.reason}: ${r.error.message}` : "no result"}`);
  return r.value;
}

const open: Executor[] = [];
after(async () => {
  await Promise.all(open.map((e) => e.close()));
});
function pool(size = 2, extra: Partial<ConstructorParameters<typeof LocalWorkerPool>[0]> = {}) {
  const p = new LocalWorkerPool({ taskModules: [taskModule], size, ...extra });
  open.push(p);
  return p;
}

function commonSuite(name: string, make: () => Executor) {
  describe(`${name}: shared contract`, () => {
    it("returns results in task order, with progress for each", async () => {
      const ex = make();
      const progress: number[] = [];
      const res = await ex.map<Echo>(Array.from({ length: 12 }, (_, i) => echo(i, (12 - i) % 4 * 5)), { onProgress: (p) => progress.push(p.done) });
      assert.deepEqual(res.map((r) => value(r).x), Array.from({ length: 12 }, (_, i) => i));
      assert.deepEqual(progress, Array.from({ length: 12 }, (_, i) => i + 1));
      assert.deepEqual(await ex.map([]), []);
    });

    it("isolates a throwing task: message, stack and error fields come back; the others succeed", async () => {
      const ex = make();
      const res = await ex.map([echo(1), { kind: "test/throw", payload: { file: "D1_red-fullcat.fits" } }, echo(3), { kind: "test/nope", payload: {} }, { kind: "test/unclonable", payload: {} }]);
      assert.equal(value<Echo>(res[0] as TaskResult<Echo>).x, 1);
      assert.equal(value<Echo>(res[2] as TaskResult<Echo>).x, 3);
      const f = res[1]!;
      assert.ok(!f.ok && f.reason === "error");
      assert.equal(f.error.name, "CatalogError");
      assert.match(f.error.message, /catalogue D1_red-fullcat\.fits: truncated data/);
      assert.match(f.error.stack ?? "", /executor-tasks/);
      assert.equal(f.error.details?.file, "D1_red-fullcat.fits");
      const u = res[3]!;
      assert.ok(!u.ok && /unknown task kind 'test\/nope' \(registered: .*test\/echo/.test(u.error.message));
      const c = res[4]!;
      assert.ok(!c.ok && /cannot cross threads/.test(c.error.message));
    });

    it("aborts: stops scheduling and rejects with the finished results", async () => {
      const ex = make();
      const ac = new AbortController();
      const tasks = [echo(0), { kind: "test/spin", payload: { ms: 1500 } }, ...Array.from({ length: 10 }, (_, i) => echo(i + 1, 20))];
      const p = ex.map(tasks, { concurrency: 2, signal: ac.signal, onProgress: (e) => e.index === 0 && setTimeout(() => ac.abort(), 50) });
      await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof ExecutorAbortError);
        assert.equal(e.name, "AbortError");
        assert.equal(e.results.length, tasks.length);
        assert.ok(e.results[0]?.ok);
        assert.ok(e.results.filter((r) => r !== undefined).length < tasks.length);
        return true;
      });

      const pre = new AbortController();
      pre.abort();
      await assert.rejects(ex.map([echo(1)], { signal: pre.signal }), ExecutorAbortError);
      // Still usable after an abort.
      assert.equal(value<Echo>((await ex.map<Echo>([echo(42)]))[0]).x, 42);

    });

    it("each worker has one SpiceEngine, base kernels loaded once, the object SPK cycled in a slot; Ceres matches Horizons", async () => {
      const ex = make();
      const res = (await ex.map<Ceres>(Array.from({ length: 6 }, () => ceresTask))).map(value);
      const reference = new InProcessExecutor({ taskModules: [taskModule] });
      open.push(reference);
      const inProcess = await reference.map<Ceres>([ceresTask]);
      const ref = value(inProcess[0]);
      const byWorker = new Map<number, Ceres[]>();
      for (const r of res) byWorker.set(r.workerId, [...(byWorker.get(r.workerId) ?? []), r]);
      for (const [workerId, list] of byWorker) {
        assert.ok(list.every((r) => r.stats.enginesCreated === 1), `worker ${workerId} created more than one engine`);
        assert.ok(list.every((r) => r.stats.kernelLoads === 2), `worker ${workerId} reloaded base kernels`);
        const last = list[list.length - 1]!;
        assert.equal(last.stats.slotLoads, 1, `worker ${workerId} reloaded the slot`);
        assert.equal(last.stats.slotHits, list.length - 1);
        assert.equal(new Set(list.map((r) => r.instanceTag)).size, 1);
      }
      for (const r of res) {
        for (let k = 0; k < 3; k++) assert.ok(Math.abs(r.pos[k]! - ref.pos[k]!) <= SAME_ENGINE_TOL_KM, `worker ${r.workerId} axis ${k}`);
        const dRaMas = (r.raDeg - HORIZONS_CERES_2022_06_10.raDeg) * Math.cos((r.decDeg * Math.PI) / 180) * 3.6e6;
        const dDecMas = (r.decDeg - HORIZONS_CERES_2022_06_10.decDeg) * 3.6e6;
        assert.ok(Math.hypot(dRaMas, dDecMas) <= HORIZONS_PRINT_TOL_MAS, `Ceres off Horizons by (${dRaMas.toFixed(1)}, ${dDecMas.toFixed(1)}) mas`);
      }

    });
  });
}

commonSuite("LocalWorkerPool", () => pool(2));
commonSuite("InProcessExecutor", () => {
  const e = new InProcessExecutor({ taskModules: [taskModule] });
  open.push(e);
  return e;
});

describe("LocalWorkerPool: threads", () => {
  it("spreads tasks over its workers, each with its own module instance and engine", async () => {
    const p = pool(2);
    const res = (await p.map<Echo>(Array.from({ length: 8 }, (_, i) => echo(i, 30)))).map(value);
    assert.deepEqual([...new Set(res.map((r) => r.workerId))].sort(), [1, 2]);
    assert.equal(new Set(res.map((r) => r.instanceTag)).size, 2);
    const ceres = (await p.map<Ceres>([ceresTask, ceresTask])).map(value);
    assert.equal(new Set(ceres.map((r) => r.workerId)).size, 2);
  });

  it("loads a .ts task module named by its .js URL (as code compiled to dist/ names it)", async () => {
    const p = new LocalWorkerPool({ taskModules: [new URL("./helpers/executor-tasks.js", import.meta.url)], size: 1 });
    open.push(p);
    assert.equal(value<Echo>((await p.map<Echo>([echo(7)]))[0]).x, 7);
  });

  it("a crashing worker (process.exit, uncaught exception) fails only its task and is replaced", async () => {
    const p = pool(2);
    const res = await p.map([echo(0), { kind: "test/exit", payload: {} }, echo(2, 10), { kind: "test/uncaught", payload: {} }, echo(4), echo(5)]);
    assert.equal(value<Echo>(res[0] as TaskResult<Echo>).x, 0);
    assert.equal(value<Echo>(res[5] as TaskResult<Echo>).x, 5);
    const exit = res[1]!;
    assert.ok(!exit.ok && exit.reason === "worker-exit");
    assert.match(exit.error.message, /worker \d+ died while running task 'test\/exit' \(exit code 3\); it was replaced/);
    const unc = res[3]!;
    assert.ok(!unc.ok && unc.reason === "worker-exit");
    assert.match(unc.error.message, /boom outside the task's promise/);
    assert.ok(res.filter((r) => r.ok).length === 4);
    assert.ok(p.liveWorkers <= 2);
  });

  it("abort terminates a worker stuck in synchronous code", async () => {
    const p = pool(2);
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p.map([{ kind: "test/spin", payload: { ms: 30_000 } }, { kind: "test/spin", payload: { ms: 30_000 } }], { signal: ac.signal }), ExecutorAbortError);
    assert.ok(Date.now() - t0 < 5000, "abort took too long");
    assert.equal(p.liveWorkers, 0);
  });

  it("a task over timeoutMs fails with reason timeout; the pool carries on", async () => {
    const p = pool(1);
    const res = await p.map([{ kind: "test/spin", payload: { ms: 30_000 } }, echo(1)], { timeoutMs: 300 });
    assert.ok(!res[0]!.ok && res[0]!.reason === "timeout");
    assert.equal(value<Echo>(res[1] as TaskResult<Echo>).x, 1);
  });

  it("task modules that cannot load fail every task with reason init, without respawning forever", async () => {
    const p = new LocalWorkerPool({ taskModules: [new URL("./helpers/does-not-exist.ts", import.meta.url)], size: 2 });
    open.push(p);
    const res = await p.map([echo(1), echo(2), echo(3)]);
    for (const r of res) {
      assert.ok(!r.ok && r.reason === "init");
      assert.match(r.error.message, /does-not-exist/);
    }
  });

  it("close() stops the workers; map afterwards rejects", async () => {
    const p = pool(2);
    await p.map([echo(1), echo(2)]);
    await p.close();
    assert.equal(p.liveWorkers, 0);
    await assert.rejects(p.map([echo(1)]), /closed/);
  });

  it("rejects bad options", () => {
    assert.throws(() => new LocalWorkerPool({ taskModules: [] }));
    assert.throws(() => new LocalWorkerPool({ taskModules: [taskModule], size: 0 }));
  });
});
