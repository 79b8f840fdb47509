// Writes a small Gaia-format star file for `tno predict` from the SORA Chariklo 2017-06 list
// (shared data: occultations/sora_chariklo_2017-06_geocentric_predictions.csv).
//
// SORA gives each star's ICRS position at its event epoch, already moved by proper motion and
// parallax (Gaia DR3 with the Cantat-Gaudin & Brandt 2021 correction). The file written here
// therefore has ref_epoch = that event epoch and pmra = pmdec = 0, and no parallax: these are
// NOT Gaia catalogue rows, only the positions SORA used, in Gaia's column names.
//
// Usage: npx tsx examples/predict-occultation/sora-stars.ts <out.csv> [shared data folder]
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const [out, dataDir = process.env.TNO_DATA_DIR ?? "../shared/data"] = process.argv.slice(2);
if (!out) {
  process.stderr.write("usage: sora-stars.ts <out.csv> [shared data folder]\n");
  process.exit(2);
}
const J2000_UNIX_MS = Date.UTC(2000, 0, 1, 12);
const text = readFileSync(resolve(join(dataDir, "occultations/sora_chariklo_2017-06_geocentric_predictions.csv")), "utf8");
const rows = text.trim().split(/\r?\n/).slice(1).map((l) => l.split(","));
const sexa = (parts: string[], scale: number) => {
  const sign = parts[0]!.startsWith("-") ? -1 : 1;
  const [a, b, c] = parts.map((p) => Math.abs(Number(p))) as [number, number, number];
  return sign * scale * (a + b / 60 + c / 3600);
};
const lines = ["source_id,ra,dec,pmra,pmdec,phot_g_mean_mag,ref_epoch"];
for (const c of rows) {
  const p = c[5]!.trim().split(/\s+/);
  const ra = sexa(p.slice(0, 3), 15);
  const dec = sexa(p.slice(3, 6), 1);
  // Event epoch as a Julian year (UTC; the 69 s to TDB do not matter with zero proper motion).
  const epoch = 2000 + (Date.parse(`${c[1]!.replace(" ", "T")}Z`) - J2000_UNIX_MS) / (365.25 * 86400000);
  lines.push([c[4], ra.toFixed(10), dec.toFixed(10), 0, 0, c[11], epoch.toFixed(9)].join(","));
}
writeFileSync(out, `${lines.join("\n")}\n`);
process.stdout.write(`${rows.length} stars written to ${out}\n`);
