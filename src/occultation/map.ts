import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { geoCircle, geoEquirectangular, geoGraticule, geoOrthographic, geoPath, type GeoProjection } from "d3-geo";
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import type { ShadowPath, ShadowPoint } from "./shadow.js";

/** Natural Earth resolution of the `world-atlas` land polygons. */
export type LandResolution = "110m" | "50m" | "10m";
/** Land polygons (lon/lat degrees) drawn under the path. */
export type LandGeometry = FeatureCollection<Polygon | MultiPolygon> | Feature<Polygon | MultiPolygon>;

const landCache = new Map<LandResolution, LandGeometry>();

/** Natural Earth land polygons from the `world-atlas` package (read once per resolution). */
export function loadLand(resolution: LandResolution = "50m"): LandGeometry {
  let land = landCache.get(resolution);
  if (!land) {
    const file = createRequire(import.meta.url).resolve(`world-atlas/land-${resolution}.json`);
    const topology = JSON.parse(readFileSync(file, "utf8")) as Topology<{ land: GeometryCollection }>;
    land = feature(topology, topology.objects.land) as LandGeometry;
    landCache.set(resolution, land);
  }
  return land;
}

/** What the title block says about the event. Every field but the object name is optional. */
export interface OccultationMapInfo {
  /** e.g. `(10199) Chariklo`. */
  objectName: string;
  /** Star catalogue name, e.g. `Gaia DR3`. */
  starCatalog?: string;
  /** Star identifier in that catalogue (Gaia `source_id`, as a string: it exceeds 2^53). */
  starSourceId?: string;
  /** Star G magnitude. */
  gMag?: number;
  /** Star ICRS position at the event epoch. */
  starRaDeg?: number;
  starDecDeg?: number;
  /** Geocentric closest approach instant, ISO UTC. */
  closestApproachUtc: string;
  caArcsec?: number;
  paDeg?: number;
  /** Sky-plane velocity, km/s (negative = retrograde, as SORA). */
  velocityKmS?: number;
  distanceAu?: number;
  /** Free text line under the numbers (ephemeris, kernels, ...). */
  note?: string;
}

/** Options of {@link renderOccultationMapSvg}. */
export interface OccultationMapOptions {
  /** `orthographic` (default): the globe as seen from the star. `equirectangular`: a flat map. */
  projection?: "orthographic" | "equirectangular";
  /** Image width in px (default 1000). */
  widthPx?: number;
  /** Map centre; default the C/A point on the central line, else the sub-star point. */
  center?: { lonDeg: number; latDeg: number };
  /** Magnification over the whole globe (orthographic) or whole world (equirectangular); default 1. */
  zoom?: number;
  /** Land polygons; default {@link loadLand}('50m'). */
  land?: LandGeometry;
  /** Graticule spacing in degrees (default 30; 0 = none). */
  graticuleDeg?: number;
}

const STYLE = {
  font: "DejaVu Sans, Helvetica, Arial, sans-serif",
  background: "#ffffff",
  ocean: "#dce9f5",
  land: "#f4f1e6",
  coast: "#5c5c5c",
  graticule: "#9aa7b5",
  night: "#0b1a33",
  central: "#1f6f2b",
  body: "#1749a8",
  uncertainty: "#c0392b",
  tick: "#111111",
  text: "#111111",
};
const TITLE_HEIGHT_PX = 150;
const LEGEND_HEIGHT_PX = 84;
/** Minimum distance between two time labels (px); ticks closer than this are left unlabelled. */
const LABEL_SPACING_PX = 46;

/**
 * An SVG map of one occultation: land and coastlines (Natural Earth), the night side (Sun below
 * the horizon, and darker below −12°), the central line, the body limits, the limits widened by
 * the uncertainty (dashed), one dot per UTC minute on the central line with labels and a big dot
 * at the geocentric closest approach (Lucky Star's convention), and a title block. Pure: it
 * returns the SVG text.
 */
