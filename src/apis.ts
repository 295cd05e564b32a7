/**
 * The OCR APIs' names, as the registry lists them (src/recognition/registry.ts). Every other list of APIs (the
 * config's subscriptions, the admin schemas, the sandbox page, the fixture generator) derives from this one, so a
 * new document type is one line in the registry.
 */
import { DOCUMENT_TYPES } from './recognition/registry.js';

export const API_NAMES: readonly string[] = Object.freeze(DOCUMENT_TYPES.map((document) => document.api));

/** Words a label writes in capitals. */
const ACRONYMS = new Set(['id', 'uae', 'mrz']);

/** How people read an API's name: `emirates-id-card` is "Emirates ID card". */
export function apiLabel(api: string): string {
  const words = api.split('-').map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word));
  const [first = '', ...rest] = words;
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(' ');
}
