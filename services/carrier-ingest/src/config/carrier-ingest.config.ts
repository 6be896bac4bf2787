import { PlatformConfig, toInt } from '@tracking/config';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Service-wide settings. Each carrier's own (webhook secret, polling, API base URL and key, rate
 * limit) are `CARRIER_<ID>_*` variables, read by carrier-settings.ts for every adapter found.
 */
export class CarrierIngestConfig extends PlatformConfig {
  override SERVICE_NAME = 'carrier-ingest';
  override PORT = 3003;

  /** A number the carrier keeps saying it does not know becomes NOT_RECOGNIZED after this. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  NOT_RECOGNIZED_GRACE_MS = DAY;

  /** A label with no carrier scan for this long raises a "not picked up" exception. */
  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  NOT_PICKED_UP_AFTER_MS = 2 * DAY;

  /** A shipment with no carrier update for this long becomes EXPIRED and is no longer polled. */
  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  EXPIRED_AFTER_MS = 30 * DAY;

  /** How often shipments due for polling are looked for. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  POLL_TICK_MS = 5_000;

  /** Shipments polled per tick and replica. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000)
  POLL_BATCH_SIZE = 50;

  /** One carrier API request may take this long. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  POLL_TIMEOUT_MS = 10_000;

  /** Attempts per poll, with jittered backoff between them, for timeouts, 429s and 5xx. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  POLL_MAX_ATTEMPTS = 3;

  /** After repeated failures a carrier's API is left alone this long before one trial request. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CIRCUIT_RESET_MS = 30_000;

  /** How often stored webhooks are processed when nothing wakes the processor sooner. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  WEBHOOK_PROCESS_INTERVAL_MS = 1_000;

  /** Stored webhooks processed at once, each in its own transaction (bounded by the pool). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(32)
  WEBHOOK_PROCESS_CONCURRENCY = 4;

  /** How often carrier reports still unmatched although their shipment exists are applied. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  UNMATCHED_SWEEP_INTERVAL_MS = 30_000;

  /** How often shipments are checked for NOT_RECOGNIZED, not picked up and EXPIRED. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  STALE_SWEEP_INTERVAL_MS = 60_000;
}
