/** @module catalog */
export {};
