import { HttpException, HttpStatus } from '@nestjs/common';
import { type ErrorCode, type FieldViolation, isRetriable, TrackingError } from '@tracking/errors';

/**
 * Codes of a problem body: the platform's error codes plus the HTTP-only refusals that have no
 * domain meaning (too large, wrong media type). Clients branch on these; add, never rename.
 */
export type ProblemCode =
  | ErrorCode
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_ACCEPTABLE'
  | 'TOO_MANY_REQUESTS'
  | 'HEADERS_TOO_LARGE';

/** RFC 9457 problem details, with the platform's `code` and per-field `errors` as extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ProblemCode;
  errors?: FieldViolation[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: HttpStatus.UNPROCESSABLE_ENTITY,
  MALFORMED_REQUEST: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  DEPENDENCY_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  // Event and configuration failures reaching HTTP are our fault, not the client's.
  MALFORMED_EVENT: HttpStatus.INTERNAL_SERVER_ERROR,
  UNKNOWN_EVENT: HttpStatus.INTERNAL_SERVER_ERROR,
  CONFIG_INVALID: HttpStatus.INTERNAL_SERVER_ERROR,
  INTERNAL: HttpStatus.INTERNAL_SERVER_ERROR,
};

const CODE_BY_STATUS: Partial<Record<number, ProblemCode>> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
  503: 'DEPENDENCY_UNAVAILABLE',
};

const TITLE_BY_CODE: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'The request is not valid',
  MALFORMED_REQUEST: 'The request is malformed',
  UNAUTHENTICATED: 'Authentication is required',
  FORBIDDEN: 'The credential does not allow this',
  NOT_FOUND: 'Not found',
  CONFLICT: 'The request conflicts with the current state',
  DEPENDENCY_UNAVAILABLE: 'The service is temporarily unavailable',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'The request body has an unsupported media type',
  METHOD_NOT_ALLOWED: 'The method is not allowed',
  NOT_ACCEPTABLE: 'No acceptable representation',
  TOO_MANY_REQUESTS: 'Too many requests',
  HEADERS_TOO_LARGE: 'The request line or headers are too large',
  MALFORMED_EVENT: 'Internal server error',
  UNKNOWN_EVENT: 'Internal server error',
  CONFIG_INVALID: 'Internal server error',
  INTERNAL: 'Internal server error',
};

/** Stable, dereference-free identifiers: the code is the contract, the URN just names it. */
export function problemTypeFor(code: ProblemCode): string {
  return `urn:problem-type:tracking:${code.toLowerCase().replace(/_/g, '-')}`;
}

const INTERNAL_DETAIL =
  'The service failed to handle the request. It has been logged; quote the x-request-id header when reporting it.';
const UNAVAILABLE_DETAIL =
  'A service this request depends on is unavailable. Retry after the time in the Retry-After header.';

function httpExceptionDetail(exception: HttpException, status: number, jsonLimit: string): string {
  const cause = exception.cause as { type?: string } | undefined;
  if (cause instanceof SyntaxError || cause?.type === 'entity.parse.failed') {
    return `The request body is not valid JSON: ${(cause as Error).message}`;
  }
  if (status === HttpStatus.PAYLOAD_TOO_LARGE)
    return `The request body is larger than the ${jsonLimit} limit.`;
  const body = exception.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' && message ? message : exception.message;
}

export interface RenderedProblem {
  problem: ProblemDetails;
  /** Seconds, for 503 responses. */
  retryAfter?: number;
}

/** Turns anything a request handler threw into the problem body the client sees; never exposes internals of a 5xx. */
export function renderProblem(exception: unknown, instance: string, jsonLimit: string): RenderedProblem {
  let status: number;
  let code: ProblemCode;
  let detail: string;
  let errors: FieldViolation[] | undefined;
  let retryAfter: number | undefined;

  if (exception instanceof TrackingError) {
    code = exception.code;
    status = STATUS_BY_CODE[exception.code];
    detail = exception.message;
    if (exception.violations.length > 0) errors = exception.violations;
    if (status === HttpStatus.SERVICE_UNAVAILABLE) {
      const hinted = exception.details.retryAfterSeconds;
      retryAfter = typeof hinted === 'number' && hinted > 0 ? Math.ceil(hinted) : 5;
    }
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'MALFORMED_REQUEST');
    detail = httpExceptionDetail(exception, status, jsonLimit);
    if (status === HttpStatus.SERVICE_UNAVAILABLE) retryAfter = 5;
  } else if (isRetriable(exception)) {
    // A database or broker error that passes with time (a pool exhausted at peak, a failover) reached
    // us outside a unit of work: the client should retry, not report a fault.
    status = HttpStatus.SERVICE_UNAVAILABLE;
    code = 'DEPENDENCY_UNAVAILABLE';
    detail = UNAVAILABLE_DETAIL;
    retryAfter = 5;
  } else {
    status = HttpStatus.INTERNAL_SERVER_ERROR;
    code = 'INTERNAL';
    detail = INTERNAL_DETAIL;
  }

  if (status === HttpStatus.SERVICE_UNAVAILABLE) detail = UNAVAILABLE_DETAIL;
  else if (status >= 500) {
    status = HttpStatus.INTERNAL_SERVER_ERROR;
    code = 'INTERNAL';
    detail = INTERNAL_DETAIL;
  }

  const problem: ProblemDetails = {
    type: problemTypeFor(code),
    title: TITLE_BY_CODE[code],
    status,
    detail,
    instance,
    code,
  };
  if (errors) problem.errors = errors;
  return { problem, retryAfter };
}

/**
 * The answer to a request Node's HTTP parser refused before any handler saw it (a URL or headers
 * over the server's limit, a malformed request line), written straight to the socket: the same
 * problem+json as every other refusal, instead of Node's bare status line.
 */
export function unparseableRequestResponse(parserErrorCode: string | undefined): string {
  const status = parserErrorCode === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const code: ProblemCode = status === 431 ? 'HEADERS_TOO_LARGE' : 'MALFORMED_REQUEST';
  const problem: ProblemDetails = {
    type: problemTypeFor(code),
    title: TITLE_BY_CODE[code],
    status,
    detail:
      status === 431
        ? 'The request line or headers are larger than this server accepts; send long values in the body.'
        : 'The request could not be parsed as HTTP/1.1.',
    instance: '',
    code,
  };
  const body = JSON.stringify(problem);
  return [
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
