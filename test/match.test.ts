import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { nearestSourceScan, type NearestSource, observedPositions, omcArcsec, separationArcsec, SkyIndex, wrapDeltaRaDeg } from "../src/match/index.js";

// Authority for every number here: spherical trigonometry in closed form (the cases are built
// so the answer is known analytically). Tolerances are float64 rounding of degree-valued inputs
// near 360° (360 · 2^-52 deg ≈ 3e-10 arcsec), with margin.
/** Analytic separations and offsets, mas. */
const ANALYTIC_TOL_MAS = 1e-3;
const TOL_ARCSEC = ANALYTIC_TOL_MAS / 1000;
const DEG = Math.PI / 180;

function close(actual: number, expected: number, what: string, tol = TOL_ARCSEC) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol}″)`);
}

function catalog(rows: Array<[number, number]>) {
  return {
    raDeg: Float64Array.from(rows, (r) => r[0]),
    decDeg: Float64Array.from(rows, (r) => r[1]),
    magPsf: Float64Array.from(rows, (_, i) => 20 + i / 10),
    magErrPsf: Float64Array.from(rows, (_, i) => 0.01 * (i + 1)),
  };
}

/** Unit-vector chord formula, independent of the Vincenty form under test. */
function chordSeparationArcsec(ra1: number, dec1: number, ra2: number, dec2: number) {
  const v = (ra: number, dec: number) => [Math.cos(dec * DEG) * Math.cos(ra * DEG), Math.cos(dec * DEG) * Math.sin(ra * DEG), Math.sin(dec * DEG)];
  const a = v(ra1, dec1);
  const b = v(ra2, dec2);
  const chord = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
  return (2 * Math.asin(chord / 2)) / DEG * 3600;
}

describe("separationArcsec", () => {
  it("meridian offsets, equal-declination offsets, 90° and 180°", () => {
    close(separationArcsec(150, 30, 150, 30 + 1 / 3600), 1, "1″ north");
    const dRaDeg = 10 / 3600;
    // Two points at the same δ: sin(s/2) = cos δ sin(Δα/2).
    close(separationArcsec(150, -60, 150 + dRaDeg, -60), (2 * Math.asin(Math.cos(-60 * DEG) * Math.sin((dRaDeg * DEG) / 2))) / DEG * 3600, "equal dec");
    close(separationArcsec(0, 0, 90, 0), 324000, "90°", 1e-6);
    close(separationArcsec(10, 20, 190, -20), 648000, "antipode", 1e-6);
    assert.equal(separationArcsec(5, 5, 5, 5), 0);
    assert.ok(Number.isNaN(separationArcsec(NaN, 0, 0, 0)));
  });

  it("agrees with the unit-vector chord formula for random pairs up to 1°", () => {
    let s = 3;
    const rnd = () => ((s = (s * 69069 + 1) % 4294967296) / 4294967296);
    for (let i = 0; i < 2000; i++) {
      const ra = rnd() * 360;
      const dec = -89 + rnd() * 178;
      const ra2 = ra + (rnd() - 0.5) * 2;
      const dec2 = Math.max(-90, Math.min(90, dec + (rnd() - 0.5) * 2));
      // The chord formula loses ~1e-16 rad relative to the arc: 1 µas is ample at ≤ 1°.
      close(separationArcsec(ra, dec, ra2, dec2), chordSeparationArcsec(ra, dec, ra2, dec2), `pair ${i}`);
    }
  });
});

describe("omcArcsec and the RA wrap", () => {
  it("wraps Δα into (−180°, 180°] across RA 0/360", () => {
    assert.equal(wrapDeltaRaDeg(10, 350), 20);
    assert.equal(wrapDeltaRaDeg(350, 10), -20);
    assert.equal(wrapDeltaRaDeg(180, 0), 180);
    assert.equal(wrapDeltaRaDeg(0, 180), 180);
    assert.equal(wrapDeltaRaDeg(720.5, 0), 0.5);
  });

  it("predicted 359.9999°, observed 0.0001° gives +0.72″·cos δ (legacy gave −1295999″)", () => {
    for (const dec of [0, -30, 60]) {
      const o = omcArcsec({ raDeg: 0.0001, decDeg: dec }, { raDeg: 359.9999, decDeg: dec });
      close(o.offsetRaArcsec, 0.72 * Math.cos(dec * DEG), `offsetRa at δ=${dec}`);
      assert.equal(o.offsetDecArcsec, 0);
      const back = omcArcsec({ raDeg: 359.9999, decDeg: dec }, { raDeg: 0.0001, decDeg: dec });
      close(back.offsetRaArcsec, -0.72 * Math.cos(dec * DEG), `reverse offsetRa at δ=${dec}`);
    }
  });
});

describe("observedPositions", () => {
  const methods = ["scan", "index"] as const;

  for (const method of methods) {
    it(`${method}: a source at a known offset gives its separation, O−C and photometry`, () => {
      const pred = { ccdId: 1267026573, raDeg: 34.98358346155365, decDeg: -2.0930123077368012 };
      const dRa = 0.3 / 3600 / Math.cos(pred.decDeg * DEG);
      const cat = catalog([
        [pred.raDeg + 0.01, pred.decDeg],
        [pred.raDeg + dRa, pred.decDeg - 0.4 / 3600],
        [pred.raDeg - 3 / 3600, pred.decDeg],
      ]);
      const [m] = observedPositions(cat, [pred], 2, { method });
      assert.ok(m);
      assert.equal(m.ccdId, 1267026573);
      assert.equal(m.index, 1);
      assert.equal(m.raDeg, cat.raDeg[1]);
      close(m.offsetRaArcsec, 0.3, "offsetRa");
      close(m.offsetDecArcsec, -0.4, "offsetDec");
      close(m.separationArcsec, 0.5, "separation (3-4-5)", 1e-6);
      assert.equal(m.magPsf, cat.magPsf[1]);
      assert.equal(m.magErrPsf, cat.magErrPsf[1]);
    });

    it(`${method}: matches across RA 0/360 with the wrapped O−C`, () => {
      const dec = -45;
      const cat = catalog([[0.0001, dec], [180, 0]]);
      const [m] = observedPositions(cat, [{ ccdId: "c1", raDeg: 359.9999, decDeg: dec }], 1, { method });
      assert.ok(m);
      close(m.offsetRaArcsec, 0.72 * Math.cos(dec * DEG), "offsetRa");
      close(m.separationArcsec, 0.72 * Math.cos(dec * DEG), "separation", 1e-6);
    });

    it(`${method}: the radius is strict`, () => {
      const cat = catalog([[100, 10.0005]]);
      const sep = separationArcsec(100, 10, 100, 10.0005);
      const probe = [{ ccdId: 1, raDeg: 100, decDeg: 10 }];
      assert.equal(observedPositions(cat, probe, sep, { method })[0], null);
      assert.equal(observedPositions(cat, probe, sep * (1 + 1e-15), { method })[0]?.index, 0);
    });

    it(`${method}: ties go to the first row; NaN rows are skipped`, () => {
      const cat = catalog([
        [NaN, 10],
        [50, NaN],
        [50.0001, 10],
        [50, 10.0001],
        [50.0001, 10],
      ]);
      const [m] = observedPositions(cat, [{ ccdId: 1, raDeg: 50.0001, decDeg: 10 }], 2, { method });
      assert.equal(m?.index, 2);
      const [n] = observedPositions(cat, [{ ccdId: 1, raDeg: 50, decDeg: 10.0001 }], 2, { method });
      assert.equal(n?.index, 3);
    });

    it(`${method}: empty catalogue, NaN probe and no source in range give null`, () => {
      const empty = catalog([]);
      assert.deepEqual(observedPositions(empty, [{ ccdId: 1, raDeg: 1, decDeg: 1 }], 2, { method }), [null]);
      const cat = catalog([[1, 1]]);
      assert.deepEqual(observedPositions(cat, [{ ccdId: 1, raDeg: NaN, decDeg: 1 }, { ccdId: 2, raDeg: 1.01, decDeg: 1 }], 2, { method }), [null, null]);
    });

    it(`${method}: near the pole, across the meridian through it`, () => {
      // Two points 0.0005° from the pole on opposite meridians are 0.001° = 3.6″ apart.
      const cat = catalog([[190, 89.9995], [10, 89.99]]);
      const [m] = observedPositions(cat, [{ ccdId: 1, raDeg: 10, decDeg: 89.9995 }], 4, { method });
      assert.equal(m?.index, 0);
      close(m!.separationArcsec, 3.6, "separation over the pole", 1e-6);
      close(m!.offsetRaArcsec, 180 * 3600 * Math.cos(89.9995 * DEG), "offsetRa (Δα = 180°)", 1e-6);
      assert.equal(observedPositions(cat, [{ ccdId: 1, raDeg: 10, decDeg: 89.9995 }], 3.5, { method })[0], null);
    });
  }

  it("accepts parallel arrays and keeps the probe order", () => {
    const cat = catalog([[10, 10], [20, 20]]);
    const res = observedPositions(cat, { ccdId: [7, 8, 9], raDeg: [20, 30, 10], decDeg: [20, 30, 10] }, 1);
    assert.deepEqual(res.map((r) => r && [r.ccdId, r.index]), [[7, 1], null, [9, 0]]);
  });

  it("rejects a non-positive or NaN radius", () => {
    const cat = catalog([[10, 10]]);
    for (const r of [0, -1, NaN, Infinity]) assert.throws(() => observedPositions(cat, [], r), RangeError);
  });

  it("index and scan agree on random fields (RA wrap at δ −45°, polar cap at δ 89.8°)", () => {
    let s = 11;
    const rnd = () => ((s = (s * 69069 + 1) % 4294967296) / 4294967296);
    for (const [ra0, dec0, span] of [[0, -45, 0.3], [120, 89.8, 0.3]] as const) {
      const n = 5000;
      const raDeg = Float64Array.from({ length: n }, () => (ra0 + (rnd() - 0.5) * span / Math.cos(dec0 * DEG) + 360) % 360);
      const decDeg = Float64Array.from({ length: n }, () => dec0 + (rnd() - 0.5) * span);
      const index = SkyIndex.build(raDeg, decDeg);
      assert.ok(index);
      for (let k = 0; k < 1000; k++) {
        // Half the probes sit near a source (a hit), half anywhere.
        const j = Math.floor(rnd() * n);
        const ra = k % 2 ? raDeg[j]! + (rnd() - 0.5) * 0.001 : (ra0 + (rnd() - 0.5) * span / Math.cos(dec0 * DEG) + 360) % 360;
        const dec = k % 2 ? decDeg[j]! + (rnd() - 0.5) * 0.001 : dec0 + (rnd() - 0.5) * span;
        const a = nearestSourceScan(raDeg, decDeg, ra, dec, 3);
        const b: NearestSource | null = index.nearest(ra, dec, 3);
        assert.deepEqual(b, a, `probe ${k} at (${ra}, ${dec})`);
      }
    }
  });
});
