import { FormatError, MJD_OFFSET, calendarToJd, col, dmsToDeg, hmsToDeg, num, optNum } from "./formats.js";

/** Equinoctial elements as AstDyS writes them (`EQU`): a, h = e sin ϖ, k = e cos ϖ, p = tan(i/2) sin Ω, q = tan(i/2) cos Ω, λ. */
export interface EquinoctialElements {
  kind: "equinoctial";
  aAu: number;
  h: number;
  k: number;
  p: number;
  q: number;
  /** Mean longitude λ = M + ϖ, degrees. */
  meanLongitudeDeg: number;
}

/** Keplerian elements (`KEP`). */
export interface KeplerianElements {
  kind: "keplerian";
  aAu: number;
  e: number;
  iDeg: number;
  nodeDeg: number;
  argPerihelionDeg: number;
  meanAnomalyDeg: number;
}

/** Cometary elements (`COM`): perihelion distance and time of perihelion (MJD TDT). */
export interface CometaryElements {
  kind: "cometary";
  qAu: number;
  e: number;
  iDeg: number;
  nodeDeg: number;
  argPerihelionDeg: number;
  perihelionMjdTdb: number;
}

/** Cartesian state (`CAR`), au and au/day. */
export interface CartesianElements {
  kind: "cartesian";
  positionAu: [number, number, number];
  velocityAuPerDay: [number, number, number];
}

export type OrbitalElementSet = EquinoctialElements | KeplerianElements | CometaryElements | CartesianElements;

/** One orbit of an OEF2.0 file (AstDyS/NEODyS `.eq0`, `.ctc`, `.kep`). */
export interface Eq0Orbit {
  /** Object name as in the file (`2060`, `137295`, `2018VP1`). */
  name: string;
  format: string;
  /** `refsys` header, e.g. `ECLM J2000` (ecliptic, mean equinox J2000). */
  refsys: string;
  /**
   * Epoch, MJD. The file states TDT (TT); TT and TDB differ by less than 2 ms, below what
   * the elements resolve, so the value is used as TDB.
   */
  epochMjdTdb: number;
  /** Time scale written in the file (`TDT`). */
  epochScale: string;
  elements: OrbitalElementSet;
  /** Absolute magnitude H and slope G (`MAG`). */
  H?: number;
  G?: number;
  /** 6x6 covariance of the elements (`COV`, 21 upper-triangle values), symmetric. */
  covariance?: number[][];
  /** 6x6 normal matrix (`NOR`), symmetric. */
  normalMatrix?: number[][];
  /** Formal RMS of the elements (`! RMS` comment line). */
  rms?: number[];
  /** Non-gravitational parameters line (`LSP`: model, number in use, dimension). */
  nonGrav?: { model: number; inUse: number; dimension: number };
}

/**
 * Parses an OEF2.0 orbit file (AstDyS `.eq0`). Header `key = value ! comment` lines end at
 * `END_OF_HEADER`; then the object name and keyword lines (`EQU`/`KEP`/`COM`/`CAR`, `MJD`,
 * `MAG`, `LSP`, `COV`, `NOR`). Throws a {@link FormatError} naming the line and field.
 */