export function renderOccultationMapSvg(path: ShadowPath, info: OccultationMapInfo, options: OccultationMapOptions = {}): string {
  const width = options.widthPx ?? 1000;
  const ortho = (options.projection ?? "orthographic") === "orthographic";
  const zoom = options.zoom ?? 1;
  const mapHeight = ortho ? width : Math.round(width / 2);
  const height = TITLE_HEIGHT_PX + mapHeight + LEGEND_HEIGHT_PX;
  const center = options.center ?? path.closestApproachPoint ?? path.subStarPoint;
  const land = options.land ?? loadLand("50m");
  const top = TITLE_HEIGHT_PX;

  const projection: GeoProjection = ortho
    ? geoOrthographic()
        .rotate([-center.lonDeg, -center.latDeg])
        .scale((width / 2 - 20) * zoom)
        .translate([width / 2, top + mapHeight / 2])
        .clipAngle(90)
    : geoEquirectangular()
        .rotate([-center.lonDeg, 0])
        .center([0, zoom === 1 ? 0 : center.latDeg])
        .scale((width / (2 * Math.PI)) * zoom)
        .translate([width / 2, top + mapHeight / 2]);
  projection.clipExtent([
    [0, top],
    [width, top + mapHeight],
  ]);
  const geo = geoPath(projection).digits(2);
  const d = (g: Parameters<typeof geo>[0]) => geo(g) ?? "";

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${STYLE.font}">`,
    `<rect width="${width}" height="${height}" fill="${STYLE.background}"/>`,
    `<clipPath id="map"><rect x="0" y="${top}" width="${width}" height="${mapHeight}"/></clipPath>`,
    `<g clip-path="url(#map)">`,
    `<path d="${d({ type: "Sphere" })}" fill="${STYLE.ocean}"/>`,
    `<path d="${d(land)}" fill="${STYLE.land}" stroke="${STYLE.coast}" stroke-width="0.6" stroke-linejoin="round"/>`,
  );
  const graticuleDeg = options.graticuleDeg ?? 30;
  if (graticuleDeg > 0) {
    const grat = geoGraticule().step([graticuleDeg, graticuleDeg]).extentMinor([[-180, -90 + 1e-6], [180, 90 - 1e-6]])();
    parts.push(`<path d="${d(grat)}" fill="none" stroke="${STYLE.graticule}" stroke-width="0.5" stroke-opacity="0.7"/>`);
  }

  // Night: the cap of 90° around the antisolar point; darker where the Sun is below −12°.
  const anti: [number, number] = [path.subSolarPoint.lonDeg + 180, -path.subSolarPoint.latDeg];
  const night = geoCircle().center(anti).radius(90)();
  const deepNight = geoCircle().center(anti).radius(90 + path.nightSunAltitudeDeg)();
  parts.push(
    `<path d="${d(night)}" fill="${STYLE.night}" fill-opacity="0.22"/>`,
    `<path d="${d(deepNight)}" fill="${STYLE.night}" fill-opacity="0.16"/>`,
  );

  for (const line of path.lines) {
    if (line.points.length < 2) continue;
    const ls: LineString = { type: "LineString", coordinates: line.points.map((p) => [p.lonDeg, p.latDeg]) };
    const style =
      line.kind === "central"
        ? `stroke="${STYLE.central}" stroke-width="1.6"`
        : line.kind === "body"
          ? `stroke="${STYLE.body}" stroke-width="2.2"`
          : `stroke="${STYLE.uncertainty}" stroke-width="1.6" stroke-dasharray="9 6"`;
    parts.push(`<path d="${d(ls)}" fill="none" ${style} stroke-linecap="round" stroke-linejoin="round"/>`);
  }

  parts.push(...tickMarks(path, projection, ortho, width, top, mapHeight));
  const sub = projection([path.subStarPoint.lonDeg, path.subStarPoint.latDeg]);
  if (sub && visible(projection, path.subStarPoint.lonDeg, path.subStarPoint.latDeg, ortho)) {
    parts.push(`<path d="M${f(sub[0] - 6)},${f(sub[1])}h12M${f(sub[0])},${f(sub[1] - 6)}v12" stroke="${STYLE.text}" stroke-width="1.2"/>`);
  }
  parts.push(`</g>`);
  if (ortho && zoom === 1) parts.push(`<path d="${d({ type: "Sphere" })}" fill="none" stroke="#4a5a6a" stroke-width="1"/>`);
  else parts.push(`<rect x="0.5" y="${top + 0.5}" width="${width - 1}" height="${mapHeight - 1}" fill="none" stroke="#4a5a6a"/>`);

  parts.push(...titleBlock(path, info, width));
  parts.push(...legend(path, width, top + mapHeight));
  parts.push(`</svg>`);
  return parts.join("\n");
}

