/**
 * The HTTP baseline: what node:http and one INSERT into the same PostgreSQL cost, with none of
 * the service's framework, validation, authentication, idempotency or outbox. Order-intake is
 * compared against it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'pg';

const port = Number(process.env.PORT);
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? '10'),
});

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function insertOrder(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let order: unknown;
  try {
    order = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return answer(response, 400, { error: 'body is not JSON' });
  }
  const { rows } = await pool.query<{ id: string }>('INSERT INTO orders (body) VALUES ($1) RETURNING id', [
    JSON.stringify(order),
  ]);
  answer(response, 201, { id: rows[0]!.id });
}

async function main(): Promise<void> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  );
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/v1/orders') {
      insertOrder(request, response).catch((error: unknown) => {
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
    void pool.end().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bare insert server failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
