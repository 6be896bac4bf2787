import { counter, histogram } from '@tracking/telemetry';

export const notificationMetrics = {
  decisions: () =>
    counter(
      'notification_decisions_total',
      'Notifications decided from order and status events, by kind and outcome (created, duplicate, skipped, superseded, ignored)',
      ['kind', 'outcome'],
    ),
  dispatched: () =>
    counter(
      'notification_dispatched_total',
      'Delivery log entries by channel, kind and outcome (SENT, FAILED, SKIPPED); final=false is a failed attempt that will be retried',
      ['channel', 'kind', 'outcome', 'final'],
    ),
  statusToSent: () =>
    histogram(
      'notification_status_to_sent_seconds',
      'Time from the status occurring (source clock) to the message being accepted by the channel',
      ['channel'],
      [5, 15, 30, 60, 120, 300, 900, 1_800, 3_600, 4 * 3_600, 12 * 3_600, 86_400],
    ),
  sendDuration: () =>
    histogram(
      'notification_send_duration_seconds',
      'Time one send took (SMTP transaction, SMS API call, webhook call), by channel and result',
      ['channel', 'result'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
};