/** Renders an SVG to PNG bytes with resvg (system fonts; DejaVu Sans preferred). */
export async function renderPng(svg: string, options: { widthPx?: number } = {}): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    ...(options.widthPx ? { fitTo: { mode: "width" as const, value: options.widthPx } } : {}),
  });
  return new Uint8Array(resvg.render().asPng());
}

function tickMarks(path: ShadowPath, projection: GeoProjection, ortho: boolean, width: number, top: number, mapHeight: number): string[] {
  const out: string[] = [];
  const central = path.lines.find((l) => l.kind === "central")?.points ?? [];
  const inMap = (xy: [number, number]) => xy[0] >= 0 && xy[0] <= width && xy[1] >= top && xy[1] <= top + mapHeight;
  let lastLabel: [number, number] | undefined;
  for (const p of path.ticks) {
    if (!visible(projection, p.lonDeg, p.latDeg, ortho)) continue;
    const xy = projection([p.lonDeg, p.latDeg]);
    if (!xy || !inMap(xy)) continue;
    out.push(`<circle cx="${f(xy[0])}" cy="${f(xy[1])}" r="3.2" fill="${STYLE.tick}"/>`);
    if (lastLabel && Math.hypot(xy[0] - lastLabel[0], xy[1] - lastLabel[1]) < LABEL_SPACING_PX) continue;
    // Label on the side of the track away from its direction of travel's left-hand normal.
    const [nx, ny] = screenNormal(projection, central, p);
    const lx = xy[0] + nx * 16;
    const ly = xy[1] + ny * 16;
    const anchor = nx > 0.3 ? "start" : nx < -0.3 ? "end" : "middle";
    out.push(
      `<text x="${f(lx)}" y="${f(ly + 4)}" font-size="13" text-anchor="${anchor}" fill="${STYLE.text}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${utcClock(p.etSeconds - path.etMinusUtcSeconds, false)}</text>`,
    );
    lastLabel = xy;
  }
  const ca = path.closestApproachPoint;
  if (ca && visible(projection, ca.lonDeg, ca.latDeg, ortho)) {
    const xy = projection([ca.lonDeg, ca.latDeg]);
    if (xy && inMap(xy)) out.push(`<circle cx="${f(xy[0])}" cy="${f(xy[1])}" r="7.5" fill="${STYLE.tick}" stroke="#ffffff" stroke-width="1.5"/>`);
    if (xy && inMap(xy)) out.push(...arrow(projection, central, ca, xy));
  }
  return out;
}

/** Arrow after the C/A dot showing the direction of motion of the shadow. */
function arrow(projection: GeoProjection, central: ShadowPoint[], ca: ShadowPoint, xy: [number, number]): string[] {
  const later = central.find((p) => p.etSeconds > ca.etSeconds + 20);
  const next = later ? projection([later.lonDeg, later.latDeg]) : null;
  if (!next) return [];
  const dx = next[0] - xy[0];
  const dy = next[1] - xy[1];
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return [];
  const ux = dx / len;
  const uy = dy / len;
  // Beside the track, ahead of the dot, on the side opposite to the labels.
  const ox = xy[0] + ux * 20 + uy * 24;
  const oy = xy[1] + uy * 20 - ux * 24;
  const tip: [number, number] = [ox + ux * 30, oy + uy * 30];
  const w1: [number, number] = [tip[0] - ux * 10 - uy * 5, tip[1] - uy * 10 + ux * 5];
  const w2: [number, number] = [tip[0] - ux * 10 + uy * 5, tip[1] - uy * 10 - ux * 5];
  return [
    `<path d="M${f(ox)},${f(oy)}L${f(tip[0])},${f(tip[1])}" stroke="${STYLE.text}" stroke-width="1.6"/>`,
    `<path d="M${f(tip[0])},${f(tip[1])}L${f(w1[0])},${f(w1[1])}L${f(w2[0])},${f(w2[1])}Z" fill="${STYLE.text}"/>`,
  ];
}

