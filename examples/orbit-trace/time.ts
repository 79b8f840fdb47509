/**
 * The leap-second table (public: IERS Bulletin C) as a SPICE leap-seconds kernel, and a UTC → TDB
 * conversion written independently of SPICE, used by the demo's "truth" positions.
 */

/** TAI − UTC from each date on (IERS Bulletin C; the last leap second was 2016-12-31). */
export const LEAP_SECONDS: ReadonlyArray<readonly [number, string]> = [
  [10, "1972-01-01"], [11, "1972-07-01"], [12, "1973-01-01"], [13, "1974-01-01"], [14, "1975-01-01"],
  [15, "1976-01-01"], [16, "1977-01-01"], [17, "1978-01-01"], [18, "1979-01-01"], [19, "1980-01-01"],
  [20, "1981-07-01"], [21, "1982-07-01"], [22, "1983-07-01"], [23, "1985-07-01"], [24, "1988-01-01"],
  [25, "1990-01-01"], [26, "1991-01-01"], [27, "1992-07-01"], [28, "1993-07-01"], [29, "1994-07-01"],
  [30, "1996-01-01"], [31, "1997-07-01"], [32, "1999-01-01"], [33, "2006-01-01"], [34, "2009-01-01"],
  [35, "2012-07-01"], [36, "2015-07-01"], [37, "2017-01-01"],
];

/** SPICE's TDB − TT model constants (the DELTET variables of every NAIF leap-seconds kernel). */
export const DELTET = { deltaTA: 32.184, k: 1.657e-3, eb: 1.671e-2, m0: 6.239996, m1: 1.99096871e-7 } as const;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/**
 * A SPICE leap-seconds kernel (LSK) written from {@link LEAP_SECONDS} and {@link DELTET}. The
 * demo writes this instead of copying NAIF's naif0012.tls; both hold the same table.
 */
export function leapSecondsKernelText(): string {
  const rows = LEAP_SECONDS.map(([n, d]) => {
    const [y, m] = d.split("-");
    return `                           ${String(n).padStart(2)},   @${y}-${MONTHS[Number(m) - 1]}-1`;
  });
  return `KPL/LSK

Leap seconds kernel written by @tno/astrometry's Orbit Trace demo from the public IERS
Bulletin C table (TAI-UTC, last change 2017-01-01: 37 s) and SPICE's TDB-TT constants. It
holds the same values as NAIF's naif0012.tls.

\\begindata

DELTET/DELTA_T_A       =   ${DELTET.deltaTA.toFixed(3)}
DELTET/K               =    1.657D-3
DELTET/EB              =    1.671D-2
DELTET/M               = (  6.239996D0   1.99096871D-7 )

DELTET/DELTA_AT        = (
${rows.join("\n")} )

\\begintext
`;
}

const DAY_S = 86_400;

/** TAI − UTC (s) at a UTC instant given as Unix milliseconds. */
export function taiMinusUtc(unixMs: number): number {
  let n = 10;
  for (const [v, d] of LEAP_SECONDS) if (unixMs >= Date.parse(`${d}T00:00:00Z`)) n = v;
  return n;
}

/**
 * UTC ISO string → ET (TDB seconds past J2000): UTC + (TAI − UTC) + 32.184 s gives TT; TDB − TT
 * is SPICE's one-term model K·sin(E), E = M + EB·sin M, M = M0 + M1·(TT seconds past J2000).
 * Sub-millisecond digits are kept.
 */
export function utcIsoToEt(iso: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z?$/.exec(iso);
  if (!m) throw new Error(`utcIsoToEt: '${iso}' is not YYYY-MM-DDTHH:MM:SS[.ffffff]`);
  const unixMs = Date.parse(`${m[1]}Z`);
  const frac = m[2] ? Number(m[2]) : 0;
  const utcSecondsPastJ2000 = (unixMs - Date.UTC(2000, 0, 1, 12)) / 1000 + frac;
  const tt = utcSecondsPastJ2000 + taiMinusUtc(unixMs) + DELTET.deltaTA;
  const M = DELTET.m0 + DELTET.m1 * tt;
  return tt + DELTET.k * Math.sin(M + DELTET.eb * Math.sin(M));
}

/** UTC ISO string → Julian date (UTC). */
export function utcIsoToJd(iso: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z?$/.exec(iso);
  if (!m) throw new Error(`utcIsoToJd: '${iso}' is not YYYY-MM-DDTHH:MM:SS[.ffffff]`);
  return 2_440_587.5 + Date.parse(`${m[1]}Z`) / 1000 / DAY_S + (m[2] ? Number(m[2]) : 0) / DAY_S;
}
