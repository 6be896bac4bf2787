import {
  applyToOrder,
  decideProductionReport,
  type OrderView,
  type ProductionReport,
} from './production-event';

const now = new Date('2026-12-01T12:00:00Z');
const order: OrderView = {
  orderId: '6f1c2b0e-8a43-4d0a-9a51-1f7f2b1d2c11',
  merchantId: 'acme',
  fulfillmentCentreId: 'fc-1',
  receivedAt: new Date('2026-11-28T08:00:00Z'),
  cancelledAt: null,
  deliveredAt: null,
  packedAt: null,
};

function report(
  type: ProductionReport['type'],
  occurredAt: string,
  extra: Partial<ProductionReport> = {},
): ProductionReport {
  return { orderId: order.orderId, eventId: `e-${type}-${occurredAt}`, type, occurredAt, ...extra };
}

const UPS = '1Z999AA10123456784';

describe('decideProductionReport', () => {
  it('maps each step to its canonical state', () => {
    expect(
      decideProductionReport(order, report('PRODUCTION_STARTED', '2026-11-29T08:00:00Z'), [], new Set(), now),
    ).toMatchObject({
      accepted: true,
      state: 'IN_PRODUCTION',
    });
    expect(
      decideProductionReport(
        order,
        report('QC_FAILED', '2026-11-29T09:00:00Z', { reason: 'smudged' }),
        [],
        new Set(),
        now,
      ),
    ).toMatchObject({ accepted: true, state: 'EXCEPTION', reason: 'QC_FAILED' });
  });

  it('tolerates a few minutes of clock skew but not a report from the future', () => {
    expect(
      decideProductionReport(order, report('PRODUCTION_STARTED', '2026-12-01T12:04:00Z'), [], new Set(), now)
        .accepted,
    ).toBe(true);
    expect(
      decideProductionReport(order, report('PRODUCTION_STARTED', '2026-12-01T12:30:00Z'), [], new Set(), now),
    ).toMatchObject({
      accepted: false,
      cause: 'OCCURRED_IN_FUTURE',
    });
  });

  it('refuses a step dated before the order was placed, beyond the clock-skew tolerance', () => {
    expect(
      decideProductionReport(order, report('QC_FAILED', '2026-11-28T07:57:00Z'), [], new Set(), now).accepted,
    ).toBe(true);
    expect(
      decideProductionReport(order, report('QC_FAILED', '2026-11-27T23:00:00Z'), [], new Set(), now),
    ).toMatchObject({
      accepted: false,
      code: 'VALIDATION_FAILED',
      cause: 'OCCURRED_BEFORE_ORDER',
      field: 'occurredAt',
      reason: expect.stringMatching(/before the order was placed at 2026-11-28T08:00:00.000Z/),
    });
  });

  it('accepts a late step that happened before the cancellation and refuses one after it', () => {
    const cancelled = { ...order, cancelledAt: new Date('2026-11-30T10:00:00Z') };

    expect(
      decideProductionReport(
        cancelled,
        report('PRODUCTION_STARTED', '2026-11-29T10:00:00Z'),
        [],
        new Set(),
        now,
      ).accepted,
    ).toBe(true);
    expect(
      decideProductionReport(
        cancelled,
        report('PACKED', '2026-11-30T11:00:00Z', { shipments: [{ carrier: 'ups', trackingNumber: UPS }] }),
        [],
        new Set(),
        now,
      ),
    ).toMatchObject({ accepted: false, code: 'CONFLICT', cause: 'AFTER_CANCELLATION' });
  });

  it('refuses production after delivery', () => {
    const delivered = { ...order, deliveredAt: new Date('2026-11-30T10:00:00Z') };
    expect(
      decideProductionReport(
        delivered,
        report('PRODUCTION_COMPLETED', '2026-11-30T12:00:00Z'),
        [],
        new Set(),
        now,
      ),
    ).toMatchObject({
      accepted: false,
      cause: 'AFTER_DELIVERY',
    });
  });

  it('refuses a tracking number used twice in one packing or live on another order', () => {
    const twice = report('PACKED', '2026-11-30T08:00:00Z', {
      shipments: [
        { carrier: 'ups', trackingNumber: UPS },
        { carrier: 'UPS', trackingNumber: '1z 999 aa1 0123456784' },
      ],
    });
    expect(decideProductionReport(order, twice, [], new Set(), now)).toMatchObject({
      accepted: false,
      cause: 'DUPLICATE_TRACKING_NUMBER',
      field: 'shipments.1.trackingNumber',
    });

    const single = report('PACKED', '2026-11-30T08:00:00Z', {
      shipments: [{ carrier: 'ups', trackingNumber: UPS }],
    });
    expect(decideProductionReport(order, single, [], new Set([UPS]), now)).toMatchObject({
      cause: 'TRACKING_NUMBER_IN_USE',
    });
  });

  it('packs again without registering a parcel the order already has', () => {
    const existing = {
      id: 's-1',
      orderId: order.orderId,
      carrier: 'ups',
      trackingNumber: UPS,
      voidedAt: null,
    };
    const repack = report('PACKED', '2026-11-30T08:00:00Z', {
      shipments: [{ carrier: 'ups', trackingNumber: UPS }],
    });

    expect(decideProductionReport(order, repack, [existing], new Set([UPS]), now)).toMatchObject({
      accepted: true,
      shipments: [],
    });
  });

  it('voids only a live label of the order', () => {
    const live = { id: 's-1', orderId: order.orderId, carrier: 'ups', trackingNumber: UPS, voidedAt: null };
    const voided = { ...live, voidedAt: new Date('2026-11-30T09:00:00Z') };
    const voiding = report('LABEL_VOIDED', '2026-11-30T10:00:00Z', { trackingNumber: '1z999aa10123456784' });

    expect(decideProductionReport(order, voiding, [live], new Set(), now)).toMatchObject({
      accepted: true,
      voidedShipment: live,
    });
    expect(decideProductionReport(order, voiding, [voided], new Set(), now)).toMatchObject({
      cause: 'LABEL_ALREADY_VOIDED',
    });
    expect(decideProductionReport(order, voiding, [], new Set(), now)).toMatchObject({
      cause: 'UNKNOWN_LABEL',
    });
  });
});

describe('applyToOrder', () => {
  it('keeps the earliest packing and cancellation whatever order reports arrive in', () => {
    const late = applyToOrder(order, report('PACKED', '2026-11-30T10:00:00Z'));
    const earlier = applyToOrder(late, report('PACKED', '2026-11-30T08:00:00Z'));
    const later = applyToOrder(earlier, report('PACKED', '2026-11-30T12:00:00Z'));

    expect(later.packedAt).toEqual(new Date('2026-11-30T08:00:00Z'));
    expect(
      applyToOrder(order, report('CANCELLED_IN_PRODUCTION', '2026-11-30T08:00:00Z')).cancelledAt,
    ).toEqual(new Date('2026-11-30T08:00:00Z'));
  });
});
