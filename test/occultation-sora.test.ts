// Chariklo 2017-06-20 .. 07-01: the 8 geocentric predictions of the SORA tutorial
// (Gomes-Junior et al. 2022, MNRAS 511, 1167; shared/data/occultations/sora_chariklo_2017-06_
// geocentric_predictions.csv), with SORA's kernels (Chariklo NIMA + de438_small + naif0012)
// and the star positions at the event epochs given in that file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { predictOccultations, PredictInputError, spiceOccultationSource } from "../src/occultation/index.js";
import { utcToEt } from "../src/time/index.js";
import { readSoraEvents, soraEngine, soraStars } from "./helpers/sora.js";

/** Issue #4 §6 tolerances against SORA. SORA's own instant grid is 0.02 s, its C/A printed to 1 mas. */
const INSTANT_TOLERANCE_S = 0.1;
const CA_TOLERANCE_MAS = 1;
const PA_TOLERANCE_DEG = 0.1;
const VELOCITY_TOLERANCE_KM_S = 0.01;
/** SORA prints the distance to 1e-3 AU, the longitude to 1° and the local time truncated to the minute. */
const DISTANCE_TOLERANCE_AU = 0.0005;
const LONGITUDE_TOLERANCE_DEG = 0.5;
const LOCAL_TIME_TOLERANCE_MIN = 1;
/** Sun and Moon angles are printed to 1°. */
const ANGLE_TOLERANCE_DEG = 0.5;
const AU_KM = 149597870.7;

for (const gridNodeSeconds of [600, 60]) {
test(`Chariklo 2017-06: the 8 SORA geocentric events, instants within 0.1 s, C/A 1 mas, P/A 0.1°, velocity 0.01 km/s (SPICE grid nodes every ${gridNodeSeconds} s)`, async () => {
  const { engine, targetId } = await soraEngine();
  const sora = readSoraEvents();
  const result = predictOccultations(engine, {
    gridNodeSeconds,
    targetId,
    objectName: "10199 Chariklo",
    startEt: utcToEt(engine, "2017-06-20T00:00:00"),
    endEt: utcToEt(engine, "2017-07-01T00:00:00"),
    stepSeconds: 60,
    stars: soraStars(engine, sora),
    magLimit: 18,
  });
  assert.equal(result.events.length, sora.length, "one event per SORA star, no more");
  for (const ev of result.events) {
    const ref = sora[ev.starIndex]!;
    const label = `${ref.utc} ${ref.sourceId}`;
    const dt = ev.etSeconds - utcToEt(engine, ref.utc);
    assert.ok(Math.abs(dt) <= INSTANT_TOLERANCE_S, `${label}: instant off by ${dt.toFixed(3)} s`);
    const dCaMas = (ev.closestApproachArcsec - ref.caArcsec) * 1000;
    assert.ok(Math.abs(dCaMas) <= CA_TOLERANCE_MAS, `${label}: C/A off by ${dCaMas.toFixed(2)} mas`);
    const dPa = ((ev.positionAngleDeg - ref.paDeg + 540) % 360) - 180;
    assert.ok(Math.abs(dPa) <= PA_TOLERANCE_DEG, `${label}: P/A off by ${dPa.toFixed(3)}°`);
    const dV = ev.velocityKmS - ref.velocityKmS;
    assert.ok(Math.abs(dV) <= VELOCITY_TOLERANCE_KM_S, `${label}: velocity off by ${dV.toFixed(4)} km/s`);
    assert.ok(Math.abs(ev.distanceKm / AU_KM - ref.distanceAu) <= DISTANCE_TOLERANCE_AU, `${label}: distance ${ev.distanceKm / AU_KM} AU`);
    const dLon = ((ev.subPointLongitudeDeg - ref.longitudeDeg + 540) % 360) - 180;
    assert.ok(Math.abs(dLon) <= LONGITUDE_TOLERANCE_DEG, `${label}: longitude ${ev.subPointLongitudeDeg.toFixed(2)} vs ${ref.longitudeDeg}`);
    const [h, m] = ref.localSolarTime.split(":").map(Number) as [number, number];
    const dLst = ((ev.localSolarTimeHours * 60 - (h * 60 + m) + 720 + 1440) % 1440) - 720;
    assert.ok(dLst >= 0 && dLst < 1 + LOCAL_TIME_TOLERANCE_MIN, `${label}: local time ${ev.localSolarTime} vs ${ref.localSolarTime}`);
    assert.ok(Math.abs(ev.sunElongationDeg! - ref.sunElongationDeg) <= ANGLE_TOLERANCE_DEG, `${label}: Sun ${ev.sunElongationDeg}`);
    assert.ok(Math.abs(ev.moonSeparationDeg! - ref.moonSeparationDeg) <= ANGLE_TOLERANCE_DEG, `${label}: Moon ${ev.moonSeparationDeg}`);
    assert.equal(ev.star.sourceId, ref.sourceId);
    assert.ok(ev.velocityKmS < 0, "Chariklo is retrograde in June 2017: negative velocity");
  }
  engine.dispose();
});
}

