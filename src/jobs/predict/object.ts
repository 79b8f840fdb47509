/**
 * Predict Occultation for one object on a loaded engine: events, `tno_occultation` rows, the
 * ground path summary and optional maps. Shared by the direct mode and the job tasks.
 */
import type { Star } from "../../catalog/gaia.js";
import type { Observer } from "../../ephemeris/observers.js";
import {
  occultationRow,
  predictOccultations,
  renderOccultationMapSvg,
  shadowPathForEvent,
  summarizeShadowPath,
  type OccultationCell,
  type OccultationEvent,
  type OccultationObjectInfo,
  type OccultationProvenance,
  type OccultationTableColumn,
} from "../../occultation/index.js";
import type { SpiceEngine } from "../../spice/engine.js";

/** What to predict for one object. Plain data: it crosses worker threads. */
export interface PredictObjectRequest {
  targetId: number;
  object: OccultationObjectInfo;
  startEt: number;
  endEt: number;
  stepSeconds: number;
  stars: Star[];
  observer?: Observer;
  searchRadiusArcsec?: number;
  magLimit?: number;
  diameterKm?: number;
  objectMagnitude?: number;
  ephemerisUncertaintyMas?: { raMas: number; decMas: number };
  provenance: OccultationProvenance;
  /** Draw an SVG map per event (needs an Earth orientation kernel: a PCK). */
  maps?: boolean;
}

/** A row of `tno_occultation` columns. */
export type PredictRow = Record<OccultationTableColumn, OccultationCell>;

/** Result for one object. */
export interface PredictObjectResult {
  name: string;
  targetId: number;
  events: OccultationEvent[];
  rows: PredictRow[];
  /** SVG per event (same order), when maps were asked for; undefined where the path could not be drawn. */
  maps: Array<string | undefined>;
  epochCount: number;
  starCount: number;
  maxSearchRadiusArcsec: number;
  warnings: string[];
}

/** Predicts one object's events and builds its rows (and maps). */
export function predictObject(engine: SpiceEngine, req: PredictObjectRequest): PredictObjectResult {
  const warnings: string[] = [];
  if (req.stars.length === 0) {
    return { name: req.object.name, targetId: req.targetId, events: [], rows: [], maps: [], epochCount: 0, starCount: 0, maxSearchRadiusArcsec: 0, warnings: ["no star of the catalogue lies along the path"] };
  }
  const result = predictOccultations(engine, {
    targetId: req.targetId,
    objectName: req.object.name,
    startEt: req.startEt,
    endEt: req.endEt,
    stepSeconds: req.stepSeconds,
    stars: req.stars,
    ...(req.observer ? { observer: req.observer } : {}),
    ...(req.searchRadiusArcsec !== undefined ? { searchRadiusArcsec: req.searchRadiusArcsec } : {}),
    ...(req.magLimit !== undefined ? { magLimit: req.magLimit } : {}),
    ...(req.diameterKm !== undefined ? { objectDiameterKm: req.diameterKm } : {}),
    ...(req.objectMagnitude !== undefined ? { objectMagnitude: req.objectMagnitude } : {}),
    ...(req.ephemerisUncertaintyMas ? { ephemerisUncertaintyMas: req.ephemerisUncertaintyMas } : {}),
  });
  const object = { ...req.object, diameter: req.object.diameter ?? req.diameterKm ?? null };
  const maps: Array<string | undefined> = [];
  const rows = result.events.map((ev) => {
    const row: PredictRow = occultationRow(ev, object, req.provenance);
    try {
      const path = shadowPathForEvent(engine, {
        targetId: req.targetId,
        etSeconds: ev.etSeconds,
        starRaDeg: ev.starAtEvent.raDeg,
        starDecDeg: ev.starAtEvent.decDeg,
        diameterKm: req.diameterKm ?? 0,
        uncertaintyKm: ev.closestApproachUncertaintyKm ?? 0,
      });
      const s = summarizeShadowPath(path);
      row.occ_path_min_longitude = s.minLongitudeDeg ?? null;
      row.occ_path_max_longitude = s.maxLongitudeDeg ?? null;
      row.occ_path_min_latitude = s.minLatitudeDeg ?? null;
      row.occ_path_max_latitude = s.maxLatitudeDeg ?? null;
      row.occ_path_is_nightside = s.isNightside;
      if (req.maps) {
        maps.push(
          renderOccultationMapSvg(path, {
            objectName: req.object.name,
            starCatalog: req.provenance.catalog ?? "Gaia DR3",
            starSourceId: ev.star.sourceId,
            ...(ev.gMag !== null ? { gMag: ev.gMag } : {}),
            starRaDeg: ev.starAtEvent.raDeg,
            starDecDeg: ev.starAtEvent.decDeg,
            closestApproachUtc: ev.utc,
            caArcsec: ev.closestApproachArcsec,
            paDeg: ev.positionAngleDeg,
            velocityKmS: ev.velocityKmS,
            distanceAu: ev.distanceKm / 149597870.7,
          }),
        );
      }
    } catch (e) {
      warnings.push(`${ev.utc} ${ev.star.sourceId}: no ground path (${(e as Error).message.split("\n")[0]})`);
      if (req.maps) maps.push(undefined);
    }
    return row;
  });
  return {
    name: req.object.name,
    targetId: req.targetId,
    events: result.events,
    rows,
    maps,
    epochCount: result.epochCount,
    starCount: result.starCount,
    maxSearchRadiusArcsec: result.maxSearchRadiusArcsec,
    warnings,
  };
}
