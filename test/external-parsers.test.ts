/**
 * Orbit and observation parsers on every orbit file of the shared data (orbits/SOURCES.md):
 * values are checked against the numbers printed in the files themselves.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  FormatError,
  astdysUrl,
  calendarToJd,
  equinoctialToKeplerian,
  findMpcorbEntry,
  parseCometElsLine,
  parseEq0,
  parseMpc80,
  parseMpcObservationsJson,
  parseMpcorb,
  parseMpcorbLine,
  parseRwo,
  unpackMpcDesignation,
  unpackMpcNumber,
} from "../src/external/index.js";
import { dataPath } from "./helpers/data.js";

const read = (name: string) => readFileSync(dataPath("orbits", name), "utf8");
/** Values printed in the files: only binary-decimal rounding separates them from the parse. */
const PRINTED_REL_TOLERANCE = 1e-15;
/** RA/Dec printed to 0.001 s / 0.01": the sexagesimal conversion must be exact to 1e-9 deg (3.6 µas). */
const ANGLE_TOLERANCE_DEG = 1e-9;
/** JD from a calendar date: exact in double precision to ~1e-9 day (86 µs). */
const JD_TOLERANCE_DAY = 1e-8;
/**
 * Horizons JPL#152 osculating elements of Chiron at 2023-09-01 (in the header of
 * spk_smallbody/chiron_20002060_jpl152_horizons_api_response_base64.txt) against the AstDyS
 * elements of 2014-12-23: nine years of Saturn/Uranus perturbation separate them, so the
 * tolerances are loose; they only catch a wrong conversion (swapped h/k, degrees vs radians).
 */
const CHIRON_HORIZONS_2023 = { iDeg: 6.91670262047946, nodeDeg: 209.3080317470092, e: 0.3763536766856216, aAu: 13.71302662009106 };
const OSCULATING_DRIFT = { iDeg: 0.05, nodeDeg: 0.2, e: 0.01, aAu: 0.1 };

function close(actual: number, expected: number, tol: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}
const rel = (a: number, b: number, what: string) => close(a, b, Math.abs(b) * PRINTED_REL_TOLERANCE, what);

