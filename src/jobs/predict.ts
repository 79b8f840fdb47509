// Owned by the engineer building this part; see src/jobs/index.ts.
export {};
