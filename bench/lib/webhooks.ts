import { createHmac, randomUUID } from 'node:crypto';
import { createEnvelope, encodeEnvelope, envelopeHeaders, type EventEnvelope } from '@tracking/events';
import { Kafka as KafkaClient, type KafkaMessage, logLevel, Partitioners } from 'kafkajs';
import type { Kafka } from './infrastructure';

export const AGGREGATOR_WEBHOOK_PATH = '/v1/carriers/aggregator/webhooks';
export const AGGREGATOR_SIGNATURE_HEADER = 'aftership-hmac-sha256';

/** AfterShip's scheme, as carrier-ingest verifies it: base64 HMAC-SHA256 of the raw body. */
export function signAggregatorBody(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** A parcel the benchmark registers with carrier-ingest, as production-status would at packing. */
export interface BenchShipment {
  shipmentId: string;
  orderId: string;
  trackingNumber: string;
}

/** shipment.registered as production-status publishes it (the carrier-ingest e2e test's shape). */
export function shipmentRegisteredEnvelope(
  shipment: BenchShipment,
  merchantId: string,
  registeredAt: Date,
): EventEnvelope {
  return createEnvelope({
    orderId: shipment.orderId,
    merchantId,
    shipmentId: shipment.shipmentId,
    occurredAt: registeredAt,
    source: { service: 'production-status' },
    payload: {
      $case: 'shipmentRegistered',
      value: {
        shipmentId: shipment.shipmentId,
        carrier: 'ups',
        trackingNumber: shipment.trackingNumber,
        serviceLevel: 'Ground',
      },
    },
  });
}

/** Publishes envelopes keyed by order, 500 a send, and returns when they are on their topics. */
export async function publishEnvelopes(
  kafka: Kafka,
  byTopic: ReadonlyArray<{ topic: string; envelopes: readonly EventEnvelope[] }>,
): Promise<void> {
  const client = new KafkaClient({
    clientId: 'bench-event-publisher',
    brokers: kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  const producer = client.producer({
    allowAutoTopicCreation: true,
    idempotent: kafka.idempotent,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (const { topic, envelopes } of byTopic) {
      for (let start = 0; start < envelopes.length; start += 500) {
        await producer.send({
          topic,
          acks: -1,
          messages: envelopes.slice(start, start + 500).map((envelope) => ({
            key: envelope.orderId,
            value: encodeEnvelope(envelope),
            headers: envelopeHeaders(envelope),
          })),
        });
      }
    }
  } finally {
    await producer.disconnect();
  }
}

/** `2026-11-28T10:00:00+00:00`: a checkpoint time as AfterShip writes it, to the second. */
export function checkpointTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** What a scan is known by on Kafka, from the service's event and from the baseline's raw body alike. */
export function scanKey(trackingNumber: string, occurredAt: string | Date): string {
  const ms = typeof occurredAt === 'string' ? Date.parse(occurredAt) : occurredAt.getTime();
  return `${trackingNumber}@${ms}`;
}

/**
 * An AfterShip `tracking_update` webhook for one number carrying one checkpoint at `at` in
 * Louisville (the carrier-ingest e2e test's shape), in-transit unless the tags say otherwise. A
 * real aggregator push repeats the earlier checkpoints too; each of these carries only the new
 * one. Its `event_id` and bytes are fixed once built, so resending it is the same delivery.
 */
export function aggregatorWebhookBody(
  trackingNumber: string,
  at: Date,
  message: string,
  subtag = 'InTransit_003',
  tag = 'InTransit',
): string {
  return JSON.stringify({
    event: 'tracking_update',
    event_id: randomUUID(),
    msg: {
      id: randomUUID().replace(/-/g, ''),
      tracking_number: trackingNumber,
      slug: 'ups',
      tag,
      subtag,
      checkpoints: [
        {
          slug: 'ups',
          checkpoint_time: checkpointTime(at),
          city: 'Louisville',
          state: 'KY',
          zip: '40213',
          country_iso3: 'USA',
          location: 'Louisville, KY, USA',
          message,
          tag,
          subtag,
          raw_tag: subtag,
        },
      ],
    },
    ts: Math.floor(Date.now() / 1_000),
  });
}

/**
 * The key of a message on tracking.carrier-scans.v1: carrier.scan-recorded (the service) carries
 * the number and the instant; the baseline's message is the raw webhook body.
 */
export function scanKeyOfMessage(_topic: string, message: KafkaMessage): string | undefined {
  if (!message.value) return undefined;
  try {
    const value = JSON.parse(message.value.toString('utf8')) as {
      occurredAt?: string;
      carrierScanRecorded?: { trackingNumber?: string };
      msg?: { tracking_number?: string; checkpoints?: Array<{ checkpoint_time?: string }> };
    };
    if (value.carrierScanRecorded?.trackingNumber && value.occurredAt)
      return scanKey(value.carrierScanRecorded.trackingNumber, value.occurredAt);
    const time = value.msg?.checkpoints?.[0]?.checkpoint_time;
    if (value.msg?.tracking_number && time) return scanKey(value.msg.tracking_number, time);
  } catch {
    // A marker or a message of another kind.
  }
  return undefined;
}
