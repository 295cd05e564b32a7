/** Every document type the emulator recognises; a new type is one module and one line here. */
import type { DocumentType } from './document.js';
import { bankcard } from './bankcard/index.js';
import { emiratesIdCard } from './emirates-id-card/index.js';
import { passport } from './passport/index.js';

export const DOCUMENT_TYPES: readonly DocumentType[] = [passport, bankcard, emiratesIdCard];
