// Star catalogues with Gaia column names (shared/data/gaia: a Gaia DR3 ECSV cone and a Gaia
// archive VOTable) and star propagation (authority: SOFA iauStarpm, t_sofa_c.c test values).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readStarCatalog, parseStarCatalog, propagateStar, julianYearToEt, CatalogError, type Star } from "../src/catalog/index.js";
import { dataPath } from "./helpers/data.js";

/** SOFA's own test tolerance is 1e-13 rad (0.02 mas); ours is tighter than any use. */
const SOFA_TOLERANCE_MAS = 0.001;
/** First-order proper motion vs the rigorous formula over one year (second-order terms ≈ (μΔt)² tan δ). */
const LINEAR_PM_TOLERANCE_MAS = 0.001;
const MAS_PER_RAD = (180 / Math.PI) * 3.6e6;
const AU_KM = 149597870.7;

function star(over: Partial<Star>): Star {
  return {
    sourceId: "1", raDeg: 10, decDeg: 20, raErrorMas: 0.1, decErrorMas: 0.1, parallaxMas: null, parallaxErrorMas: null,
    pmraMasPerYr: 0, pmdecMasPerYr: 0, pmraErrorMasPerYr: null, pmdecErrorMasPerYr: null, raPmraCorr: null, decPmdecCorr: null,
    radialVelocityKmS: null, gMag: 12, refEpochYr: 2016, duplicatedSource: null, ruwe: null, ...over,
  };
}

test("Gaia DR3 ECSV: rows, exact 64-bit ids, units, 2-parameter stars without proper motion", () => {
  const cat = readStarCatalog(dataPath("gaia/astroquery_gaia_dr3_cone_sample.ecsv"));
  assert.equal(cat.format, "ecsv");
  assert.equal(cat.refEpochSource, "column");
  assert.equal(cat.stars.length, 5);
  const s = cat.stars[0]!;
  assert.equal(s.sourceId, "6636090334814214528");
  assert.equal(s.raDeg, 280.0002534562339);
  assert.equal(s.decDeg, -60.00259557514462);
  assert.equal(s.raErrorMas, 0.2534433);
  assert.equal(s.pmraMasPerYr, -0.1550174111492194);
  assert.equal(s.pmdecMasPerYr, -6.264602096381666);
  assert.equal(s.parallaxMas, 0.05755191318641077);
  assert.equal(s.gMag, 19.761656);
  assert.equal(s.refEpochYr, 2016.0);
  assert.equal(s.duplicatedSource, false);
  assert.equal(cat.stars[2]!.sourceId, "6636090339113063296", "id beyond 2^53 kept exactly");
  const twoParam = cat.stars[1]!;
  assert.equal(twoParam.pmraMasPerYr, null);
  assert.equal(twoParam.parallaxMas, null);
  const p = propagateStar(twoParam, julianYearToEt(2025));
  assert.equal(p.properMotionApplied, false);
  assert.ok(Math.abs(p.raDeg - twoParam.raDeg) < 1e-12 && Math.abs(p.decDeg - twoParam.decDeg) < 1e-12);
});

test("Gaia archive VOTable (TABLEDATA): both rows with radial velocities and booleans", () => {
  const cat = readStarCatalog(dataPath("gaia/astroquery_gaia_dr3_sample.vot"));
  assert.equal(cat.format, "votable");
  assert.deepEqual(cat.stars.map((s) => s.sourceId), ["4583627001381815936", "5348723816842275584"]);
  const s = cat.stars[0]!;
  assert.equal(s.raDeg, 268.0676646661466);
  assert.equal(s.decDeg, 26.50748605871529);
  assert.equal(s.parallaxMas, 2.3034086430210925);
  assert.equal(s.pmraMasPerYr, -8.5440331309214);
  assert.equal(s.pmdecMasPerYr, -27.67299135507808);
  assert.equal(s.radialVelocityKmS, -20.302576);
  assert.equal(s.gMag, 7.0120187);
  assert.equal(s.refEpochYr, 2016);
  assert.equal(s.duplicatedSource, false);
  assert.equal(readStarCatalog(dataPath("gaia/astroquery_gaia_dr3_sample.vot"), { magLimit: 7.015 }).stars.length, 1);
});

test("CSV with ';' or ',' (quoted cells, '# ' header), and the magnitude limit", () => {
  const semi = "# source_id;ra;dec;pmra;pmdec;phot_g_mean_mag;ref_epoch\n6760228702284187264;283.9;-31.5;1.5;-2;15.2;2016.0\n6760228839723992320;283.8;-31.6;;;17.9;2016.0\n";
  const a = parseStarCatalog(semi, { source: "semi.csv" });
  assert.equal(a.stars.length, 2);
  assert.equal(a.stars[0]!.sourceId, "6760228702284187264");
  assert.equal(a.stars[1]!.pmraMasPerYr, null);
  const comma = 'source_id,ra,dec,pmra,pmdec,phot_g_mean_mag,note\n"42",10.5,-5,0,0,12,"a, b"\n';
  const b = parseStarCatalog(comma, { source: "comma.csv", release: "DR2" });
  assert.equal(b.stars[0]!.sourceId, "42");
  assert.equal(b.stars[0]!.refEpochYr, 2015.5, "DR2 epoch J2015.5 (the legacy hard-coded J2015.0)");
  assert.equal(b.refEpochSource, "release");
  assert.equal(parseStarCatalog(semi, { magLimit: 16 }).stars.length, 1);
  assert.equal(parseStarCatalog(comma, { refEpochYr: 2017.5 }).stars[0]!.refEpochYr, 2017.5);
});

