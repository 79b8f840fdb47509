/** @module executors */
export {};
