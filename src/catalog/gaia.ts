/**
 * Star catalogues with Gaia column names (CSV with `,` or `;`, ECSV, VOTable TABLEDATA) and the
 * propagation of a star from its catalogue reference epoch to an event: space motion, parallax
 * for a geocentric observer, and uncertainties.
 */
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { z } from "zod";
import { CatalogError } from "./des.js";
import { splitDelimitedLine } from "./text.js";

/** Gaia data releases and their astrometric reference epochs (Julian years, TCB ≈ TDB here). */
export const GAIA_REF_EPOCH_YR = { DR2: 2015.5, EDR3: 2016.0, DR3: 2016.0 } as const;
export type GaiaRelease = keyof typeof GAIA_REF_EPOCH_YR;

/** Julian year in days, and J2000.0 as a Julian year. */
export const JULIAN_YEAR_DAYS = 365.25;
const J2000_YR = 2000.0;
const SECONDS_PER_DAY = 86400;
/** Astronomical unit (km, IAU 2012). */
export const AU_KM = 149597870.7;
/** Speed of light in AU per day (SOFA `DC`). */
const C_AU_PER_DAY = (299792.458 * SECONDS_PER_DAY) / AU_KM;
const MAS_TO_RAD = Math.PI / (180 * 3600 * 1000);
const RAD_TO_DEG = 180 / Math.PI;
const DEG_TO_RAD = Math.PI / 180;

/**
 * One catalogue star. Angles in degrees, errors in mas (`raErrorMas` is σ(α cos δ), as in Gaia),
 * proper motions in mas/yr (`pmraMasPerYr` is μα* = μα cos δ). `null` = not in the catalogue.
 */
export interface Star {
  /** Catalogue identifier as text: Gaia ids exceed 2^53. */
  sourceId: string;
  raDeg: number;
  decDeg: number;
  raErrorMas: number | null;
  decErrorMas: number | null;
  parallaxMas: number | null;
  parallaxErrorMas: number | null;
  pmraMasPerYr: number | null;
  pmdecMasPerYr: number | null;
  pmraErrorMasPerYr: number | null;
  pmdecErrorMasPerYr: number | null;
  /** Correlation of α* and μα* (`ra_pmra_corr`), and of δ and μδ (`dec_pmdec_corr`). */
  raPmraCorr: number | null;
  decPmdecCorr: number | null;
  radialVelocityKmS: number | null;
  /** Gaia G (`phot_g_mean_mag`). */
  gMag: number | null;
  /** Epoch of position and proper motion, Julian years (`ref_epoch`). */
  refEpochYr: number;
  duplicatedSource: boolean | null;
  ruwe: number | null;
}

/** Formats read by {@link readStarCatalog}. */
export type StarCatalogFormat = "csv" | "ecsv" | "votable";

export interface StarCatalogOptions {
  /** Reference epoch of rows without a `ref_epoch` column (Julian years). Wins over `release`. */
  refEpochYr?: number;
  /** Gaia release, for the epoch when there is no `ref_epoch` column (DR2 = 2015.5, DR3 = 2016.0). */
  release?: GaiaRelease;
  /** Keep only stars with G ≤ this (stars without G are then dropped too). */
  magLimit?: number;
  /** Name used in error messages (a file path, a table name). */
  source?: string;
}

/** A parsed catalogue and where its reference epoch came from. */
export interface StarCatalog {
  stars: Star[];
  format: StarCatalogFormat;
  /** `column` (`ref_epoch`), `option` (refEpochYr), `release` (option or name), `metadata` (COOSYS/ECSV epoch). */
  refEpochSource: "column" | "option" | "release" | "metadata";
  /** Rows dropped by `magLimit`. */
  droppedByMagnitude: number;
}

const optionsSchema = z.object({
  refEpochYr: z.number().min(1900).max(2200).optional(),
  release: z.enum(["DR2", "EDR3", "DR3"]).optional(),
  magLimit: z.number().optional(),
  source: z.string().optional(),
});

