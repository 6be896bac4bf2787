/**
 * `npm start`: the whole system on one machine. With nothing configured it starts embedded
 * PostgreSQL (one PGlite per service, over the wire protocol) and the local Kafka-protocol
 * broker; DATABASE_URL / KAFKA_BROKERS point it at real ones instead. Each service runs as
 * its own process, exactly as in production, with migrations run at its start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadOrCreateDevKeyPair, mintToken } from '@tracking/auth';
import {
  startEmbeddedPostgres,
  startLocalBroker,
  type EmbeddedPostgres,
  type LocalBroker,
} from '@tracking/testing';
import { SERVICES, type ServiceDefinition } from './services';

const root = path.resolve(__dirname, '..');
const dataDir = path.resolve(root, process.env.DATA_DIR ?? '.data');

function log(line: string): void {
  process.stderr.write(`[start] ${line}\n`);
}

async function waitForReady(service: ServiceDefinition, port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${service.name} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${service.name} was not ready within 120 s`);
}

const stops: Array<() => Promise<void>> = [];
const children: ChildProcess[] = [];
let stopping = false;

/** Stops every child and embedded server started so far, so a failed start leaves nothing running. */
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    log('stopping services');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
  process.exit(code);
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let broker: LocalBroker | undefined;
  const kafkaBrokers = process.env.KAFKA_BROKERS ?? (broker = await startLocalBroker()).bootstrapServers;
  if (broker) {
    stops.push(broker.stop);
    log(`local Kafka-protocol broker (librdkafka mock cluster) at ${kafkaBrokers}`);
    log('  it keeps messages only while it runs: restarting `npm start` starts with empty topics');
  }

  const keys = loadOrCreateDevKeyPair(path.join(dataDir, 'auth'));
  const authEnv: Record<string, string> =
    process.env.AUTH_JWKS_URL || process.env.AUTH_PUBLIC_KEY ? {} : { AUTH_PUBLIC_KEY: keys.publicKeyPem };

  const services = SERVICES.filter((service) => existsSync(path.join(root, service.entry)));
  const ports = new Map<string, number>();
  for (const service of services) {
    let databaseUrl = process.env.DATABASE_URL;
    let poolSize = process.env.DATABASE_POOL_SIZE;
    if (!databaseUrl) {
      const embedded: EmbeddedPostgres = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, 'pglite', service.name),
      });
      stops.push(embedded.stop);
      databaseUrl = embedded.url;
      poolSize = '1';
      log(`${service.name}: embedded PostgreSQL (PGlite) at ${embedded.url}`);
    }
    const port = Number(process.env[`${service.envPrefix}_PORT`] ?? service.defaultPort);
    ports.set(service.name, port);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', service.entry], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        ...authEnv,
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        ...(poolSize ? { DATABASE_POOL_SIZE: poolSize } : {}),
        KAFKA_BROKERS: kafkaBrokers,
        // The mock broker cannot serve idempotent producers, and it holds every fetch for the
        // whole wait instead of answering when a message arrives; real clusters keep the defaults.
        ...(broker
          ? {
              KAFKA_IDEMPOTENT: 'false',
              KAFKA_FETCH_MAX_WAIT_MS: process.env.KAFKA_FETCH_MAX_WAIT_MS ?? '100',
            }
          : {}),
      },
    });
    children.push(child);
    child.once('exit', (code) => {
      if (!stopping) {
        log(`${service.name} exited with code ${code}; stopping everything`);
        void stopAll(code ?? 1);
      }
    });
    await waitForReady(service, port, child);
    log(`${service.name} ready on http://localhost:${port}`);
  }

  const merchantToken = await mintToken({ kind: 'merchant', id: 'demo-merchant' }, keys.privateKeyPem);
  const centreToken = await mintToken({ kind: 'fulfillment_center', id: 'demo-fc' }, keys.privateKeyPem);
  const lines = [
    '',
    'Tracking system is up.',
    ...services.map((service) => `  ${service.name.padEnd(18)} http://localhost:${ports.get(service.name)}`),
    '',
    `  Kafka brokers      ${kafkaBrokers}`,
    '',
    'Demo tokens (valid 30 days; mint more with `npm run token -- --merchant <id>`):',
    `  merchant demo-merchant:        ${merchantToken}`,
    `  fulfillment centre demo-fc:    ${centreToken}`,
    '',
    'Try: see README.md "Submit an order". Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  void stopAll(1);
});
