import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ALL_EVENT_TYPES, EVENT_TYPES, payloadCaseOf } from '../src/event-types';
import { encodeEnvelope, envelopeHeaders } from '../src/codecs';
import { reduceOrder } from '../src/reducer';
import { statusChangedPayload } from '../src/status-changed';
import { ALL_TOPICS, topicForEventType } from '../src/topics';
import { createEnvelope } from '../src/envelope';
import { REPO_ROOT } from '../tools/buf';
import { CATALOGUE_PATH, renderCatalogue } from '../tools/event-catalogue';
import { findGeneratedDrift } from '../tools/generated-files';
import { loadProtoFiles } from '../tools/proto-descriptors';
import { PAYLOAD_CASES, exampleEnvelope, trackingEvent } from './factories';

const committed = readFileSync(path.join(REPO_ROOT, CATALOGUE_PATH), 'utf8');

interface Catalogue {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: { messages: Record<string, unknown>; schemas: Record<string, unknown> };
}

const catalogue = parse(committed) as Catalogue;

function validator(): Ajv {
  // strict: false because the AsyncAPI document around the schemas has keys JSON Schema does not know.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(catalogue as object, 'catalogue');
  return ajv;
}

describe('event catalogue (docs/events/asyncapi.yaml)', () => {
  it('equals a fresh generation from proto/ and topics.ts', () => {
    // On failure: run `npm run events:catalogue` and commit the result.
    expect(committed).toBe(renderCatalogue(loadProtoFiles()));
  });

  it('lists every topic, keyed by order id, and every event type on its topic', () => {
    const channels = Object.values(catalogue.channels);
    for (const topic of ALL_TOPICS) expect(channels.map((channel) => channel.address)).toContain(topic);
    expect(channels.map((channel) => channel.address)).toContain('tracking.dead-letter.{service}.v1');
    for (const eventType of ALL_EVENT_TYPES) {
      const channel = channels.find((candidate) => candidate.address === topicForEventType(eventType))!;
      expect(Object.keys(channel.messages)).toContain(eventType);
      expect(catalogue.components.messages[eventType]).toMatchObject({
        name: eventType,
        headers: expect.anything(),
        bindings: { kafka: { key: { type: 'string' } } },
      });
    }
  });

  it.each(PAYLOAD_CASES)('describes what the codec writes for a %s event', (payloadCase) => {
    const ajv = validator();
    const envelope = exampleEnvelope(payloadCase);
    const eventType = EVENT_TYPES[payloadCase];
    const validatePayload = ajv.compile({ $ref: `catalogue#/components/messages/${eventType}/payload` });
    const validateHeaders = ajv.compile({ $ref: `catalogue#/components/messages/${eventType}/headers` });
    const value = JSON.parse(encodeEnvelope(envelope).toString('utf8')) as unknown;
    // The ajv errors are the expectation's received value on failure, so they say what drifted.
    expect(validatePayload(value) || validatePayload.errors).toBe(true);
    expect(validateHeaders(envelopeHeaders(envelope)) || validateHeaders.errors).toBe(true);
  });

  it('rejects an envelope whose payload is not the one its message names', () => {
    const ajv = validator();
    const validate = ajv.compile({ $ref: 'catalogue#/components/messages/order.received/payload' });
    const value = JSON.parse(encodeEnvelope(exampleEnvelope('orderCancelled')).toString('utf8')) as unknown;
    expect(validate(value)).toBe(false);
    expect(payloadCaseOf('order.received')).toBe('orderReceived');
  });

  it('describes a status change built from the reducer output', () => {
    const status = reduceOrder([
      trackingEvent('ORDER_RECEIVED', 0),
      trackingEvent('PACKED', 10, { shipmentId: 'shp-a' }),
      trackingEvent('EXCEPTION', 20, { shipmentId: 'shp-a', reason: 'ADDRESS_ISSUE' }),
    ])!;
    const envelope = createEnvelope({
      orderId: 'ord-1',
      merchantId: 'mer-1',
      occurredAt: status.occurredAt,
      source: { service: 'tracking-api' },
      payload: { $case: 'trackingStatusChanged', value: statusChangedPayload(status, 'PACKED') },
    });
    const validate = validator().compile({
      $ref: 'catalogue#/components/messages/tracking.status-changed/payload',
    });
    expect(validate(JSON.parse(encodeEnvelope(envelope).toString('utf8'))) || validate.errors).toBe(true);
  });
});

describe('generated TypeScript types', () => {
  it('match a fresh generation from proto/', () => {
    // On failure: run `npm run proto:generate` and commit the result.
    expect(findGeneratedDrift().changed).toEqual([]);
  });
});
