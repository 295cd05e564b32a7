/**
 * The helpers' old path, kept for the recognition tests that still import it (they move under test/recognition/
 * later); everything else imports test/helpers/. `ScriptedEngine` is the old name of FakeEngine.
 */
export * from './helpers/index.js';
export { FakeEngine as ScriptedEngine } from './helpers/engines.js';
