/** Small helpers shared by the orbit and observation parsers (fixed columns, sexagesimal, dates). */

/** A parse failure naming the file (or source), the line and the field. */
export class FormatError extends Error {
  override readonly name = "FormatError";
  constructor(
    readonly source: string,
    readonly line: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${source}:${line}: ${field}: ${reason}`);
  }
}

/** Julian Date of a Gregorian calendar date with a fractional day (`1895 04 24.14750`), same scale as given. */
export function calendarToJd(year: number, month: number, day: number): number {
  // Date.UTC handles the proleptic Gregorian calendar for any year; the day fraction is added after.
  const wholeDay = Math.floor(day);
  const ms = Date.UTC(year, month - 1, wholeDay);
  const d = new Date(ms);
  if (year >= 0 && year < 100) d.setUTCFullYear(year);
  return d.getTime() / 86_400_000 + 2440587.5 + (day - wholeDay);
}

/** Modified Julian Date -> Julian Date. */
export const MJD_OFFSET = 2400000.5;

/** `HH MM SS.sss` -> degrees. */
export function hmsToDeg(h: string, m: string, s: string): number {
  return (Number(h) + Number(m) / 60 + Number(s) / 3600) * 15;
}

/** `sDD MM SS.ss` -> degrees; the sign is read from the text so `-00 51 31.6` stays negative. */
export function dmsToDeg(d: string, m: string, s: string): number {
  const negative = d.trim().startsWith("-");
  const v = Math.abs(Number(d)) + Number(m) / 60 + Number(s) / 3600;
  return negative ? -v : v;
}

/** Fixed-column field: trimmed text of [from, to) (0-based), "" past the end. */
export function col(line: string, from: number, to: number): string {
  return line.slice(from, to).trim();
}

/** A required number from fixed columns; throws {@link FormatError} naming the field. */
export function num(line: string, from: number, to: number, field: string, where: { source: string; line: number }): number {
  const t = col(line, from, to);
  const v = t === "" ? NaN : Number(t);
  if (!Number.isFinite(v)) throw new FormatError(where.source, where.line, field, `'${t}' (columns ${from + 1}-${to}) is not a number`);
  return v;
}

/** An optional number: undefined when blank; throws when present but not a number. */
export function optNum(line: string, from: number, to: number, field: string, where: { source: string; line: number }): number | undefined {
  return col(line, from, to) === "" ? undefined : num(line, from, to, field, where);
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** MPC packed number (`00001`, `A0001` = 100001, `~0000` = 620000) -> number, undefined when blank. */
export function unpackMpcNumber(packed: string): number | undefined {
  const p = packed.trim();
  if (!p) return undefined;
  if (/^\d+$/.test(p)) return Number(p);
  if (p.startsWith("~") && p.length === 5) {
    let v = 0;
    for (const c of p.slice(1)) v = v * 62 + BASE62.indexOf(c);
    return 620000 + v;
  }
  const lead = BASE62.indexOf(p[0]!);
  if (lead >= 10 && /^\d{4}$/.test(p.slice(1))) return lead * 10000 + Number(p.slice(1));
  return undefined;
}

/** MPC packed provisional designation (`J98Q55S` -> `1998 QS55`, `K20F030` comet style kept). */
export function unpackMpcDesignation(packed: string): string | undefined {
  const p = packed.trim();
  const m = /^([IJK])(\d{2})([A-Z])([0-9A-Za-z])(\d)([A-Z0-9])$/.exec(p);
  if (!m) return p || undefined;
  const century = { I: 18, J: 19, K: 20 }[m[1] as "I" | "J" | "K"];
  const cycle = BASE62.indexOf(m[4]!) * 10 + Number(m[5]);
  // Minor planets end in the second letter; comets end in a fragment digit/0.
  if (/[A-Z]/.test(m[6]!)) return `${century}${m[2]} ${m[3]}${m[6]}${cycle === 0 ? "" : cycle}`;
  return `${century}${m[2]} ${m[3]}${cycle}${m[6] === "0" ? "" : `-${m[6]}`}`;
}

/** MPC packed date (`K205V` = 2020-05-31) -> `{year, month, day}`. */
export function unpackMpcDate(packed: string): { year: number; month: number; day: number } | undefined {
  const m = /^([IJK])(\d{2})([1-9A-C])([1-9A-V])$/.exec(packed.trim());
  if (!m) return undefined;
  const century = { I: 18, J: 19, K: 20 }[m[1] as "I" | "J" | "K"];
  return { year: century * 100 + Number(m[2]), month: BASE62.indexOf(m[3]!), day: BASE62.indexOf(m[4]!) };
}
