/**
 * Occultation events as `tno_occultation` rows (the portal table and the legacy
 * `occultation_table.csv` header), their stable `hash_id`, and the `;`-separated CSV.
 */
import { createHash } from "node:crypto";
import type { OccultationEvent } from "./events.js";

const AU_KM = 149597870.7;

/** A value of a row cell: written as text in the CSV, as a typed value in the database. */
export type OccultationCell = string | number | boolean | null;

/** Object fields copied onto every row (the `tno_asteroid` columns the legacy copies). */
export interface OccultationObjectInfo {
  name: string;
  number?: string | number | null;
  principal_designation?: string | null;
  alias?: string | null;
  base_dynclass?: string | null;
  dynclass?: string | null;
  astorb_dynbaseclass?: string | null;
  astorb_dynsubclass?: string | null;
  h?: number | null;
  g?: number | null;
  diameter?: number | null;
  [column: string]: string | number | boolean | null | undefined;
}

/** Provenance columns. */
export interface OccultationProvenance {
  catalog?: string;
  predict_step?: number;
  bsp_source?: string;
  bsp_planetary?: string;
  leap_seconds?: string;
  job_id?: number | null;
  nima?: boolean;
}

/**
 * Columns written by {@link occultationRow}, in CSV order (all are `tno_occultation` columns).
 * The legacy `g` column is the object's G slope; the star's G is `g_star` and G* is `g_mag_vel_corrected`.
 */
export const OCCULTATION_TABLE_COLUMNS = [
  "hash_id", "name", "number", "principal_designation", "alias", "base_dynclass", "dynclass", "astorb_dynbaseclass", "astorb_dynsubclass",
  "date_time", "gaia_source_id", "ra_star_candidate", "dec_star_candidate", "ra_target", "dec_target",
  "closest_approach", "position_angle", "velocity", "delta", "g_star", "g_mag_vel_corrected", "long", "loc_t",
  "off_ra", "off_dec", "proper_motion", "e_ra", "e_dec", "pmra", "pmdec",
  "ra_star_deg", "dec_star_deg", "ra_target_deg", "dec_target_deg",
  "apparent_magnitude", "magnitude_drop", "apparent_diameter", "event_duration", "diameter",
  "instant_uncertainty", "closest_approach_uncertainty", "closest_approach_uncertainty_km", "e_ra_target", "e_dec_target",
  "moon_separation", "sun_elongation", "moon_illuminated_fraction", "h", "g",
  "occ_path_min_longitude", "occ_path_max_longitude", "occ_path_min_latitude", "occ_path_max_latitude", "occ_path_is_nightside",
  "catalog", "predict_step", "bsp_source", "bsp_planetary", "leap_seconds", "nima", "job_id",
] as const;
export type OccultationTableColumn = (typeof OCCULTATION_TABLE_COLUMNS)[number];

/**
 * Stable event id: base64url(md5("name|source_id|instant rounded to the hour")), 22 characters
 * (the legacy's length, varchar(26)). Rounding to the hour keeps the id when a new orbit or
 * kernel moves the instant by seconds or minutes; the legacy also hashed the star's sexagesimal
 * text, which changed whenever the star's propagation did (legacy bug 23), so it is left out.
 */
export function occultationHashId(objectName: string, sourceId: string, etUtcIso: string): string {
  const ms = Date.parse(etUtcIso.endsWith("Z") ? etUtcIso : `${etUtcIso}Z`);
  if (Number.isNaN(ms)) throw new Error(`occultationHashId: '${etUtcIso}' is not an ISO UTC time`);
  const hour = new Date(Math.round(ms / 3_600_000) * 3_600_000).toISOString().slice(0, 13);
  return createHash("md5").update(`${objectName}|${sourceId}|${hour}`, "utf8").digest("base64url");
}

/** Right ascension (deg) as `HH MM SS.sssss`. */
export function formatRaHms(raDeg: number, decimals = 5): string {
  const totalS = Number(((((raDeg % 360) + 360) % 360) / 15 * 3600).toFixed(decimals));
  const wrapped = totalS >= 86400 ? totalS - 86400 : totalS;
  const h = Math.floor(wrapped / 3600);
  const m = Math.floor((wrapped - h * 3600) / 60);
  const s = wrapped - h * 3600 - m * 60;
  return `${pad2(h)} ${pad2(m)} ${s.toFixed(decimals).padStart(3 + decimals, "0")}`;
}

