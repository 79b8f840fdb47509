// Reader of the SORA Chariklo 2017-06 geocentric prediction list (shared/data/occultations).
import { readFileSync } from "node:fs";
import type { Star } from "../../src/catalog/index.js";
import { SpiceEngine, smallBodyIdOfSpk } from "../../src/spice/index.js";
import { etToJulianYear } from "../../src/catalog/index.js";
import { utcToEt } from "../../src/time/index.js";
import { dataPath } from "./data.js";

/** One row of sora_chariklo_2017-06_geocentric_predictions.csv. */
export interface SoraEvent {
  utc: string;
  sourceId: string;
  starRaDeg: number;
  starDecDeg: number;
  objectRaDeg: number;
  objectDecDeg: number;
  caArcsec: number;
  paDeg: number;
  velocityKmS: number;
  distanceAu: number;
  gMag: number;
  longitudeDeg: number;
  localSolarTime: string;
  moonSeparationDeg: number;
  sunElongationDeg: number;
}

export const SORA_CSV = "occultations/sora_chariklo_2017-06_geocentric_predictions.csv";

/** Sexagesimal `HH MM SS.sss` → degrees. */
export function hmsToDeg(text: string): number {
  const [h, m, s] = text.trim().split(/\s+/).map(Number) as [number, number, number];
  return (h + m / 60 + s / 3600) * 15;
}

/** Sexagesimal `±DD MM SS.sss` → degrees (handles -00). */
export function dmsToDeg(text: string): number {
  const t = text.trim();
  const sign = t.startsWith("-") ? -1 : 1;
  const [d, m, s] = t.replace(/^[-+]/, "").split(/\s+/).map(Number) as [number, number, number];
  return sign * (d + m / 60 + s / 3600);
}

/** The 8 SORA events. */
export function readSoraEvents(): SoraEvent[] {
  const lines = readFileSync(dataPath(SORA_CSV), "utf8").trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const c = line.split(",");
    const star = c[5]!.trim().split(/\s+/);
    const obj = c[6]!.trim().split(/\s+/);
    return {
      utc: c[1]!.replace(" ", "T"),
      sourceId: c[4]!,
      starRaDeg: hmsToDeg(star.slice(0, 3).join(" ")),
      starDecDeg: dmsToDeg(star.slice(3).join(" ")),
      objectRaDeg: hmsToDeg(obj.slice(0, 3).join(" ")),
      objectDecDeg: dmsToDeg(obj.slice(3).join(" ")),
      caArcsec: Number(c[7]),
      paDeg: Number(c[8]),
      velocityKmS: Number(c[9]),
      distanceAu: Number(c[10]),
      gMag: Number(c[11]),
      longitudeDeg: Number(c[12]),
      localSolarTime: c[13]!,
      moonSeparationDeg: Number(c[14]),
      sunElongationDeg: Number(c[15]),
    };
  });
}

/** Engine with the kernels SORA used: naif0012, de438_small, Chariklo NIMA. Returns the NAIF id too. */
export async function soraEngine(): Promise<{ engine: SpiceEngine; targetId: number }> {
  const engine = await SpiceEngine.create();
  const nima = dataPath("spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp");
  engine.loadKernels([dataPath("kernels/naif0012.tls"), dataPath("spk_planetary/de438_small_2016-12-22_2018-01-10_sora.bsp"), nima]);
  return { engine, targetId: smallBodyIdOfSpk(nima) };
}

/**
 * The SORA stars as catalogue stars: the CSV gives each star's ICRS position at its event epoch
 * (SORA applied proper motion and parallax), so each star gets that epoch and zero proper motion.
 */
export function soraStars(engine: SpiceEngine, events: readonly SoraEvent[]): Star[] {
  return events.map((e) => ({
    sourceId: e.sourceId,
    raDeg: e.starRaDeg,
    decDeg: e.starDecDeg,
    raErrorMas: null,
    decErrorMas: null,
    parallaxMas: null,
    parallaxErrorMas: null,
    pmraMasPerYr: 0,
    pmdecMasPerYr: 0,
    pmraErrorMasPerYr: null,
    pmdecErrorMasPerYr: null,
    raPmraCorr: null,
    decPmdecCorr: null,
    radialVelocityKmS: null,
    gMag: e.gMag,
    refEpochYr: etToJulianYear(utcToEt(engine, e.utc)),
    duplicatedSource: null,
    ruwe: null,
  }));
}
