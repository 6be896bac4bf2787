import { TrackingError } from '@tracking/errors';
import type { Channel } from '../domain/message-kinds';

export interface EmailMessage {
  to: string;
  fromName: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  /** Stable across attempts, so a retry after an ambiguous failure can be recognized downstream. */
  messageKey: string;
}

export interface SmsMessage {
  to: string;
  body: string;
}

export interface WebhookMessage {
  url: string;
  secret: string;
  /** The Standard Webhooks message id: the same on every attempt, the receiver's idempotency key. */
  id: string;
  timestamp: Date;
  body: string;
}

export interface MessageOf {
  email: EmailMessage;
  sms: SmsMessage;
  webhook: WebhookMessage;
}

export type OutgoingMessage = { [C in Channel]: { channel: C; message: MessageOf[C] } }[Channel];

export interface SendReceipt {
  /** The provider's id for the message (SMTP Message-ID, SMS sid, webhook message id). */
  providerMessageId: string | null;
}

/**
 * A send that failed. Permanent failures (an invalid address, a hard bounce, an endpoint that
 * refuses the request) are recorded and never retried; the others are retried with backoff.
 */
export class DeliveryFailure extends TrackingError {
  readonly permanent: boolean;

  constructor(message: string, options: { permanent: boolean; cause?: unknown }) {
    super('DEPENDENCY_UNAVAILABLE', message, { canRetry: !options.permanent, cause: options.cause });
    this.permanent = options.permanent;
  }
}

/** One way of reaching someone. Adapters are immutable once built; `configured` never changes. */
export interface NotificationChannel<C extends Channel = Channel> {
  readonly id: C;
  /** False when the service runs without this channel's settings: sends are recorded as skipped. */
  readonly configured: boolean;
  /** What to set to configure the channel, for the delivery log. */
  readonly configurationHint: string;
  send(message: MessageOf[C], signal: AbortSignal): Promise<SendReceipt>;
  close?(): Promise<void> | void;
}
