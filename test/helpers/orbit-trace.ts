/**
 * A small SYNTHETIC Orbit Trace job for tests: real JPL SPKs of 1999 RB216 and Chiron (shared
 * data), synthetic DES-like catalogues with the objects injected at their SPICE topocentric
 * positions, the portal tables in a database, and a job directory with job.json.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSky, loadSky, type Sky, type SkyExposure, type SkyObject } from "../../examples/orbit-trace/sky.js";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrations.js";
import { computeEphemeris, type Observer } from "../../src/ephemeris/index.js";
import { builtinEarthPckPath } from "../../src/jobs/orbit-trace/kernels.js";
import { SpiceEngine } from "../../src/spice/index.js";
import { desMidExposure } from "../../src/time/index.js";
import { dataPath } from "./data.js";

export const CTIO: Observer = { kind: "geodetic", lonDeg: 289.193583333, latDeg: -30.16958333, heightM: 2202.7 };

export interface TestObject extends SkyObject {
  spk: string;
  naifId: number;
  alias: string;
}

/** RB216 and Chiron (real JPL SPKs) and a third object that is never detected. */
export function testObjects(): TestObject[] {
  return [
    { name: "1999 RB216", number: "137295", dynclass: "KBO>Resonant>2:1", baseDynclass: "KBO", mag: 22.4, spk: dataPath("spk_smallbody/1999RB216_2137295_jpl18_2000-2030_linea.bsp"), naifId: 2137295, alias: "1999RB216" },
    { name: "Chiron", number: "2060", dynclass: "Centaur", baseDynclass: "Centaur", mag: 18.6, spk: dataPath("spk_smallbody/chiron_20002060_jpl152_2012-2024_linea.bsp"), naifId: 20002060, alias: "Chiron" },
    // Same orbit file as Chiron under another name and id; too faint to be in the catalogues.
    { name: "Faint Centaur", number: null, dynclass: "Centaur", baseDynclass: "Centaur", mag: 25.5, detected: false, spk: dataPath("spk_smallbody/chiron_20002060_jpl152_2012-2024_linea.bsp"), naifId: 20002060, alias: "FaintCentaur" },
  ];
}

export interface TestJob {
  dir: string;
  objects: TestObject[];
  exposures: SkyExposure[];
  sky: Sky;
  /** Writes job.json (merged with `patch`). */
  writeJob(patch?: Record<string, unknown>): void;
  /** Loads the same tables into another (empty) database, migrating it first. */
  loadInto(db: Database): Promise<void>;
  /** `name` filter value selecting every object. */
  allNames: string;
}

export interface TestJobOptions {
  starsPerCcd?: number;
  exposuresPerNight?: number;
  noiseMas?: number;
  seed?: number;
  /** Extra detected objects (alternately on the RB216 and Chiron orbits), for longer jobs. */
  clones?: number;
  columns?: "des-like" | "none";
  /** Do not load the tables into `db` (it may be undefined then). */
  skipLoad?: boolean;
}

/** UTC starts of the synthetic exposures: a few nights per DES season, 90 s each. */
const NIGHTS = ["2013-09-10T04:53:33.242000", "2013-10-13T03:49:24.659000", "2014-09-20T05:12:01.500000", "2015-11-02T02:31:17.125000", "2016-12-04T01:05:44.000000", "2017-01-15T01:44:02.750000"];

/**
 * Builds the sky (catalogues under `<dir>/catalogs`), loads the tables into `db` (migrated here)
 * and prepares the job directory with each object's SPK in `asteroids/<alias>/<alias>.bsp`.
 */
export async function makeTestJob(db: Database | undefined, options: TestJobOptions = {}): Promise<TestJob> {
  const dir = mkdtempSync(join(tmpdir(), "ot-job-"));
  const objects = testObjects();
  for (let k = 0; k < (options.clones ?? 0); k++) {
    const base = objects[k % 2]!;
    const name = `Synthetic Clone ${String(k + 1).padStart(2, "0")}`;
    objects.push({ ...base, name, number: null, dynclass: "Centaur", baseDynclass: "Centaur", alias: name.replaceAll(" ", "") });
  }
  const engine = await SpiceEngine.create();
  try {
    engine.loadKernels([dataPath("kernels/naif0012.tls"), dataPath("spk_planetary/de405_2000-2050_debian-casacore.bsp"), builtinEarthPckPath()]);
    const exposures: SkyExposure[] = [];
    let expnum = 230000;
    const perNight = options.exposuresPerNight ?? 2;
    objects.forEach((_o, index) => {
      for (const night of NIGHTS) {
        for (let k = 0; k < perNight; k++) {
          const start = new Date(Date.parse(`${night}Z`) + (index * 3 + k * 4) * 60_000).toISOString().replace("Z", "").replace(/\.(\d{3})$/, ".$1000");
          exposures.push({ expnum: expnum++, dateObsUtc: start, exptimeS: 90, band: (["g", "r", "i", "z"] as const)[k % 4]!, object: index, midEtSeconds: desMidExposure(engine, start, 90).etSeconds });
        }
      }
    });
    const truth = (i: number, et: number) => {
      engine.loadKernel(objects[i]!.spk, { slot: "truth" });
      const e = computeEphemeris(engine, { targetId: objects[i]!.naifId, etSeconds: [et], observer: CTIO });
      return { raDeg: e.raDeg[0]!, decDeg: e.decDeg[0]! };
    };
    const sky = buildSky({
      objects,
      exposures,
      truth,
      catalogRoot: join(dir, "catalogs"),
      starsPerCcd: options.starsPerCcd ?? 2000,
      noiseMas: options.noiseMas ?? 50,
      clearRadiusArcsec: 3,
      seed: options.seed ?? 11,
      columns: options.columns ?? "none",
    });
    const loadInto = async (target: Database) => {
      await migrate(target);
      await loadSky(target, objects, exposures, sky, { duplicateTickets: true });
    };
    if (!options.skipLoad) await loadInto(db!);
    for (const o of objects) {
      mkdirSync(join(dir, "asteroids", o.alias), { recursive: true });
      copyFileSync(o.spk, join(dir, "asteroids", o.alias, `${o.alias}.bsp`));
    }
    const base = {
      id: 7,
      path: dir,
      debug: false,
      status: "Submited",
      bsp_planetary: { name: "de405", filename: "de405.bsp", absolute_path: dataPath("spk_planetary/de405_2000-2050_debian-casacore.bsp") },
      leap_seconds: { name: "naif0012", filename: "naif0012.tls", absolute_path: dataPath("kernels/naif0012.tls") },
      period: ["2012-11-01", "2019-02-01"],
      observatory_location: [289.193583333, -30.16958333, 2202.7],
      match_radius: 2,
      filter_type: "base_dynclass",
      filter_value: "Centaur",
      des_catalog_path: "catalogs",
      asteroid_path: "asteroids",
    };
    return {
      dir,
      objects,
      exposures,
      sky,
      loadInto,
      allNames: objects.map((o) => o.name).join(";"),
      writeJob(patch = {}) {
        writeFileSync(join(dir, "job.json"), JSON.stringify({ ...base, ...patch }, null, 2));
      },
    };
  } finally {
    engine.dispose();
  }
}