export function parseEq0(text: string, source = "eq0"): Eq0Orbit {
  const lines = text.split(/\r?\n/);
  const header: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "END_OF_HEADER") break;
    const m = /^\s*(\w+)\s*=\s*(.*?)\s*(?:!.*)?$/.exec(l);
    if (m) header[m[1]!] = m[2]!.replace(/^'(.*)'$/, "$1");
  }
  if (i >= lines.length) throw new FormatError(source, 1, "header", "no END_OF_HEADER line");
  if (header.format && !header.format.startsWith("OEF")) throw new FormatError(source, 1, "format", `'${header.format}' is not OEF`);
  let name: string | undefined;
  let elements: OrbitalElementSet | undefined;
  let epoch: { mjd: number; scale: string } | undefined;
  const out: Partial<Eq0Orbit> = {};
  const cov: number[] = [];
  const nor: number[] = [];
  for (let n = i + 1; n < lines.length; n++) {
    const l = lines[n]!;
    const where = { source, line: n + 1 };
    const t = l.trim();
    if (!t) continue;
    const rms = /^!\s*RMS\s+(.*)$/.exec(t);
    if (rms) {
      out.rms = numbers(rms[1]!, where, "RMS");
      continue;
    }
    if (t.startsWith("!")) continue;
    const [key, ...rest] = t.split(/\s+/);
    switch (key) {
      case "EQU": {
        const [a, h, k, p, q, lam] = numbers(rest.join(" "), where, "EQU", 6);
        elements = { kind: "equinoctial", aAu: a!, h: h!, k: k!, p: p!, q: q!, meanLongitudeDeg: lam! };
        break;
      }
      case "KEP": {
        const [a, e, inc, node, peri, m] = numbers(rest.join(" "), where, "KEP", 6);
        elements = { kind: "keplerian", aAu: a!, e: e!, iDeg: inc!, nodeDeg: node!, argPerihelionDeg: peri!, meanAnomalyDeg: m! };
        break;
      }
      case "COM": {
        const [q, e, inc, node, peri, tp] = numbers(rest.join(" "), where, "COM", 6);
        elements = { kind: "cometary", qAu: q!, e: e!, iDeg: inc!, nodeDeg: node!, argPerihelionDeg: peri!, perihelionMjdTdb: tp! };
        break;
      }
      case "CAR": {
        const v = numbers(rest.join(" "), where, "CAR", 6);
        elements = { kind: "cartesian", positionAu: [v[0]!, v[1]!, v[2]!], velocityAuPerDay: [v[3]!, v[4]!, v[5]!] };
        break;
      }
      case "MJD": {
        const mjd = Number(rest[0]);
        if (!Number.isFinite(mjd)) throw new FormatError(source, n + 1, "MJD", `'${rest[0] ?? ""}' is not a number`);
        epoch = { mjd, scale: rest[1] ?? "TDT" };
        break;
      }
      case "MAG": {
        const [H, G] = numbers(rest.join(" "), where, "MAG");
        out.H = H;
        out.G = G;
        break;
      }
      case "LSP": {
        const [model, inUse, dimension] = numbers(rest.join(" "), where, "LSP", 3);
        out.nonGrav = { model: model!, inUse: inUse!, dimension: dimension! };
        break;
      }
      case "COV":
        cov.push(...numbers(rest.join(" "), where, "COV"));
        break;
      case "NOR":
        nor.push(...numbers(rest.join(" "), where, "NOR"));
        break;
      default:
        if (name === undefined && rest.length === 0) name = t.replace(/^'(.*)'$/, "$1");
        else throw new FormatError(source, n + 1, key ?? "line", `unknown keyword in '${t.slice(0, 40)}'`);
    }
  }
  if (name === undefined) throw new FormatError(source, i + 2, "name", "no object name after END_OF_HEADER");
  if (!elements) throw new FormatError(source, i + 2, "elements", "no EQU/KEP/COM/CAR line");
  if (!epoch) throw new FormatError(source, i + 2, "MJD", "no epoch line");
  if (cov.length && cov.length !== 21) throw new FormatError(source, i + 2, "COV", `${cov.length} values, expected 21 (upper triangle of 6x6)`);
  if (nor.length && nor.length !== 21) throw new FormatError(source, i + 2, "NOR", `${nor.length} values, expected 21 (upper triangle of 6x6)`);
  return {
    name,
    format: header.format ?? "OEF2.0",
    refsys: header.refsys ?? "ECLM J2000",
    epochMjdTdb: epoch.mjd,
    epochScale: epoch.scale,
    elements,
    ...out,
    ...(cov.length ? { covariance: symmetricFromUpper(cov, 6) } : {}),
    ...(nor.length ? { normalMatrix: symmetricFromUpper(nor, 6) } : {}),
  };
}

function numbers(text: string, where: { source: string; line: number }, field: string, expected?: number): number[] {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  const values = parts.map(Number);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new FormatError(where.source, where.line, field, `'${parts[bad]}' is not a number`);
  if (expected !== undefined && values.length < expected) throw new FormatError(where.source, where.line, field, `${values.length} values, expected ${expected}`);
  return values;
}

/** Symmetric n x n matrix from its upper triangle given row by row. */
function symmetricFromUpper(upper: readonly number[], n: number): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let k = 0;
  for (let r = 0; r < n; r++) {
    for (let c = r; c < n; c++) {
      m[r]![c] = upper[k]!;
      m[c]![r] = upper[k]!;
      k++;
    }
  }
  return m;
}

/** Equinoctial -> Keplerian (same epoch and frame), angles in [0, 360). */
export function equinoctialToKeplerian(eq: EquinoctialElements): KeplerianElements {
  const e = Math.hypot(eq.h, eq.k);
  const iDeg = (2 * Math.atan(Math.hypot(eq.p, eq.q)) * 180) / Math.PI;
  const nodeDeg = wrap360((Math.atan2(eq.p, eq.q) * 180) / Math.PI);
  const varpiDeg = (Math.atan2(eq.h, eq.k) * 180) / Math.PI;
  return {
    kind: "keplerian",
    aAu: eq.aAu,
    e,
    iDeg,
    nodeDeg,
    argPerihelionDeg: wrap360(varpiDeg - nodeDeg),
    meanAnomalyDeg: wrap360(eq.meanLongitudeDeg - varpiDeg),
  };
}

