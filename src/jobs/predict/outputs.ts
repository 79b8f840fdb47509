/** Files of one object's prediction: `occultation_table.csv`, `occultations.json` and maps. */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { occultationTableCsv, renderPng } from "../../occultation/index.js";
import type { PredictObjectResult } from "./object.js";

/** File names written per object. */
export const OCCULTATION_TABLE_FILE = "occultation_table.csv";
export const OCCULTATIONS_JSON_FILE = "occultations.json";
export const MAPS_DIR = "maps";

export type MapFormat = "none" | "svg" | "png";

function atomicWrite(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/**
 * Writes the CSV (`;`, tno_occultation column names), the JSON (every event with full precision
 * and the run's metadata) and, when asked, one map per event (`maps/<YYYYmmddTHHMMSS>_<source_id>.svg|png`).
 * Returns the paths written.
 */
export async function writeObjectOutputs(dir: string, result: PredictObjectResult, meta: Record<string, unknown>, maps: MapFormat = "none"): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const csv = join(dir, OCCULTATION_TABLE_FILE);
  atomicWrite(csv, occultationTableCsv(result.rows));
  written.push(csv);
  const json = join(dir, OCCULTATIONS_JSON_FILE);
  const body = {
    ...meta,
    object: result.name,
    target_id: result.targetId,
    epochs: result.epochCount,
    stars: result.starCount,
    max_search_radius_arcsec: result.maxSearchRadiusArcsec,
    warnings: result.warnings,
    events: result.events.map((e, i) => ({ ...e, hash_id: result.rows[i]!.hash_id })),
  };
  atomicWrite(json, `${JSON.stringify(body, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`);
  written.push(json);
  if (maps !== "none") {
    const mapDir = join(dir, MAPS_DIR);
    mkdirSync(mapDir, { recursive: true });
    for (let i = 0; i < result.events.length; i++) {
      const svg = result.maps[i];
      if (!svg) continue;
      const ev = result.events[i]!;
      const base = join(mapDir, `${ev.utc.slice(0, 19).replace(/[-:]/g, "")}_${ev.star.sourceId}`);
      if (maps === "svg") atomicWrite(`${base}.svg`, svg), written.push(`${base}.svg`);
      else atomicWrite(`${base}.png`, await renderPng(svg)), written.push(`${base}.png`);
    }
  }
  return written;
}
