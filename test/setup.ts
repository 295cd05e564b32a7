/** Loaded before every test file (vitest.config.ts `setupFiles`): closes what the helpers opened outside a test. */
import { afterAll } from 'vitest';
import { closeFileScoped } from './helpers/cleanup.js';

afterAll(closeFileScoped);
