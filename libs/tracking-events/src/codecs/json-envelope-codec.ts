import { EventEnvelope } from '../generated/tracking/v1/envelope';
import { EVENT_TYPES } from '../event-types';
import { EnvelopeDecodeError, InvalidEnvelopeError } from './errors';
import { envelopeProblem } from './validate-envelope';

/** Kafka header names every envelope is published with, so brokers' tools can filter without parsing. */
export const ENVELOPE_HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export const ENVELOPE_CONTENT_TYPE = 'application/json';

/**
 * The envelope as proto3 JSON (camelCase names, enum names as strings, RFC 3339 timestamps,
 * default values left out), readable with kcat. JSON rather than binary protobuf because
 * operators read topics and dead letters by eye, and the schema still comes from proto/.
 */
export function encodeEnvelope(envelope: EventEnvelope): Buffer {
  const problem = envelopeProblem(envelope);
  if (problem !== undefined) {
    throw new InvalidEnvelopeError(problem, { eventId: envelope.eventId, eventType: envelope.type });
  }
  return Buffer.from(JSON.stringify(EventEnvelope.toJSON(envelope)), 'utf8');
}

const PAYLOAD_FIELDS = Object.keys(EVENT_TYPES).flatMap((payloadCase) => [
  payloadCase,
  payloadCase.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
]);

const STRING_FIELDS = ['eventId', 'type', 'orderId', 'shipmentId', 'merchantId', 'occurredAt', 'recordedAt'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Shape problems that ts-proto's lenient fromJSON would paper over (it stringifies objects). */
function shapeProblem(raw: Record<string, unknown>): string | undefined {
  for (const field of STRING_FIELDS) {
    const value = raw[field] ?? raw[snakeCase(field)];
    if (value !== undefined && value !== null && typeof value !== 'string')
      return `${field} must be a string`;
  }
  const payloads = PAYLOAD_FIELDS.filter((field) => raw[field] !== undefined && raw[field] !== null);
  if (payloads.length === 0) return 'payload is missing';
  if (payloads.length > 1) return `exactly one payload is allowed, got ${payloads.join(', ')}`;
  if (!isObject(raw[payloads[0] as string])) return `payload ${payloads[0]} must be a JSON object`;
  for (const field of ['source', 'trace']) {
    if (raw[field] !== undefined && raw[field] !== null && !isObject(raw[field]))
      return `${field} must be a JSON object`;
  }
  return undefined;
}

/**
 * Parses and validates one message value. Anything a consumer could not act on (bad JSON, a
 * missing field, an unknown type or enum value, a payload that is not the one the type names,
 * an unparseable time) throws EnvelopeDecodeError with the reason, for the dead-letter topic.
 * Unknown fields are ignored, so producers can add fields before consumers know them.
 */
export function decodeEnvelope(value: Buffer | string): EventEnvelope {
  const text = typeof value === 'string' ? value : value.toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EnvelopeDecodeError(`not valid JSON (${(error as Error).message})`, {}, error);
  }
  if (!isObject(raw)) throw new EnvelopeDecodeError('not a JSON object');
  const hints = { eventId: raw.eventId ?? raw.event_id, eventType: raw.type };
  const shape = shapeProblem(raw);
  if (shape !== undefined) throw new EnvelopeDecodeError(shape, hints);

  let envelope: EventEnvelope;
  try {
    envelope = EventEnvelope.fromJSON(raw);
  } catch (error) {
    throw new EnvelopeDecodeError((error as Error).message, hints, error);
  }
  const problem = envelopeProblem(envelope);
  if (problem !== undefined) throw new EnvelopeDecodeError(problem, hints);
  return envelope;
}

/** The Kafka headers to publish an envelope with. */
export function envelopeHeaders(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = {
    [ENVELOPE_HEADERS.eventId]: envelope.eventId,
    [ENVELOPE_HEADERS.eventType]: envelope.type,
    [ENVELOPE_HEADERS.schemaVersion]: String(envelope.schemaVersion),
    [ENVELOPE_HEADERS.contentType]: ENVELOPE_CONTENT_TYPE,
  };
  if (envelope.trace?.traceparent) headers[ENVELOPE_HEADERS.traceparent] = envelope.trace.traceparent;
  if (envelope.trace?.tracestate) headers[ENVELOPE_HEADERS.tracestate] = envelope.trace.tracestate;
  return headers;
}