describe("AstDyS OEF2.0 .eq0", () => {
  it("chiron_astdys.eq0: name, epoch, equinoctial elements, H G, 6x6 covariance and normal matrix", () => {
    const o = parseEq0(read("chiron_astdys.eq0"), "chiron_astdys.eq0");
    assert.equal(o.name, "2060");
    assert.equal(o.format, "OEF2.0");
    assert.equal(o.refsys, "ECLM J2000");
    assert.equal(o.epochMjdTdb, 57016.844859206);
    assert.equal(o.epochScale, "TDT");
    assert.equal(o.elements.kind, "equinoctial");
    if (o.elements.kind !== "equinoctial") return;
    rel(o.elements.aAu, 13.6381941873962, "a");
    rel(o.elements.h, -0.057333213125935, "h");
    rel(o.elements.k, -0.377806848791502, "k");
    rel(o.elements.p, -0.029646594516034, "p");
    rel(o.elements.q, -0.052881301322824, "q");
    rel(o.elements.meanLongitudeDeg, 323.4796461667889, "lambda");
    assert.equal(o.H, 5.697);
    assert.equal(o.G, 0.15);
    assert.deepEqual(o.nonGrav, { model: 0, inUse: 0, dimension: 6 });
    assert.deepEqual(o.rms, [1.22891e-6, 9.21244e-8, 6.37233e-8, 2.25256e-8, 5.95035e-8, 1.14136e-5]);
    const c = o.covariance!;
    assert.equal(c.length, 6);
    assert.equal(c[0]![0], 1.51022697281995e-12);
    assert.equal(c[0]![1], -1.078268953536703e-13);
    assert.equal(c[1]![0], -1.078268953536703e-13, "symmetric");
    assert.equal(c[0]![5], -1.325411934736722e-11);
    assert.equal(c[1]![1], 8.486905811467327e-15);
    assert.equal(c[5]![5], 1.302692817620822e-10);
    // The diagonal square roots are the RMS line (printed to 6 digits).
    o.rms!.forEach((r, i) => close(Math.sqrt(c[i]![i]!), r, r * 1e-5, `sqrt(COV[${i}][${i}])`));
    assert.equal(o.normalMatrix![0]![0], 1.530953053861089e13);
    assert.equal(o.normalMatrix![5]![5], 1.173790197374076e11);
  });

  it("equinoctial -> Keplerian of Chiron agrees with Horizons' osculating elements (different epoch)", () => {
    const o = parseEq0(read("chiron_astdys.eq0"));
    assert.equal(o.elements.kind, "equinoctial");
    if (o.elements.kind !== "equinoctial") return;
    const k = equinoctialToKeplerian(o.elements);
    close(k.iDeg, CHIRON_HORIZONS_2023.iDeg, OSCULATING_DRIFT.iDeg, "i");
    close(k.nodeDeg, CHIRON_HORIZONS_2023.nodeDeg, OSCULATING_DRIFT.nodeDeg, "node");
    close(k.e, CHIRON_HORIZONS_2023.e, OSCULATING_DRIFT.e, "e");
    close(k.aAu, CHIRON_HORIZONS_2023.aAu, OSCULATING_DRIFT.aAu, "a");
    // Identities of the conversion: lambda = M + omega + node.
    close((k.meanAnomalyDeg + k.argPerihelionDeg + k.nodeDeg) % 360, o.elements.meanLongitudeDeg, 1e-9, "lambda");
  });

  it("1999RB216_astdys.eq0 and 2018vp1_neodys.eq0", () => {
    const rb = parseEq0(read("1999RB216_astdys.eq0"), "1999RB216_astdys.eq0");
    assert.equal(rb.name, "137295");
    assert.equal(rb.epochMjdTdb, 54630.645481737);
    assert.equal(rb.elements.kind, "equinoctial");
    if (rb.elements.kind === "equinoctial") rel(rb.elements.aAu, 47.607878195927341, "a");
    assert.equal(rb.H, 7.303);
    assert.equal(rb.covariance![5]![5], 6.22905059901247e-6);
    const vp = parseEq0(read("2018vp1_neodys.eq0"), "2018vp1_neodys.eq0");
    assert.equal(vp.name, "2018VP1");
    assert.equal(vp.epochMjdTdb, 58430.299591399);
    assert.equal(vp.H, 30.865);
    if (vp.elements.kind === "equinoctial") rel(vp.elements.meanLongitudeDeg, 14.9386830433169, "lambda");
    assert.equal(vp.covariance![0]![0], 3.212371896218492e-7);
  });

  it("names the line and field of a bad value", () => {
    const bad = read("chiron_astdys.eq0").replace("MAG   5.697", "MAG   5.6x7");
    assert.throws(() => parseEq0(bad, "bad.eq0"), (e: unknown) => e instanceof FormatError && e.line === 9 && e.field === "MAG");
    assert.throws(() => parseEq0("format = 'OEF2.0'\n", "x.eq0"), /END_OF_HEADER/);
  });
});

describe("AstDyS .rwo", () => {
  it("chiron_astdys.rwo: 4009 optical observations (3980 accepted), first line and a DES (W84) line", () => {
    const f = parseRwo(read("chiron_astdys.rwo"), "chiron_astdys.rwo");
    assert.equal(f.header.version, "2");
    assert.equal(f.header.errmod, "fcct14");
    assert.equal(f.observations.length, 4009);
    assert.equal(f.observations.filter((o) => o.accepted).length, 3980);
    const first = f.observations[0]!;
    assert.equal(first.designation, "2060");
    assert.equal(first.date, "1895 04 24.14750");
    close(first.jdUtc, 2413307.6475, JD_TOLERANCE_DAY, "jd");
    close(first.raDeg, 183.69891666666666, ANGLE_TOLERANCE_DEG, "ra 12 14 47.740");
    close(first.decDeg, -4.773694444444445, ANGLE_TOLERANCE_DEG, "dec -04 46 25.30");
    assert.equal(first.raRmsArcsec, 2);
    assert.equal(first.raResidualArcsec, 0.555);
    assert.equal(first.decResidualArcsec, 1.693);
    assert.equal(first.obsCode, "802");
    assert.equal(first.mag, undefined);
    assert.equal(first.accepted, true);
    assert.equal(first.magAccepted, false);

    const des = f.observations.filter((o) => o.obsCode === "W84");
    assert.equal(des.length, 4);
    const d0 = des[0]!;
    assert.equal(d0.date, "2015 11 01.049907");
    close(d0.jdUtc, 2457327.549907, JD_TOLERANCE_DAY, "jd W84");
    close(d0.raDeg, 346.29808333333335, ANGLE_TOLERANCE_DEG, "ra 23 05 11.540");
    close(d0.decDeg, -0.8587777777777778, ANGLE_TOLERANCE_DEG, "dec -00 51 31.60 keeps its sign");
    assert.equal(d0.catalog, "V");
    assert.equal(d0.note, "2");
    assert.equal(d0.raRmsArcsec, 0.849);

    const withMag = f.observations[1]!;
    assert.equal(withMag.mag, 15.0);
    assert.equal(withMag.magResidual, -1.53);
    assert.equal(withMag.band, undefined);
    const last = f.observations.at(-1)!;
    assert.equal(last.mag, 17.6);
    assert.equal(last.band, "R");
    assert.equal(last.obsCode, "D29");
    assert.equal(last.chi, 0.76);

    const roving = f.observations.filter((o) => o.observerPosition?.kind === "roving");
    assert.equal(roving.length, 12);
    assert.deepEqual(roving[0]!.observerPosition, { kind: "roving", lonDeg: 4.4583, latDeg: 46.6086, altitudeM: 450 });
    assert.equal(roving[0]!.technology, "V");
  });

  it("1999RB216_astdys.rwo: 137 observations, 8 from HST with the satellite's geocentric position", () => {
    const f = parseRwo(read("1999RB216_astdys.rwo"), "1999RB216_astdys.rwo");
    assert.equal(f.observations.length, 137);
    assert.equal(f.observations.filter((o) => o.accepted).length, 130);
    const sat = f.observations.filter((o) => o.observerPosition?.kind === "satellite");
    assert.equal(sat.length, 8);
    assert.equal(sat[0]!.obsCode, "250");
    assert.equal(sat[0]!.observationType, "S");
    assert.deepEqual(sat[0]!.observerPosition, { kind: "satellite", unit: "km", geocentric: [3463.3037, -5078.1253, 3222.7291] });
    const des = f.observations.filter((o) => o.obsCode === "W84");
    assert.equal(des.length, 2);
    assert.equal(des[1]!.raBiasArcsec, -0.106);
    assert.equal(des[1]!.decBiasArcsec, 0.101);
    assert.equal(f.observations[0]!.band, "R");
    assert.equal(f.observations[0]!.mag, 22.5);
  });
});

