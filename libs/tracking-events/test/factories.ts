import { createEnvelope, type EnvelopeOf } from '../src/envelope';
import type { PayloadCase, PayloadOf } from '../src/event-types';
import type { TrackingEvent } from '../src/reducer';

export const ORDER_ID = 'ord_01JD8Z3K6T4N5Q';
export const MERCHANT_ID = 'mer_acme_prints';
export const SHIPMENT_ID = 'shp_01JD8Z5P0M2R';
export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** One realistic payload of every kind, every field set, so a round trip exercises the whole mapping. */
export const EXAMPLE_PAYLOADS: { [C in PayloadCase]: PayloadOf<C> } = {
  orderReceived: {
    externalOrderId: '#1042',
    storefrontPlatform: 'SHOPIFY',
    placedAt: '2026-11-20T09:15:00.000Z',
    lineItems: [
      { externalLineItemId: 'li_1', sku: 'TEE-BLK-M', title: 'Analytical Engine tee', quantity: 2 },
      { externalLineItemId: 'li_2', sku: 'MUG-WHT', title: 'Note G mug', quantity: 1 },
    ],
    fulfillmentCentreId: 'fc_leeds_1',
    promisedDeliveryDate: '2026-11-26',
    trackingTokenHash: '4c4f0b0ad1d0f56f4e1b2c7a2fd2cfd8f3c1e9b4a6d0c3b2a1f0e9d8c7b6a5f4',
    buyerLocale: 'en-GB',
    destination: { countryCode: 'GB', region: 'Greater London' },
  },
  buyerContactRecorded: {
    buyer: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+447700900123',
      locale: 'en-GB',
      notificationPreferences: { email: true, sms: true },
      smsConsent: { granted: true, recordedAt: '2026-11-20T09:14:12.000Z', source: 'checkout' },
    },
    shippingAddress: {
      lines: ['12 St James’s Square', 'Flat 3'],
      city: 'London',
      region: 'Greater London',
      postalCode: 'SW1Y 4JH',
      countryCode: 'GB',
    },
    trackingToken: 'tt_Zx9qL2mN8pR4sT6vW1yB3dF5hJ7kM0',
  },
  buyerErased: { requestId: 'era_01JD8Z9X' },
  orderCancelled: { reason: 'Buyer ordered the wrong size', requestedBy: 'BUYER' },
  productionStepRecorded: {
    step: 'PACKED',
    state: 'PACKED',
    reason: 'REASON_CODE_UNSPECIFIED',
    fulfillmentCentreId: 'fc_leeds_1',
    centreEventId: 'evt-88123',
    facility: 'Leeds 1',
    station: 'pack-04',
    operatorId: 'op-17',
    note: 'Split into two parcels',
    shipments: [
      {
        shipmentId: SHIPMENT_ID,
        carrier: 'dhl',
        trackingNumber: 'JD014600006281234567',
        serviceLevel: 'express',
        packageCount: 1,
        weightGrams: 640,
      },
    ],
  },
  shipmentRegistered: {
    shipmentId: SHIPMENT_ID,
    carrier: 'dhl',
    trackingNumber: 'JD014600006281234567',
    serviceLevel: 'express',
  },
  carrierScanRecorded: {
    state: 'DELIVERED',
    reason: 'REASON_CODE_UNSPECIFIED',
    carrier: 'dhl',
    trackingNumber: 'JD014600006281234567',
    rawCode: 'OK',
    rawDescription: 'Delivered - Signed for by: A LOVELACE',
    location: {
      city: 'London',
      region: 'ENG',
      postalCode: 'SW1Y',
      countryCode: 'GB',
      latitude: 51.5074,
      longitude: -0.1344,
    },
    proofOfDelivery: {
      signedBy: 'A LOVELACE',
      signatureUrl: 'https://pod.example.com/sig/1',
      photoUrl: 'https://pod.example.com/photo/1',
      leftAt: 'front door',
      location: {
        city: 'London',
        region: '',
        postalCode: '',
        countryCode: 'GB',
        latitude: 51.5075,
        longitude: -0.1345,
      },
    },
    source: 'WEBHOOK',
    carrierEventId: 'dhl-9912',
    carrierEstimatedDelivery: '2026-11-24T18:00:00.000Z',
  },
  trackingStatusChanged: {
    order: {
      state: 'EXCEPTION',
      milestone: 'IN_TRANSIT',
      milestoneRank: 6,
      activeException: {
        state: 'EXCEPTION',
        reason: 'CUSTOMS_HOLD',
        eventId: '5b0f9c1e-0c55-4a53-9a39-2f0d1c7d8e11',
        occurredAt: '2026-11-23T08:00:00.000Z',
        shipmentId: SHIPMENT_ID,
      },
      decidingEventId: '5b0f9c1e-0c55-4a53-9a39-2f0d1c7d8e11',
      occurredAt: '2026-11-23T08:00:00.000Z',
      recordedAt: '2026-11-23T08:03:10.000Z',
      informationLagMs: 190_000,
    },
    shipments: [
      {
        shipmentId: SHIPMENT_ID,
        voided: false,
        status: {
          state: 'EXCEPTION',
          milestone: 'IN_TRANSIT',
          milestoneRank: 6,
          decidingEventId: '5b0f9c1e-0c55-4a53-9a39-2f0d1c7d8e11',
          occurredAt: '2026-11-23T08:00:00.000Z',
          recordedAt: '2026-11-23T08:03:10.000Z',
          informationLagMs: 190_000,
        },
      },
    ],
    shipmentCount: 1,
    deliveredCount: 0,
    partiallyDelivered: false,
    decidingShipmentId: SHIPMENT_ID,
    previousState: 'IN_TRANSIT',
    estimatedDeliveryFrom: '2026-11-25T00:00:00.000Z',
    estimatedDeliveryTo: '2026-11-27T00:00:00.000Z',
    late: false,
  },
  notificationDispatched: {
    notificationId: 'ntf_1',
    channel: 'SMS',
    triggerState: 'OUT_FOR_DELIVERY',
    triggerReason: 'REASON_CODE_UNSPECIFIED',
    outcome: 'SENT',
    detail: '',
    providerMessageId: 'SM123',
    attempt: 1,
  },
  storefrontSyncPushed: {
    connectionId: 'conn_shopify_acme',
    platform: 'SHOPIFY',
    externalOrderId: '#1042',
    pushedState: 'PACKED',
    outcome: 'SUCCEEDED',
    externalFulfillmentId: 'gid://shopify/Fulfillment/255858046',
    detail: '',
    attempt: 1,
  },
  deliveryChangeRequested: {
    requestId: '0c7b7f62-3f0d-4a4e-8b0e-6e3f7a2b9d10',
    newAddress: {
      lines: ['1 Carlton House Terrace'],
      city: 'London',
      region: 'Greater London',
      postalCode: 'SW1Y 5AH',
      countryCode: 'GB',
    },
    preferredDate: '2026-11-27',
    preferredTimeWindow: '09:00-12:00',
    note: 'leave with the concierge',
  },
};

