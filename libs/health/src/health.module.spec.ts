import type { AddressInfo } from 'node:net';
import { Global, type INestApplication, Injectable, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@tracking/auth';
import { ConfigModule, loadConfig, PlatformConfig } from '@tracking/config';
import { ProblemDetailsFilter } from '@tracking/http';
import { HealthModule } from './health.module';
import type { ReadinessCheck, ReadinessReport } from './readiness';

@Injectable()
class DatabaseUp implements ReadinessCheck {
  readonly name = 'postgresql';
  async check(): Promise<void> {}
}

@Injectable()
class BrokerDown implements ReadinessCheck {
  readonly name = 'kafka';
  async check(): Promise<void> {
    throw new Error('no broker reachable at 127.0.0.1:9092');
  }
}

@Injectable()
class ConnectionHangs implements ReadinessCheck {
  readonly name = 'carrier-api';
  check(): Promise<void> {
    return new Promise(() => undefined);
  }
}

/** Holds state, like a consumer that knows whether it has joined its group. */
@Injectable()
class ConsumerJoined implements ReadinessCheck {
  readonly name = 'consumer';
  joined = false;
  async check(): Promise<void> {
    if (!this.joined) throw new Error('consumer group not joined yet');
  }
}

@Global()
@Module({ providers: [ConsumerJoined], exports: [ConsumerJoined] })
class MessagingModule {}

const config = loadConfig(PlatformConfig, {
  SERVICE_NAME: 'health-spec',
  PORT: '0',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  KAFKA_BROKERS: '127.0.0.1:9092',
  AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks.json',
});

interface RunningApp {
  app: INestApplication;
  get(path: string): Promise<{ status: number; headers: Headers; text: string }>;
}

const running: RunningApp[] = [];

/** Auth is on, as in every service: probes must answer without a token. */
async function startApp(checks: Type<ReadinessCheck>[]): Promise<RunningApp> {
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      AuthModule.forRoot(),
      MessagingModule,
      HealthModule.forRoot({ checks }),
    ],
  })
  class HealthSpecModule {}

  const app = await NestFactory.create(HealthSpecModule, { logger: false });
  app.useGlobalFilters(new ProblemDetailsFilter());
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const started: RunningApp = {
    app,
    async get(path) {
      const response = await fetch(`${baseUrl}${path}`);
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
  };
  running.push(started);
  return started;
}

async function readiness(app: RunningApp): Promise<{ status: number; report: ReadinessReport }> {
  const response = await app.get('/health/ready');
  return { status: response.status, report: JSON.parse(response.text) as ReadinessReport };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.app.close()));
});

describe('HealthModule', () => {
  it('is live and ready when every check passes, without a token', async () => {
    const app = await startApp([DatabaseUp]);
    const live = await app.get('/health/live');
    expect(live.status).toBe(200);
    expect(JSON.parse(live.text)).toEqual({ status: 'ok' });
    const { status, report } = await readiness(app);
    expect(status).toBe(200);
    expect(report).toMatchObject({ status: 'ready', checks: { postgresql: { status: 'up' } } });
  });

  it('is not ready while a check fails, and says which and why', async () => {
    const app = await startApp([DatabaseUp, BrokerDown]);
    const { status, report } = await readiness(app);
    expect(status).toBe(503);
    expect(report).toMatchObject({
      status: 'not_ready',
      checks: {
        postgresql: { status: 'up' },
        kafka: { status: 'down', error: 'no broker reachable at 127.0.0.1:9092' },
      },
    });
    expect((await app.get('/health/live')).status).toBe(200);
  });

  it('gives up on a hanging check after 2 s, running checks in parallel', async () => {
    const app = await startApp([ConnectionHangs, DatabaseUp, BrokerDown]);
    const started = Date.now();
    const { status, report } = await readiness(app);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(status).toBe(503);
    expect(report.checks['carrier-api']).toMatchObject({ status: 'down', error: 'no answer within 2000 ms' });
    expect(report.checks['carrier-api']!.durationMs).toBeGreaterThanOrEqual(1_900);
  });

  it('uses the instance the owning module exports, state included', async () => {
    const app = await startApp([ConsumerJoined]);
    expect((await readiness(app)).status).toBe(503);
    app.app.get(ConsumerJoined).joined = true;
    expect((await readiness(app)).status).toBe(200);
  });

  it('turns not ready as soon as a shutdown signal arrives, while still live', async () => {
    // Stands in for Nest's own handler (enableShutdownHooks), which would end this test process.
    const stopper = (): void => undefined;
    process.on('SIGTERM', stopper);
    const listenersBefore = process.listenerCount('SIGTERM');
    try {
      const app = await startApp([DatabaseUp]);
      expect((await readiness(app)).status).toBe(200);
      process.emit('SIGTERM', 'SIGTERM');
      const { status, report } = await readiness(app);
      expect(status).toBe(503);
      expect(report.status).toBe('shutting_down');
      expect((await app.get('/health/live')).status).toBe(200);
      await running.splice(0).pop()!.app.close();
      // Nothing of ours is left listening once the app has closed, or a re-raised signal would be swallowed.
      expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
    } finally {
      process.removeListener('SIGTERM', stopper);
    }
  });

  it('serves Prometheus metrics in the exposition format', async () => {
    const app = await startApp([DatabaseUp]);
    const metrics = await app.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toMatch(/process_resident_memory_bytes\{service="health-spec"\}/);
  });
});
