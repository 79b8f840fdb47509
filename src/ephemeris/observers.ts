import { readFileSync } from "node:fs";

/** WGS84 equatorial radius (km) and flattening. */
export const WGS84_RADIUS_KM = 6378.137;
export const WGS84_FLATTENING = 1 / 298.257223563;
/** Earth radius in the MPC parallax constants (km). */
export const MPC_EARTH_RADIUS_KM = 6378.137;

/** Where positions are seen from. */
export type Observer =
  | { kind: "geocenter" }
  | { kind: "geodetic"; lonDeg: number; latDeg: number; heightM: number }
  | { kind: "mpc"; code: string; lonDeg: number; rhoCosPhi: number; rhoSinPhi: number; name?: string };

/** MPC parallax constants of a site: east longitude and ρcosφ′, ρsinφ′ in Earth radii. */
export interface MpcSite {
  code: string;
  lonDeg: number;
  rhoCosPhi: number;
  rhoSinPhi: number;
  name: string;
}

/** Sites built in (values from the MPC list of observatory codes). */
export const MPC_SITES: Readonly<Record<string, MpcSite>> = {
  "500": { code: "500", lonDeg: 0, rhoCosPhi: 0, rhoSinPhi: 0, name: "Geocentric" },
  W84: { code: "W84", lonDeg: 289.19358, rhoCosPhi: 0.865572, rhoSinPhi: -0.499793, name: "Cerro Tololo-DECam" },
  "807": { code: "807", lonDeg: 289.19342, rhoCosPhi: 0.86560, rhoSinPhi: -0.49980, name: "Cerro Tololo Observatory, La Serena" },
  "809": { code: "809", lonDeg: 289.26626, rhoCosPhi: 0.87344, rhoSinPhi: -0.486052, name: "European Southern Observatory, La Silla" },
};

/** CTIO Blanco as the legacy Orbit Trace job gives it: WGS84 lon east, lat (deg), height (m). */
export const CTIO_BLANCO: Observer = { kind: "geodetic", lonDeg: 289.193583333, latDeg: -30.16958333, heightM: 2202.7 };

/**
 * Parses the MPC `ObsCodes` list (fixed columns: code 1-3, longitude 4-13, ρcosφ′ 14-21,
 * ρsinφ′ 22-30, name). Lines without parallax constants (space observatories) are skipped.
 */
export function parseMpcObsCodes(text: string): Map<string, MpcSite> {
  const sites = new Map<string, MpcSite>();
  for (const line of text.split(/\r?\n/)) {
    if (line.length < 30 || /^Code/.test(line)) continue;
    const code = line.slice(0, 3);
    const lon = Number(line.slice(3, 13));
    const c = Number(line.slice(13, 21));
    const s = Number(line.slice(21, 30));
    if (!/^[0-9A-Z]{3}$/.test(code) || !line.slice(3, 13).trim() || [lon, c, s].some((v) => !Number.isFinite(v))) continue;
    sites.set(code, { code, lonDeg: lon, rhoCosPhi: c, rhoSinPhi: s, name: line.slice(30).trim() });
  }
  return sites;
}

/**
 * Resolves an observer: `geocenter` (or `500`), `lon,lat,heightM` (WGS84, east longitude), or an
 * MPC code (built in, or looked up in an MPC ObsCodes file).
 */
export function parseObserver(text: string, obsCodesFile?: string): Observer {
  const t = text.trim();
  if (/^(geocent(er|re|ric)|@?399|500)$/i.test(t)) return { kind: "geocenter" };
  const parts = t.split(",").map((p) => p.trim());
  if (parts.length === 3 && parts.every((p) => p !== "" && Number.isFinite(Number(p)))) {
    const [lonDeg, latDeg, heightM] = parts.map(Number) as [number, number, number];
    if (Math.abs(latDeg) > 90) throw new RangeError(`observer '${text}': latitude ${latDeg} is outside [-90, 90]`);
    return { kind: "geodetic", lonDeg, latDeg, heightM };
  }
  const code = t.toUpperCase();
  const site = MPC_SITES[code] ?? (obsCodesFile ? parseMpcObsCodes(readFileSync(obsCodesFile, "utf8")).get(code) : undefined);
  if (!site) {
    throw new RangeError(
      `observer '${text}' is not 'geocenter', 'lon,lat,heightM' or a known MPC code (built in: ${Object.keys(MPC_SITES).join(", ")}${obsCodesFile ? `; not in ${obsCodesFile}` : "; pass an ObsCodes file for others"})`,
    );
  }
  return { kind: "mpc", ...site };
}

/** Body-fixed (ITRF) position of an observer in km; zero for the geocentre. */
export function observerItrfKm(observer: Observer): [number, number, number] {
  switch (observer.kind) {
    case "geocenter":
      return [0, 0, 0];
    case "geodetic": {
      const lon = (observer.lonDeg * Math.PI) / 180;
      const lat = (observer.latDeg * Math.PI) / 180;
      const hKm = observer.heightM / 1000;
      const e2 = WGS84_FLATTENING * (2 - WGS84_FLATTENING);
      const n = WGS84_RADIUS_KM / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
      return [(n + hKm) * Math.cos(lat) * Math.cos(lon), (n + hKm) * Math.cos(lat) * Math.sin(lon), (n * (1 - e2) + hKm) * Math.sin(lat)];
    }
    case "mpc": {
      const lon = (observer.lonDeg * Math.PI) / 180;
      return [
        observer.rhoCosPhi * MPC_EARTH_RADIUS_KM * Math.cos(lon),
        observer.rhoCosPhi * MPC_EARTH_RADIUS_KM * Math.sin(lon),
        observer.rhoSinPhi * MPC_EARTH_RADIUS_KM,
      ];
    }
  }
}

/** A short label for logs and CSV headers. */
export function observerLabel(observer: Observer): string {
  switch (observer.kind) {
    case "geocenter":
      return "geocenter";
    case "geodetic":
      return `${observer.lonDeg},${observer.latDeg},${observer.heightM}`;
    case "mpc":
      return observer.code;
  }
}
