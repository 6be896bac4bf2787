import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { generateSigningKeyPair, mintToken } from '@tracking/auth';
import { type Kafka, chooseKafka, choosePostgres } from '../../bench/lib/infrastructure';
import { SERVICE_FETCH_WAIT_MS } from '../../bench/lib/kafka-hop';
import {
  type BenchProcess,
  describeExit,
  freePort,
  startProcess,
  waitForHttpReady,
} from '../../bench/lib/processes';
import type { Scope } from '../../bench/lib/scope';
import { positionGroupAtEnd, type ServiceName } from '../../bench/lib/services';
import { SERVICES } from '../services';
import { DatabaseGate } from './database-gate';
import { MailCatcher } from './mail-catcher';
import type { SoakSettings } from './settings';

/** Every service `npm start` runs that a buyer's order passes through. */
export const SOAK_SERVICES: readonly ServiceName[] = [
  'order-intake',
  'production-status',
  'carrier-ingest',
  'notification',
  'tracking-api',
];

export const SOAK_MERCHANT = 'soak-merchant';
export const SOAK_CENTRE = 'soak-fc';
export const EMAIL_FROM = 'tracking@soak.example';

/**
 * One service as its own process, started as scripts/start.ts starts it, that can be killed and
 * started again on the same port, database and consumer group: a crashed pod coming back.
 */
export class SoakService {
  private proc?: BenchProcess;
  /** Exits nobody asked for (the soak's own SIGKILLs are not counted). */
  unplannedExits = 0;
  private expectingExit = false;
  private stopped = false;

  constructor(
    readonly name: ServiceName,
    readonly baseUrl: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
    readonly gate?: DatabaseGate,
  ) {}

  async start(): Promise<void> {
    const definition = SERVICES.find((candidate) => candidate.name === this.name)!;
    const proc = startProcess(this.name, definition.entry, this.env);
    this.proc = proc;
    this.expectingExit = false;
    proc.child.once('exit', () => {
      if (this.expectingExit || this.stopped || this.proc !== proc) return;
      // As an orchestrator would: a service that dies by itself is counted and started again.
      this.unplannedExits += 1;
      this.log(`${describeExit(proc)}\n  starting ${this.name} again`);
      void this.start().catch((error: unknown) =>
        this.log(`${this.name} did not come back: ${String(error)}`),
      );
    });
    await waitForHttpReady(proc, this.baseUrl);
  }

  /** SIGKILL: no shutdown hook runs, whatever was in hand is lost with the process. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exited()) return;
    this.expectingExit = true;
    const gone = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
    proc.child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.proc?.stop();
  }

  warnings(): { count: number; first: string[] } {
    return { count: this.proc?.output.warningCount ?? 0, first: this.proc?.output.warnings ?? [] };
  }
}

/** The local broker's process, to freeze it: our own child `kcat`, found by its parent pid. */
function localBrokerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'kcat' && ppid === process.pid) return Number(entry);
    } catch {
      // The process went away while we looked.
    }
  }
  return undefined;
}

export interface SoakSystem {
  runId: string;
  kafka: Kafka;
  /** The local broker's pid when the soak started it; undefined on a configured cluster. */
  brokerPid?: number;
  services: Record<ServiceName, SoakService>;
  sink: MailCatcher;
  merchantToken: string;
  centreToken: string;
  webhookSecret: string;
}

