import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CatalogError,
  catalogPath,
  encodeLdacCatalog,
  parseCsvCatalog,
  readDesCatalog,
  readFitsTableColumns,
  readLdacCatalog,
  writeLdacCatalog,
} from "../src/catalog/des.js";
import { dataPath } from "./helpers/data.js";

const dir = mkdtempSync(join(tmpdir(), "tno-catalog-des-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic pseudo-random source list (LCG), values with full float64 mantissas. */
function sources(n: number, seed = 1) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const raDeg = Float64Array.from({ length: n }, () => 359.9 + rnd() * 0.2 - (rnd() < 0.5 ? 0 : 359.9));
  const decDeg = Float64Array.from({ length: n }, () => -45 + rnd() * 0.3);
  const magPsf = Float64Array.from({ length: n }, () => 16 + rnd() * 8);
  const magErrPsf = Float64Array.from({ length: n }, () => rnd() * 0.2);
  return { raDeg, decDeg, magPsf, magErrPsf };
}

function expectCatalogError(fn: () => unknown, file: string, reason: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CatalogError, `expected CatalogError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.match(e.message, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.match(e.reason, reason);
    return true;
  });
}

describe("DES LDAC catalogue reader", () => {
  it("round-trips the four columns exactly (D as float64, E as float32) among DES-like columns", () => {
    const src = sources(5000);
    src.raDeg[7] = NaN;
    src.magPsf[9] = NaN;
    const path = join(dir, "roundtrip_red-fullcat.fits");
    writeLdacCatalog(path, { ...src, imageHeader: { EXPNUM: 247966, CCDNUM: 36 } });
    const cat = readLdacCatalog(path);
    assert.equal(cat.count, 5000);
    // Exactness: ALPHA/DELTA are D columns, MAG_PSF/MAGERR_PSF are E columns (float32 rounding).
    assert.deepEqual(cat.raDeg, src.raDeg);
    assert.deepEqual(cat.decDeg, src.decDeg);
    assert.deepEqual(cat.magPsf, src.magPsf.map(Math.fround));
    assert.deepEqual(cat.magErrPsf, src.magErrPsf.map(Math.fround));
    assert.ok(Number.isNaN(cat.raDeg[7]) && Number.isNaN(cat.magPsf[9]));
  });

  it("reads D magnitudes, only-four-column files and a custom vector-column layout", () => {
    const src = sources(333, 7);
    const p1 = join(dir, "d-mags.fits");
    writeLdacCatalog(p1, { ...src, magType: "D", extraColumns: "none" });
    assert.deepEqual(readLdacCatalog(p1).magPsf, src.magPsf);
    const p2 = join(dir, "vectors.fits");
    writeLdacCatalog(p2, {
      ...src,
      magType: "D",
      extraColumns: [
        { name: "FLAGS", type: "B" },
        { name: "VIGNET", type: "E", repeat: 20 },
        { name: "FLUX_RADIUS", type: "D", repeat: 2 },
        { name: "NUMBER", type: "K", values: Float64Array.from({ length: 333 }, (_, i) => i) },
      ],
    });
    const cat = readLdacCatalog(p2);
    assert.deepEqual(cat.raDeg, src.raDeg);
    assert.deepEqual(cat.magErrPsf, src.magErrPsf);
  });

  it("writes a valid FITS layout: 2880-byte blocks, three HDUs, SYNTHETIC stated in every header", () => {
    const bytes = encodeLdacCatalog({ ...sources(10), imageHeader: { EXPNUM: 1 } });
    assert.equal(bytes.length % 2880, 0);
    const text = Buffer.from(bytes).toString("latin1");
    assert.ok(text.startsWith("SIMPLE  =                    T"));
    assert.match(text, /EXTNAME = 'LDAC_IMHEAD'/);
    assert.match(text, /EXTNAME = 'LDAC_OBJECTS'/);
    assert.match(text, /TTYPE1  = 'Field Header Card'/);
    assert.ok((text.match(/SYNTHETIC/g) ?? []).length >= 3);
  });

  it("empty table (NAXIS2 = 0) reads as an empty catalogue", () => {
    const path = join(dir, "empty.fits");
    writeLdacCatalog(path, { raDeg: [], decDeg: [], magPsf: [], magErrPsf: [] });
    const cat = readDesCatalog(path);
    assert.equal(cat.count, 0);
    assert.equal(cat.raDeg.length, 0);
  });

  it("reads a real astropy-written binary table (DES Y6 TNO orbit table, 814 rows, 66 columns)", () => {
    // Authority: ../shared/data/README.md (814-object orbit table). The layout check (TFORM widths
    // adding up to NAXIS1 = 626 over 12A, D and J columns) only passes if every width is right.
    const t = readFitsTableColumns(dataPath("des", "desy6_tno_catalog_y6_des_tnos_color.fits"), 1, ["a", "e", "NUNIQUE"]);
    assert.equal(t.rows, 814);
    const [a, e] = t.columns as [Float64Array, Float64Array];
    for (let i = 0; i < t.rows; i++) {
      assert.ok(a[i]! > 20 && a[i]! < 1e5, `row ${i}: a = ${a[i]} au is not a TNO semi-major axis`);
      assert.ok(e[i]! >= 0 && e[i]! < 1, `row ${i}: e = ${e[i]}`);
    }
  });
});

describe("DES LDAC catalogue errors", () => {
  const good = join(dir, "good.fits");
  writeLdacCatalog(good, sources(2000));
  const bytes = readFileSync(good);

  it("missing file", () => {
    const p = join(dir, "nope_red-fullcat.fits");
    expectCatalogError(() => readDesCatalog(p), p, /file not found/);
  });

  it("truncated table data", () => {
    const p = join(dir, "trunc-data.fits");
    writeFileSync(p, bytes);
    truncateSync(p, bytes.length - 2880 * 3);
    expectCatalogError(() => readLdacCatalog(p), p, /truncated data: HDU 2 needs \d+ bytes/);
  });

  it("truncated inside the primary header, and file ending before HDU 2", () => {
    const p = join(dir, "trunc-header.fits");
    writeFileSync(p, bytes.subarray(0, 1000));
    expectCatalogError(() => readLdacCatalog(p), p, /bad header: HDU 0 header is truncated/);
    const hdu2 = bytes.indexOf("XTENSION= 'BINTABLE'", 2880 * 2);
    writeFileSync(p, bytes.subarray(0, hdu2));
    expectCatalogError(() => readLdacCatalog(p), p, /missing HDU 2 \(LDAC_OBJECTS\): the file holds 2 HDU/);
  });

  it("corrupt header bytes", () => {
    const p = join(dir, "corrupt.fits");
    const b = Buffer.from(bytes);
    const hdu2 = b.indexOf("XTENSION= 'BINTABLE'", 2880 * 2);
    b.fill(0xff, hdu2 + 800, hdu2 + 900);
    writeFileSync(p, b);
    expectCatalogError(() => readLdacCatalog(p), p, /bad header: HDU 2 has a non-ASCII byte 0xff/);
  });

  it("NAXIS1 inconsistent with the TFORMs", () => {
    const p = join(dir, "naxis1.fits");
    const b = Buffer.from(bytes);
    const hdu2 = b.indexOf("XTENSION= 'BINTABLE'", 2880 * 2);
    const n1 = b.indexOf("NAXIS1  =", hdu2);
    assert.ok(n1 > 0);
    b.write("NAXIS1  =                    9", n1, "latin1");
    writeFileSync(p, b);
    expectCatalogError(() => readLdacCatalog(p), p, /TFORMs add up to \d+ bytes per row but NAXIS1 = 9/);
  });

  it("missing column, and a column of the wrong form", () => {
    const p = join(dir, "nocol.fits");
    writeLdacCatalog(p, { ...sources(5), extraColumns: "none" });
    const b = readFileSync(p);
    b.write("'MAG_PSFX'", b.indexOf("'MAG_PSF '"), "latin1");
    writeFileSync(p, b);
    expectCatalogError(() => readLdacCatalog(p), p, /missing column MAG_PSF in HDU 2 \(columns: ALPHA_J2000, DELTA_J2000, MAG_PSFX, MAGERR_PSF\)/);
    const b2 = readFileSync(p);
    b2.write("'MAG_PSF '", b2.indexOf("'MAG_PSFX'"), "latin1");
    // Same byte width, so only the column form is wrong.
    const tform = b2.indexOf("'1E      '");
    b2.write("'4B      '", tform, "latin1");
    writeFileSync(p, b2);
    expectCatalogError(() => readLdacCatalog(p), p, /column MAG_PSF in HDU 2 has TFORM '4B'; a scalar numeric column/);
    b2.write("'4A      '", tform, "latin1");
    writeFileSync(p, b2);
    expectCatalogError(() => readLdacCatalog(p), p, /column MAG_PSF in HDU 2 has TFORM '4A'/);
  });

  it("not a FITS file, not a CSV with the columns, a directory", () => {
    const p = join(dir, "garbage.fits");
    writeFileSync(p, "hello world\n1,2\n");
    expectCatalogError(() => readDesCatalog(p), p, /not a FITS file/);
    const q = join(dir, "garbage.cat");
    writeFileSync(q, "hello world\n1,2\n");
    expectCatalogError(() => readDesCatalog(q), q, /missing column ALPHA_J2000 in the CSV header/);
    expectCatalogError(() => readDesCatalog(dir), dir, /is a directory/);
  });
});

describe("DES CSV catalogues", () => {
  it("reads , and ; separated files, any case and column order, NaN cells", () => {
    const a = parseCsvCatalog("number,alpha_j2000,DELTA_J2000,MagErr_Psf,MAG_PSF\n1,10.5,-3.25,0.01,20.5\n2,359.99,,nan,21\n", "a.csv");
    assert.equal(a.count, 2);
    assert.deepEqual([...a.raDeg], [10.5, 359.99]);
    assert.equal(a.decDeg[0], -3.25);
    assert.ok(Number.isNaN(a.decDeg[1]) && Number.isNaN(a.magErrPsf[1]));
    assert.deepEqual([...a.magPsf], [20.5, 21]);
    const b = parseCsvCatalog('\ufeffALPHA_J2000;DELTA_J2000;MAG_PSF;MAGERR_PSF;NOTE\r\n1;2;3;4;"x;y"\r\n\r\n', "b.csv");
    assert.equal(b.count, 1);
    assert.deepEqual([b.raDeg[0], b.decDeg[0], b.magPsf[0], b.magErrPsf[0]], [1, 2, 3, 4]);
  });

  it("reads from disk through readDesCatalog and reports bad cells with line and column", () => {
    const p = join(dir, "cat.csv");
    writeFileSync(p, "ALPHA_J2000,DELTA_J2000,MAG_PSF,MAGERR_PSF\n1,2,3,4\n5,abc,7,8\n");
    expectCatalogError(() => readDesCatalog(p), p, /line 3: column DELTA_J2000 value 'abc' is not a number/);
    writeFileSync(p, "ALPHA_J2000,DELTA_J2000,MAG_PSF\n1,2,3\n");
    expectCatalogError(() => readDesCatalog(p), p, /missing column MAGERR_PSF/);
  });
});

describe("catalogPath", () => {
  it("joins root, path and filename, keeping archive-absolute paths under the root", () => {
    const ccd = { path: "/Y5A1/r3651/20131028/D00247966/p01/cat", filename: "D00247966_g_c36_r3651p01_red-fullcat.fits" };
    assert.equal(catalogPath("/data/des", ccd), "/data/des/Y5A1/r3651/20131028/D00247966/p01/cat/D00247966_g_c36_r3651p01_red-fullcat.fits");
    assert.throws(() => catalogPath("/data/des", { path: "../../etc", filename: "passwd" }), CatalogError);
    assert.throws(() => catalogPath("/data/des", { path: "x", filename: "" }));
  });
});
