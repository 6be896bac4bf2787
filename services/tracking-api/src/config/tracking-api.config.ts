import { PlatformConfig, toInt } from '@tracking/config';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class TrackingApiConfig extends PlatformConfig {
  override SERVICE_NAME = 'tracking-api';
  override PORT = 3006;

  /** Days a fulfillment centre needs from order to packing, when it has no entry of its own. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60)
  ETA_PRODUCTION_DAYS = 3;

  /** JSON object of centre id to production days, e.g. {"fc-hanoi-1": 2}. */
  @IsOptional()
  @IsString()
  ETA_PRODUCTION_DAYS_BY_CENTRE?: string;

  /**
   * JSON array of transit times, the most specific match winning:
   * [{"carrier":"ups","serviceLevel":"Ground","destinationCountry":"US","minDays":1,"maxDays":5}].
   * Entries add to, and override, the built-in table.
   */
  @IsOptional()
  @IsString()
  ETA_TRANSIT_TABLE?: string;

  /**
   * Every answer to a tracking token takes at least this long, found or not, so response times
   * do not tell a guesser which tokens exist.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000)
  TRACK_RESPONSE_FLOOR_MS = 5;

  /** Seconds between SSE keep-alive comments, under proxies' idle timeouts. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SSE_HEARTBEAT_SECONDS = 15;
}