/** Unit normal (screen) to the central line at a tick, on its right-hand side. */
function screenNormal(projection: GeoProjection, central: ShadowPoint[], p: ShadowPoint): [number, number] {
  const i = central.findIndex((q) => q.etSeconds >= p.etSeconds);
  const a = central[Math.max(0, i - 1)];
  const b = central[Math.min(central.length - 1, Math.max(i, 0) + 1)];
  const pa = a && projection([a.lonDeg, a.latDeg]);
  const pb = b && projection([b.lonDeg, b.latDeg]);
  if (!pa || !pb) return [0, -1];
  const dx = pb[0] - pa[0];
  const dy = pb[1] - pa[1];
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return [0, -1];
  return [-dy / len, dx / len];
}

/** Whether a point is on the visible hemisphere (orthographic) or always (flat maps). */
function visible(projection: GeoProjection, lonDeg: number, latDeg: number, ortho: boolean): boolean {
  if (!ortho) return true;
  const [l0, p0] = projection.rotate();
  const r = Math.PI / 180;
  const lat0 = -p0 * r;
  const cosC = Math.sin(lat0) * Math.sin(latDeg * r) + Math.cos(lat0) * Math.cos(latDeg * r) * Math.cos((lonDeg + l0) * r);
  return cosC >= 0;
}

function titleBlock(path: ShadowPath, info: OccultationMapInfo, width: number): string[] {
  const lines: string[] = [];
  const star = [info.starCatalog ?? "", info.starSourceId ?? ""].filter(Boolean).join(" ");
  const g = info.gMag !== undefined ? `G ${info.gMag.toFixed(2)}` : "";
  const pos = info.starRaDeg !== undefined && info.starDecDeg !== undefined ? `${raHms(info.starRaDeg)} ${decDms(info.starDecDeg)} (ICRS at epoch)` : "";
  lines.push(`<text x="20" y="34" font-size="24" font-weight="bold" fill="${STYLE.text}">${esc(info.objectName)} occults ${esc(star || "a star")}</text>`);
  lines.push(`<text x="20" y="62" font-size="16" fill="${STYLE.text}">${esc([g, pos].filter(Boolean).join("   "))}</text>`);
  const nums = [
    `${esc(info.closestApproachUtc.replace("T", " "))} UTC`,
    info.caArcsec !== undefined ? `C/A ${info.caArcsec.toFixed(3)}″ (${path.fundamentalPlane.distanceKm.toFixed(0)} km)` : `C/A ${path.fundamentalPlane.distanceKm.toFixed(0)} km`,
    info.paDeg !== undefined ? `P/A ${info.paDeg.toFixed(2)}°` : "",
    info.velocityKmS !== undefined ? `vel ${signed(info.velocityKmS, 2)} km/s` : "",
    info.distanceAu !== undefined ? `Δ ${info.distanceAu.toFixed(3)} au` : "",
  ].filter(Boolean);
  lines.push(`<text x="20" y="90" font-size="16" fill="${STYLE.text}">${nums.join("   ")}</text>`);
  const sub = path.subStarPoint;
  const geo = `Sub-star point ${lonText(sub.lonDeg)} ${latText(sub.latDeg)}   shadow ${path.fundamentalPlane.speedKmS.toFixed(2)} km/s in the fundamental plane`;
  lines.push(`<text x="20" y="116" font-size="14" fill="${STYLE.text}">${esc(geo)}</text>`);
  if (info.note) lines.push(`<text x="20" y="138" font-size="12" fill="#444444">${esc(info.note)}</text>`);
  lines.push(`<line x1="0" y1="${TITLE_HEIGHT_PX - 0.5}" x2="${width}" y2="${TITLE_HEIGHT_PX - 0.5}" stroke="#4a5a6a"/>`);
  return lines;
}

