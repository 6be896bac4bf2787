import type { PlatformConfig } from '@tracking/config';
import { createLogger, defaultLogLevel } from '@tracking/logging';
import { Kafka, logLevel, type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';

/** The service's one kafkajs client, shared by its producer, consumer and readiness check. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** What it takes to reach the cluster; derived from PlatformConfig in services, given directly by tools. */
export interface KafkaConnectionSettings {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** kafkajs log threshold, in pino's level names. */
  logLevel?: string;
}

export function kafkaConnectionSettings(config: PlatformConfig): KafkaConnectionSettings {
  return {
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? config.SERVICE_NAME,
    ssl: config.KAFKA_SSL,
    sasl:
      config.KAFKA_SASL_MECHANISM === undefined
        ? undefined
        : {
            mechanism: config.KAFKA_SASL_MECHANISM,
            username: config.KAFKA_SASL_USERNAME ?? '',
            password: config.KAFKA_SASL_PASSWORD ?? '',
          },
    logLevel: config.LOG_LEVEL,
  };
}

const KAFKAJS_LEVEL_BY_NAME: Record<string, logLevel> = {
  silent: logLevel.NOTHING,
  fatal: logLevel.ERROR,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
  trace: logLevel.DEBUG,
};

/** kafkajs logs through the service's pino logger, so its lines carry the same fields and redaction. */
const pinoLogCreator: logCreator = () => {
  const logger = createLogger('kafkajs');
  return ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
    const line = { namespace, ...fields };
    switch (level) {
      case logLevel.ERROR:
        logger.error(line, message);
        break;
      case logLevel.WARN:
        logger.warn(line, message);
        break;
      case logLevel.INFO:
        logger.info(line, message);
        break;
      default:
        logger.debug(line, message);
    }
  };
};

/**
 * The one place a kafkajs client is built. Retries are bounded so that a send or a fetch gives
 * up within about half a minute and the caller's own backoff (the relay's per-row backoff, the
 * consumer's redelivery) takes over, instead of kafkajs retrying for minutes behind it.
 * Best-effort callers (topic creation at start) pass fewer, so they stop rather than linger.
 */
export function createKafkaClient(settings: KafkaConnectionSettings, retries = 5): Kafka {
  const sasl: SASLOptions | undefined =
    settings.sasl &&
    ({
      mechanism: settings.sasl.mechanism,
      username: settings.sasl.username,
      password: settings.sasl.password,
    } as SASLOptions);
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl ?? false,
    sasl,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries },
    logLevel: KAFKAJS_LEVEL_BY_NAME[settings.logLevel ?? defaultLogLevel()] ?? logLevel.INFO,
    logCreator: pinoLogCreator,
  };
  return new Kafka(config);
}