test("Chariklo: the magnitude limit drops fainter stars, and no star left is a clear error", async () => {
  const { engine, targetId } = await soraEngine();
  const sora = readSoraEvents();
  const base = { targetId, startEt: utcToEt(engine, "2017-06-20T00:00:00"), endEt: utcToEt(engine, "2017-07-01T00:00:00"), stars: soraStars(engine, sora) };
  const bright = predictOccultations(engine, { ...base, magLimit: 16 });
  assert.deepEqual(bright.events.map((e) => e.star.sourceId), sora.filter((s) => s.gMag <= 16).map((s) => s.sourceId));
  assert.throws(() => predictOccultations(engine, { ...base, magLimit: 10 }), (e: unknown) => e instanceof PredictInputError && /no stars/.test((e as Error).message));
  assert.throws(() => predictOccultations(engine, { ...base, stars: [] }), (e: unknown) => e instanceof PredictInputError && /no stars/.test((e as Error).message));
  engine.dispose();
});

test("a period outside the kernel coverage is a clear error naming the coverage", async () => {
  const { engine, targetId } = await soraEngine();
  const stars = soraStars(engine, readSoraEvents());
  assert.throws(
    () => predictOccultations(engine, { targetId, startEt: utcToEt(engine, "2019-01-01T00:00:00"), endEt: utcToEt(engine, "2019-02-01T00:00:00"), stars }),
    (e: unknown) => e instanceof PredictInputError && /outside the kernel coverage of the Earth \(399\)/.test((e as Error).message) && /2016-12-2\d/.test((e as Error).message),
  );
  assert.throws(
    () => predictOccultations(engine, { targetId: 2099942, startEt: utcToEt(engine, "2017-06-20T00:00:00"), endEt: utcToEt(engine, "2017-06-21T00:00:00"), stars }),
    (e: unknown) => e instanceof PredictInputError && /object 2099942/.test((e as Error).message) && /no loaded SPK/.test((e as Error).message),
  );
  engine.dispose();
});

/** Interpolated grid positions (Hermite on 600-s SPICE nodes) against SPICE at every epoch. */
const GRID_INTERPOLATION_TOLERANCE_KM = 1e-3;

test("the Hermite-interpolated search grid matches SPICE at every 60-s epoch (Chariklo, 11 days)", async () => {
  const { engine, targetId } = await soraEngine();
  const start = utcToEt(engine, "2017-06-20T00:00:00");
  const et = Float64Array.from({ length: 11 * 1440 + 1 }, (_, i) => start + 60 * i);
  const interp = spiceOccultationSource(engine, targetId, { kind: "geocenter" }, 600).states(et);
  const exact = spiceOccultationSource(engine, targetId, { kind: "geocenter" }, 60).states(et);
  let max = 0;
  for (let i = 0; i < interp.positionKm.length; i++) max = Math.max(max, Math.abs(interp.positionKm[i]! - exact.positionKm[i]!));
  assert.ok(max < GRID_INTERPOLATION_TOLERANCE_KM, `max |Δ| ${max} km`);
  assert.ok((interp.maxErrorKm ?? Infinity) < GRID_INTERPOLATION_TOLERANCE_KM, `reported bound ${interp.maxErrorKm} km`);
  engine.dispose();
});
