/**
 * Builds the AsyncAPI 3 event catalogue (docs/events/asyncapi.yaml) from the proto
 * descriptors and topics.ts. Generated, never edited by hand, and checked by a spec, so the
 * catalogue cannot drift from what producers actually send.
 */
import { stringify } from 'yaml';
import { ENVELOPE_CONTENT_TYPE, ENVELOPE_HEADERS, REQUIRED_ENVELOPE_FIELDS } from '../src/codecs';
import { EVENT_TYPES, SCHEMA_VERSION, payloadCaseOf, type EventType } from '../src/event-types';
import { DEAD_LETTER_TOPIC_PATTERN, TOPICS, eventTypesOnTopic, type TopicKey } from '../src/topics';
import type {
  EnumDescriptor,
  FieldDescriptor,
  FileDescriptor,
  MessageDescriptor,
  SourceLocation,
} from './proto-descriptors';

export const CATALOGUE_PATH = 'docs/events/asyncapi.yaml';

const PACKAGE_PREFIX = '.tracking.v1.';
const KAFKA_BINDING_VERSION = '0.5.0';

// Field numbers in descriptor.proto, which source-code-info paths are made of.
const FILE_MESSAGE_TYPE = 4;
const FILE_ENUM_TYPE = 5;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED_TYPE = 3;
const MESSAGE_ENUM_TYPE = 4;
const ENUM_VALUE = 2;

type Schema = Record<string, unknown>;

interface Comments {
  get(path: readonly number[]): string | undefined;
}

function commentsOf(file: FileDescriptor): Comments {
  const byPath = new Map<string, string>();
  for (const location of file.sourceCodeInfo?.location ?? ([] as SourceLocation[])) {
    if (location.leadingComments && location.path) {
      const text = location.leadingComments
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0)
        .join(' ');
      byPath.set(location.path.join('.'), text);
    }
  }
  return { get: (path) => byPath.get(path.join('.')) };
}

function withDescription(schema: Schema, description: string | undefined): Schema {
  return description === undefined ? schema : { description, ...schema };
}

function componentName(typeName: string): string {
  return typeName.startsWith(PACKAGE_PREFIX) ? typeName.slice(PACKAGE_PREFIX.length) : typeName;
}

function ref(typeName: string): Schema {
  return { $ref: `#/components/schemas/${componentName(typeName)}` };
}

/** The proto3 JSON mapping of one field's value. */
function valueSchema(field: FieldDescriptor): Schema {
  switch (field.type) {
    case 'TYPE_STRING':
      return { type: 'string' };
    case 'TYPE_BOOL':
      return { type: 'boolean' };
    case 'TYPE_DOUBLE':
    case 'TYPE_FLOAT':
      return { type: 'number' };
    case 'TYPE_INT32':
    case 'TYPE_SINT32':
    case 'TYPE_SFIXED32':
      return { type: 'integer' };
    case 'TYPE_UINT32':
    case 'TYPE_FIXED32':
      return { type: 'integer', minimum: 0 };
    case 'TYPE_INT64':
    case 'TYPE_SINT64':
    case 'TYPE_SFIXED64':
    case 'TYPE_UINT64':
    case 'TYPE_FIXED64':
      // proto3 JSON writes 64-bit integers as strings; our producers write numbers. Both parse.
      return { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]+$' }] };
    case 'TYPE_BYTES':
      return { type: 'string', contentEncoding: 'base64' };
    case 'TYPE_ENUM':
      return ref(field.typeName as string);
    case 'TYPE_MESSAGE':
      if (field.typeName === '.google.protobuf.Timestamp') return { type: 'string', format: 'date-time' };
      return ref(field.typeName as string);
    default:
      throw new Error(`No JSON mapping for proto field ${field.name} of type ${field.type}`);
  }
}

function fieldSchema(field: FieldDescriptor, description: string | undefined): Schema {
  const value = valueSchema(field);
  const schema = field.label === 'LABEL_REPEATED' ? { type: 'array', items: value } : value;
  // A $ref with sibling keywords is ignored by draft-07 validators, so a described ref is wrapped.
  if (description !== undefined && '$ref' in schema) return { description, allOf: [schema] };
  return withDescription(schema, description);
}

function messageSchema(message: MessageDescriptor, path: readonly number[], comments: Comments): Schema {
  const properties: Record<string, Schema> = {};
  (message.field ?? []).forEach((field, index) => {
    const jsonName = field.jsonName ?? field.name;
    properties[jsonName] = fieldSchema(field, comments.get([...path, MESSAGE_FIELD, index]));
  });
  return withDescription({ type: 'object', properties }, comments.get(path));
}

