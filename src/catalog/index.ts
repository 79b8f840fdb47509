/**
 * Source catalogues: DES single-epoch CCD catalogues (FITS LDAC, CSV) and star catalogues
 * (Gaia CSV, ECSV, VOTable) with proper motion and parallax propagation.
 * @module catalog
 */
export * from "./des.js";
export * from "./gaia.js";
