import { z } from "zod";
import { FormatError, calendarToJd, col, dmsToDeg, hmsToDeg, num, optNum, unpackMpcDate, unpackMpcDesignation, unpackMpcNumber } from "./formats.js";

/** One line of MPCORB.DAT (https://minorplanetcenter.net/iau/info/MPOrbitFormat.html). */
export interface MpcorbEntry {
  /** Packed designation as written (columns 1-7): `00001`, `K20F03A`. */
  packed: string;
  /** Number, when numbered. */
  number?: number;
  /** Readable designation (columns 167-194): `(1) Ceres`, `2008 RH167`. */
  readableDesignation: string;
  H?: number;
  G?: number;
  /** Epoch, packed (`K205V`) and as JD TT (00:00 TT of that date). */
  epochPacked: string;
  epochJdTt: number;
  meanAnomalyDeg: number;
  argPerihelionDeg: number;
  ascendingNodeDeg: number;
  inclinationDeg: number;
  eccentricity: number;
  meanMotionDegPerDay: number;
  semimajorAxisAu: number;
  /** Orbit uncertainty parameter U (`0`..`9`, or a letter flag). */
  uncertainty: string;
  reference: string;
  observations?: number;
  oppositions?: number;
  /** `1801-2019` for multi-opposition orbits, `30 days` for single ones. */
  arc: string;
  rmsArcsec?: number;
  perturbers: string;
  computer: string;
  /** Hex flags (columns 162-165). */
  flags: string;
  /** Date of last observation `YYYYMMDD`. */
  lastObservation: string;
}

/** Parses one MPCORB.DAT orbit line (fixed columns). Throws a {@link FormatError} naming the field. */
export function parseMpcorbLine(line: string, source = "MPCORB", lineNumber = 1): MpcorbEntry {
  const where = { source, line: lineNumber };
  if (line.length < 103) throw new FormatError(source, lineNumber, "line", `${line.length} characters, an MPCORB orbit line has at least 103`);
  const packed = col(line, 0, 7);
  const epochPacked = col(line, 20, 25);
  const epoch = unpackMpcDate(epochPacked);
  if (!epoch) throw new FormatError(source, lineNumber, "epoch", `'${epochPacked}' is not a packed date`);
  const readable = col(line, 166, 194);
  const numberFromName = /^\((\d+)\)/.exec(readable)?.[1];
  const number = unpackMpcNumber(packed.length <= 5 ? packed : "") ?? (numberFromName ? Number(numberFromName) : undefined);
  const H = optNum(line, 8, 13, "H", where);
  const G = optNum(line, 14, 19, "G", where);
  const nObs = optNum(line, 117, 122, "number of observations", where);
  const nOpp = optNum(line, 123, 126, "number of oppositions", where);
  const rms = optNum(line, 137, 141, "rms", where);
  return {
    packed,
    ...(number !== undefined ? { number } : {}),
    readableDesignation: readable || (unpackMpcDesignation(packed) ?? packed),
    ...(H !== undefined ? { H } : {}),
    ...(G !== undefined ? { G } : {}),
    epochPacked,
    epochJdTt: calendarToJd(epoch.year, epoch.month, epoch.day),
    meanAnomalyDeg: num(line, 26, 35, "mean anomaly", where),
    argPerihelionDeg: num(line, 37, 46, "argument of perihelion", where),
    ascendingNodeDeg: num(line, 48, 57, "ascending node", where),
    inclinationDeg: num(line, 59, 68, "inclination", where),
    eccentricity: num(line, 70, 79, "eccentricity", where),
    meanMotionDegPerDay: num(line, 80, 91, "mean motion", where),
    semimajorAxisAu: num(line, 92, 103, "semimajor axis", where),
    uncertainty: col(line, 105, 106),
    reference: col(line, 107, 116),
    ...(nObs !== undefined ? { observations: nObs } : {}),
    ...(nOpp !== undefined ? { oppositions: nOpp } : {}),
    arc: col(line, 127, 136),
    ...(rms !== undefined ? { rmsArcsec: rms } : {}),
    perturbers: col(line, 142, 149),
    computer: col(line, 150, 160),
    flags: col(line, 161, 165),
    lastObservation: col(line, 194, 202),
  };
}

