import { counter, gauge, histogram } from '@tracking/telemetry';

/**
 * The messaging metrics every service exposes. Created on first use; the telemetry helpers hand
 * back the registered metric when a second module instance (tests, several apps in one process)
 * asks again.
 */
export const messagingMetrics = {
  outboxBacklog: () =>
    gauge('outbox_backlog_events', 'Outbox rows not yet published (neither processed nor abandoned)', []),
  outboxPublished: () =>
    counter('outbox_published_events_total', 'Events the outbox relay published', ['topic']),
  outboxPublishLatency: () =>
    histogram(
      'outbox_publish_latency_seconds',
      'Time from writing an outbox row to its publication on Kafka',
      ['topic'],
    ),
  outboxPublishFailures: () =>
    counter(
      'outbox_publish_failures_total',
      'Outbox publish attempts that failed and were scheduled again',
      [],
    ),
  outboxAbandoned: () =>
    counter(
      'outbox_abandoned_events_total',
      'Outbox rows abandoned as poison and sent to the dead-letter topic',
      [],
    ),
  consumed: () =>
    counter('kafka_consumer_messages_total', 'Messages the batch consumer finished, by outcome', [
      'topic',
      'outcome',
    ]),
  handleDuration: () =>
    histogram('kafka_consumer_handle_seconds', 'Time to handle one message, transaction included', ['topic']),
  consumerLag: () =>
    gauge('kafka_consumer_lag_messages', 'Messages behind the partition high watermark after a batch', [
      'topic',
      'partition',
    ]),
  deadLettered: () =>
    counter('kafka_dead_lettered_messages_total', 'Messages sent to the dead-letter topic', [
      'topic',
      'error_code',
    ]),
};
