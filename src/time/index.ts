/**
 * Time scales: UTC (ISO strings, Julian dates) to and from ET/TDB seconds past J2000 through
 * the leap-second kernel loaded in a {@link SpiceEngine}, and DES mid-exposure times.
 * @module time
 */
import { DateTime } from "luxon";
import { SpiceEngine } from "../spice/engine.js";
import { toSpiceError } from "../spice/errors.js";

/** JD of J2000.0 (2000-01-01T12:00 TDB). */
export const J2000_JD = 2451545.0;
export const SECONDS_PER_DAY = 86400;
/** Shutter overhead the legacy pipeline adds to DES exposures: mid = start + (exptime + 1.05 s)/2. */
export const DES_SHUTTER_OVERHEAD_S = 1.05;

/** A string or number that is not a time. Names the offending value. */
export class TimeParseError extends Error {
  override readonly name = "TimeParseError";
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`'${input}' is not a time: ${reason}`);
  }
}

/** A UTC instant split into whole seconds (as calendar fields) and the exact fraction digits. */
export interface UtcInstant {
  /** `YYYY-MM-DDTHH:MM:SS` in UTC, whole seconds (60 allowed during a leap second). */
  wholeSeconds: string;
  /** Fraction of second as written, e.g. `731567` (kept beyond luxon's millisecond precision). */
  fractionDigits: string;
}

const ISO_RE =
  /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * Parses an ISO-8601 UTC time (`2013-10-29T03:46:32.731567`, `2013-10-29 03:46:32.731567+00:00`,
 * `...Z`, `... UTC`, a date alone). An offset other than UTC is applied. Sub-millisecond digits
 * are kept. Throws {@link TimeParseError} for anything else.
 */
