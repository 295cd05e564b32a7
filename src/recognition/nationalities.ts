/** Kept for src/fixtures/emirates-id.ts, which imports this path; recognition uses toolkit/nationalities.ts. */
export * from './toolkit/nationalities.js';
