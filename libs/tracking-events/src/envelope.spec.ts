import { EXAMPLE_PAYLOADS, SHIPMENT_ID, exampleEnvelope } from '../test/factories';
import { isUuid } from './codecs';
import { createEnvelope, envelopeKey, isEnvelopeOf, trackingEventFromEnvelope } from './envelope';

describe('createEnvelope', () => {
  const input = {
    orderId: 'ord-1',
    merchantId: 'mer-1',
    occurredAt: '2026-11-23T08:00:00.000Z',
    source: { service: 'order-intake', upstream: 'shopify' },
    payload: { $case: 'orderReceived' as const, value: EXAMPLE_PAYLOADS.orderReceived },
  };

  it('fills a fresh UUID event id, the recording time and the schema version', () => {
    const envelope = createEnvelope(input, () => new Date('2026-11-23T08:00:05.000Z'));
    expect(isUuid(envelope.eventId)).toBe(true);
    expect(envelope).toMatchObject({
      recordedAt: '2026-11-23T08:00:05.000Z',
      schemaVersion: 1,
      type: 'order.received',
    });
    expect(createEnvelope(input).eventId).not.toBe(envelope.eventId);
  });

  it('derives the type from the payload so they cannot disagree', () => {
    const envelope = createEnvelope({
      ...input,
      payload: { $case: 'orderCancelled', value: EXAMPLE_PAYLOADS.orderCancelled },
    });
    expect(envelope.type).toBe('order.cancelled');
    expect(isEnvelopeOf(envelope, 'orderCancelled')).toBe(true);
    expect(isEnvelopeOf(envelope, 'orderReceived')).toBe(false);
  });

  it('accepts dates and keeps them as ISO strings', () => {
    const envelope = createEnvelope({ ...input, occurredAt: new Date(Date.UTC(2026, 10, 23, 8)) });
    expect(envelope.occurredAt).toBe('2026-11-23T08:00:00.000Z');
  });

  it('keys messages by order id', () => {
    expect(envelopeKey(createEnvelope(input))).toBe('ord-1');
  });
});

describe('trackingEventFromEnvelope', () => {
  it('reads the canonical fact of each tracking event', () => {
    expect(trackingEventFromEnvelope(exampleEnvelope('orderReceived'))).toMatchObject({
      state: 'ORDER_RECEIVED',
    });
    expect(trackingEventFromEnvelope(exampleEnvelope('orderCancelled'))).toMatchObject({
      state: 'CANCELLED',
    });
    expect(trackingEventFromEnvelope(exampleEnvelope('productionStepRecorded'))).toMatchObject({
      state: 'PACKED',
    });
    expect(trackingEventFromEnvelope(exampleEnvelope('shipmentRegistered'))).toMatchObject({
      state: 'PACKED',
      shipmentId: SHIPMENT_ID,
    });
    const scan = exampleEnvelope('carrierScanRecorded');
    expect(trackingEventFromEnvelope(scan)).toEqual({
      eventId: scan.eventId,
      state: 'DELIVERED',
      occurredAt: scan.occurredAt,
      recordedAt: scan.recordedAt,
      shipmentId: SHIPMENT_ID,
      source: 'fixture',
    });
  });

  it('keeps the reason of an exception', () => {
    const envelope = exampleEnvelope('carrierScanRecorded');
    envelope.payload.value = { ...envelope.payload.value, state: 'EXCEPTION', reason: 'CUSTOMS_HOLD' };
    expect(trackingEventFromEnvelope(envelope)).toMatchObject({ state: 'EXCEPTION', reason: 'CUSTOMS_HOLD' });
  });

  it('has no tracking fact for status changes, notifications or storefront sync', () => {
    expect(trackingEventFromEnvelope(exampleEnvelope('trackingStatusChanged'))).toBeUndefined();
    expect(trackingEventFromEnvelope(exampleEnvelope('notificationDispatched'))).toBeUndefined();
    expect(trackingEventFromEnvelope(exampleEnvelope('storefrontSyncPushed'))).toBeUndefined();
  });
});