test("bad catalogues are clear errors: no proper motions, unknown epoch, no rows, BINARY VOTable", () => {
  const noPm = "source_id,ra,dec,phot_g_mean_mag,ref_epoch\n1,10,20,12,2016.0\n";
  assert.throws(() => parseStarCatalog(noPm, { source: "nopm.csv" }), (e: unknown) => e instanceof CatalogError && /nopm\.csv/.test((e as Error).message) && /proper-motion columns \(pmra, pmdec\)/.test((e as Error).message));
  const noEpoch = "source_id,ra,dec,pmra,pmdec\n1,10,20,0,0\n";
  assert.throws(() => parseStarCatalog(noEpoch, { source: "x.csv" }), (e: unknown) => e instanceof CatalogError && /reference epoch unknown/.test((e as Error).message));
  assert.throws(() => parseStarCatalog("source_id,ra,dec,pmra,pmdec,ref_epoch\n", { source: "empty.csv" }), /holds no stars/);
  const binary = '<?xml version="1.0"?><VOTABLE><RESOURCE><TABLE><FIELD name="ra" datatype="double"/><DATA><BINARY2><STREAM encoding="base64">AAAA</STREAM></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>';
  assert.throws(() => parseStarCatalog(binary, { source: "b.vot" }), /only TABLEDATA/);
  assert.throws(() => readStarCatalog("no/such/file.csv"), /file not found/);
});

test("space motion matches SOFA iauStarpm (t_sofa_c.c: 10 yr, 0.747″ parallax, −21.6 km/s)", () => {
  // SOFA inputs: RA, Dec (rad), dRA/dt (rad/yr, not × cos δ), dDec/dt, parallax (″), RV; epochs MJD 50083 → 53736.
  const dec1 = -1.093989828;
  const s = star({
    raDeg: (0.01686756 * 180) / Math.PI,
    decDeg: (dec1 * 180) / Math.PI,
    pmraMasPerYr: -1.78323516e-5 * Math.cos(dec1) * MAS_PER_RAD,
    pmdecMasPerYr: 2.336024047e-6 * MAS_PER_RAD,
    parallaxMas: 747.23,
    radialVelocityKmS: -21.6,
    refEpochYr: 2000 + (50083.0 + 2400000.5 - 2451545) / 365.25,
  });
  const p = propagateStar(s, (53736.0 + 2400000.5 - 2451545) * 86400);
  const dRa = ((p.raDeg * Math.PI) / 180 - 0.01668919069414256149) * Math.cos(dec1) * MAS_PER_RAD;
  const dDec = ((p.decDeg * Math.PI) / 180 - -1.093966454217127897) * MAS_PER_RAD;
  assert.ok(Math.abs(dRa) < SOFA_TOLERANCE_MAS && Math.abs(dDec) < SOFA_TOLERANCE_MAS, `Δα* ${dRa} mas, Δδ ${dDec} mas`);
});

test("proper motion without parallax: first-order displacement over one year; errors grow as σ0² + 2ρσ0σμΔt + (σμΔt)²", () => {
  const s = star({ raDeg: 359.9999, decDeg: 45, pmraMasPerYr: 120, pmdecMasPerYr: -80, raErrorMas: 0.2, pmraErrorMasPerYr: 0.05, raPmraCorr: 0.3, decErrorMas: 0.1, pmdecErrorMasPerYr: 0.02 });
  const p = propagateStar(s, julianYearToEt(2017));
  let dRa = p.raDeg - s.raDeg;
  dRa = ((dRa + 540) % 360) - 180;
  assert.ok(Math.abs(dRa * 3.6e6 * Math.cos((45 * Math.PI) / 180) - 120) < LINEAR_PM_TOLERANCE_MAS, `Δα* ${dRa * 3.6e6 * Math.SQRT1_2}`);
  assert.ok(Math.abs((p.decDeg - 45) * 3.6e6 + 80) < LINEAR_PM_TOLERANCE_MAS);
  assert.ok(p.raDeg >= 0 && p.raDeg < 360, "RA stays in [0, 360) across the wrap");
  assert.ok(Math.abs(p.raErrorMas - Math.sqrt(0.2 ** 2 + 2 * 0.3 * 0.2 * 0.05 + 0.05 ** 2)) < 1e-12);
  assert.ok(Math.abs(p.decErrorMas - Math.sqrt(0.1 ** 2 + 0.02 ** 2)) < 1e-12);
  assert.equal(p.properMotionApplied, true);
  assert.equal(p.parallaxApplied, false);
});

test("geocentric parallax: an observer 1 AU off the line of sight sees the star displaced by the parallax", () => {
  const s = star({ raDeg: 0, decDeg: 0, parallaxMas: 100, refEpochYr: 2016 });
  const p = propagateStar(s, julianYearToEt(2016), [0, AU_KM, 0]);
  assert.equal(p.parallaxApplied, true);
  const raMas = (p.raDeg > 180 ? p.raDeg - 360 : p.raDeg) * 3.6e6;
  // Direction ∝ (1/ϖ, −1, 0) AU: α = −atan(ϖ).
  assert.ok(Math.abs(raMas - (-Math.atan(100 / MAS_PER_RAD) * MAS_PER_RAD)) < 1e-6, `${raMas}`);
  assert.ok(Math.abs(p.decDeg) < 1e-12);
});
