import { z } from "zod";
import type { Queryable } from "./database.js";

/** Filter kinds of `job.json` `filter_type`. */
export const ASTEROID_FILTER_TYPES = ["name", "dynclass", "base_dynclass"] as const;
export type AsteroidFilterType = (typeof ASTEROID_FILTER_TYPES)[number];

/** Which asteroids a job runs on (`filter_type` / `filter_value` of job.json). */
export interface AsteroidFilter {
  type: AsteroidFilterType;
  value: string;
}

/** zod schema of an {@link AsteroidFilter}; errors name `filter_type` / `filter_value`. */
export const AsteroidFilterSchema = z.object({
  type: z.enum(ASTEROID_FILTER_TYPES, {
    error: (issue) => `filter_type: ${JSON.stringify(issue.input)} is not one of ${ASTEROID_FILTER_TYPES.join(", ")}`,
  }),
  value: z.string({ error: "filter_value: must be a string" }).refine((v) => v.trim().length > 0, "filter_value: must not be empty"),
});

/** A `tno_asteroid` row. */
export interface AsteroidRow {
  id: number;
  name: string;
  number: string | null;
  base_dynclass: string | null;
  dynclass: string | null;
}

/** `filter_value` of a `name` filter → trimmed names, empty entries dropped (`"a; b;"` → a, b). */
export function splitNames(value: string): string[] {
  return [...new Set(value.split(";").map((s) => s.trim()).filter((s) => s.length > 0))];
}

/** Escapes `%`, `_` and `\` so the text matches literally in `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The `tno_asteroid` query of a filter, with every value as a parameter.
 * - `name`: `name = ANY($1)` over the `;` list, trimmed.
 * - `dynclass`: the class and its subclasses: `dynclass = $1 OR dynclass LIKE $2` with
 *   `$2 = <value>>%` (SkyBoT classes are `>`-separated paths, e.g. `KBO>Classical>Main`), so
 *   `KBO>Classical` matches `KBO>Classical` and `KBO>Classical>Main` but not `KBO>ClassicalX`.
 * - `base_dynclass`: equality.
 * Throws a ZodError naming `filter_type`/`filter_value` for anything else.
 */
export function asteroidQuery(filter: AsteroidFilter): { sql: string; params: string[] | [string[]] } {
  const { type, value } = AsteroidFilterSchema.parse(filter);
  const select = "SELECT id, name, number, base_dynclass, dynclass FROM tno_asteroid";
  switch (type) {
    case "name":
      return { sql: `${select} WHERE name = ANY($1::text[]) ORDER BY name`, params: [splitNames(value)] };
    case "dynclass": {
      const v = value.trim();
      return { sql: `${select} WHERE dynclass = $1 OR dynclass LIKE $2 ESCAPE '\\' ORDER BY name`, params: [v, `${escapeLike(v)}>%`] };
    }
    case "base_dynclass":
      return { sql: `${select} WHERE base_dynclass = $1 ORDER BY name`, params: [value.trim()] };
  }
}

/** Asteroids selected by a job filter (see {@link asteroidQuery}), ordered by name. */
export async function retrieveAsteroids(db: Queryable, filter: AsteroidFilter): Promise<AsteroidRow[]> {
  const { sql, params } = asteroidQuery(filter);
  const r = await db.query<AsteroidRow>(sql, params);
  return r.rows;
}

/** An asteroid to insert or update (by name). */
export interface AsteroidInput {
  name: string;
  number?: string | null;
  base_dynclass?: string | null;
  dynclass?: string | null;
}

/**
 * Inserts asteroids, updating number and classes of names that exist (`ON CONFLICT (name)`),
 * in one statement. Returns the rows with their ids, in input order.
 */
export async function upsertAsteroids(db: Queryable, rows: readonly AsteroidInput[]): Promise<AsteroidRow[]> {
  if (rows.length === 0) return [];
  const r = await db.query<AsteroidRow>(
    `INSERT INTO tno_asteroid (name, number, base_dynclass, dynclass)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (name) DO UPDATE SET number = EXCLUDED.number, base_dynclass = EXCLUDED.base_dynclass, dynclass = EXCLUDED.dynclass
     RETURNING id, name, number, base_dynclass, dynclass`,
    [rows.map((a) => a.name), rows.map((a) => a.number ?? null), rows.map((a) => a.base_dynclass ?? null), rows.map((a) => a.dynclass ?? null)],
  );
  const byName = new Map(r.rows.map((a) => [a.name, a]));
  return rows.map((a) => byName.get(a.name)!);
}

/**
 * Fills `tno_asteroid` from the SkyBoT positions that fall on DES CCDs (the portal's
 * `update_asteroid_table()`): one row per distinct name, updating number and classes.
 * Returns the number of rows inserted or updated.
 */
export async function refreshAsteroidsFromSkybot(db: Queryable): Promise<number> {
  const r = await db.query(
    `INSERT INTO tno_asteroid (name, number, base_dynclass, dynclass)
     SELECT DISTINCT ON (sp.name) sp.name, sp.number, sp.base_dynclass, sp.dynclass
       FROM des_skybotposition ds JOIN skybot_position sp ON ds.position_id = sp.id
      ORDER BY sp.name, sp.id DESC
     ON CONFLICT (name) DO UPDATE SET number = EXCLUDED.number, base_dynclass = EXCLUDED.base_dynclass, dynclass = EXCLUDED.dynclass`,
  );
  return r.rowCount;
}
