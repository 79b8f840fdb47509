// Owned by the engineer building this part; see src/occultation/index.ts.
export {};
