import { TrackingError } from '@tracking/errors';
import { ALL_EVENT_TYPES, EVENT_TYPES, PAYLOAD_CASE_BY_EVENT_TYPE, isEventType } from './event-types';
import { ALL_TOPICS, TOPICS, deadLetterTopic, eventTypesOnTopic, topicForEventType } from './topics';

describe('topics', () => {
  it('maps every event type to a known topic', () => {
    for (const eventType of ALL_EVENT_TYPES) expect(ALL_TOPICS).toContain(topicForEventType(eventType));
  });

  it('keeps the wire names of topics and event types', () => {
    expect(TOPICS).toEqual({
      orders: 'tracking.orders.v1',
      buyerContacts: 'tracking.buyer-contacts.v1',
      production: 'tracking.production.v1',
      shipments: 'tracking.shipments.v1',
      carrierScans: 'tracking.carrier-scans.v1',
      status: 'tracking.status.v1',
      notifications: 'tracking.notifications.v1',
      storefrontSync: 'tracking.storefront-sync.v1',
    });
    expect(topicForEventType('order.received')).toBe('tracking.orders.v1');
    expect(topicForEventType('order.cancelled')).toBe('tracking.orders.v1');
    expect(topicForEventType('order.buyer-contact-recorded')).toBe('tracking.buyer-contacts.v1');
    expect(topicForEventType('order.buyer-erased')).toBe('tracking.buyer-contacts.v1');
    expect(topicForEventType('order.delivery-change-requested')).toBe('tracking.buyer-contacts.v1');
    expect(topicForEventType('production.step-recorded')).toBe('tracking.production.v1');
    expect(topicForEventType('shipment.registered')).toBe('tracking.shipments.v1');
    expect(topicForEventType('carrier.scan-recorded')).toBe('tracking.carrier-scans.v1');
    expect(topicForEventType('tracking.status-changed')).toBe('tracking.status.v1');
  });

  it('gives every topic at least one event type', () => {
    for (const topic of ALL_TOPICS) expect(eventTypesOnTopic(topic).length).toBeGreaterThan(0);
  });

  it('versions every topic name', () => {
    for (const topic of ALL_TOPICS) expect(topic).toMatch(/^tracking\.[a-z]+(-[a-z]+)*\.v\d+$/);
    expect(new Set(ALL_TOPICS).size).toBe(ALL_TOPICS.length);
  });

  it('refuses to guess a topic for an unknown event type', () => {
    expect(() => topicForEventType('order.teleported')).toThrow(TrackingError);
    expect(() => topicForEventType('order.teleported')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_EVENT' }),
    );
  });

  it('names one dead-letter topic per service', () => {
    expect(deadLetterTopic('carrier-ingest')).toBe('tracking.dead-letter.carrier-ingest.v1');
    expect(() => deadLetterTopic('Carrier Ingest')).toThrow(TrackingError);
    expect(() => deadLetterTopic('')).toThrow(TrackingError);
  });
});

describe('event types', () => {
  it('map one to one onto payload cases', () => {
    expect(new Set(ALL_EVENT_TYPES).size).toBe(Object.keys(EVENT_TYPES).length);
    for (const [payloadCase, eventType] of Object.entries(EVENT_TYPES)) {
      expect(PAYLOAD_CASE_BY_EVENT_TYPE[eventType]).toBe(payloadCase);
    }
  });

  it('recognizes known types only', () => {
    expect(isEventType('carrier.scan-recorded')).toBe(true);
    expect(isEventType('carrierScanRecorded')).toBe(false);
    expect(isEventType('constructor')).toBe(false);
  });
});
