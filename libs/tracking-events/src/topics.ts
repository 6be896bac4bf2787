import { TrackingError } from '@tracking/errors';
import { ALL_EVENT_TYPES, isEventType, type EventType } from './event-types';

/**
 * Every Kafka topic of the system. Names are wire contracts: a breaking change gets a new
 * `.v2` topic next to the old one, never a rename. Every topic is keyed by order id, so one
 * order's events stay in order on one partition.
 */
export const TOPICS = {
  orders: 'tracking.orders.v1',
  /** Personal data: finite retention and compacted by order id (see deploy/), unlike the rest. */
  buyerContacts: 'tracking.buyer-contacts.v1',
  production: 'tracking.production.v1',
  shipments: 'tracking.shipments.v1',
  carrierScans: 'tracking.carrier-scans.v1',
  status: 'tracking.status.v1',
  notifications: 'tracking.notifications.v1',
  storefrontSync: 'tracking.storefront-sync.v1',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey];

export const ALL_TOPICS = Object.values(TOPICS) as readonly TopicName[];

/** Which topic each event type is published on; an event type without a topic fails to compile. */
export const EVENT_TOPICS: { readonly [T in EventType]: TopicName } = {
  'order.received': TOPICS.orders,
  'order.cancelled': TOPICS.orders,
  // It carries the buyer's new address: personal data, so not on a topic kept for good.
  'order.delivery-change-requested': TOPICS.buyerContacts,
  'order.buyer-contact-recorded': TOPICS.buyerContacts,
  'order.buyer-erased': TOPICS.buyerContacts,
  'production.step-recorded': TOPICS.production,
  'shipment.registered': TOPICS.shipments,
  'carrier.scan-recorded': TOPICS.carrierScans,
  'tracking.status-changed': TOPICS.status,
  'notification.dispatched': TOPICS.notifications,
  'storefront-sync.pushed': TOPICS.storefrontSync,
};

/** The event types published on one topic. */
export function eventTypesOnTopic(topic: TopicName): EventType[] {
  return ALL_EVENT_TYPES.filter((eventType) => EVENT_TOPICS[eventType] === topic);
}

/** The topic an event type is published on; an unknown type is an error, never a guess. */
export function topicForEventType(eventType: string): TopicName {
  if (!isEventType(eventType)) {
    throw new TrackingError('UNKNOWN_EVENT', `No topic for unknown event type "${eventType}"`, {
      details: { eventType },
    });
  }
  return EVENT_TOPICS[eventType];
}

const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `tracking.dead-letter.<service>.v1`: one dead-letter topic per consuming service. */
export function deadLetterTopic(service: string): string {
  if (!SERVICE_NAME.test(service)) {
    throw new TrackingError(
      'CONFIG_INVALID',
      `"${service}" is not a service name (lowercase, dash-separated)`,
      {
        details: { service },
      },
    );
  }
  return `tracking.dead-letter.${service}.v1`;
}

/** The address pattern of every dead-letter topic, as the event catalogue documents it. */
export const DEAD_LETTER_TOPIC_PATTERN = 'tracking.dead-letter.{service}.v1';