/** Parses every orbit line of an MPCORB.DAT text (its header, up to the dashed line, is skipped). */
export function parseMpcorb(text: string, source = "MPCORB"): MpcorbEntry[] {
  const lines = text.split(/\r?\n/);
  const dashes = lines.findIndex((l) => /^-{20,}/.test(l));
  const out: MpcorbEntry[] = [];
  lines.forEach((l, i) => {
    if (i <= dashes || !l.trim()) return;
    out.push(parseMpcorbLine(l, source, i + 1));
  });
  return out;
}

/** The MPCORB entry of an object, by number or readable/packed designation. */
export function findMpcorbEntry(entries: readonly MpcorbEntry[], id: string | number): MpcorbEntry | undefined {
  const s = String(id).trim();
  if (/^\d+$/.test(s)) return entries.find((e) => e.number === Number(s));
  const norm = s.replace(/\s+/g, " ").toUpperCase();
  return entries.find((e) => e.packed.toUpperCase() === norm || e.readableDesignation.toUpperCase() === norm || e.readableDesignation.toUpperCase().endsWith(` ${norm}`));
}

/** One line of MPC's CometEls.txt (https://minorplanetcenter.net/iau/info/CometOrbitFormat.html). */
export interface CometElsEntry {
  /** Periodic comet number with its type (`0001P`), or blank. */
  periodicNumber: string;
  orbitType: string;
  /** Packed provisional designation (`J95O010`), or blank. */
  packedDesignation: string;
  perihelionJdTt: number;
  perihelionDistanceAu: number;
  eccentricity: number;
  argPerihelionDeg: number;
  ascendingNodeDeg: number;
  inclinationDeg: number;
  /** Epoch `YYYYMMDD` of the osculating elements. */
  epoch: string;
  /** Absolute magnitude and slope parameter of the total magnitude. */
  H?: number;
  G?: number;
  name: string;
  reference: string;
}

/** Parses one CometEls.txt line (fixed columns). */
export function parseCometElsLine(line: string, source = "CometEls", lineNumber = 1): CometElsEntry {
  const where = { source, line: lineNumber };
  const H = optNum(line, 90, 95, "H", where);
  const G = optNum(line, 96, 100, "G", where);
  return {
    periodicNumber: col(line, 0, 4) ? `${col(line, 0, 4)}${line[4]}` : "",
    orbitType: line[4] ?? "",
    packedDesignation: col(line, 5, 12),
    perihelionJdTt: calendarToJd(num(line, 14, 18, "perihelion year", where), num(line, 19, 21, "perihelion month", where), num(line, 22, 29, "perihelion day", where)),
    perihelionDistanceAu: num(line, 30, 39, "q", where),
    eccentricity: num(line, 41, 49, "e", where),
    argPerihelionDeg: num(line, 51, 59, "argument of perihelion", where),
    ascendingNodeDeg: num(line, 61, 69, "ascending node", where),
    inclinationDeg: num(line, 71, 79, "inclination", where),
    epoch: col(line, 81, 89),
    ...(H !== undefined ? { H } : {}),
    ...(G !== undefined ? { G } : {}),
    name: col(line, 102, 158),
    reference: col(line, 159, 168),
  };
}

/** An observation in the MPC 80-column format (https://minorplanetcenter.net/iau/info/OpticalObs.html). */
export interface MpcObservation {
  number?: number;
  /** Unpacked provisional designation, when present (`1998 QS55`). */
  provisionalDesignation?: string;
  discovery: boolean;
  note1: string;
  /** Note 2 / technology: `C` CCD, `S` satellite, `c` corrected CCD, ` ` photographic... */
  note2: string;
  /** The date as written, `YYYY MM DD.dddddd` (UTC). */
  date: string;
  jdUtc: number;
  raDeg: number;
  decDeg: number;
  mag?: number;
  band?: string;
  obsCode: string;
  /** Satellite observations: geocentric position of the observer from the second line. */
  observerPosition?: { unit: "km" | "au"; geocentric: [number, number, number] };
  /** The 80-column record (and its second line for satellite observations). */
  record: string;
}

