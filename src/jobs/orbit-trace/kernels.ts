import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KernelInfo, SpiceEngine } from "../../spice/engine.js";

/**
 * Earth rotation constants of the IAU 2009 report (Archinal et al. 2011, as in NAIF's
 * pck00010.tpc): enough for SPICE's IAU_EARTH frame. Used when a job names no Earth
 * orientation kernel. IAU_EARTH has no nutation and a linear rotation in TDB: it misplaces a site
 * by 5–7 km in 2000–2020 against the IERS-based ITRF93 PCK (measured), which shifts a target at
 * 1 au by ≤ 10 mas, at 2 au (main belt) ≤ 5 mas, at 30 au (TNOs) ≤ 0.3 mas. Give an
 * `earth_*.bpc` in `extra_kernels` for better.
 */
export const IAU_EARTH_TEXT_PCK = `KPL/PCK

Earth orientation and shape constants (IAU 2009 report, Archinal et al. 2011, Celest.
Mech. Dyn. Astr. 109, 101; the values NAIF publishes in pck00010.tpc), written by
@tno/astrometry for Orbit Trace when no Earth orientation kernel is given.

\\begindata

BODY399_RADII     = ( 6378.1366   6378.1366   6356.7519 )
BODY399_POLE_RA   = (    0.      -0.641         0. )
BODY399_POLE_DEC  = (   90.      -0.557         0. )
BODY399_PM        = (  190.147  360.9856235     0. )
BODY399_LONG_AXIS = (    0.                        )

\\begintext
`;

/** Host path of the built-in Earth PCK (written once per content into the OS temp folder). */
export function builtinEarthPckPath(): string {
  const hash = createHash("sha1").update(IAU_EARTH_TEXT_PCK).digest("hex").slice(0, 10);
  const dir = join(tmpdir(), "tno-astrometry");
  const file = join(dir, `iau2009_earth_${hash}.tpc`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, IAU_EARTH_TEXT_PCK);
    // rename is atomic, so concurrent workers never read a half-written kernel.
    renameSync(tmp, file);
  }
  return file;
}

/** Kernels every Orbit Trace task needs, in load order. */
export interface TraceKernels {
  leapSeconds: string;
  planetary: string;
  /** Earth orientation PCKs and anything else (loaded after the planetary SPK). */
  extra?: readonly string[];
}

/**
 * Loads the leap seconds, the planetary SPK and the extra kernels; when none of them orients
 * the Earth, loads {@link IAU_EARTH_TEXT_PCK}. Returns what was loaded (the built-in PCK last).
 * Throws a KernelError naming a missing or corrupt file.
 */
export function loadTraceKernels(engine: SpiceEngine, kernels: TraceKernels): KernelInfo[] {
  const loaded = [engine.loadKernel(kernels.leapSeconds), engine.loadKernel(kernels.planetary), ...(kernels.extra ?? []).map((k) => engine.loadKernel(k))];
  const hasItrf = loaded.some((k) => k.kind === "PCK");
  const hasIau = engine.raw.gdpool("BODY399_POLE_RA", 0, 3).found;
  if (!hasItrf && !hasIau) loaded.push(engine.loadKernel(builtinEarthPckPath()));
  return loaded;
}
