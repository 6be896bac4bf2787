import pino, { type DestinationStream, type Logger } from 'pino';
import { buildLoggerOptions } from './logger-options';

/**
 * What code outside Nest does not know yet when it creates its logger (the Kafka client's log
 * bridge is built before the service's configuration reaches the logging module). Set once the
 * configuration is loaded; the environment is the fallback for tools and early failures.
 */
const defaults: { service?: string; level?: string } = {};

export function setLoggingDefaults(settings: { service?: string; level?: string }): void {
  if (settings.service) defaults.service = settings.service;
  if (settings.level) defaults.level = settings.level;
}

export function defaultServiceName(fallback: string): string {
  return defaults.service ?? process.env.SERVICE_NAME ?? fallback;
}

export function defaultLogLevel(): string {
  return defaults.level ?? process.env.LOG_LEVEL ?? 'info';
}

/**
 * A pino logger for code that runs outside Nest's DI (startup failures, the Kafka client,
 * scripts), with the same JSON shape, trace fields and redaction as the request logger.
 * `name` is the service, or the component inside it (`kafkajs`).
 */
export function createLogger(name: string, level?: string, destination?: DestinationStream): Logger {
  const service = (): string => defaultServiceName(name);
  const options = buildLoggerOptions({
    level: level ?? defaultLogLevel(),
    service,
    component: name === service() ? undefined : name,
  });
  return destination ? pino(options, destination) : pino(options);
}