function enumSchema(enumType: EnumDescriptor, path: readonly number[], comments: Comments): Schema {
  const valueDescriptions: Record<string, string> = {};
  enumType.value.forEach((value, index) => {
    const description = comments.get([...path, ENUM_VALUE, index]);
    if (description !== undefined) valueDescriptions[value.name] = description;
  });
  return withDescription(
    {
      type: 'string',
      enum: enumType.value.map((value) => value.name),
      ...(Object.keys(valueDescriptions).length > 0 ? { 'x-enum-descriptions': valueDescriptions } : {}),
    },
    comments.get(path),
  );
}

/** Every message and enum of the package as a JSON schema, keyed by name without the package. */
function protoSchemas(files: readonly FileDescriptor[]): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  const visitMessage = (
    message: MessageDescriptor,
    prefix: string,
    path: number[],
    comments: Comments,
  ): void => {
    const name = `${prefix}${message.name}`;
    schemas.set(name, messageSchema(message, path, comments));
    (message.enumType ?? []).forEach((nested, index) =>
      schemas.set(
        `${name}.${nested.name}`,
        enumSchema(nested, [...path, MESSAGE_ENUM_TYPE, index], comments),
      ),
    );
    (message.nestedType ?? []).forEach((nested, index) =>
      visitMessage(nested, `${name}.`, [...path, MESSAGE_NESTED_TYPE, index], comments),
    );
  };
  for (const file of files) {
    const comments = commentsOf(file);
    (file.enumType ?? []).forEach((enumType, index) =>
      schemas.set(enumType.name, enumSchema(enumType, [FILE_ENUM_TYPE, index], comments)),
    );
    (file.messageType ?? []).forEach((message, index) =>
      visitMessage(message, '', [FILE_MESSAGE_TYPE, index], comments),
    );
  }
  return new Map([...schemas.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function payloadMessageName(eventType: EventType): string {
  const payloadCase = payloadCaseOf(eventType);
  return payloadCase.charAt(0).toUpperCase() + payloadCase.slice(1);
}

function headersSchema(): Schema {
  return {
    type: 'object',
    description:
      'Kafka headers of every envelope, copied from it so tools can route and filter without parsing.',
    required: [
      ENVELOPE_HEADERS.eventId,
      ENVELOPE_HEADERS.eventType,
      ENVELOPE_HEADERS.schemaVersion,
      ENVELOPE_HEADERS.contentType,
    ],
    properties: {
      [ENVELOPE_HEADERS.eventId]: { type: 'string', format: 'uuid', description: 'The envelope eventId.' },
      [ENVELOPE_HEADERS.eventType]: {
        type: 'string',
        enum: Object.values(EVENT_TYPES),
        description: 'The envelope type.',
      },
      [ENVELOPE_HEADERS.schemaVersion]: {
        type: 'string',
        pattern: '^[0-9]+$',
        description: 'The envelope schemaVersion.',
      },
      [ENVELOPE_HEADERS.contentType]: { type: 'string', const: ENVELOPE_CONTENT_TYPE },
      [ENVELOPE_HEADERS.traceparent]: {
        type: 'string',
        description: 'W3C traceparent of the work that produced the event, when traced.',
      },
      [ENVELOPE_HEADERS.tracestate]: { type: 'string', description: 'W3C tracestate, when there is one.' },
    },
  };
}

function messageComponent(eventType: EventType, schemas: Map<string, Schema>): Schema {
  const payloadCase = payloadCaseOf(eventType);
  const payloadName = payloadMessageName(eventType);
  const comment = schemas.get(payloadName)?.description as string | undefined;
  // Payload comments in proto/ open with the event type, which the message already names.
  const trimmed = comment?.startsWith(`${eventType}: `) ? comment.slice(eventType.length + 2) : comment;
  const description = trimmed && trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return {
    name: eventType,
    title: payloadName,
    ...(description === undefined ? {} : { summary: description }),
    contentType: ENVELOPE_CONTENT_TYPE,
    headers: {
      type: 'object',
      allOf: [
        { $ref: '#/components/schemas/EnvelopeHeaders' },
        { properties: { [ENVELOPE_HEADERS.eventType]: { const: eventType } } },
      ],
    },
    payload: {
      type: 'object',
      allOf: [
        { $ref: '#/components/schemas/EventEnvelope' },
        {
          type: 'object',
          required: [payloadCase],
          properties: {
            type: { const: eventType },
            [payloadCase]: { $ref: `#/components/schemas/${payloadName}` },
          },
        },
      ],
    },
    bindings: {
      kafka: {
        key: { type: 'string', description: 'The order id (the envelope orderId).' },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

const TOPIC_DESCRIPTIONS: { readonly [K in TopicKey]: string } = {
  orders: 'Orders accepted from storefronts, and their cancellation; nothing that identifies the buyer.',
  buyerContacts:
    "How to reach each order's buyer, the buyer's delivery-change requests, and the erasure of both: personal data, so finite retention and compacted by order id.",
  production: 'Production steps reported by fulfillment centres, mapped to canonical states.',
  shipments: 'Shipments created at packing, for carrier ingest to start tracking.',
  carrierScans: 'Carrier scans normalized onto the canonical states, with the raw scan kept as evidence.',
  status: "Each order's status as the reducer derives it, whenever it changes.",
  notifications: 'Outcomes of notifications to buyers and merchants.',
  storefrontSync: 'Outcomes of pushing statuses to the storefronts orders came from.',
};

/** The AsyncAPI document as a plain object. */
export function buildCatalogue(files: readonly FileDescriptor[]): Schema {
  const schemas = protoSchemas(files);
  const envelope = schemas.get('EventEnvelope');
  if (envelope === undefined) throw new Error('proto/ has no EventEnvelope message');
  const envelopeProperties = envelope.properties as Record<string, Schema>;
  envelopeProperties.eventId = { ...envelopeProperties.eventId, format: 'uuid' };
  envelopeProperties.type = { ...envelopeProperties.type, enum: Object.values(EVENT_TYPES) };
  schemas.set('EventEnvelope', { ...envelope, required: [...REQUIRED_ENVELOPE_FIELDS] });

  const channels: Record<string, Schema> = {};
  const messages: Record<string, Schema> = {};
  for (const [key, address] of Object.entries(TOPICS) as Array<[TopicKey, string]>) {
    const eventTypes = eventTypesOnTopic(address as (typeof TOPICS)[TopicKey]);
    channels[key] = {
      address,
      description: `${TOPIC_DESCRIPTIONS[key]} Keyed by order id, so one order's events stay in order on one partition.`,
      messages: Object.fromEntries(
        eventTypes.map((eventType) => [eventType, { $ref: `#/components/messages/${eventType}` }]),
      ),
      bindings: { kafka: { topic: address, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    for (const eventType of eventTypes) messages[eventType] = messageComponent(eventType, schemas);
  }
  channels.deadLetter = {
    address: DEAD_LETTER_TOPIC_PATTERN,
    description:
      'One dead-letter topic per consuming service. A message its consumer cannot process lands here with the ' +
      'reason, next to its original headers, and the consumer moves on; the replay tool sends it back.',
    parameters: { service: { description: 'The consuming service, e.g. carrier-ingest.' } },
    messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
  };
  messages.deadLetter = {
    name: 'dead-letter',
    title: 'Dead letter',
    summary: 'A message that could not be processed, kept byte for byte with its original key and headers.',
    contentType: ENVELOPE_CONTENT_TYPE,
    payload: {
      description:
        'The original message value, unchanged: usually an EventEnvelope, any bytes when decoding failed.',
    },
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Order tracking events',
      version: String(SCHEMA_VERSION),
      description: [
        'Every event on Kafka, generated from proto/ (the schema of record) and',
        'libs/tracking-events/src/topics.ts by `npm run events:catalogue`.',
        '',
        'Every message value is one EventEnvelope encoded as proto3 JSON; the envelope type names',
        'the one payload it carries. The key is the order id. Delivery is at least once: consumers',
        'deduplicate on eventId. Topic names and event types are wire contracts: a breaking change',
        'gets a new .v2 topic or a new type, never a rename in place.',
      ].join('\n'),
    },
    defaultContentType: ENVELOPE_CONTENT_TYPE,
    channels,
    components: {
      schemas: { EnvelopeHeaders: headersSchema(), ...Object.fromEntries(schemas) },
      messages,
    },
  };
}

const HEADER = [
  '# Generated by `npm run events:catalogue` from proto/ and libs/tracking-events/src/topics.ts.',
  '# Do not edit: change the proto or topics.ts and regenerate; a spec fails while this file is stale.',
  '',
].join('\n');

// Single quotes and no folding match the repository's Prettier settings, so `npm run format` leaves the file as generated.
export function renderCatalogue(files: readonly FileDescriptor[]): string {
  return (
    HEADER +
    stringify(buildCatalogue(files), { aliasDuplicateObjects: false, lineWidth: 0, singleQuote: true })
  );
}
