import { counter, gauge } from '@tracking/telemetry';

export const carrierMetrics = {
  scans: () =>
    counter('carrier_scans_total', 'New carrier scans recorded, by carrier, source and state', [
      'carrier',
      'source',
      'state',
    ]),
  webhooks: () =>
    counter(
      'carrier_webhooks_total',
      'Carrier webhooks by outcome (accepted, rejected, replayed, processed, dead_lettered)',
      ['carrier', 'outcome'],
    ),
  polls: () => counter('carrier_polls_total', 'Carrier API polls by outcome', ['carrier', 'outcome']),
  circuitOpen: () =>
    gauge('carrier_api_circuit_open', '1 while requests to a carrier API are suspended after failures', [
      'carrier',
    ]),
  validTracking: () =>
    counter(
      'carrier_shipments_valid_tracking_total',
      'Shipments that reached valid tracking (valid number for its carrier and at least one carrier scan)',
      ['carrier'],
    ),
};
