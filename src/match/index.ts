/** @module match */
export {};