function legend(path: ShadowPath, width: number, y0: number): string[] {
  const out: string[] = [];
  const y = y0 + 26;
  const item = (x: number, stroke: string, label: string) => {
    out.push(`<path d="M${x},${y}h34" ${stroke} fill="none"/>`);
    out.push(`<text x="${x + 42}" y="${y + 5}" font-size="14" fill="${STYLE.text}">${esc(label)}</text>`);
  };
  item(20, `stroke="${STYLE.central}" stroke-width="1.6"`, "central line");
  item(180, `stroke="${STYLE.body}" stroke-width="2.2"`, `body limits (Ø ${path.diameterKm.toFixed(0)} km)`);
  if (path.uncertaintyKm > 0) item(470, `stroke="${STYLE.uncertainty}" stroke-width="1.6" stroke-dasharray="9 6"`, `limits ± ${path.uncertaintyKm.toFixed(0)} km uncertainty`);
  const y2 = y + 30;
  out.push(`<circle cx="28" cy="${y2}" r="3.2" fill="${STYLE.tick}"/>`);
  out.push(`<text x="40" y="${y2 + 5}" font-size="14" fill="${STYLE.text}">one dot per minute (UTC)</text>`);
  out.push(`<circle cx="250" cy="${y2}" r="7.5" fill="${STYLE.tick}"/>`);
  out.push(`<text x="264" y="${y2 + 5}" font-size="14" fill="${STYLE.text}">geocentric C/A</text>`);
  out.push(`<rect x="400" y="${y2 - 8}" width="24" height="16" fill="${STYLE.night}" fill-opacity="0.22"/>`);
  out.push(
    `<text x="432" y="${y2 + 5}" font-size="14" fill="${STYLE.text}">night (darker: Sun below ${signed(path.nightSunAltitudeDeg, 0)}°)   + sub-star point</text>`,
  );
  void width;
  return out;
}

function utcClock(utcSecondsPastJ2000: number, withSeconds: boolean): string {
  const ms = Date.UTC(2000, 0, 1, 12) + Math.round(utcSecondsPastJ2000 * 1000);
  const iso = new Date(ms).toISOString();
  return withSeconds ? iso.slice(11, 19) : iso.slice(11, 16);
}

function raHms(raDeg: number): string {
  const totalMs = Math.round((((raDeg % 360) + 360) % 360) / 15 * 3600 * 1e4);
  const h = Math.floor(totalMs / 3.6e7);
  const m = Math.floor((totalMs % 3.6e7) / 6e5);
  const s = (totalMs % 6e5) / 1e4;
  return `${pad(h)}h${pad(m)}m${s.toFixed(4).padStart(7, "0")}s`;
}

function decDms(decDeg: number): string {
  const sign = decDeg < 0 ? "−" : "+";
  const total = Math.round(Math.abs(decDeg) * 3600 * 1e3);
  const d = Math.floor(total / 3.6e6);
  const m = Math.floor((total % 3.6e6) / 6e4);
  const s = (total % 6e4) / 1e3;
  return `${sign}${pad(d)}°${pad(m)}′${s.toFixed(3).padStart(6, "0")}″`;
}

function lonText(lonDeg: number): string {
  const l = ((lonDeg + 540) % 360) - 180;
  return `${Math.abs(l).toFixed(2)}°${l < 0 ? "W" : "E"}`;
}
function latText(latDeg: number): string {
  return `${Math.abs(latDeg).toFixed(2)}°${latDeg < 0 ? "S" : "N"}`;
}
/** Fixed decimals with a typographic minus sign. */
function signed(x: number, digits: number): string {
  return x.toFixed(digits).replace("-", "−");
}
function pad(n: number): string {
  return String(n).padStart(2, "0");
}
function f(x: number): string {
  return x.toFixed(1);
}
function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

