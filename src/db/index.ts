/** @module db */
export {};
