/**
 * Ephemerides: astrometric RA/Dec, distance and sky-plane rates of a target at many epochs,
 * from the geocentre, a WGS84 site or an MPC observatory code.
 * @module ephemeris
 */
export {
  computeEphemeris,
  skyRatesArcsecPerHour,
  stellarAberration,
  vectorToRaDec,
  SPEED_OF_LIGHT_KM_S,
  type Abcorr,
  type Ephemeris,
  type EphemerisModel,
  type EphemerisRequest,
} from "./compute.js";
export { EarthOrientation, EARTH_ROTATION_RAD_PER_S, type EarthFrame } from "./earth.js";
export {
  observerItrfKm,
  observerLabel,
  parseMpcObsCodes,
  parseObserver,
  CTIO_BLANCO,
  MPC_SITES,
  WGS84_FLATTENING,
  WGS84_RADIUS_KM,
  type MpcSite,
  type Observer,
} from "./observers.js";
