import { counter, histogram } from '@tracking/telemetry';

export const productionMetrics = {
  reports: () =>
    counter('production_reports_total', 'Production reports by step type, outcome and cause of rejection', [
      'type',
      'outcome',
      'cause',
    ]),
  awaitingOrderExpired: () =>
    counter(
      'production_awaiting_order_dead_lettered_total',
      'Early production reports dead-lettered because their order never arrived or could not take them',
      ['cause'],
    ),
  receivedToPacked: () =>
    histogram(
      'production_order_received_to_packed_seconds',
      'Time from an order being received to its first packing: the "dark zone" buyers wait through',
      [],
      [3_600, 6 * 3_600, 12 * 3_600, 86_400, 2 * 86_400, 3 * 86_400, 5 * 86_400, 7 * 86_400, 14 * 86_400],
    ),
};
