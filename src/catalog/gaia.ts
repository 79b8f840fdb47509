// Owned by the engineer building this part; see src/catalog/index.ts.
export {};
