/**
 * External inputs: JPL Horizons small-body SPKs, AstDyS and MPC orbits and observations, and
 * the generic kernel cache. Every fetcher sits behind a small interface so pipelines and tests
 * can inject their own.
 * @module external
 */
export * from "./errors.js";
export * from "./files.js";
export * from "./http.js";
export * from "./span.js";
export * from "./horizons.js";
export { FormatError, calendarToJd, hmsToDeg, dmsToDeg, unpackMpcNumber, unpackMpcDesignation, unpackMpcDate, MJD_OFFSET } from "./formats.js";
export * from "./astdys.js";
export * from "./mpc.js";
export * from "./orbits.js";
export * from "./kernels.js";
