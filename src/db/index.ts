/**
 * Database layer: one {@link Database} interface over embedded PGlite (default, a folder on disk)
 * and PostgreSQL (`pg`), versioned migrations with the LIneA portal tables, and the typed SQL
 * adapters the pipelines use. Values always travel as query parameters or COPY data.
 * @module db
 */
export * from "./database.js";
export { openPglite } from "./pglite.js";
export { openPostgres, redactUrl } from "./postgres.js";
export * from "./open.js";
export * from "./migrations.js";
export * from "./asteroids.js";
export * from "./ccds.js";
export * from "./observations.js";
export * from "./occultations.js";
export * from "./jobs.js";
export * from "./csv.js";
export * from "./import.js";