/** Declination (deg) as `±DD MM SS.sssss`. */
export function formatDecDms(decDeg: number, decimals = 5): string {
  const sign = decDeg < 0 ? "-" : "+";
  const totalS = Number((Math.abs(decDeg) * 3600).toFixed(decimals));
  const d = Math.floor(totalS / 3600);
  const m = Math.floor((totalS - d * 3600) / 60);
  const s = totalS - d * 3600 - m * 60;
  return `${sign}${pad2(d)} ${pad2(m)} ${s.toFixed(decimals).padStart(3 + decimals, "0")}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** One event as a `tno_occultation` row. */
export function occultationRow(event: OccultationEvent, object: OccultationObjectInfo, provenance: OccultationProvenance = {}): Record<OccultationTableColumn, OccultationCell> {
  const star = event.star;
  const at = event.starAtEvent;
  const opt = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    hash_id: occultationHashId(object.name, star.sourceId, event.utc),
    name: object.name,
    number: str(object.number),
    principal_designation: str(object.principal_designation),
    alias: str(object.alias),
    base_dynclass: str(object.base_dynclass),
    dynclass: str(object.dynclass),
    astorb_dynbaseclass: str(object.astorb_dynbaseclass),
    astorb_dynsubclass: str(object.astorb_dynsubclass),
    date_time: `${event.utc}Z`,
    gaia_source_id: star.sourceId,
    ra_star_candidate: formatRaHms(at.raDeg),
    dec_star_candidate: formatDecDms(at.decDeg),
    ra_target: formatRaHms(event.objectRaDeg),
    dec_target: formatDecDms(event.objectDecDeg),
    closest_approach: event.closestApproachArcsec,
    position_angle: event.positionAngleDeg,
    velocity: event.velocityKmS,
    delta: event.distanceKm / AU_KM,
    g_star: opt(event.gMag),
    g_mag_vel_corrected: opt(event.gMagNormalized),
    long: event.subPointLongitudeDeg,
    loc_t: event.localSolarTime,
    off_ra: 0,
    off_dec: 0,
    proper_motion: at.properMotionApplied ? "ok" : "no",
    e_ra: opt(star.raErrorMas),
    e_dec: opt(star.decErrorMas),
    pmra: opt(star.pmraMasPerYr),
    pmdec: opt(star.pmdecMasPerYr),
    ra_star_deg: at.raDeg,
    dec_star_deg: at.decDeg,
    ra_target_deg: event.objectRaDeg,
    dec_target_deg: event.objectDecDeg,
    apparent_magnitude: opt(event.objectMagnitude),
    magnitude_drop: opt(event.magnitudeDrop),
    apparent_diameter: opt(event.apparentDiameterMas),
    event_duration: opt(event.durationS),
    diameter: opt(object.diameter as number | null | undefined),
    instant_uncertainty: opt(event.instantUncertaintyS),
    closest_approach_uncertainty: event.closestApproachUncertaintyMas === null ? null : event.closestApproachUncertaintyMas / 1000,
    closest_approach_uncertainty_km: opt(event.closestApproachUncertaintyKm),
    // Legacy: the target's 1σ in arcsec.
    e_ra_target: event.targetRaErrorMas === null ? null : event.targetRaErrorMas / 1000,
    e_dec_target: event.targetDecErrorMas === null ? null : event.targetDecErrorMas / 1000,
    moon_separation: opt(event.moonSeparationDeg),
    sun_elongation: opt(event.sunElongationDeg),
    moon_illuminated_fraction: opt(event.moonIlluminatedFraction),
    h: opt(object.h as number | null | undefined),
    g: opt(object.g as number | null | undefined),
    // Filled from the ground path by the caller (src/occultation/shadow.ts summarizeShadowPath).
    occ_path_min_longitude: null,
    occ_path_max_longitude: null,
    occ_path_min_latitude: null,
    occ_path_max_latitude: null,
    occ_path_is_nightside: null,
    catalog: provenance.catalog ?? null,
    predict_step: provenance.predict_step ?? null,
    bsp_source: provenance.bsp_source ?? null,
    bsp_planetary: provenance.bsp_planetary ?? null,
    leap_seconds: provenance.leap_seconds ?? null,
    nima: provenance.nima ?? null,
    job_id: provenance.job_id ?? null,
  };
}

/** Rows as the `;`-separated `occultation_table.csv` (header of column names; empty cell = null). */
export function occultationTableCsv(rows: ReadonlyArray<Record<OccultationTableColumn, OccultationCell>>): string {
  const cell = (v: OccultationCell): string => {
    if (v === null) return "";
    const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
    return /[;"\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [OCCULTATION_TABLE_COLUMNS.join(";")];
  for (const r of rows) lines.push(OCCULTATION_TABLE_COLUMNS.map((c) => cell(r[c])).join(";"));
  return `${lines.join("\n")}\n`;
}
