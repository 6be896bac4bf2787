import { trackingEvent } from '../test/factories';
import { decodeEnvelope, encodeEnvelope } from './codecs';
import { createEnvelope } from './envelope';
import { reduceOrder } from './reducer';
import { statusChangedPayload } from './status-changed';

describe('statusChangedPayload', () => {
  const status = reduceOrder([
    trackingEvent('ORDER_RECEIVED', 0),
    trackingEvent('PACKED', 10, { shipmentId: 'shp-a' }),
    trackingEvent('PACKED', 10, { shipmentId: 'shp-b' }),
    trackingEvent('DELIVERED', 40, { shipmentId: 'shp-a' }),
    trackingEvent('DELIVERY_ATTEMPTED', 50, { shipmentId: 'shp-b', reason: 'RECIPIENT_UNAVAILABLE' }),
  ])!;

  it('carries the order status, every shipment and the derivation as the reducer output them', () => {
    const payload = statusChangedPayload(status, 'OUT_FOR_DELIVERY');
    expect(payload).toMatchObject({
      order: {
        state: 'DELIVERY_ATTEMPTED',
        milestone: 'PACKED',
        milestoneRank: 4,
        activeException: {
          state: 'DELIVERY_ATTEMPTED',
          reason: 'RECIPIENT_UNAVAILABLE',
          shipmentId: 'shp-b',
        },
        decidingEventId: status.decidingEventId,
        informationLagMs: 1_000,
      },
      shipmentCount: 2,
      deliveredCount: 1,
      partiallyDelivered: true,
      decidingShipmentId: 'shp-b',
      previousState: 'OUT_FOR_DELIVERY',
    });
    expect(payload.shipments.map((shipment) => [shipment.shipmentId, shipment.status?.state])).toEqual([
      ['shp-a', 'DELIVERED'],
      ['shp-b', 'DELIVERY_ATTEMPTED'],
    ]);
  });

  it('survives the codec unchanged', () => {
    const envelope = createEnvelope({
      orderId: 'ord-1',
      merchantId: 'mer-1',
      occurredAt: status.occurredAt,
      source: { service: 'tracking-api' },
      payload: { $case: 'trackingStatusChanged', value: statusChangedPayload(status) },
    });
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });
});
