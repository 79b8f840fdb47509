/**
 * Library example: Chariklo's geocentric astrometric position at SORA's 8 occultation instants
 * of 2017 June, compared with SORA's own positions (Gomes-Junior et al. 2022; data README).
 *
 *   npx tsx examples/ephemeris/chariklo-vs-sora.ts [path/to/shared/data]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SpiceEngine, computeEphemeris, smallBodyIdOfSpk, utcToEt } from "../../src/index.js";

const data = process.argv[2] ?? process.env.TNO_DATA_DIR ?? "../shared/data";
const chariklo = join(data, "spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp");

const engine = await SpiceEngine.create();
engine.loadKernels([join(data, "kernels/naif0012.tls"), join(data, "spk_planetary/de438_small_2016-12-22_2018-01-10_sora.bsp"), chariklo]);
const targetId = smallBodyIdOfSpk(chariklo); // 2010199, read from the file

const rows = readFileSync(join(data, "occultations/sora_chariklo_2017-06_geocentric_predictions.csv"), "utf8").trim().split("\n").slice(1);
const events = rows.map((line) => {
  const cols = line.split(",");
  const [h, m, s, d, dm, ds] = cols[6]!.split(" ").map(Number) as [number, number, number, number, number, number];
  const sign = cols[6]!.split(" ")[3]!.startsWith("-") ? -1 : 1;
  return { utc: cols[1]!.replace(" ", "T"), raDeg: (h + m / 60 + s / 3600) * 15, decDeg: sign * (Math.abs(d) + dm / 60 + ds / 3600) };
});

const eph = computeEphemeris(engine, { targetId, etSeconds: events.map((e) => utcToEt(engine, e.utc)), observer: { kind: "geocenter" }, abcorr: "LT" });
console.log("instant (UTC)              RA (deg)        Dec (deg)       ΔRA·cosδ (mas)  ΔDec (mas)");
events.forEach((e, i) => {
  const dRa = (eph.raDeg[i]! - e.raDeg) * Math.cos((e.decDeg * Math.PI) / 180) * 3.6e6;
  const dDec = (eph.decDeg[i]! - e.decDeg) * 3.6e6;
  console.log(`${e.utc.padEnd(26)} ${eph.raDeg[i]!.toFixed(9)}  ${eph.decDeg[i]!.toFixed(9)}  ${dRa.toFixed(3).padStart(12)}  ${dDec.toFixed(3).padStart(10)}`);
});
engine.dispose();
