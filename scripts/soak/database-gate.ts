import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP relay in front of PostgreSQL for one service, so the soak can take its database away the
 * way a failover or a network partition does: `refuse()` cuts every open connection and stops
 * listening (new connections get ECONNREFUSED), `restore()` listens on the same port again.
 * The service never knows: its DATABASE_URL simply points here.
 */
export class DatabaseGate {
  private server?: Server;
  private readonly open = new Set<Socket>();
  private port = 0;

  private constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
  ) {}

  /** Starts relaying to the server of `databaseUrl`; returns the gate and the URL through it. */
  static async open(databaseUrl: string): Promise<{ gate: DatabaseGate; url: string }> {
    const upstream = new URL(databaseUrl);
    const gate = new DatabaseGate(upstream.hostname, Number(upstream.port || 5432));
    await gate.listen();
    const through = new URL(databaseUrl);
    through.hostname = '127.0.0.1';
    through.port = String(gate.port);
    return { gate, url: through.toString() };
  }

  get refusing(): boolean {
    return this.server === undefined;
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      this.open.add(client).add(upstream);
      const forget = (): void => {
        this.open.delete(client);
        this.open.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      // `on`, not `once`: a reset can follow a close, and an error with no listener ends the soak.
      client.on('close', forget).on('error', forget);
      upstream.on('close', forget).on('error', forget);
      upstream.connect(this.upstreamPort, this.upstreamHost, () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        this.port = typeof address === 'object' && address ? address.port : this.port;
        this.server = server;
        resolve();
      });
    });
  }

  async refuse(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.open) socket.destroy();
    await closed;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    await this.listen();
  }

  async close(): Promise<void> {
    await this.refuse();
  }
}
