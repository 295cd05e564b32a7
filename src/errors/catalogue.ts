/**
 * Every vendor error code ocr-mock can answer with, one row each: HTTP status and the verbatim message.
 * The README's error table is generated from, and tested against, these rows.
 * Messages with a placeholder (`<reason>`, `XXX`, `limit:XX`) are filled by `ApiError.of(code, params)`.
 */
export interface ErrorRow {
  readonly status: number;
  readonly message: string;
}

export const ERROR_CATALOGUE = {
  'AIS.0101': { status: 400, message: 'The input parameter is invalid.' },
  'AIS.0102': { status: 400, message: 'The image format is not supported.' },
  'AIS.0103': { status: 400, message: 'The image size does not meet the requirements.' },
  'AIS.0104': { status: 400, message: 'The image is not supported or the image quality is poor.' },
  'AIS.0105': { status: 400, message: 'Recognition failed.' },
  'ModelArts.0203': { status: 401, message: 'Invalid token.' },
  'ModelArts.4101': { status: 401, message: 'Token header cannot be empty.' },
  'ModelArts.4102': { status: 401, message: 'Parse Token error.' },
  'ModelArts.4103': { status: 401, message: 'Invalid Token header.' },
  'ModelArts.4104': { status: 413, message: 'Invalid Request Content Length.' },
  'ModelArts.4105': { status: 400, message: 'The JSON format of the input data is incorrect.' },
  'ModelArts.4106': { status: 403, message: 'Invalid authorization request.' },
  'ModelArts.4107': { status: 500, message: 'Get user temp ak sk error.' },
  'ModelArts.4201': { status: 400, message: 'Request url need service id.' },
  'ModelArts.4202': { status: 400, message: 'Request url format invalid.' },
  'ModelArts.4203': { status: 403, message: 'Access denied! You do not have permission.' },
  'ModelArts.4204': { status: 403, message: 'Request api error! The API XXX is not subscribed.' },
  'ModelArts.4301': { status: 500, message: 'Have error when get ai-service admin token.' },
  'ModelArts.4302': { status: 500, message: 'Gateway forwarding error.' },
  'ModelArts.4401': { status: 429, message: 'Max concurrency error.' },
  'ModelArts.4402': { status: 504, message: 'Backend service timeout error.' },
  'ModelArts.4403': { status: 503, message: 'Backend service unavailable error.' },
  'ModelArts.4502': { status: 502, message: 'Backend service response error.' },
  'ModelArts.4503': { status: 502, message: 'Backend service found error.' },
  'ModelArts.4504': { status: 404, message: 'Backend service api not found.' },
  'ModelArts.4505': { status: 500, message: 'Backend service internal error.' },
  'ModelArts.4506': { status: 404, message: 'SubService service found error.' },
  'ModelArts.4508': { status: 503, message: 'Service not start.' },
  'ModelArts.4601': { status: 400, message: 'The URL is not allowed.' },
  'ModelArts.4603': { status: 400, message: 'Obtaining the file from the URL failed.' },
  'ModelArts.4702': { status: 400, message: 'Query Obs agency failed.' },
  'ModelArts.4703': { status: 400, message: 'The Obs URL is invalid.' },
  'ModelArts.4704': { status: 400, message: 'Obtaining the file from the OBS failed.' },
  'ModelArts.4705': { status: 400, message: 'The file stored on the OBS is oversized.' },
  'ModelArts.4706': { status: 400, message: 'The Obs file is not exist.' },
  'APIG.0101': { status: 404, message: 'The API does not exist or has not been published in the environment.' },
  'APIG.0201': { status: 504, message: 'Backend timeout.' },
  'APIG.0301': { status: 401, message: 'Incorrect IAM authentication information: <reason>' },
  'APIG.0308': {
    status: 429,
    message: 'The throttling threshold has been reached: policy user over ratelimit,limit:XX,time:1 minute',
  },
} as const satisfies Record<string, ErrorRow>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** Values for the placeholders some messages carry. */
export interface ErrorParams {
  /** APIG.0301: why IAM authentication failed, e.g. `decrypt token fail`. */
  reason?: string;
  /** ModelArts.4204: the API's name. */
  api?: string;
  /** APIG.0308: the per-minute limit. */
  limit?: number;
}

/** Gateway errors carry `request_id` in the body; the others do not. */
export function carriesRequestId(code: ErrorCode): boolean {
  return code.startsWith('APIG.');
}

function fillMessage(template: string, params: ErrorParams): string {
  let message = template;
  if (params.reason !== undefined) message = message.replace('<reason>', params.reason);
  if (params.api !== undefined) message = message.replace('XXX', params.api);
  if (params.limit !== undefined) message = message.replace('limit:XX', `limit:${params.limit}`);
  return message;
}

export class ApiError extends Error {
  readonly status: number;

  private constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_CATALOGUE[code].status;
  }

  static of(code: ErrorCode, params: ErrorParams = {}): ApiError {
    return new ApiError(code, fillMessage(ERROR_CATALOGUE[code].message, params));
  }

  /** APIG.0301 with one of the gateway's documented reasons. */
  static iam(reason: string): ApiError {
    return ApiError.of('APIG.0301', { reason });
  }
}

export interface ErrorEnvelope {
  error_code: string;
  error_msg: string;
  request_id?: string;
}

export function toEnvelope(error: ApiError, requestId: string): ErrorEnvelope {
  const envelope: ErrorEnvelope = { error_code: error.code, error_msg: error.message };
  if (carriesRequestId(error.code)) envelope.request_id = requestId;
  return envelope;
}
