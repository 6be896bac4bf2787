import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Embedded PostgreSQL: PGlite served over the PostgreSQL wire protocol, so the same `pg`
 * driver and SQL run against it. PGlite is a single session: pglite-socket queues the
 * connections' queries and holds the others back while one is inside a transaction, so a
 * client pool of more than one buys nothing and can stall; each service process therefore
 * uses a pool of one. Several connections are still accepted, so a replica can start while
 * another stops, and two replicas can share one database in tests.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const MAX_CLIENT_PROCESSES = 8;

export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number; host?: string } = {},
): Promise<EmbeddedPostgres> {
  // PGlite creates only the last directory of the path.
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({
    db,
    host,
    port: options.port ?? 0,
    maxConnections: MAX_CLIENT_PROCESSES,
  });
  await server.start();
  const address = server.getServerConn(); // "host:port"
  return {
    url: `postgres://postgres@${address}/postgres?sslmode=disable`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
