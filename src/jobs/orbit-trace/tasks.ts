/**
 * Orbit Trace task kinds, loaded by an executor in each worker (one SpiceEngine per worker:
 * leap seconds, planetary SPK and Earth orientation loaded once, the asteroid SPK cycled in a slot).
 */
import { defineTasks } from "../../executors/types.js";
import type { Observer } from "../../ephemeris/observers.js";
import { KernelError } from "../../spice/errors.js";
import { traceAsteroid, type CcdInput, type TraceResult } from "./trace.js";

/** Payload of an `orbit-trace/trace` task: one asteroid on a chunk of its CCDs. */
export interface TraceTaskPayload {
  /** Kernels every task needs, in load order (leap seconds, planetary SPK, Earth orientation). */
  baseKernels: string[];
  asteroid: { id: number; name: string };
  spkPath: string;
  ccds: CcdInput[];
  observer: Observer;
  matchRadiusArcsec: number;
  catalogRoot: string;
}

/** Task kind of {@link TraceTaskPayload}. */
export const TRACE_TASK = "orbit-trace/trace";

const SMALL_BODY_MIN_ID = 1_000_000;

export const tasks = defineTasks({
  [TRACE_TASK]: async (p: TraceTaskPayload, ctx): Promise<TraceResult> => {
    const engine = await ctx.useKernels(p.baseKernels);
    const info = await ctx.useSlot("orbit-trace-target", p.spkPath);
    const ids = info.bodies.map((b) => b.id).filter((id) => Math.abs(id) >= SMALL_BODY_MIN_ID);
    if (ids.length !== 1) throw new KernelError(p.spkPath, ids.length ? `holds several small bodies (${ids.join(", ")})` : "holds no small body");
    return traceAsteroid(engine, {
      asteroid: p.asteroid,
      targetId: ids[0]!,
      ccds: p.ccds,
      observer: p.observer,
      matchRadiusArcsec: p.matchRadiusArcsec,
      catalogRoot: p.catalogRoot,
    });
  },
});
