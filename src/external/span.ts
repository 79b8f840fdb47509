import { InputError } from "../errors.js";

/** A day-resolution time span, TDB calendar dates `YYYY-MM-DD` (both ends included, at 00:00). */
export interface DateSpan {
  start: string;
  end: string;
}

/** Horizons refuses nothing shorter, but the legacy does: spans of 32 days or less are refused. */
export const MIN_SPAN_DAYS = 32;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const J2000_MS = Date.UTC(2000, 0, 1, 12);
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A period end given as a date, an ISO date(-time) string or a year. */
export type PeriodInput = Date | string | number;

function yearOf(v: PeriodInput, field: string): number {
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new InputError(`${field}: year ${v} is not an integer`);
    return v;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new InputError(`${field}: invalid date`);
    return v.getUTCFullYear();
  }
  const m = /^\s*(\d{4})(?:-\d{2}(?:-\d{2})?)?(?:[T ].*)?$/.exec(v);
  if (!m) throw new InputError(`${field}: '${v}' is not an ISO date (YYYY-MM-DD)`);
  return Number(m[1]);
}

/**
 * The legacy SPK span (legacy-orbit-trace §2.4): 1 January of the start year minus
 * `yearsBefore` to 31 December of the end year plus `yearsAfter`.
 * `bspSpan('2012-11-10', '2019-02-28')` is 2011-01-01 .. 2020-12-31.
 */
export function bspSpan(periodStart: PeriodInput, periodEnd: PeriodInput, yearsBefore = 1, yearsAfter = 1): DateSpan {
  const span = { start: `${pad4(yearOf(periodStart, "period start") - yearsBefore)}-01-01`, end: `${pad4(yearOf(periodEnd, "period end") + yearsAfter)}-12-31` };
  checkSpan(span);
  return span;
}

/** Throws an {@link InputError} naming the problem when a span is malformed, reversed or ≤ 32 days. */
export function checkSpan(span: DateSpan): void {
  for (const k of ["start", "end"] as const) {
    const m = DATE_RE.exec(span[k]);
    if (!m || Number.isNaN(dateMs(span[k])) || new Date(dateMs(span[k])).getUTCDate() !== Number(m[3])) {
      throw new InputError(`span ${k}: '${span[k]}' is not a calendar date YYYY-MM-DD`);
    }
  }
  const days = (dateMs(span.end) - dateMs(span.start)) / 86_400_000;
  if (days <= MIN_SPAN_DAYS) throw new InputError(`span ${span.start} .. ${span.end} is ${days} days; Horizons SPKs are requested for more than ${MIN_SPAN_DAYS} days`);
}

/** Milliseconds since 1970 of a `YYYY-MM-DD` date at 00:00 (the scale does not matter at day resolution). */
export function dateMs(date: string): number {
  const m = DATE_RE.exec(date);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
}

/** TDB seconds past J2000 of 00:00 TDB on a `YYYY-MM-DD` date (how Horizons bounds its SPKs). */
export function dateToEtSeconds(date: string): number {
  const ms = dateMs(date);
  if (Number.isNaN(ms)) throw new InputError(`'${date}' is not a calendar date YYYY-MM-DD`);
  return (ms - J2000_MS) / 1000;
}

/** `2011-01-01` -> `2011-Jan-01`, the form the legacy sends to Horizons. */
export function horizonsDate(date: string): string {
  const m = DATE_RE.exec(date);
  if (!m) throw new InputError(`'${date}' is not a calendar date YYYY-MM-DD`);
  return `${m[1]}-${MONTHS[Number(m[2]) - 1]}-${m[3]}`;
}

/** Instant (ms since 1970, UTC) of a period end given as Date, ISO text or year (year: 1 January). */
export function periodMs(v: PeriodInput, field: string): number {
  if (typeof v === "number") return Date.UTC(yearOf(v, field), 0, 1);
  if (v instanceof Date) return v.getTime();
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? dateMs(v.trim()) : Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v.trim().replace(" ", "T")}Z`);
  if (Number.isNaN(t)) throw new InputError(`${field}: '${v}' is not an ISO date`);
  return t;
}

function pad4(y: number): string {
  return String(y).padStart(4, "0");
}
