/**
 * Matching predicted positions to detected sources: nearest source within a radius, O−C offsets.
 * @module match
 */
export * from "./observed.js";
export * from "./sphere.js";
export * from "./index-2d.js";
