/**
 * The admin API's own errors, one row each, in a shape of its own so they can never be mistaken for a vendor
 * answer: `{"error": "<code>", "message": "<why>"}`. Bad input is always a 4xx row, never a 500.
 */
export const ADMIN_ERRORS = {
  'bad-request': { status: 400, title: 'The admin request is invalid.' },
  unauthorized: { status: 401, title: 'The admin token is missing or wrong.' },
  'not-found': { status: 404, title: 'No such admin resource.' },
  internal: { status: 500, title: 'The admin API failed unexpectedly.' },
} as const satisfies Record<string, { status: number; title: string }>;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

export interface AdminErrorBody {
  error: AdminErrorCode;
  message: string;
}

export class AdminError extends Error {
  readonly status: number;

  constructor(
    readonly code: AdminErrorCode,
    message: string = ADMIN_ERRORS[code].title,
  ) {
    super(message);
    this.name = 'AdminError';
    this.status = ADMIN_ERRORS[code].status;
  }

  toBody(): AdminErrorBody {
    return { error: this.code, message: this.message };
  }
}