/** Gaia names first, then the usual VizieR (I/355/gaiadr3) and lower-case variants. */
const COLUMN_ALIASES: Record<keyof Omit<Star, "refEpochYr"> | "refEpoch", readonly string[]> = {
  sourceId: ["source_id", "source", "sourceid", "gaia_source_id", "dr3name", "designation"],
  raDeg: ["ra", "ra_icrs", "raj2000", "ra_deg"],
  decDeg: ["dec", "de_icrs", "dej2000", "dec_deg"],
  raErrorMas: ["ra_error", "e_ra_icrs", "e_ra"],
  decErrorMas: ["dec_error", "e_de_icrs", "e_dec", "e_de"],
  parallaxMas: ["parallax", "plx"],
  parallaxErrorMas: ["parallax_error", "e_plx"],
  pmraMasPerYr: ["pmra", "pmra_cosdec"],
  pmdecMasPerYr: ["pmdec", "pmde"],
  pmraErrorMasPerYr: ["pmra_error", "e_pmra"],
  pmdecErrorMasPerYr: ["pmdec_error", "e_pmde"],
  raPmraCorr: ["ra_pmra_corr", "rapmracor"],
  decPmdecCorr: ["dec_pmdec_corr", "depmdecor"],
  radialVelocityKmS: ["radial_velocity", "rv"],
  gMag: ["phot_g_mean_mag", "gmag"],
  refEpoch: ["ref_epoch", "epoch"],
  duplicatedSource: ["duplicated_source", "dup"],
  ruwe: ["ruwe"],
};

/**
 * Reads a star catalogue file: VOTable (`.vot`, `.xml`, or a file starting with `<?xml`/`<VOTABLE`),
 * ECSV (`# %ECSV` first line) or CSV/TSV-like text with `,` or `;`.
 * @throws {@link CatalogError} naming the file: unreadable, no rows, no ra/dec, no proper-motion
 *   columns, or no way to know the reference epoch.
 */
export function readStarCatalog(path: string, options: StarCatalogOptions = {}): StarCatalog {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CatalogError(path, (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message);
  }
  const opts = { ...options, source: options.source ?? path };
  // A release named in the file name (gaia_dr2_..., ...dr3...) fixes the epoch when nothing else does.
  if (opts.release === undefined) {
    const m = /(?:^|[^a-z])(e?dr[23])(?:[^0-9]|$)/i.exec(basename(path));
    if (m) opts.release = m[1]!.toUpperCase() as GaiaRelease;
  }
  return parseStarCatalog(text, opts, formatOf(path, text));
}

/** Parses catalogue text of a known (or sniffed) format. See {@link readStarCatalog}. */
export function parseStarCatalog(text: string, options: StarCatalogOptions = {}, format?: StarCatalogFormat): StarCatalog {
  const opts = optionsSchema.parse(options);
  const source = opts.source ?? "(catalogue)";
  const fmt = format ?? formatOf("", text);
  const table = fmt === "votable" ? parseVotable(text, source) : fmt === "ecsv" ? parseEcsv(text, source) : parseCsv(text, source);
  return buildStars(table, { ...opts, source }, fmt);
}

function formatOf(path: string, text: string): StarCatalogFormat {
  const ext = extname(path).toLowerCase();
  const head = text.slice(0, 512).trimStart();
  if (ext === ".vot" || ext === ".xml" || head.startsWith("<?xml") || /^<votable/i.test(head)) return "votable";
  if (ext === ".ecsv" || head.startsWith("# %ECSV")) return "ecsv";
  return "csv";
}

/** Column names (lower case) and rows of raw text cells; `metaEpochYr` from COOSYS/ECSV metadata. */
interface RawTable {
  names: string[];
  rows: string[][];
  metaEpochYr?: number;
}

