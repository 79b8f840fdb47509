/**
 * Stellar occultations: event search along the geocentric path, event geometry, shadow paths
 * on the WGS84 Earth and maps.
 * @module occultation
 */
export * from "./events.js";
export * from "./shadow.js";
export * from "./map.js";
export * from "./table.js";
export * from "./star-index.js";
