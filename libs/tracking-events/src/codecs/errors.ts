import { TrackingError } from '@tracking/errors';

/**
 * A message on a topic that is not a valid envelope. Never retriable: the same bytes fail the
 * same way, so the consumer dead-letters the message with `reason` and moves on.
 */
export class EnvelopeDecodeError extends TrackingError {
  readonly reason: string;

  constructor(reason: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('MALFORMED_EVENT', `Malformed event envelope: ${reason}`, {
      canRetry: false,
      cause,
      details: { reason, ...details },
    });
    this.reason = reason;
  }
}

/** A producer tried to publish an envelope that consumers would reject. A bug, not a retry case. */
export class InvalidEnvelopeError extends TrackingError {
  readonly reason: string;

  constructor(reason: string, details: Record<string, unknown> = {}) {
    super('MALFORMED_EVENT', `Refusing to encode an invalid event envelope: ${reason}`, {
      canRetry: false,
      details: { reason, ...details },
    });
    this.reason = reason;
  }
}
