/**
 * The admin API's own errors, one row each, in a shape of its own so they can never be mistaken for a vendor
 * answer: `{"error": "<code>", "message": "<why>"}`. Bad input is always a 4xx row, never a 500.
 */
export const ADMIN_ERRORS = {
  'bad-request': { status: 400, title: 'The admin request is invalid.' },
  unauthorized: { status: 401, title: 'The admin token is missing or wrong.' },
  forbidden: { status: 403, title: 'The admin API refuses calls from other sites.' },
  'not-found': { status: 404, title: 'No such admin resource.' },
  'unsupported-media-type': { status: 415, title: 'Admin requests with a body must send it as application/json.' },
  internal: { status: 500, title: 'The admin API failed unexpectedly.' },
  'store-unavailable': { status: 503, title: 'The shared state store (Redis) is unreachable.' },
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
