/** @module jobs */
export {};
