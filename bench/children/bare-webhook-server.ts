/**
 * The webhook baseline: a bare node:http handler that verifies the aggregator's signature (base64
 * HMAC-SHA256 of the raw body, as carrier-ingest does), stores the raw body with one INSERT into
 * the same PostgreSQL, produces one message per webhook (the raw body, keyed by tracking number)
 * with one kafkajs send to tracking.carrier-scans.v1 on the same broker, and answers 202. None of
 * the service's framework, replay check, parsing into scans, deduplication, status reduction,
 * ledger or outbox; and it does in the request what the service does after its answer.
 * carrier-ingest's webhook ingestion is compared against it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { TOPICS } from '@tracking/events';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Pool } from 'pg';

const PATH = '/v1/carriers/aggregator/webhooks';
const SIGNATURE_HEADER = 'aftership-hmac-sha256';
const port = Number(process.env.PORT);
const secret = process.env.WEBHOOK_SECRET ?? '';
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? '10'),
});
const kafka = new Kafka({
  clientId: 'bench-bare-webhooks',
  brokers: (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean),
  logLevel: logLevel.ERROR,
});
const producer = kafka.producer({
  allowAutoTopicCreation: true,
  idempotent: process.env.KAFKA_IDEMPOTENT !== 'false',
  createPartitioner: Partitioners.DefaultPartitioner,
});

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function signatureMatches(rawBody: Buffer, given: string | undefined): boolean {
  if (!given) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('base64'));
  const actual = Buffer.from(given.trim());
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks);
  const signature = request.headers[SIGNATURE_HEADER];
  if (!signatureMatches(rawBody, Array.isArray(signature) ? signature[0] : signature)) {
    return answer(response, 401, { error: 'signature does not match the body' });
  }
  let trackingNumber: string | null = null;
  try {
    const body = JSON.parse(rawBody.toString('utf8')) as { msg?: { tracking_number?: unknown } };
    if (typeof body.msg?.tracking_number === 'string') trackingNumber = body.msg.tracking_number;
  } catch {
    // Stored and sent on all the same, as the service stores what it cannot parse.
  }
  const { rows } = await pool.query<{ id: string }>(
    'INSERT INTO webhook_deliveries (tracking_number, raw_body) VALUES ($1, $2) RETURNING id',
    [trackingNumber, rawBody],
  );
  await producer.send({
    topic: TOPICS.carrierScans,
    acks: -1,
    messages: [{ key: trackingNumber, value: rawBody }],
  });
  answer(response, 202, { outcome: 'accepted', deliveryId: rows[0]!.id });
}

async function main(): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS webhook_deliveries (
       id bigserial PRIMARY KEY,
       tracking_number text,
       raw_body bytea NOT NULL,
       received_at timestamptz NOT NULL DEFAULT now())`,
  );
  await producer.connect();
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === PATH) {
      receive(request, response).catch((error: unknown) => {
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
    `bare webhook server failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
