/**
 * Map of the 2017-06-22 occultation of Gaia DR3 6760223758801661440 by (10199) Chariklo, from
 * SORA's geocentric prediction (riogroup/SORA prediction notebook) and the kernels it used.
 *
 *   npx tsx examples/predict-occultation/map-chariklo.ts [--equirectangular]
 *
 * Reads the kernels from TNO_DATA_DIR (default ../shared/data beside the repository) and writes
 * chariklo-2017-06-22.svg and .png beside this script.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { computeShadowPath, renderOccultationMapSvg, renderPng, spiceShadowModel, unitFromRaDec } from "../../src/occultation/index.js";
import { SpiceEngine } from "../../src/spice/index.js";
import { utcToEt } from "../../src/time/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(here, "../..", process.env.TNO_DATA_DIR ?? "../shared/data");
const equirectangular = process.argv.includes("--equirectangular");

// SORA geocentric prediction, 2017-06-22 (sora_chariklo_2017-06_geocentric_predictions.csv).
const event = {
  utc: "2017-06-22T21:18:48.200",
  starRaDeg: 15 * (18 + 55 / 60 + 15.65251 / 3600),
  starDecDeg: -(31 + 31 / 60 + 21.67062 / 3600),
  sourceId: "6760223758801661440",
  gMag: 14.224,
  caArcsec: 0.049,
  paDeg: 359.72,
  velocityKmS: -22.0,
  distanceAu: 14.659,
};
/** Chariklo's area-equivalent diameter (Leiva et al. 2017, AJ 154, 159). */
const CHARIKLO_DIAMETER_KM = 248;
/** Illustrative 1σ path uncertainty: about 10 mas at 14.66 au. */
const PATH_UNCERTAINTY_KM = 100;

const engine = await SpiceEngine.create();
try {
  for (const k of [
    "kernels/naif0012.tls",
    "kernels/pck00010.tpc",
    "kernels/earth_000101_210317_201224.bpc",
    "spk_planetary/de438_small_2016-12-22_2018-01-10_sora.bsp",
    "spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp",
  ]) {
    engine.loadKernel(join(dataDir, k));
  }
  const et = utcToEt(engine, event.utc);
  const starUnit = unitFromRaDec(event.starRaDeg, event.starDecDeg);
  const path = computeShadowPath(spiceShadowModel(engine, { targetId: 2010199, starUnit, centralEtSeconds: et }), {
    centralEtSeconds: et,
    diameterKm: CHARIKLO_DIAMETER_KM,
    uncertaintyKm: PATH_UNCERTAINTY_KM,
  });
  const svg = renderOccultationMapSvg(
    path,
    {
      objectName: "(10199) Chariklo",
      starCatalog: "Gaia DR3",
      starSourceId: event.sourceId,
      gMag: event.gMag,
      starRaDeg: event.starRaDeg,
      starDecDeg: event.starDecDeg,
      closestApproachUtc: "2017-06-22T21:18:48.2",
      caArcsec: event.caArcsec,
      paDeg: event.paDeg,
      velocityKmS: event.velocityKmS,
      distanceAu: event.distanceAu,
      note: `Ephemeris: NIMA (chariklo_2010199_nima) + DE438; Earth: ITRF93; diameter ${CHARIKLO_DIAMETER_KM} km (Leiva et al. 2017); uncertainty illustrative`,
    },
    { projection: equirectangular ? "equirectangular" : "orthographic" },
  );
  const base = join(here, equirectangular ? "chariklo-2017-06-22-equirectangular" : "chariklo-2017-06-22");
  writeFileSync(`${base}.svg`, svg);
  writeFileSync(`${base}.png`, await renderPng(svg));
  console.log(`wrote ${base}.svg and .png`);
} finally {
  engine.dispose();
}
