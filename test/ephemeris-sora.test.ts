// Chariklo NIMA kernel + de438_small (SORA's kernels) against SORA's geocentric object positions
// at the 8 event instants of its 2017-06 prediction (shared/data/occultations). SORA prints RA to
// 1e-5 s (0.13 mas at δ = −31.5°) and Dec to 1e-5″.
import { test } from "node:test";
import assert from "node:assert/strict";
import { computeEphemeris } from "../src/ephemeris/index.js";
import { utcToEt } from "../src/time/index.js";
import { readSoraEvents, soraEngine } from "./helpers/sora.js";

/** Lead's acceptance: geocentric astrometric positions within 1 mas of SORA. */
const POSITION_TOLERANCE_MAS = 1;

test("Chariklo geocentric astrometric positions match SORA's at the 8 event instants within 1 mas", async () => {
  const { engine, targetId } = await soraEngine();
  const sora = readSoraEvents();
  const et = sora.map((e) => utcToEt(engine, e.utc));
  const eph = computeEphemeris(engine, { targetId, etSeconds: et, observer: { kind: "geocenter" }, abcorr: "LT" });
  sora.forEach((ref, i) => {
    const cosDec = Math.cos((ref.objectDecDeg * Math.PI) / 180);
    let dRa = eph.raDeg[i]! - ref.objectRaDeg;
    dRa = ((dRa + 540) % 360) - 180;
    const dRaMas = dRa * 3.6e6 * cosDec;
    const dDecMas = (eph.decDeg[i]! - ref.objectDecDeg) * 3.6e6;
    assert.ok(Math.hypot(dRaMas, dDecMas) <= POSITION_TOLERANCE_MAS, `${ref.utc}: ΔRA·cosδ ${dRaMas.toFixed(3)} mas, ΔDec ${dDecMas.toFixed(3)} mas`);
  });
  engine.dispose();
});
