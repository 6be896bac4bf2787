/**
 * The batch-ingestion baseline: a bare node:http handler that parses a batch of production
 * events, stores it with one multi-row INSERT into the same PostgreSQL and produces one message
 * per event with one kafkajs send to the same broker, then answers. None of the service's
 * framework, validation, authentication, idempotency, order locking, ledger or outbox.
 * production-status's batch endpoint is compared against it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ENVELOPE_HEADERS, TOPICS } from '@tracking/events';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Pool } from 'pg';

const PATH = '/v1/production-events/batch';
const port = Number(process.env.PORT);
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? '10'),
});
const kafka = new Kafka({
  clientId: 'bench-bare-production',
  brokers: (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean),
  logLevel: logLevel.ERROR,
});
const producer = kafka.producer({
  allowAutoTopicCreation: true,
  idempotent: process.env.KAFKA_IDEMPOTENT !== 'false',
  // The partitioner the service's publisher uses, so messages spread over partitions alike.
  createPartitioner: Partitioners.DefaultPartitioner,
});

interface BatchItem {
  orderId: string;
  eventId: string;
  type: string;
  occurredAt: string;
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function ingest(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let events: BatchItem[];
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events?: unknown };
    if (!Array.isArray(body.events) || body.events.length === 0) throw new Error('no events');
    events = body.events as BatchItem[];
  } catch {
    return answer(response, 400, { error: 'the body must be { "events": [...] }' });
  }
  const params: unknown[] = [];
  const values = events.map((event) => {
    const at = params.push(event.eventId, event.orderId, event.type, event.occurredAt, JSON.stringify(event));
    return `($${at - 4}, $${at - 3}, $${at - 2}, $${at - 1}, $${at}::jsonb)`;
  });
  await pool.query(
    `INSERT INTO production_events (event_id, order_id, type, occurred_at, body) VALUES ${values.join(', ')}`,
    params,
  );
  await producer.send({
    topic: TOPICS.production,
    acks: -1,
    messages: events.map((event) => ({
      key: event.orderId,
      value: JSON.stringify(event),
      headers: { [ENVELOPE_HEADERS.eventId]: event.eventId },
    })),
  });
  answer(response, 200, {
    summary: { accepted: events.length, duplicate: 0, awaiting_order: 0, rejected: 0 },
    results: events.map((event, index) => ({ index, outcome: 'accepted', eventId: event.eventId })),
  });
}

async function main(): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS production_events (
       id bigserial PRIMARY KEY,
       event_id text NOT NULL,
       order_id uuid NOT NULL,
       type text NOT NULL,
       occurred_at timestamptz NOT NULL,
       body jsonb NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now())`,
  );
  await producer.connect();
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === PATH) {
      ingest(request, response).catch((error: unknown) => {
        if (!response.headersSent) answer(response, 500, { error: String(error) });
      });
    } else if (request.method === 'GET' && request.url === '/health/ready') {
      answer(response, 200, { status: 'ok' });
    } else {
      answer(response, 404, { error: 'not found' });
    }
  });
  server.listen(port, '127.0.0.1');
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    void Promise.allSettled([pool.end(), producer.disconnect()]).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bare production server failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