function wrap360(deg: number): number {
  const r = deg % 360;
  return r < 0 ? r + 360 : r;
}

/** Where a non-ground observation was made from (second line of a `.rwo` record). */
export type RwoObserverPosition =
  | { kind: "satellite"; /** 1 = km, 2 = au (MPC convention). */ unit: "km" | "au"; geocentric: [number, number, number] }
  | { kind: "roving"; lonDeg: number; latDeg: number; altitudeM: number };

/** One optical observation of an AstDyS `.rwo` file, with the fit's residuals and weights. */
export interface RwoObservation {
  designation: string;
  /** `O` optical, `S` satellite-based optical (then {@link observerPosition} holds the satellite). */
  observationType: string;
  /** MPC technology code (`C` CCD, `A` photographic converted, `V` roving, `S` satellite...). */
  technology: string;
  note: string;
  /** The date as written, `YYYY MM DD.dddddd` (UTC). */
  date: string;
  jdUtc: number;
  raDeg: number;
  decDeg: number;
  /** A-priori weights and the fit's results, arcsec. */
  raRmsArcsec: number;
  decRmsArcsec: number;
  raBiasArcsec: number;
  decBiasArcsec: number;
  raResidualArcsec: number;
  decResidualArcsec: number;
  mag?: number;
  band?: string;
  magRms?: number;
  magResidual?: number;
  /** MPC star-catalogue code (`V` = Gaia DR2, `L` = ...), when given. */
  catalog?: string;
  obsCode: string;
  chi: number;
  /** Astrometry used in the fit (`A` column = 1). */
  accepted: boolean;
  /** Photometry used in the fit (`M` column = 1). */
  magAccepted: boolean;
  observerPosition?: RwoObserverPosition;
}

export interface RwoFile {
  header: Record<string, string>;
  observations: RwoObservation[];
}

/**
 * Parses an AstDyS `.rwo` file (OrbFit observation format, `version = 2`): fixed columns, one
 * 197-character line per optical observation; satellite (`s`) and roving (`v`) second lines
 * are attached to the observation before them. Radar lines are skipped.
 */
export function parseRwo(text: string, source = "rwo"): RwoFile {
  const lines = text.split(/\r?\n/);
  const header: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && lines[i]!.trim() !== "END_OF_HEADER"; i++) {
    const m = /^\s*(\w+)\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (m) header[m[1]!] = m[2]!.replace(/^'(.*)'$/, "$1");
  }
  if (i >= lines.length) throw new FormatError(source, 1, "header", "no END_OF_HEADER line");
  const observations: RwoObservation[] = [];
  for (let n = i + 1; n < lines.length; n++) {
    const l = lines[n]!;
    if (!l.trim() || l.startsWith("!")) continue;
    const where = { source, line: n + 1 };
    const tech = l[13] ?? " ";
    if (tech === "s" || tech === "v") {
      const prev = observations[observations.length - 1];
      if (!prev || col(l, 17, 34) !== prev.date.slice(0, col(l, 17, 34).length)) {
        throw new FormatError(source, n + 1, "second line", `'${tech}' line does not follow its observation`);
      }
      prev.observerPosition = tech === "s" ? satelliteLine(l, where) : rovingLine(l, where);
      continue;
    }
    const kind = l[11] ?? " ";
    if (kind !== "O" && kind !== "S") continue; // radar and other record types are not optical astrometry
    if (l.length < 197) throw new FormatError(source, n + 1, "line", `${l.length} characters, an optical .rwo line has 197`);
    const year = num(l, 17, 21, "year", where);
    const month = num(l, 22, 24, "month", where);
    const day = num(l, 25, 40, "day", where);
    const mag = optNum(l, 156, 161, "magnitude", where);
    const band = col(l, 161, 162);
    const magRms = optNum(l, 162, 168, "magnitude rms", where);
    const magResidual = optNum(l, 168, 175, "magnitude residual", where);
    const catalog = col(l, 175, 179);
    observations.push({
      designation: col(l, 0, 11),
      observationType: kind,
      technology: tech.trim(),
      note: col(l, 15, 16),
      date: `${col(l, 17, 21)} ${col(l, 22, 24)} ${col(l, 25, 40)}`,
      jdUtc: calendarToJd(year, month, day),
      raDeg: hmsToDeg(col(l, 50, 52), col(l, 53, 55), col(l, 56, 63)),
      decDeg: dmsToDeg(l.slice(103, 106), col(l, 107, 109), col(l, 110, 116)),
      raRmsArcsec: num(l, 73, 82, "RA rms", where),
      decRmsArcsec: num(l, 126, 135, "Dec rms", where),
      raBiasArcsec: num(l, 84, 93, "RA bias", where),
      decBiasArcsec: num(l, 137, 146, "Dec bias", where),
      raResidualArcsec: num(l, 93, 103, "RA residual", where),
      decResidualArcsec: num(l, 146, 156, "Dec residual", where),
      ...(mag !== undefined ? { mag } : {}),
      ...(band ? { band } : {}),
      ...(magRms !== undefined ? { magRms } : {}),
      ...(magResidual !== undefined ? { magResidual } : {}),
      ...(catalog ? { catalog } : {}),
      obsCode: col(l, 180, 183),
      chi: num(l, 183, 193, "chi", where),
      accepted: col(l, 194, 195) === "1",
      magAccepted: col(l, 196, 197) === "1",
    });
    const ra = observations[observations.length - 1]!;
    if (!(ra.raDeg >= 0 && ra.raDeg < 360) || !(Math.abs(ra.decDeg) <= 90)) throw new FormatError(source, n + 1, "RA/Dec", `out of range (${ra.raDeg}, ${ra.decDeg})`);
  }
  return { header, observations };
}

