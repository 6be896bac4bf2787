import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Embedded PostgreSQL: PGlite served over the PostgreSQL wire protocol, so the same `pg`
 * driver and SQL run against it. pglite-socket multiplexes connections poorly (prepared
 * statements interleave, two connections inside transactions hang), so each service gets
 * its own instance and must use a pool of one connection against it.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number; host?: string } = {},
): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 1 });
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