export function parseUtc(text: string): UtcInstant {
  const m = ISO_RE.exec(text);
  if (!m) throw new TimeParseError(text, "expected ISO-8601 like 2017-06-22T21:18:47.5 (UTC)");
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone] = m;
  const second = Number(s);
  if (second > 60) throw new TimeParseError(text, `second ${s} out of range`);
  const offset = !zone || /^(z|utc)$/i.test(zone) ? "UTC" : `UTC${zone.length === 3 ? `${zone}:00` : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`}`;
  // luxon validates the calendar and applies the offset; a leap second (:60) is kept verbatim.
  const dt = DateTime.fromObject(
    { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: second === 60 ? 59 : second },
    { zone: offset },
  );
  if (!dt.isValid) throw new TimeParseError(text, dt.invalidExplanation ?? dt.invalidReason ?? "invalid date");
  const utc = dt.toUTC();
  let whole = utc.toFormat("yyyy-LL-dd'T'HH:mm:ss");
  if (second === 60) {
    if (offset !== "UTC") throw new TimeParseError(text, "a leap second must be written in UTC");
    whole = `${whole.slice(0, 17)}60`;
  }
  return { wholeSeconds: whole, fractionDigits: frac };
}

/** ISO UTC string → ET (TDB seconds past J2000), through the loaded leap-second kernel. */
export function utcToEt(engine: SpiceEngine, utc: string): number {
  const t = parseUtc(utc);
  const spiceText = `${t.wholeSeconds.replace("T", " ")}${t.fractionDigits ? `.${t.fractionDigits}` : ""} UTC`;
  try {
    return engine.raw.str2et(spiceText);
  } catch (e) {
    const err = toSpiceError("str2et", e);
    if (err.short.includes("NOLEAPSECONDS")) throw new Error(`converting '${utc}' needs a leap-second kernel (naif0012.tls): load one first`);
    throw new TimeParseError(utc, `${err.short} ${err.long}`);
  }
}

/** ET → ISO UTC `YYYY-MM-DDTHH:MM:SS.sss` with `digits` decimals (default 3). */
export function etToUtc(engine: SpiceEngine, etSeconds: number, digits = 3): string {
  return engine.call("et2utc", { etSeconds }, (raw) => raw.et2utc(etSeconds, "ISOC", digits));
}

/** ET − UTC in seconds at a UTC epoch given as seconds past J2000 (ΔAT + 32.184 s + periodic terms). */
export function deltaEtUtcAtUtc(engine: SpiceEngine, utcSecondsPastJ2000: number): number {
  return engine.call("deltet", {}, (raw) => raw.deltet(utcSecondsPastJ2000, "UTC"));
}

/** Julian date in UTC → ET. */
export function jdUtcToEt(engine: SpiceEngine, jdUtc: number): number {
  if (!Number.isFinite(jdUtc)) throw new TimeParseError(String(jdUtc), "a Julian date must be a finite number");
  const utcSeconds = (jdUtc - J2000_JD) * SECONDS_PER_DAY;
  return utcSeconds + deltaEtUtcAtUtc(engine, utcSeconds);
}

/** ET → Julian date in UTC. */
export function etToJdUtc(engine: SpiceEngine, etSeconds: number): number {
  const delta = engine.call("deltet", { etSeconds }, (raw) => raw.deltet(etSeconds, "ET"));
  return J2000_JD + (etSeconds - delta) / SECONDS_PER_DAY;
}

/** Julian date in TDB → ET (no leap seconds involved). */
export function jdTdbToEt(jdTdb: number): number {
  if (!Number.isFinite(jdTdb)) throw new TimeParseError(String(jdTdb), "a Julian date must be a finite number");
  return (jdTdb - J2000_JD) * SECONDS_PER_DAY;
}

/** ET → Julian date in TDB. */
export function etToJdTdb(etSeconds: number): number {
  return J2000_JD + etSeconds / SECONDS_PER_DAY;
}

/** Julian date of a UTC calendar instant, computed from its fields (no SPICE round trip). */
export function utcToJd(utc: string): number {
  const t = parseUtc(utc);
  const [date, clock] = t.wholeSeconds.split("T") as [string, string];
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const [h, mi, s] = clock.split(":").map(Number) as [number, number, number];
  const dayMs = Date.UTC(y, mo - 1, d) / 1000;
  const seconds = h * 3600 + mi * 60 + s + (t.fractionDigits ? Number(`0.${t.fractionDigits}`) : 0);
  // Unix day 0 = JD 2440587.5.
  return 2440587.5 + dayMs / SECONDS_PER_DAY + seconds / SECONDS_PER_DAY;
}

/** Time scale of a bare Julian date or ISO string. */
export type TimeScale = "utc" | "tdb";

/**
 * One time as text: ISO-8601 or a Julian date (`2457927.38`, `JD 2457927.38`), in `scale`.
 * Returns ET. Throws {@link TimeParseError} naming the text.
 */
export function parseTimeToEt(engine: SpiceEngine, text: string, scale: TimeScale = "utc"): number {
  const trimmed = text.trim();
  const jd = /^(?:JD\s*)?(\d{6,7}(?:\.\d*)?)$/i.exec(trimmed);
  if (jd) {
    const value = Number(jd[1]);
    return scale === "tdb" ? jdTdbToEt(value) : jdUtcToEt(engine, value);
  }
  if (scale === "tdb") {
    const t = parseUtc(trimmed);
    return engine.call("str2et", {}, (raw) => raw.str2et(`${t.wholeSeconds.replace("T", " ")}${t.fractionDigits ? `.${t.fractionDigits}` : ""} TDB`));
  }
  return utcToEt(engine, trimmed);
}

/** Mid-exposure of a DES exposure. */
export interface MidExposure {
  /** Mid-exposure, ET seconds. */
  etSeconds: number;
  /** Mid-exposure, Julian date UTC. */
  jdUtc: number;
}

/**
 * DES mid-exposure: exposure start (UTC, `DATE-OBS`) + (exptime + overhead)/2, with the legacy
 * overhead of 1.05 s by default. The JD is computed exactly (the legacy's SPICE round trip was
 * off by up to 1.7 ms).
 */
export function desMidExposure(engine: SpiceEngine, dateObsUtc: string, exptimeS: number, overheadS = DES_SHUTTER_OVERHEAD_S): MidExposure {
  if (!Number.isFinite(exptimeS) || exptimeS < 0) throw new TimeParseError(String(exptimeS), "exptime must be a non-negative number of seconds");
  const halfS = (exptimeS + overheadS) / 2;
  return {
    etSeconds: utcToEt(engine, dateObsUtc) + halfS,
    jdUtc: utcToJd(dateObsUtc) + halfS / SECONDS_PER_DAY,
  };
}
