/**
 * @tno/astrometry: survey observations of asteroids and TNOs (Orbit Trace) and the stellar
 * occultations they cause (Predict Occultation), on CSPICE compiled to WebAssembly.
 *
 * The numeric core (`time`, `spice`, `ephemeris`, `catalog`, `match`, `occultation`) does no
 * database or network I/O; `db`, `jobs`, `executors` and `external` are the adapters and
 * pipelines that compose it.
 * @packageDocumentation
 */
export { InputError } from "./errors.js";
export * from "./spice/index.js";
export * from "./time/index.js";
export * from "./ephemeris/index.js";
export * from "./catalog/index.js";
export * from "./match/index.js";
export * from "./occultation/index.js";
export * from "./db/index.js";
export * from "./jobs/index.js";
export * from "./executors/index.js";
export * from "./external/index.js";
