/** @module ephemeris */
export {};
