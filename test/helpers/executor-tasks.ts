/**
 * Task kinds for test/executors.test.ts, loaded by the executors as a task module (in worker
 * threads and in process).
 */
import { CatalogError } from "../../src/catalog/des.js";
import { defineTasks } from "../../src/executors/index.js";
import { utcToEt } from "../../src/time/index.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Differs per module instance, i.e. per worker thread. */
const instanceTag = Math.random().toString(36).slice(2);

export const tasks = defineTasks({
  "test/echo": async (p: { x: number; sleepMs?: number }, ctx) => {
    if (p.sleepMs) await sleep(p.sleepMs);
    return { x: p.x, workerId: ctx.workerId, instanceTag };
  },
  "test/throw": (p: { file: string }) => {
    throw new CatalogError(p.file, "truncated data: test");
  },
  "test/exit": () => process.exit(3),
  "test/uncaught": () => {
    setTimeout(() => {
      throw new Error("boom outside the task's promise");
    }, 1);
    return new Promise(() => {});
  },
  /** Blocks the thread: only terminating the worker stops it. */
  "test/spin": (p: { ms: number }) => {
    const end = Date.now() + p.ms;
    while (Date.now() < end);
    return "spun";
  },
  "test/unclonable": () => ({ f: () => 1 }),
  /**
   * Geocentric astrometric (LT) direction of Ceres at a UTC instant: planetary SPK and LSK as
   * per-worker kernels, the small-body SPK cycled in the `target` slot.
   */
  "test/ceres": async (p: { lsk: string; planetary: string; spk: string; utc: string }, ctx) => {
    const engine = await ctx.useKernels([p.lsk, p.planetary]);
    await ctx.useSlot("target", p.spk);
    const et = utcToEt(engine, p.utc);
    const { pos } = engine.raw.spkezp(20000001, et, "J2000", "LT", 399);
    const [x, y, z] = pos as unknown as [number, number, number];
    const raDeg = ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
    const decDeg = (Math.atan2(z, Math.hypot(x, y)) * 180) / Math.PI;
    return { pos: [x, y, z], raDeg, decDeg, workerId: ctx.workerId, instanceTag, stats: { ...ctx.stats } };
  },
});
