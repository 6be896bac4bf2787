import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

export const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
export const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  return value;
};
export const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/**
 * Variables every service reads. Defaults live here, beside the rule that checks them, so
 * README's table and the running service cannot disagree. A service extends this class
 * with its own variables.
 */
export class PlatformConfig {
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'SERVICE_NAME must be a lowercase service name' })
  SERVICE_NAME!: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL!: string;

  /** Use 1 against embedded PGlite, which cannot multiplex connections. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Run pending migrations at start, serialized across replicas by an advisory lock. */
  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_MIGRATIONS_RUN = true;

  @Transform(toList)
  @ArrayNotEmpty({ message: 'KAFKA_BROKERS must list at least one host:port' })
  @Matches(/^[^\s:]+:\d+$/, { each: true, message: 'KAFKA_BROKERS entries must be host:port' })
  KAFKA_BROKERS!: string[];

  @IsOptional()
  @IsString()
  KAFKA_CLIENT_ID?: string;

  /** Consumer group of this service's Kafka consumers; defaults to SERVICE_NAME. */
  @IsOptional()
  @IsString()
  KAFKA_CONSUMER_GROUP?: string;

  /** On in production; the local mock broker cannot serve idempotent producers. */
  @Transform(toBoolean)
  @IsBoolean()
  KAFKA_IDEMPOTENT = true;

  @Transform(toBoolean)
  @IsBoolean()
  KAFKA_SSL = false;

  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @ValidateIf((config: PlatformConfig) => config.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((config: PlatformConfig) => config.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /**
   * Longest a consumer's fetch waits for new messages. A Kafka broker answers as soon as a message
   * arrives, so this only paces idle polling there; a broker that holds every fetch for the whole
   * wait (librdkafka's mock cluster, used locally) adds up to this much to each hop.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(30_000)
  KAFKA_FETCH_MAX_WAIT_MS = 1_000;

  /** How often the outbox relay polls even without a wake-up (LISTEN/NOTIFY never replaces the poll). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_INTERVAL_MS = 500;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @ValidateIf((config: PlatformConfig) => !config.AUTH_PUBLIC_KEY)
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'set AUTH_JWKS_URL (an http(s) URL) or AUTH_PUBLIC_KEY (a PEM public key)' },
  )
  AUTH_JWKS_URL?: string;

  @ValidateIf((config: PlatformConfig) => !config.AUTH_JWKS_URL)
  @Matches(/-----BEGIN PUBLIC KEY-----/, {
    message: 'set AUTH_PUBLIC_KEY (a PEM public key) or AUTH_JWKS_URL (an http(s) URL)',
  })
  AUTH_PUBLIC_KEY?: string;

  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** How long a stopping service may spend finishing the batch in hand. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 15_000;
}
