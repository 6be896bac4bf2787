/**
 * The tracking-lookup baseline: a bare node:http handler that hashes the token (SHA-256, as
 * tracking-api stores it), reads the same public view JSON by that hash from a table in the same
 * PostgreSQL with a pool of the same size, and returns it; 404 when there is none. None of the
 * service's framework, response time floor, headers or token shape check.
 * GET /v1/track/:token of tracking-api is compared against it.
 */
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { Pool } from 'pg';

const PREFIX = '/v1/track/';
const port = Number(process.env.PORT);
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? '10'),
});

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function track(token: string, response: ServerResponse): Promise<void> {
  const hash = createHash('sha256').update(token).digest('hex');
  const { rows } = await pool.query<{ view: string }>(
    'SELECT public_view::text AS view FROM track_views WHERE token_hash = $1',
    [hash],
  );
  if (rows[0]) answer(response, 200, rows[0].view);
  else answer(response, 404, '{"error":"not found"}');
}

async function main(): Promise<void> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS track_views (token_hash text PRIMARY KEY, public_view jsonb NOT NULL)',
  );
  const server = createServer((request, response) => {
    const url = request.url ?? '';
    if (request.method === 'GET' && url.startsWith(PREFIX) && url.indexOf('/', PREFIX.length) < 0) {
      track(decodeURIComponent(url.slice(PREFIX.length)), response).catch((error: unknown) => {
        if (!response.headersSent) answer(response, 500, JSON.stringify({ error: String(error) }));
      });
    } else if (request.method === 'GET' && url === '/health/ready') {
      answer(response, 200, '{"status":"ok"}');
    } else {
      answer(response, 404, '{"error":"not found"}');
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
  process.stderr.write(`bare track server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