describe("AstDyS URLs (legacy-orbit-trace §2.5)", () => {
  it("numbered and unnumbered layouts", () => {
    const base = "https://newton.spacedys.com/~astdys2";
    assert.equal(astdysUrl(2060, ".eq0"), `${base}/epoch/numbered/2/2060.eq0`);
    assert.equal(astdysUrl("137295", ".rwo"), `${base}/mpcobs/numbered/137/137295.rwo`);
    assert.equal(astdysUrl("2008 RH167", ".eq0"), `${base}/epoch/unumbered/2008R/2008RH167.eq0`);
    assert.equal(astdysUrl("1995 SM55", ".rwo"), `${base}/mpcobs/unumbered/1995/1995SM55.rwo`);
    assert.equal(astdysUrl("1977 UB", ".eq0"), `${base}/epoch/unumbered/1970/1977UB.eq0`);
    assert.throws(() => astdysUrl("Chiron", ".eq0"), /neither a number nor a provisional designation/);
  });
});

describe("MPC formats", () => {
  it("MPCORB.DAT lines (mpcorb_excerpt_ceres-vesta_skyfield.DAT)", () => {
    const entries = parseMpcorb(read("mpcorb_excerpt_ceres-vesta_skyfield.DAT"), "mpcorb_excerpt");
    assert.equal(entries.length, 4);
    const ceres = findMpcorbEntry(entries, 1)!;
    assert.equal(ceres.readableDesignation, "(1) Ceres");
    assert.equal(ceres.H, 3.4);
    assert.equal(ceres.G, 0.15);
    assert.equal(ceres.epochPacked, "K205V");
    assert.equal(ceres.epochJdTt, 2459000.5, "K205V = 2020-05-31 0h TT");
    assert.equal(ceres.meanAnomalyDeg, 162.68631);
    assert.equal(ceres.argPerihelionDeg, 73.73161);
    assert.equal(ceres.ascendingNodeDeg, 80.28698);
    assert.equal(ceres.inclinationDeg, 10.58862);
    assert.equal(ceres.eccentricity, 0.0775571);
    assert.equal(ceres.meanMotionDegPerDay, 0.21406009);
    assert.equal(ceres.semimajorAxisAu, 2.7676569);
    assert.equal(ceres.reference, "MPO492748");
    assert.equal(ceres.observations, 6751);
    assert.equal(ceres.oppositions, 115);
    assert.equal(ceres.arc, "1801-2019");
    assert.equal(ceres.rmsArcsec, 0.6);
    assert.equal(ceres.computer, "Williams");
    assert.equal(ceres.lastObservation, "20190915");
    assert.equal(findMpcorbEntry(entries, "Vesta")?.number, 4);
    assert.equal(findMpcorbEntry(entries, "2")?.readableDesignation, "(2) Pallas");
    // Kepler's third law ties n and a (k = 0.01720209895 rad/day): a check on column positions.
    for (const e of entries) close(e.meanMotionDegPerDay, (0.01720209895 * 180) / Math.PI / e.semimajorAxisAu ** 1.5, 1e-6, `n of ${e.readableDesignation}`);
    assert.throws(() => parseMpcorbLine("00001    3.4   0.15 K205V"), /at least 103/);
  });

  it("CometEls.txt lines (mpc_CometEls_excerpt_skyfield.txt)", () => {
    const lines = read("mpc_CometEls_excerpt_skyfield.txt").split("\n").filter((l) => l.trim());
    const hb = parseCometElsLine(lines[0]!);
    assert.equal(hb.orbitType, "C");
    assert.equal(unpackMpcDesignation(hb.packedDesignation), "1995 O1");
    close(hb.perihelionJdTt, 2450537.1884, JD_TOLERANCE_DAY, "T 1997 03 29.6884");
    assert.equal(hb.perihelionDistanceAu, 0.911359);
    assert.equal(hb.eccentricity, 0.994936);
    assert.equal(hb.argPerihelionDeg, 130.5984);
    assert.equal(hb.ascendingNodeDeg, 283.3688);
    assert.equal(hb.inclinationDeg, 88.9864);
    assert.equal(hb.epoch, "20200707");
    assert.equal(hb.H, -2.0);
    assert.equal(hb.G, 4.0);
    assert.equal(hb.name, "C/1995 O1 (Hale-Bopp)");
    assert.equal(hb.reference, "MPC106342");
    const halley = parseCometElsLine(lines[2]!);
    assert.equal(halley.periodicNumber, "0001P");
    assert.equal(halley.name, "1P/Halley");
    assert.equal(halley.eccentricity, 0.96618);
  });

  it("MPC observation JSON (mpc_observations_12893_json_astroquery.dat): 1401 records of (12893) 1998 QS55", () => {
    const obs = parseMpcObservationsJson(read("mpc_observations_12893_json_astroquery.dat"), "mpc_observations_12893");
    assert.equal(obs.length, 1401);
    assert.ok(obs.every((o) => o.number === 12893));
    const first = obs[0]!;
    assert.equal(first.designation, "1998 QS55");
    assert.equal(first.provisionalDesignation, "1998 QS55", "packed J98Q55S");
    assert.equal(first.date, "1983 10 08.40478");
    close(first.jdUtc, 2445615.90478, JD_TOLERANCE_DAY, "jd");
    close(first.raDeg, 313.01620833333334, ANGLE_TOLERANCE_DEG, "ra 20 52 03.89");
    close(first.decDeg, -15.788888888888889, ANGLE_TOLERANCE_DEG, "dec -15 47 20.0");
    assert.equal(first.obsCode, "413");
    assert.equal(obs[2]!.discovery, true);
    assert.equal(obs[2]!.designation, "1993 SX7");
    assert.equal(obs[5]!.mag, 18.4);
    const last = obs.at(-1)!;
    assert.equal(last.obsCode, "I41");
    assert.equal(last.mag, 18.3);
    assert.equal(last.band, "r");
    assert.equal(last.note2, "C");
    const sat = obs.filter((o) => o.observerPosition);
    assert.equal(sat.length, 14);
    assert.equal(sat[0]!.obsCode, "C51");
    assert.deepEqual(sat[0]!.observerPosition, { unit: "km", geocentric: [-6490.4555, 2183.2275, 914.7962] });
    assert.equal(sat[0]!.date, "2010 06 07.032439");
  });

  it("packed numbers and designations", () => {
    assert.equal(unpackMpcNumber("00001"), 1);
    assert.equal(unpackMpcNumber("A0001"), 100001);
    assert.equal(unpackMpcNumber("a0001"), 360001);
    assert.equal(unpackMpcNumber("~0000"), 620000);
    assert.equal(unpackMpcNumber("~000z"), 620061);
    assert.equal(unpackMpcDesignation("J98Q55S"), "1998 QS55");
    assert.equal(unpackMpcDesignation("K08RG7H"), "2008 RH167");
    assert.equal(unpackMpcDesignation("J95X00A"), "1995 XA");
    assert.equal(calendarToJd(2000, 1, 1.5), 2451545.0);
    assert.throws(() => parseMpc80("12893         C2019 01 10.48677 09 18 40.08"), /80/);
  });
});