/** Parses one 80-column observation (optionally followed by its 80-column `s` second line). */
export function parseMpc80(record: string, source = "mpc80", lineNumber = 1): MpcObservation {
  const where = { source, line: lineNumber };
  const l = record.slice(0, 80);
  if (l.length < 80) throw new FormatError(source, lineNumber, "record", `${l.length} characters, an MPC observation has 80`);
  const year = num(l, 15, 19, "year", where);
  const month = num(l, 20, 22, "month", where);
  const day = num(l, 23, 32, "day", where);
  const mag = optNum(l, 65, 70, "magnitude", where);
  const band = col(l, 70, 71);
  const obs: MpcObservation = {
    ...(unpackMpcNumber(l.slice(0, 5)) !== undefined ? { number: unpackMpcNumber(l.slice(0, 5))! } : {}),
    ...(col(l, 5, 12) ? { provisionalDesignation: unpackMpcDesignation(col(l, 5, 12))! } : {}),
    discovery: l[12] === "*",
    note1: l[13]!.trim(),
    note2: l[14]!.trim(),
    date: col(l, 15, 32),
    jdUtc: calendarToJd(year, month, day),
    raDeg: hmsToDeg(col(l, 32, 34), col(l, 35, 37), col(l, 38, 44)),
    decDeg: dmsToDeg(l.slice(44, 47), col(l, 48, 50), col(l, 51, 56)),
    ...(mag !== undefined ? { mag } : {}),
    ...(band ? { band } : {}),
    obsCode: col(l, 77, 80),
    record,
  };
  if (!Number.isFinite(obs.raDeg) || !Number.isFinite(obs.decDeg)) throw new FormatError(source, lineNumber, "RA/Dec", `cannot read '${l.slice(32, 56)}'`);
  const second = record.slice(80, 160);
  if (second.length === 80 && second[14] === "s") {
    // Columns 35-69: X, Y, Z with the sign in front of each 10-character field; column 33 = unit.
    const unit = second[32] === "2" ? "au" : "km";
    const xyz = [second.slice(34, 46), second.slice(46, 58), second.slice(58, 70)].map((f) => Number(f.replace(/\s+/g, "")));
    if (xyz.some((v) => !Number.isFinite(v))) throw new FormatError(source, lineNumber, "satellite position", `cannot read '${second.slice(34, 70)}'`);
    obs.observerPosition = { unit, geocentric: [xyz[0]!, xyz[1]!, xyz[2]!] };
  }
  return obs;
}

/** One element of the MPC observation-search JSON answer (astroquery `MPC.get_observations`). */
const MpcObservationJson = z.object({
  designation: z.string().nullable(),
  discovery_flag: z.string().nullable(),
  number: z.number().int().nullable(),
  object_type: z.string(),
  observation_date: z.string(),
  observatory_code: z.string(),
  original_record: z.string().min(80),
});
const MpcObservationsJson = z.array(MpcObservationJson);

/** A parsed MPC JSON observation: the 80-column record plus the JSON's own fields. */
export interface MpcJsonObservation extends MpcObservation {
  /** Designation under which it was reported (`1993 SX7`), from the JSON. */
  designation?: string;
  objectType: string;
}

/**
 * Parses the MPC observation-search JSON (a list of `{designation, number, observation_date,
 * observatory_code, original_record, ...}`), reading positions from `original_record` and
 * checking them against the JSON's own date and code. Validated with zod.
 */
export function parseMpcObservationsJson(text: string, source = "MPC observations JSON"): MpcJsonObservation[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FormatError(source, 1, "JSON", (e as Error).message);
  }
  const rows = MpcObservationsJson.parse(json);
  return rows.map((r, i) => {
    const obs = parseMpc80(r.original_record, source, i + 1);
    if (obs.date !== r.observation_date.trim() || obs.obsCode !== r.observatory_code) {
      throw new FormatError(source, i + 1, "original_record", `date/code '${obs.date}' ${obs.obsCode} differ from the JSON's '${r.observation_date}' ${r.observatory_code}`);
    }
    return { ...obs, ...(r.designation ? { designation: r.designation } : {}), objectType: r.object_type };
  });
}
