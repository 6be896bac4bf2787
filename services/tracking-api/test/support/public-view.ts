import { BUYER_MILESTONES, type PublicView } from '../../src/domain/order-projection';

/** A public view of an order in transit to Hanoi, for rendering tests; `overrides` replace whole keys. */
export function publicView(overrides: Partial<PublicView> = {}): PublicView {
  const reached: Record<string, string> = {
    ORDER_RECEIVED: '2026-12-08T02:00:00.000Z',
    IN_PRODUCTION: '2026-12-09T03:00:00.000Z',
    PACKED: '2026-12-10T04:00:00.000Z',
    PICKED_UP: '2026-12-11T05:00:00.000Z',
    IN_TRANSIT: '2026-12-12T07:05:00.000Z',
  };
  return {
    orderNumber: '#1001',
    buyer: { firstName: 'Linh', locale: 'vi-VN' },
    destination: { city: 'Hanoi', countryCode: 'VN' },
    status: {
      state: 'IN_TRANSIT',
      label: 'In transit',
      milestone: 'IN_TRANSIT',
      exception: null,
      occurredAt: reached.IN_TRANSIT!,
    },
    milestones: BUYER_MILESTONES.map((state, index) => ({
      state,
      label: state,
      reachedAt: reached[state] ?? null,
      passed: index <= 5,
      current: state === 'IN_TRANSIT',
    })),
    estimatedDelivery: { from: '2026-12-14T00:00:00.000Z', to: '2026-12-17T23:59:59.999Z', late: false },
    shipments: [
      {
        shipmentId: 'shipment-1',
        carrier: 'ups',
        trackingNumber: '1Z999AA10123456784',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        serviceLevel: 'Ground',
        state: 'IN_TRANSIT',
        voided: false,
        lastLocation: { city: 'Da Nang', countryCode: 'VN' },
      },
    ],
    history: [
      {
        eventId: 'e1',
        occurredAt: reached.ORDER_RECEIVED!,
        state: 'ORDER_RECEIVED',
        label: 'Order received',
        description: 'Order received',
        reason: null,
        location: null,
        shipmentId: null,
        source: 'store',
      },
      {
        eventId: 'e2',
        occurredAt: reached.PICKED_UP!,
        state: 'PICKED_UP',
        label: 'Picked up by carrier',
        description: 'Picked up',
        reason: null,
        location: { city: 'Hanoi', countryCode: 'VN' },
        shipmentId: 'shipment-1',
        source: 'carrier',
      },
      {
        eventId: 'e3',
        occurredAt: reached.IN_TRANSIT!,
        state: 'IN_TRANSIT',
        label: 'In transit',
        description: 'Departed facility',
        reason: null,
        location: { city: 'Da Nang', countryCode: 'VN' },
        shipmentId: 'shipment-1',
        source: 'carrier',
      },
    ],
    lastLocation: { city: 'Da Nang', countryCode: 'VN' },
    proofOfDelivery: null,
    updatedAt: reached.IN_TRANSIT!,
    ...overrides,
  };
}
