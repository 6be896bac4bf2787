/**
 * Every failure the platform raises on purpose has one code from this union, so logs,
 * problem+json bodies and dead-letter headers speak one vocabulary. Codes are part of
 * the public API (clients branch on them): add, never rename.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'MALFORMED_EVENT'
  | 'UNKNOWN_EVENT'
  | 'DEPENDENCY_UNAVAILABLE'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

export interface FieldViolation {
  /** Dotted path of the offending field as the client sent it, e.g. `buyer.email`. */
  field: string;
  reason: string;
}

export interface TrackingErrorOptions {
  /** Whether trying the same thing again later may succeed (a dependency was down, a lock was busy). */
  canRetry?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
  violations?: FieldViolation[];
}

/**
 * The one error base class. Properties are enumerable so pino serializes them whole;
 * `canRetry` is what consumers and the outbox relay use to choose between backing off
 * and dead-lettering.
 */
export class TrackingError extends Error {
  readonly code: ErrorCode;
  readonly canRetry: boolean;
  readonly details: Record<string, unknown>;
  readonly violations: FieldViolation[];

  constructor(code: ErrorCode, message: string, options: TrackingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.canRetry = options.canRetry ?? false;
    this.details = options.details ?? {};
    this.violations = options.violations ?? [];
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      canRetry: this.canRetry,
      details: this.details,
      violations: this.violations,
      cause:
        this.cause instanceof Error ? { name: this.cause.name, message: this.cause.message } : this.cause,
    };
  }
}

export class ValidationFailedError extends TrackingError {
  constructor(message: string, violations: FieldViolation[]) {
    super('VALIDATION_FAILED', message, { violations });
  }
}

export class NotFoundError extends TrackingError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} was not found`, { details: { resource: what, id } });
  }
}

export class ConflictError extends TrackingError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, { details });
  }
}

export class DependencyUnavailableError extends TrackingError {
  constructor(dependency: string, cause: unknown) {
    super('DEPENDENCY_UNAVAILABLE', `${dependency} is unavailable`, {
      canRetry: true,
      cause,
      details: { dependency },
    });
  }
}

const PG_TRANSIENT_MESSAGES =
  /^(timeout exceeded when trying to connect|Connection terminated unexpectedly|Connection terminated due to connection timeout)$/;

/** True for errors worth retrying: our own retriable errors and transient network/database failures. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof TrackingError) return error.canRetry;
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { retriable?: unknown; code?: unknown };
  if (candidate.retriable === true) return true; // kafkajs marks its transient errors this way
  const code = typeof candidate.code === 'string' ? candidate.code : '';
  // node-postgres raises these without a code: a pool with no free connection in time, or a
  // server that went away mid-session. Both pass once load drops or the server is back.
  if (code === '' && error instanceof Error && PG_TRANSIENT_MESSAGES.test(error.message)) return true;
  // Connection-level errors and PostgreSQL classes 08 (connection), 40 (serialization/deadlock),
  // 53 (insufficient resources), 57P (operator intervention, e.g. admin shutdown).
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(code) ||
    /^(08|40|53|57P)/.test(code)
  );
}
