import { TrackingError } from '@tracking/errors';
import fc from 'fast-check';
import {
  EXAMPLE_PAYLOADS,
  PAYLOAD_CASES,
  SHIPMENT_ID,
  TRACEPARENT,
  exampleEnvelope,
} from '../../test/factories';
import { createEnvelope } from '../envelope';
import { MILESTONE_STATES, REASON_CODES, CANONICAL_STATES } from '../states';
import { EnvelopeDecodeError, InvalidEnvelopeError } from './errors';
import { decodeEnvelope, encodeEnvelope, envelopeHeaders } from './json-envelope-codec';

function wire(payloadCase: (typeof PAYLOAD_CASES)[number]): Record<string, unknown> {
  return JSON.parse(encodeEnvelope(exampleEnvelope(payloadCase)).toString('utf8')) as Record<string, unknown>;
}

function decodeFailure(value: Buffer | string): EnvelopeDecodeError {
  try {
    decodeEnvelope(value);
  } catch (error) {
    if (error instanceof EnvelopeDecodeError) return error;
    throw error;
  }
  throw new Error('decodeEnvelope accepted a malformed envelope');
}

describe('JSON envelope codec', () => {
  it.each(PAYLOAD_CASES)('round-trips a %s envelope', (payloadCase) => {
    const envelope = exampleEnvelope(payloadCase);
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
    expect(decodeEnvelope(encodeEnvelope(envelope).toString('utf8'))).toEqual(envelope);
  });

  it('writes proto3 JSON that people can read with kcat', () => {
    const json = wire('carrierScanRecorded');
    expect(json).toMatchObject({
      type: 'carrier.scan-recorded',
      schemaVersion: 1,
      shipmentId: SHIPMENT_ID,
      occurredAt: '2026-11-23T08:00:00.000Z',
      trace: { traceparent: TRACEPARENT },
      carrierScanRecorded: { state: 'DELIVERED', source: 'WEBHOOK', location: { city: 'London' } },
    });
    // Default values are left out, as proto3 JSON does.
    expect(json.carrierScanRecorded).not.toHaveProperty('reason');
  });

  it('writes canonical states and reason codes as their exact names', () => {
    const envelope = exampleEnvelope('trackingStatusChanged');
    const json = JSON.stringify(JSON.parse(encodeEnvelope(envelope).toString('utf8')));
    expect(json).toContain('"state":"EXCEPTION"');
    expect(json).toContain('"reason":"CUSTOMS_HOLD"');
    expect(json).toContain('"milestone":"IN_TRANSIT"');
  });

  it('round-trips any carrier scan', () => {
    const coordinate = fc
      .double({ min: -90, max: 90, noNaN: true })
      .map((value) => (Object.is(value, -0) ? 0 : value));
    const scanArb = fc.record({
      state: fc.constantFrom(...CANONICAL_STATES),
      reason: fc.constantFrom('REASON_CODE_UNSPECIFIED' as const, ...REASON_CODES),
      rawDescription: fc.string({ unit: 'binary' }),
      city: fc.string(),
      latitude: fc.option(coordinate, { nil: undefined }),
      source: fc.constantFrom('WEBHOOK' as const, 'POLL' as const, 'MANUAL' as const),
      occurredAt: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
    });
    fc.assert(
      fc.property(scanArb, ({ state, reason, rawDescription, city, latitude, source, occurredAt }) => {
        const envelope = createEnvelope({
          orderId: 'ord-1',
          merchantId: 'mer-1',
          shipmentId: 'shp-1',
          occurredAt,
          source: { service: 'carrier-ingest', upstream: 'ups' },
          payload: {
            $case: 'carrierScanRecorded',
            value: {
              ...EXAMPLE_PAYLOADS.carrierScanRecorded,
              state,
              reason,
              rawDescription,
              location: {
                city,
                region: '',
                postalCode: '',
                countryCode: 'US',
                ...(latitude === undefined ? {} : { latitude }),
              },
              source,
            },
          },
        });
        expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
      }),
    );
  });

  it('publishes the envelope identity and trace context as headers', () => {
    const envelope = exampleEnvelope('orderReceived');
    expect(envelopeHeaders(envelope)).toEqual({
      'event-id': envelope.eventId,
      'event-type': 'order.received',
      'schema-version': '1',
      'content-type': 'application/json',
      traceparent: TRACEPARENT,
      tracestate: 'vendor=abc',
    });
  });

  it('leaves trace headers out when the event was not traced', () => {
    const { trace: _trace, ...untraced } = exampleEnvelope('orderCancelled');
    expect(Object.keys(envelopeHeaders(untraced))).toEqual([
      'event-id',
      'event-type',
      'schema-version',
      'content-type',
    ]);
  });

  it('refuses to encode an envelope consumers would reject', () => {
    const envelope = { ...exampleEnvelope('orderCancelled'), eventId: 'not-a-uuid' };
    expect(() => encodeEnvelope(envelope)).toThrow(InvalidEnvelopeError);
    expect(() => encodeEnvelope(envelope)).toThrow(/eventId "not-a-uuid" is not a UUID/);
  });

  const malformed: Array<[string, () => string, RegExp]> = [
    ['bytes that are not JSON', () => '{"eventId": ', /not valid JSON/],
    ['JSON that is not an object', () => '[1, 2]', /not a JSON object/],
    ['a missing event id', () => without(wire('orderReceived'), 'eventId'), /eventId is missing/],
    [
      'an event id that is not a UUID',
      () => patched(wire('orderReceived'), { eventId: 'evt-1' }),
      /not a UUID/,
    ],
    [
      'an unknown type',
      () => patched(wire('orderReceived'), { type: 'order.teleported' }),
      /not a known event type/,
    ],
    ['a missing type', () => without(wire('orderReceived'), 'type'), /type is missing/],
    [
      'a payload that is not the one the type names',
      () => patched(wire('orderReceived'), { type: 'order.cancelled' }),
      /needs a orderCancelled payload, got orderReceived/,
    ],
    ['no payload', () => without(wire('orderCancelled'), 'orderCancelled'), /payload is missing/],
    [
      'two payloads',
      () => patched(wire('orderCancelled'), { orderReceived: { externalOrderId: '1' } }),
      /exactly one payload is allowed/,
    ],
    [
      'a payload that is not an object',
      () => patched(wire('orderCancelled'), { orderCancelled: 'yes' }),
      /must be a JSON object/,
    ],
    [
      'an unparseable occurredAt',
      () => patched(wire('orderReceived'), { occurredAt: '23/11/2026' }),
      /occurredAt .* not an RFC 3339/,
    ],
    [
      'a timestamp without a zone',
      () => patched(wire('orderReceived'), { recordedAt: '2026-11-23T08:00:00' }),
      /recordedAt/,
    ],
    ['a missing recordedAt', () => without(wire('orderReceived'), 'recordedAt'), /recordedAt is missing/],
    ['a missing order id', () => without(wire('orderReceived'), 'orderId'), /orderId is missing/],
    [
      'an order id that is not a string',
      () => patched(wire('orderReceived'), { orderId: { id: 1 } }),
      /orderId must be a string/,
    ],
    ['a missing merchant id', () => without(wire('orderReceived'), 'merchantId'), /merchantId is missing/],
    ['a missing source', () => without(wire('orderReceived'), 'source'), /source.service is missing/],
    [
      'a future schema version',
      () => patched(wire('orderReceived'), { schemaVersion: 2 }),
      /schemaVersion 2 is not supported/,
    ],
    [
      'an unknown tracking state',
      () => patched(wire('carrierScanRecorded'), { carrierScanRecorded: { state: 'TELEPORTED' } }),
      /Unrecognized enum value TELEPORTED for enum TrackingState/,
    ],
    [
      'a carrier scan without a state',
      () => patched(wire('carrierScanRecorded'), { carrierScanRecorded: { carrier: 'ups' } }),
      /carrierScanRecorded.state must be a canonical tracking state/,
    ],
    [
      'a carrier scan without a shipment',
      () => without(wire('carrierScanRecorded'), 'shipmentId'),
      /must carry shipmentId/,
    ],
    [
      'a registered shipment whose id differs from the envelope',
      () => patched(wire('shipmentRegistered'), { shipmentId: 'shp-other' }),
      /differs from the envelope/,
    ],
    [
      'a voided label that does not name its shipment',
      () =>
        patched(wire('productionStepRecorded'), {
          productionStepRecorded: { step: 'LABEL_VOIDED', state: 'CANCELLED' },
        }),
      /LABEL_VOIDED step must name the voided shipment/,
    ],
    [
      'a promised delivery date that is not a date',
      () =>
        patched(wire('orderReceived'), {
          orderReceived: { externalOrderId: '1', promisedDeliveryDate: 'soon' },
        }),
      /promisedDeliveryDate "soon"/,
    ],
  ];

  it.each(malformed)('rejects %s with the reason', (_case, value, reason) => {
    const error = decodeFailure(value());
    expect(error).toBeInstanceOf(TrackingError);
    expect(error.code).toBe('MALFORMED_EVENT');
    expect(error.canRetry).toBe(false);
    expect(error.reason).toMatch(reason);
    expect(error.details.reason).toBe(error.reason);
  });

  it('accepts snake_case field names and ignores fields it does not know yet', () => {
    const json = wire('orderCancelled');
    const { eventId, orderId, ...rest } = json;
    const decoded = decodeEnvelope(
      JSON.stringify({ ...rest, event_id: eventId, order_id: orderId, addedLater: 1 }),
    );
    expect(decoded.eventId).toBe(eventId);
    expect(decoded.orderId).toBe(orderId);
  });

  it('throws only EnvelopeDecodeError, whatever the bytes', () => {
    const validJson = JSON.stringify(wire('carrierScanRecorded'));
    const mutatedArb = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .tuple(fc.nat({ max: validJson.length }), fc.nat({ max: 20 }), fc.string({ maxLength: 5 }))
        .map(([at, cut, insert]) => validJson.slice(0, at) + insert + validJson.slice(at + cut)),
      fc
        .constantFrom(...Object.keys(wire('carrierScanRecorded')))
        .chain((key) =>
          fc.jsonValue().map((value) => patched(wire('carrierScanRecorded'), { [key]: value })),
        ),
    );
    fc.assert(
      fc.property(mutatedArb, (value) => {
        try {
          decodeEnvelope(value);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeDecodeError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes every milestone a carrier can report', () => {
    for (const state of MILESTONE_STATES) {
      const json = patched(wire('carrierScanRecorded'), {
        carrierScanRecorded: { ...(wire('carrierScanRecorded').carrierScanRecorded as object), state },
      });
      const decoded = decodeEnvelope(json);
      expect(decoded.payload?.$case === 'carrierScanRecorded' && decoded.payload.value.state).toBe(state);
    }
  });
});

function patched(json: Record<string, unknown>, changes: Record<string, unknown>): string {
  return JSON.stringify({ ...json, ...changes });
}

function without(json: Record<string, unknown>, key: string): string {
  const copy = { ...json };
  delete copy[key];
  return JSON.stringify(copy);
}
