// The O−C plot written beside each asteroid's des_obs.csv: one marker per observation and
// offset, placed where the offsets say (analytic: the axes are linear and symmetric about 0).
import { test } from "node:test";
import assert from "node:assert/strict";
import { omcPlotSvg } from "../src/jobs/orbit-trace/plot.js";
import type { ObservationRow } from "../src/db/observations.js";

const row = (jd: number, dra: number, ddec: number): ObservationRow => ({
  name: "Test",
  dateObs: "2014-01-01T00:00:00Z",
  dateJd: jd,
  raDeg: 10,
  decDeg: -20,
  offsetRaArcsec: dra,
  offsetDecArcsec: ddec,
  magPsf: 22,
  magPsfErr: 0.1,
  ccdId: 1,
});

test("omcPlotSvg draws every observation at its offset, the mean, and the radius when it fits", () => {
  const rows = [row(2456658.5, 0.1, -0.05), row(2457023.5, -0.1, 0.05), row(2457388.5, 0, 0)];
  const svg = omcPlotSvg({ name: "Test & <co>", observations: rows, matchRadiusArcsec: 2 });
  assert.match(svg, /^<svg /);
  assert.match(svg, /Test &amp; &lt;co&gt;: DES O−C \(3 observations\)/);
  // Offsets up to 0.1″ → axes ±0.2″ (×1.1, rounded up to a nice value); the 2″ radius is off-scale.
  assert.match(svg, />0\.2</);
  assert.doesNotMatch(svg, /stroke-dasharray="4 3"/);
  // Left panel: (ΔRA, ΔDec) = (0.1, -0.05) at x0 + 3/4 of the panel, y at 5/8 (y grows down).
  const size = 420 - 56 - 56;
  const cx = (64 + 0.75 * size).toFixed(1);
  const cy = (56 + 0.625 * size).toFixed(1);
  assert.ok(svg.includes(`cx="${cx}" cy="${cy}"`), `marker at ${cx},${cy}`);
  // Per observation: a sky marker and a ΔRA marker (circles), a ΔDec marker (square); plus the legend's.
  assert.equal((svg.match(/<circle [^>]*r="3"/g) ?? []).length, 2 * rows.length + 1);
  assert.equal((svg.match(/<rect [^>]*width="5"/g) ?? []).length, rows.length + 1);
  const wide = omcPlotSvg({ name: "x", observations: [row(2456658.5, 1.5, 0)], matchRadiusArcsec: 2 });
  assert.match(wide, /stroke-dasharray="4 3"/, "a 2″ radius is drawn when the axes reach it");
});
