/** @module occultation */
export {};