/** `s` line: ` 137295    S s   2009 11 10.22712 1   3463.3037  -5078.1253   3222.7291 250`. */
function satelliteLine(l: string, where: { source: string; line: number }): RwoObserverPosition {
  const parts = l.slice(34).trim().split(/\s+/);
  const unit = parts[0] === "2" ? "au" : "km";
  const xyz = parts.slice(1, 4).map(Number);
  if (xyz.length !== 3 || xyz.some((v) => !Number.isFinite(v))) throw new FormatError(where.source, where.line, "satellite position", `cannot read '${l.slice(34).trim()}'`);
  return { kind: "satellite", unit, geocentric: [xyz[0]!, xyz[1]!, xyz[2]!] };
}

/** `v` line: ` 2060      O v   2000 06 01.95424   4.458300  46.608600    450.0 247` (east lon, lat deg, altitude m). */
function rovingLine(l: string, where: { source: string; line: number }): RwoObserverPosition {
  const parts = l.slice(34).trim().split(/\s+/).map(Number);
  if (parts.length < 3 || parts.slice(0, 3).some((v) => !Number.isFinite(v))) throw new FormatError(where.source, where.line, "roving position", `cannot read '${l.slice(34).trim()}'`);
  return { kind: "roving", lonDeg: parts[0]!, latDeg: parts[1]!, altitudeM: parts[2]! };
}

/** AstDyS-2 server root. */
export const ASTDYS_BASE_URL = "https://newton.spacedys.com/~astdys2";

/** File name stem the legacy uses: the name without spaces. */
export function astdysFileStem(name: string): string {
  return name.replace(/\s+/g, "");
}

/**
 * AstDyS URL of an object's `.eq0` (folder `epoch`) or `.rwo` (folder `mpcobs`)
 * (legacy-orbit-trace §2.5). Numbered: `numbered/<floor(n/1000)>/<n><ext>`. Unnumbered:
 * `unumbered/<dir>/<desig><ext>`, `<dir>` = first 5 characters of the packed-space designation
 * for years ≥ 1998, first 4 for 1981-1997, first 3 + "0" for 1920-1980. Other names throw.
 */
export function astdysUrl(name: string | number, ext: ".eq0" | ".rwo", baseUrl = ASTDYS_BASE_URL): string {
  const key = ext === ".eq0" ? "epoch" : "mpcobs";
  const raw = String(name).trim();
  if (/^\d+$/.test(raw)) return `${baseUrl}/${key}/numbered/${Math.floor(Number(raw) / 1000)}/${Number(raw)}${ext}`;
  const desig = astdysFileStem(raw);
  const m = /^(\d{4})[A-Z]{2}\d*$/.exec(desig.toUpperCase());
  if (!m) throw new FormatError("astdys", 0, "name", `'${raw}' is neither a number nor a provisional designation (AstDyS has no file for it)`);
  const year = Number(m[1]);
  let dir: string;
  if (year >= 1998) dir = desig.slice(0, 5);
  else if (year >= 1981) dir = desig.slice(0, 4);
  else if (year >= 1920) dir = `${desig.slice(0, 3)}0`;
  else throw new FormatError("astdys", 0, "name", `'${raw}': AstDyS folders start in 1920`);
  return `${baseUrl}/${key}/unumbered/${dir}/${desig}${ext}`;
}

/** MJD -> JD. */
export function mjdToJd(mjd: number): number {
  return mjd + MJD_OFFSET;
}
