/** @module external */
export {};