export async function startSystem(
  scope: Scope,
  settings: SoakSettings,
  log: (line: string) => void,
): Promise<SoakSystem> {
  const runId = randomBytes(4).toString('hex');
  const postgres = await choosePostgres(log);
  if (postgres.kind === 'embedded')
    throw new Error('the soak needs a PostgreSQL server: set DATABASE_URL (embedded PGlite is one session)');
  const kafka = await chooseKafka(scope, log);
  const brokerPid = kafka.kind === 'local-broker' ? localBrokerPid() : undefined;
  if (kafka.kind === 'local-broker' && brokerPid === undefined)
    throw new Error('could not find the local broker process to pause it');

  const sink = new MailCatcher();
  const smtpUrl = await sink.start();
  scope.defer('SMTP catcher', () => sink.stop());

  const keys = await generateSigningKeyPair();
  const merchantToken = await mintToken({ kind: 'merchant', id: SOAK_MERCHANT }, keys.privateKeyPem, {
    expiresIn: '6h',
  });
  const centreToken = await mintToken({ kind: 'fulfillment_center', id: SOAK_CENTRE }, keys.privateKeyPem, {
    expiresIn: '6h',
  });
  const webhookSecret = randomBytes(24).toString('base64url');
  const ports = new Map<ServiceName, number>();
  for (const name of SOAK_SERVICES) ports.set(name, await freePort());
  const trackingBase = `http://127.0.0.1:${ports.get('tracking-api')}`;
  const ownEnv: Partial<Record<ServiceName, Record<string, string>>> = {
    'carrier-ingest': { CARRIER_AGGREGATOR_WEBHOOK_SECRET: webhookSecret },
    notification: {
      SMTP_URL: smtpUrl,
      EMAIL_FROM,
      PUBLIC_TRACKING_BASE_URL: `${trackingBase}/t`,
      // Scans of a journey come seconds apart: a shorter window than the 5 s default lets each
      // milestone's message go out instead of being replaced by the next.
      NOTIFICATION_COALESCE_MS: '1000',
    },
  };

  const services = {} as Record<ServiceName, SoakService>;
  for (const name of SOAK_SERVICES) {
    const database = await postgres.createDatabase(scope, `soak_${name.replace(/-/g, '_')}`);
    let databaseUrl = database.url;
    let gate: DatabaseGate | undefined;
    if (name === settings.databaseFaultService) {
      const opened = await DatabaseGate.open(database.url);
      gate = opened.gate;
      databaseUrl = opened.url;
      scope.defer(`database gate of ${name}`, () => opened.gate.close());
    }
    // Its consumer must not join (and rebalance) a real deployment's group on a shared cluster.
    const consumerGroup = `soak-${name}-${runId}`;
    if (kafka.kind === 'KAFKA_BROKERS') await positionGroupAtEnd(kafka, consumerGroup);
    const service = new SoakService(
      name,
      `http://127.0.0.1:${ports.get(name)}`,
      {
        ...process.env,
        PORT: String(ports.get(name)),
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: String(database.poolSize),
        KAFKA_BROKERS: kafka.brokers,
        ...(kafka.idempotent ? {} : { KAFKA_IDEMPOTENT: 'false' }),
        KAFKA_FETCH_MAX_WAIT_MS: String(SERVICE_FETCH_WAIT_MS),
        KAFKA_CONSUMER_GROUP: consumerGroup,
        AUTH_PUBLIC_KEY: keys.publicKeyPem,
        AUTH_JWKS_URL: '',
        LOG_LEVEL: 'warn',
        ...ownEnv[name],
      },
      log,
      gate,
    );
    services[name] = service;
    scope.defer(name, () => service.stop());
  }
  await Promise.all(Object.values(services).map((service) => service.start()));
  log(`services ready: ${SOAK_SERVICES.map((name) => `${name} ${services[name].baseUrl}`).join(', ')}`);

  // Buyers are told at any hour: quiet hours would hold messages past the end of the run.
  const settingsAnswer = await fetch(`${services.notification.baseUrl}/v1/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${merchantToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ quietHours: null }),
  });
  if (!settingsAnswer.ok)
    throw new Error(
      `notification refused the soak's settings: ${settingsAnswer.status} ${await settingsAnswer.text()}`,
    );

  return {
    runId,
    kafka,
    ...(brokerPid === undefined ? {} : { brokerPid }),
    services,
    sink,
    merchantToken,
    centreToken,
    webhookSecret,
  };
}
