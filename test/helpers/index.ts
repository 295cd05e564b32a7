/** Every test helper, from one import. */
export * from './app.js';
export * from './engines.js';
export * from './expect.js';
export * from './fuzz.js';
export * from './iam.js';
export * from './images.js';