export const PAYLOAD_CASES = Object.keys(EXAMPLE_PAYLOADS) as PayloadCase[];

const SHIPMENT_CASES: ReadonlySet<PayloadCase> = new Set(['shipmentRegistered', 'carrierScanRecorded']);

/** A valid envelope around the example payload of one kind, at fixed times. */
export function exampleEnvelope<C extends PayloadCase>(payloadCase: C, eventId?: string): EnvelopeOf<C> {
  return createEnvelope(
    {
      orderId: ORDER_ID,
      merchantId: MERCHANT_ID,
      ...(SHIPMENT_CASES.has(payloadCase) ? { shipmentId: SHIPMENT_ID } : {}),
      occurredAt: '2026-11-23T08:00:00.000Z',
      source: { service: 'test-producer', upstream: 'fixture' },
      trace: { traceparent: TRACEPARENT, tracestate: 'vendor=abc' },
      payload: { $case: payloadCase, value: EXAMPLE_PAYLOADS[payloadCase] } as Extract<
        EnvelopeOf<C>['payload'],
        { $case: C }
      >,
      ...(eventId === undefined ? {} : { eventId }),
    },
    () => new Date('2026-11-23T08:00:02.500Z'),
  );
}

const BASE_TIME = Date.parse('2026-11-20T00:00:00.000Z');
let nextEventNumber = 0;

/** A tracking event `minutes` after a fixed base time, recorded a second later. */
export function trackingEvent(
  state: TrackingEvent['state'],
  minutes: number,
  extra: Partial<TrackingEvent> = {},
): TrackingEvent {
  nextEventNumber += 1;
  const occurredAt = new Date(BASE_TIME + minutes * 60_000).toISOString();
  return {
    eventId: `evt-${String(nextEventNumber).padStart(6, '0')}`,
    state,
    occurredAt,
    recordedAt: new Date(BASE_TIME + minutes * 60_000 + 1_000).toISOString(),
    ...extra,
  };
}
