import { PlatformConfig, toInt } from '@tracking/config';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class ProductionStatusConfig extends PlatformConfig {
  override SERVICE_NAME = 'production-status';
  override PORT = 3002;

  /**
   * How long a report for an order this service has not heard of waits for the order event
   * before it is dead-lettered. Order events normally arrive within seconds.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1_000)
  AWAITING_ORDER_TIMEOUT_MS = 30 * 60_000;

  /** How often waiting reports are settled: applied once their order is known, or expired. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  AWAITING_ORDER_SWEEP_INTERVAL_MS = 10_000;

  /** Most events one batch request may carry. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  PRODUCTION_BATCH_MAX_EVENTS = 1_000;
}
