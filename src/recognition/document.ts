/** What every document type provides; the registry lists them and the routes are built from it. */
import type { TObject, TProperties } from '@sinclair/typebox';
import type { ImageLimits } from '../image/intake.js';
import type { PreparedImage } from '../image/prepare.js';
import type { OcrEngine } from '../ocr/engine.js';

export interface RecognitionInput {
  image: PreparedImage;
  engine: OcrEngine;
  /** The injected clock's reading, for century inference and expiry. */
  now: number;
  /** Extra request fields the document type declared (e.g. `side` for the ID card). */
  options: Record<string, unknown>;
}

/** Per-field confidence, 0..1, keyed by the result's field names. */
export type Confidence = Record<string, number>;

export interface DocumentType<Result extends { confidence: Confidence } = { confidence: Confidence }> {
  /** The path segment after `/ocr/`, exactly as the vendor spells it. */
  readonly api: string;
  /** The API's name in subscription errors. */
  readonly title: string;
  readonly limits: ImageLimits;
  /** Request fields beyond `image` and `url`. */
  readonly requestFields: TProperties;
  readonly resultSchema: TObject;
  recognize(input: RecognitionInput): Promise<Result>;
}
