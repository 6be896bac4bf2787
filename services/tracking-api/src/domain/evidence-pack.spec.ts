import type { EventEnvelope } from '@tracking/events';
import {
  DAY,
  HOUR,
  newOrder,
  notificationDispatched,
  productionStep,
  orderReceived,
  shipmentRegistered,
  carrierScan,
} from '../../test/support/tracking-facts';
import { DEFAULT_TRANSIT_TABLE } from './delivery-estimate';
import { buildEvidencePack, type EvidenceOrderSource } from './evidence-pack';
import { projectOrder } from './order-projection';

const T0 = Date.UTC(2026, 10, 20, 8);
const at = (days: number, hours = 0) => new Date(T0 + days * DAY + hours * HOUR);
const NOW = at(6);

function packOf(events: EventEnvelope[]) {
  const receipt = events.find((event) => event.type === 'order.received')!;
  const projection = projectOrder(
    receipt as never,
    events,
    { transitTable: DEFAULT_TRANSIT_TABLE, productionDays: 3 },
    NOW,
  );
  const source: EvidenceOrderSource = {
    orderId: receipt.orderId,
    merchantId: receipt.merchantId,
    externalOrderId: projection.publicView.orderNumber,
    storefrontPlatform: 'SHOPIFY',
    placedAt: at(0),
    receivedAt: at(0),
    fulfillmentCentreId: 'fc-1',
    promisedDeliveryDate: null,
    destinationCity: 'Hanoi',
    destinationCountry: 'VN',
    state: projection.status.state,
    stateReason: null,
    stateOccurredAt: new Date(projection.status.occurredAt),
    packedAt: projection.packedAt,
    firstCarrierScanAt: projection.firstCarrierScanAt,
    deliveredAt: projection.deliveredAt,
    etaFrom: projection.window?.from ?? null,
    etaTo: projection.window?.to ?? null,
    firstEtaTo: projection.firstWindowTo,
    publicView: projection.publicView,
  };
  // Stored events come back in any order; the pack orders them itself.
  return buildEvidencePack(source, [...events].reverse(), NOW);
}

describe('buildEvidencePack', () => {
  const order = newOrder({ merchantId: 'acme' });
  const events = [
    orderReceived(order, at(0)),
    productionStep(order, at(1), 'PRODUCTION_STARTED'),
    productionStep(order, at(2), 'PACKED'),
    shipmentRegistered(order, at(2, 1)),
    carrierScan(order, at(3), 'PICKED_UP', { city: 'Hanoi', lagSeconds: 90 }),
    carrierScan(order, at(4), 'IN_TRANSIT', {
      city: 'Da Nang',
      via: 'POLL',
      description: 'Departed facility',
    }),
    carrierScan(order, at(5), 'DELIVERED', { city: 'Hanoi' }),
    notificationDispatched(order, at(5, 2), {
      channel: 'SMS',
      outcome: 'SKIPPED',
      detail: 'delivered: no SMS consent',
      triggerState: 'DELIVERED',
    }),
    notificationDispatched(order, at(5, 1), {
      channel: 'EMAIL',
      outcome: 'SENT',
      detail: 'delivered',
      triggerState: 'DELIVERED',
    }),
  ];

  it('lists every tracking fact in time order with both clocks, place and source', () => {
    const pack = packOf(events);

    expect(pack.timeline.map((entry) => [entry.type, entry.state])).toEqual([
      ['order.received', 'ORDER_RECEIVED'],
      ['production.step-recorded', 'IN_PRODUCTION'],
      ['production.step-recorded', 'PACKED'],
      ['shipment.registered', 'PACKED'],
      ['carrier.scan-recorded', 'PICKED_UP'],
      ['carrier.scan-recorded', 'IN_TRANSIT'],
      ['carrier.scan-recorded', 'DELIVERED'],
    ]);
    expect(pack.timeline[4]).toMatchObject({
      occurredAt: at(3).toISOString(),
      recordedAt: new Date(at(3).getTime() + 90_000).toISOString(),
      informationLagSeconds: 90,
      place: { city: 'Hanoi', countryCode: 'VN' },
      source: { service: 'carrier-ingest', upstream: 'ups', method: 'WEBHOOK' },
      carrier: 'ups',
      trackingNumber: order.trackingNumber,
      rawCode: 'UPS-PI',
    });
    expect(pack.timeline[5]).toMatchObject({
      rawDescription: 'Departed facility',
      source: { method: 'POLL' },
    });
    expect(pack.timeline[1]?.production).toEqual({
      step: 'PRODUCTION_STARTED',
      fulfillmentCentreId: 'fc-1',
      facility: 'Hall B',
      station: 'press-3',
    });
  });

  it('gives the shipments with their tracking links, the full proof of delivery and the notifications', () => {
    const pack = packOf(events);

    expect(pack.order).toMatchObject({
      orderNumber: `#${order.orderId.slice(0, 6)}`,
      merchantId: 'acme',
      destination: { city: 'Hanoi', countryCode: 'VN' },
      status: { state: 'DELIVERED', label: 'Delivered' },
      deliveredAt: at(5).toISOString(),
    });
    expect(pack.shipments).toEqual([
      expect.objectContaining({
        carrier: 'ups',
        trackingNumber: order.trackingNumber,
        trackingUrl: expect.stringContaining(order.trackingNumber),
        registeredAt: at(2, 1).toISOString(),
      }),
    ]);
    expect(pack.proofOfDelivery).toEqual([
      expect.objectContaining({
        deliveredAt: at(5).toISOString(),
        signedBy: 'NGUYEN THI LINH',
        photoUrl: 'https://carrier.example/pod/123.jpg',
        leftAt: 'front door',
        place: { city: 'Hanoi', countryCode: 'VN' },
      }),
    ]);
    expect(pack.notifications.map((sent) => [sent.at, sent.channel, sent.kind, sent.outcome])).toEqual([
      [at(5, 1).toISOString(), 'EMAIL', 'delivered', 'SENT'],
      [at(5, 2).toISOString(), 'SMS', 'delivered', 'SKIPPED'],
    ]);
    expect(pack.notifications[1]).toMatchObject({
      trigger: { state: 'DELIVERED', reason: null },
      detail: 'delivered: no SMS consent',
    });
  });

  it("leaves out the centre's operators and facts filed under another merchant", () => {
    const foreign = { ...carrierScan(order, at(4, 5), 'EXCEPTION', { city: 'Hue' }), merchantId: 'globex' };
    const pack = packOf([...events, foreign]);

    expect(pack.timeline.map((entry) => entry.eventId)).not.toContain(foreign.eventId);
    expect(JSON.stringify(pack)).not.toContain('op-7');
    expect(JSON.stringify(pack)).not.toContain('Hue');
  });
});