function buildStars(table: RawTable, opts: StarCatalogOptions & { source: string }, format: StarCatalogFormat): StarCatalog {
  const { names, rows, metaEpochYr } = table;
  const source = opts.source;
  if (rows.length === 0) throw new CatalogError(source, "holds no stars (no data rows)");
  const col = (key: keyof typeof COLUMN_ALIASES): number => {
    for (const alias of COLUMN_ALIASES[key]) {
      const i = names.indexOf(alias);
      if (i >= 0) return i;
    }
    return -1;
  };
  const idx = Object.fromEntries(Object.keys(COLUMN_ALIASES).map((k) => [k, col(k as keyof typeof COLUMN_ALIASES)])) as Record<keyof typeof COLUMN_ALIASES, number>;
  if (idx.raDeg < 0 || idx.decDeg < 0) throw new CatalogError(source, `has no ra/dec columns (columns: ${names.slice(0, 12).join(", ")}${names.length > 12 ? ", ..." : ""})`);
  if (idx.sourceId < 0) throw new CatalogError(source, "has no source_id column");
  if (idx.pmraMasPerYr < 0 || idx.pmdecMasPerYr < 0) {
    throw new CatalogError(
      source,
      "has no proper-motion columns (pmra, pmdec): star positions cannot be moved from the catalogue epoch to the event. " +
        "Export pmra and pmdec with the stars (write 0 for stars whose positions are already at the event epoch)",
    );
  }
  let refEpochSource: StarCatalog["refEpochSource"];
  let fixedEpoch: number | undefined;
  if (idx.refEpoch >= 0) refEpochSource = "column";
  else if (opts.refEpochYr !== undefined) [refEpochSource, fixedEpoch] = ["option", opts.refEpochYr];
  else if (opts.release !== undefined) [refEpochSource, fixedEpoch] = ["release", GAIA_REF_EPOCH_YR[opts.release]];
  else if (metaEpochYr !== undefined) [refEpochSource, fixedEpoch] = ["metadata", metaEpochYr];
  else {
    throw new CatalogError(source, "reference epoch unknown: add a ref_epoch column, or give the epoch (--star-epoch 2016.0) or the release (DR2 = 2015.5, DR3 = 2016.0)");
  }

  const stars: Star[] = [];
  let dropped = 0;
  rows.forEach((cells, r) => {
    const where = `row ${r + 1}`;
    const num = (i: number): number | null => {
      if (i < 0) return null;
      const t = (cells[i] ?? "").trim();
      if (t === "" || /^(nan|null|--|none)$/i.test(t)) return null;
      const v = Number(t);
      if (!Number.isFinite(v)) throw new CatalogError(source, `${where}, column ${names[i]}: '${t}' is not a number`);
      return v;
    };
    const ra = num(idx.raDeg);
    const dec = num(idx.decDeg);
    if (ra === null || dec === null) throw new CatalogError(source, `${where}: ra/dec missing`);
    if (dec < -90 || dec > 90) throw new CatalogError(source, `${where}: dec ${dec} out of range`);
    const g = num(idx.gMag);
    if (opts.magLimit !== undefined && (g === null || g > opts.magLimit)) {
      dropped++;
      return;
    }
    const epoch = fixedEpoch ?? num(idx.refEpoch);
    if (epoch === null) throw new CatalogError(source, `${where}: ref_epoch missing`);
    const id = (cells[idx.sourceId] ?? "").trim().replace(/^Gaia (?:E?DR\d) /i, "");
    if (id === "") throw new CatalogError(source, `${where}: source_id missing`);
    const dup = idx.duplicatedSource >= 0 ? (cells[idx.duplicatedSource] ?? "").trim().toLowerCase() : "";
    stars.push({
      sourceId: id,
      raDeg: ra >= 0 && ra < 360 ? ra : ((ra % 360) + 360) % 360,
      decDeg: dec,
      raErrorMas: num(idx.raErrorMas),
      decErrorMas: num(idx.decErrorMas),
      parallaxMas: num(idx.parallaxMas),
      parallaxErrorMas: num(idx.parallaxErrorMas),
      pmraMasPerYr: num(idx.pmraMasPerYr),
      pmdecMasPerYr: num(idx.pmdecMasPerYr),
      pmraErrorMasPerYr: num(idx.pmraErrorMasPerYr),
      pmdecErrorMasPerYr: num(idx.pmdecErrorMasPerYr),
      raPmraCorr: num(idx.raPmraCorr),
      decPmdecCorr: num(idx.decPmdecCorr),
      radialVelocityKmS: num(idx.radialVelocityKmS),
      gMag: g,
      refEpochYr: epoch,
      duplicatedSource: dup === "" ? null : dup === "true" || dup === "t" || dup === "1",
      ruwe: num(idx.ruwe),
    });
  });
  return { stars, format, refEpochSource, droppedByMagnitude: dropped };
}

// ---------------------------------------------------------------------------------------------
// Text formats


