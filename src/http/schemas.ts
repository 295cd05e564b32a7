/** Schemas shared by every route: the vendor error envelope. */
import { Type } from '@sinclair/typebox';

export const ErrorEnvelopeSchema = Type.Object(
  {
    error_code: Type.String(),
    error_msg: Type.String(),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'ErrorEnvelope', description: 'The vendor error envelope' },
);

/** Response entries for every error status a vendor route may answer. */
export const errorResponses = {
  '4xx': ErrorEnvelopeSchema,
  '5xx': ErrorEnvelopeSchema,
} as const;
