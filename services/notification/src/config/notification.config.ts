import { PlatformConfig, toBoolean, toInt } from '@tracking/config';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The service's settings. Channels are optional: without SMTP_URL (or SMS_PROVIDER_BASE_URL) the
 * service still starts, decides and logs every notification, and records each email (SMS) as
 * skipped because the channel is not configured. A channel that is half configured refuses to
 * start instead, naming what is missing.
 */
export class NotificationConfig extends PlatformConfig {
  override SERVICE_NAME = 'notification';
  override PORT = 3004;

  /** Buyers' tracking links are this base plus the order's tracking token (as order-intake builds them). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_TRACKING_BASE_URL = 'http://localhost:3006/t';

  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://...:465`; unset: email is not sent. */
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s/]+(\/.*)?$/, {
    message: 'SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]',
  })
  SMTP_URL?: string;

  /** The envelope sender and From address; the display name is the merchant's sender name. */
  @ValidateIf(
    (config: NotificationConfig) => config.SMTP_URL !== undefined || config.EMAIL_FROM !== undefined,
  )
  @IsEmail({}, { message: 'EMAIL_FROM must be an email address (required with SMTP_URL)' })
  EMAIL_FROM?: string;

  /** A Twilio-compatible Messages API, e.g. https://api.twilio.com; unset: SMS is not sent. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SMS_PROVIDER_BASE_URL?: string;

  @ValidateIf((config: NotificationConfig) => config.SMS_PROVIDER_BASE_URL !== undefined)
  @IsString({ message: 'SMS_ACCOUNT_SID is required with SMS_PROVIDER_BASE_URL' })
  SMS_ACCOUNT_SID?: string;

  /** Also the key that verifies the provider's signature on inbound replies (STOP/START). */
  @ValidateIf(
    (config: NotificationConfig) =>
      config.SMS_PROVIDER_BASE_URL !== undefined || config.SMS_AUTH_TOKEN !== undefined,
  )
  @IsString({ message: 'SMS_AUTH_TOKEN is required with SMS_PROVIDER_BASE_URL' })
  SMS_AUTH_TOKEN?: string;

  /** The sending number (E.164) or alphanumeric sender id; or use SMS_MESSAGING_SERVICE_SID. */
  @ValidateIf(
    (config: NotificationConfig) =>
      config.SMS_PROVIDER_BASE_URL !== undefined && config.SMS_MESSAGING_SERVICE_SID === undefined,
  )
  @Matches(/^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, {
    message:
      'SMS_FROM must be an E.164 number or an alphanumeric sender id (or set SMS_MESSAGING_SERVICE_SID)',
  })
  SMS_FROM?: string;

  @IsOptional()
  @IsString()
  SMS_MESSAGING_SERVICE_SID?: string;

  /**
   * The public URL the SMS provider posts replies to, exactly as configured there: its signature
   * covers the URL. Unset, the URL is rebuilt from the request (right unless a proxy rewrites it).
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SMS_INBOUND_URL?: string;

  /**
   * Lets merchant webhooks reach private, loopback, link-local and other internal addresses. Off:
   * a webhook URL set by a merchant must not reach into the network this service runs in. For
   * tests and local runs whose receivers listen on loopback.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_TARGETS = false;

  /** How long a status waits before it is sent, so a burst of statuses sends only the latest. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(HOUR)
  NOTIFICATION_COALESCE_MS = 5_000;

  /** A status that occurred longer ago than this (a backfill, a replay) is recorded, never sent. */
  @Transform(toInt)
  @IsInt()
  @Min(MINUTE)
  NOTIFICATION_MAX_EVENT_AGE_MS = 2 * DAY;

  /** The feedback request goes out this long after delivery, unless the merchant sets its own delay. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  FEEDBACK_REQUEST_DELAY_MS = 3 * DAY;

  /** Attempts per delivery before it is dead-lettered (transient failures only). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  NOTIFICATION_MAX_ATTEMPTS = 8;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  NOTIFICATION_RETRY_INITIAL_DELAY_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  NOTIFICATION_RETRY_MAX_DELAY_MS = 2 * HOUR;

  /** One SMTP transaction, SMS request or webhook call may take this long. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(5 * MINUTE)
  NOTIFICATION_SEND_TIMEOUT_MS = 15_000;

  /** How often the dispatcher looks for due messages when nothing wakes it sooner. */
  @Transform(toInt)
  @IsInt()
  @Min(20)
  NOTIFICATION_DISPATCH_INTERVAL_MS = 1_000;

  /** Messages claimed per dispatcher round. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000)
  NOTIFICATION_DISPATCH_BATCH_SIZE = 50;

  /** Messages sent at once by one replica. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  NOTIFICATION_DISPATCH_CONCURRENCY = 8;
}
