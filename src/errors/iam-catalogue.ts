/**
 * Every error the fake IAM (`POST /v3/auth/tokens`) can answer, one row each: HTTP status and message. IAM is not
 * behind the OCR gateway, so its errors have Keystone's shape, `{"error": {"code", "message", "title"}}`, where
 * `code` is the HTTP status and `title` its name. The README's IAM table is tested against these rows.
 */
export interface IamErrorRow {
  readonly status: 400 | 401 | 413 | 429 | 503;
  readonly message: string;
}

export const IAM_ERROR_CATALOGUE = {
  'malformed-body': { status: 400, message: 'The request body is malformed or incomplete.' },
  'unsupported-method': { status: 400, message: 'Only the password authentication method is supported.' },
  'body-too-large': { status: 413, message: 'The request body is too large.' },
  'wrong-credentials': { status: 401, message: 'The username or password is wrong.' },
  'wrong-project': { status: 401, message: "The project in the scope does not exist or is not the user's." },
  'too-many-failures': { status: 429, message: 'Too many failed attempts for this user. Try again later.' },
  /** Who may log in is kept in Redis (`stateStore: "redis"`), and Redis cannot be reached. */
  'service-unavailable': { status: 503, message: 'The service is temporarily unavailable. Try again later.' },
} as const satisfies Record<string, IamErrorRow>;

export type IamErrorKind = keyof typeof IAM_ERROR_CATALOGUE;

/** Keystone's title for each status. */
export const IAM_TITLES = { 400: 'Bad Request', 401: 'Unauthorized', 413: 'Request Entity Too Large', 429: 'Too Many Requests', 503: 'Service Unavailable' } as const;

export interface IamErrorBody {
  error: { code: number; message: string; title: string };
}

/** The row's status and its Keystone-shaped body. */
export function iamError(kind: IamErrorKind): { status: IamErrorRow['status']; body: IamErrorBody } {
  const { status, message } = IAM_ERROR_CATALOGUE[kind];
  return { status, body: { error: { code: status, message, title: IAM_TITLES[status] } } };
}