function parseCsv(text: string, source: string): RawTable {
  const lines = text.split(/\r?\n/);
  let h = 0;
  // Skip blank lines and comment lines, but accept a header written as `# a;b;c` (numpy/legacy).
  while (h < lines.length && (lines[h]!.trim() === "" || (lines[h]!.startsWith("#") && !/[;,]/.test(lines[h]!)))) h++;
  if (h >= lines.length) throw new CatalogError(source, "is empty (no header line)");
  const header = lines[h]!.replace(/^#\s*/, "");
  const delimiter = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ";" : header.includes(",") ? "," : header.includes("\t") ? "\t" : " ";
  const names = splitDelimitedLine(header, delimiter).map((n) => n.trim().toLowerCase());
  const rows: string[][] = [];
  for (let i = h + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "" || l.startsWith("#")) continue;
    rows.push(splitDelimitedLine(l, delimiter));
  }
  return { names, rows };
}

function parseEcsv(text: string, source: string): RawTable {
  const lines = text.split(/\r?\n/);
  const yaml = lines.filter((l) => l.startsWith("#")).map((l) => l.replace(/^# ?/, ""));
  const delimMatch = yaml.map((l) => /^delimiter:\s*'(.)'|^delimiter:\s*"(.)"|^delimiter:\s*(\S)/.exec(l)).find((m) => m);
  const delimiter = delimMatch ? (delimMatch[1] ?? delimMatch[2] ?? delimMatch[3])! : " ";
  const epochMatch = yaml.map((l) => /CoosysEpoch:\s*J?(\d{4}(?:\.\d+)?)/.exec(l)).find((m) => m);
  const data = lines.filter((l) => !l.startsWith("#") && l.trim() !== "");
  if (data.length === 0) throw new CatalogError(source, "ECSV has no header line");
  const names = splitDelimitedLine(data[0]!, delimiter).map((n) => n.trim().toLowerCase());
  const rows = data.slice(1).map((l) => splitDelimitedLine(l, delimiter));
  return { names, rows, ...(epochMatch ? { metaEpochYr: Number(epochMatch[1]) } : {}) };
}

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function xmlText(s: string): string {
  return s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1")
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
      e.startsWith("#x") || e.startsWith("#X") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : (XML_ENTITIES[e] ?? m),
    );
}

function parseVotable(text: string, source: string): RawTable {
  const tableStart = text.search(/<TABLE[\s>]/i);
  if (tableStart < 0) throw new CatalogError(source, "VOTable has no TABLE");
  const table = text.slice(tableStart);
  const names: string[] = [];
  for (const m of table.matchAll(/<FIELD\b([^>]*)>/gi)) {
    const name = /\bname\s*=\s*"([^"]*)"/i.exec(m[1]!);
    names.push((name?.[1] ?? "").toLowerCase());
  }
  if (names.length === 0) throw new CatalogError(source, "VOTable TABLE has no FIELD");
  if (/<BINARY2?[\s>]/i.test(table) || /<FITS[\s>]/i.test(table)) {
    throw new CatalogError(source, "VOTable uses BINARY/FITS serialisation; only TABLEDATA is read (ask the archive for format=votable_plain or CSV)");
  }
  const td = /<TABLEDATA>([\s\S]*?)<\/TABLEDATA>/i.exec(table);
  if (!td) throw new CatalogError(source, "VOTable has no TABLEDATA");
  const rows: string[][] = [];
  for (const tr of td[1]!.matchAll(/<TR\b[^>]*>([\s\S]*?)<\/TR>/gi)) {
    const cells: string[] = [];
    for (const c of tr[1]!.matchAll(/<TD\b[^>]*\/>|<TD\b[^>]*>([\s\S]*?)<\/TD>/gi)) cells.push(c[1] === undefined ? "" : xmlText(c[1]));
    if (cells.length !== names.length) throw new CatalogError(source, `VOTable row ${rows.length + 1} has ${cells.length} cells for ${names.length} fields`);
    rows.push(cells);
  }
  const coosys = /<COOSYS\b[^>]*\bepoch\s*=\s*"J?(\d{4}(?:\.\d+)?)"/i.exec(text);
  // TD booleans are T/F in VOTable.
  const dupIdx = names.indexOf("duplicated_source");
  if (dupIdx >= 0) for (const r of rows) r[dupIdx] = /^t/i.test(r[dupIdx]!.trim()) ? "true" : /^f/i.test(r[dupIdx]!.trim()) ? "false" : "";
  return { names, rows, ...(coosys ? { metaEpochYr: Number(coosys[1]) } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Propagation

/** A star at an epoch, as seen from the observer the caller chose. */
export interface PropagatedStar {
  /** ICRS right ascension in [0, 360) and declination at the epoch. */
  raDeg: number;
  decDeg: number;
  /** Unit vector of that direction (ICRS/J2000). */
  unit: [number, number, number];
  /** σ(α cos δ) and σ(δ) at the epoch (mas): σ² = σ0² + 2ρσ0σμΔt + (σμΔt)² (+ parallax term). NaN when unknown. */
  raErrorMas: number;
  decErrorMas: number;
  /** Epoch − reference epoch (Julian years TDB). */
  dtYears: number;
  /** False when the star has no proper motion (a 2-parameter Gaia solution): its position is the catalogue one. */
  properMotionApplied: boolean;
  /** True when a geocentric (or other) parallax shift was applied. */
  parallaxApplied: boolean;
}

/** Epoch (TDB seconds past J2000) as a Julian year. */
export function etToJulianYear(etSeconds: number): number {
  return J2000_YR + etSeconds / SECONDS_PER_DAY / JULIAN_YEAR_DAYS;
}

/** Julian year → TDB seconds past J2000. */
export function julianYearToEt(year: number): number {
  return (year - J2000_YR) * JULIAN_YEAR_DAYS * SECONDS_PER_DAY;
}

/**
 * Moves a star from its reference epoch to `etSeconds` (TDB).
 *
 * With a positive parallax the star is moved in space (SOFA `iauStarpm`: uniform space motion
 * from parallax, proper motion and radial velocity, with the light-time terms), otherwise along
 * its proper motion in the tangent plane. With `observerSsbPositionKm` (e.g. the Earth's
 * barycentric position at the epoch) the direction is the one seen from that point (parallax).
 * A star without proper motion keeps its catalogue position and `properMotionApplied` is false.
 */
export function propagateStar(star: Star, etSeconds: number, observerSsbPositionKm?: ArrayLike<number>): PropagatedStar {
  const ra = star.raDeg * DEG_TO_RAD;
  const dec = star.decDeg * DEG_TO_RAD;
  const ca = Math.cos(ra), sa = Math.sin(ra), cd = Math.cos(dec), sd = Math.sin(dec);
  const u0: [number, number, number] = [cd * ca, cd * sa, sd];
  const p = [-sa, ca, 0] as const; // towards East
  const q = [-sd * ca, -sd * sa, cd] as const; // towards North
  const hasPm = star.pmraMasPerYr !== null && star.pmdecMasPerYr !== null;
  const pmra = hasPm ? star.pmraMasPerYr! * MAS_TO_RAD : 0;
  const pmdec = hasPm ? star.pmdecMasPerYr! * MAS_TO_RAD : 0;
  const dtYears = etToJulianYear(etSeconds) - star.refEpochYr;
  const plx = star.parallaxMas !== null && star.parallaxMas > 0 ? star.parallaxMas * MAS_TO_RAD : 0;
  let x: number, y: number, z: number;
  if (plx > 0) {
    // Space motion in AU and AU/day (SOFA iauStarpv/iauStarpm).
    const r = 1 / plx;
    const rvAuDay = ((star.radialVelocityKmS ?? 0) * SECONDS_PER_DAY) / AU_KM;
    const tanAuDay = r / JULIAN_YEAR_DAYS;
    // Catalogue (observed) velocities to inertial ones: SOFA's special-relativity factors.
    const betsr = rvAuDay / C_AU_PER_DAY;
    const betst = (tanAuDay * Math.hypot(pmra, pmdec)) / C_AU_PER_DAY;
    let d = 1, del = 0, betr = betsr, bett = betst;
    for (let i = 0; i < 100; i++) {
      const prevD = d, prevDel = del;
      d = 1 + betr;
      const w = betr * betr + bett * bett;
      del = -w / (Math.sqrt(1 - w) + 1);
      betr = d * betsr + del;
      bett = d * betst;
      if (i > 0 && Math.abs(d - prevD) < 1e-16 && Math.abs(del - prevDel) < 1e-16) break;
    }
    const radialScale = betsr !== 0 ? d + del / betsr : 1;
    const v = [0, 1, 2].map((k) => d * tanAuDay * (pmra * p[k]! + pmdec * q[k]!) + radialScale * rvAuDay * u0[k]!) as [number, number, number];
    const pos = [r * u0[0], r * u0[1], r * u0[2]];
    const dtDays = dtYears * JULIAN_YEAR_DAYS;
    const tl1 = r / C_AU_PER_DAY;
    const g = [0, 1, 2].map((k) => pos[k]! + (dtDays + tl1) * v[k]!);
    const r2 = g[0]! ** 2 + g[1]! ** 2 + g[2]! ** 2;
    const rdv = g[0]! * v[0] + g[1]! * v[1] + g[2]! * v[2];
    const v2 = v[0] ** 2 + v[1] ** 2 + v[2] ** 2;
    const c2mv2 = C_AU_PER_DAY * C_AU_PER_DAY - v2;
    const tl2 = (-rdv + Math.sqrt(rdv * rdv + c2mv2 * r2)) / c2mv2;
    x = pos[0]! + (dtDays + tl1 - tl2) * v[0];
    y = pos[1]! + (dtDays + tl1 - tl2) * v[1];
    z = pos[2]! + (dtDays + tl1 - tl2) * v[2];
    if (observerSsbPositionKm) {
      x -= observerSsbPositionKm[0]! / AU_KM;
      y -= observerSsbPositionKm[1]! / AU_KM;
      z -= observerSsbPositionKm[2]! / AU_KM;
    }
  } else {
    x = u0[0] + dtYears * (pmra * p[0] + pmdec * q[0]);
    y = u0[1] + dtYears * (pmra * p[1] + pmdec * q[1]);
    z = u0[2] + dtYears * (pmra * p[2] + pmdec * q[2]);
  }
  const n = Math.hypot(x, y, z);
  const unit: [number, number, number] = [x / n, y / n, z / n];
  let raOut = Math.atan2(unit[1], unit[0]) * RAD_TO_DEG;
  if (raOut < 0) raOut += 360;
  const decOut = Math.asin(Math.max(-1, Math.min(1, unit[2]))) * RAD_TO_DEG;

  // Parallax error moves the star along the parallax factor of the observer's offset.
  let plxRa = 0, plxDec = 0;
  if (plx > 0 && observerSsbPositionKm && star.parallaxErrorMas !== null) {
    const e = [observerSsbPositionKm[0]! / AU_KM, observerSsbPositionKm[1]! / AU_KM, observerSsbPositionKm[2]! / AU_KM];
    plxRa = star.parallaxErrorMas * (e[0]! * p[0] + e[1]! * p[1]);
    plxDec = star.parallaxErrorMas * (e[0]! * q[0] + e[1]! * q[1] + e[2]! * q[2]);
  }
  const grow = (s0: number | null, sMu: number | null, rho: number | null, extra: number): number => {
    if (s0 === null) return NaN;
    const m = hasPm && sMu !== null ? sMu * dtYears : 0;
    return Math.sqrt(Math.max(0, s0 * s0 + 2 * (rho ?? 0) * s0 * m + m * m + extra * extra));
  };
  return {
    raDeg: raOut,
    decDeg: decOut,
    unit,
    raErrorMas: grow(star.raErrorMas, star.pmraErrorMasPerYr, star.raPmraCorr, plxRa),
    decErrorMas: grow(star.decErrorMas, star.pmdecErrorMasPerYr, star.decPmdecCorr, plxDec),
    dtYears,
    properMotionApplied: hasPm,
    parallaxApplied: plx > 0 && observerSsbPositionKm !== undefined,
  };
}

/** Total proper motion (mas/yr), 0 when unknown. */
export function totalProperMotionMasPerYr(star: Star): number {
  return star.pmraMasPerYr === null || star.pmdecMasPerYr === null ? 0 : Math.hypot(star.pmraMasPerYr, star.pmdecMasPerYr);
}

/**
 * Stars from records with Gaia column names (database rows: numbers, bigint ids, booleans, null).
 * Same rules as the file readers (proper-motion columns required, reference epoch).
 */
export function starsFromRecords(records: ReadonlyArray<Record<string, unknown>>, options: StarCatalogOptions = {}): StarCatalog {
  const opts = optionsSchema.parse(options);
  const source = opts.source ?? "(records)";
  const names = records.length ? Object.keys(records[0]!).map((k) => k.toLowerCase()) : [];
  const keys = records.length ? Object.keys(records[0]!) : [];
  const rows = records.map((r) => keys.map((k) => (r[k] === null || r[k] === undefined ? "" : String(r[k]))));
  return buildStars({ names, rows }, { ...opts, source }, "csv");
}
