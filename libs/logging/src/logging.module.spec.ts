import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig, PlatformConfig } from '@tracking/config';
import { configureHttpApp } from '@tracking/http';
import { currentTraceHeaders, SpanKind, startTelemetry, withSpan } from '@tracking/telemetry';
import { eventually } from '@tracking/testing';
import { Logger, PinoLogger } from 'nestjs-pino';
import { LoggingModule } from './logging.module';

class CapturedLines extends Writable {
  readonly records: Array<Record<string, unknown>> = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.records.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

const shutdownTelemetry = startTelemetry('logging-spec');

@Controller()
class OrdersController {
  constructor(private readonly logger: PinoLogger) {}

  @Get('orders')
  async list(): Promise<{ traceparent?: string }> {
    return withSpan('list orders', SpanKind.INTERNAL, async () => {
      this.logger.info(
        {
          buyer: {
            email: 'jane.doe@example.com',
            phone: '+15555550123',
            shippingAddress: { line1: '1 Main St' },
          },
        },
        'listing orders',
      );
      return currentTraceHeaders();
    });
  }

  @Get('crash')
  crash(): never {
    throw new Error('ledger invariant broken');
  }

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

let app: INestApplication;
let baseUrl: string;
const output = new CapturedLines();

beforeAll(async () => {
  const config = loadConfig(PlatformConfig, {
    SERVICE_NAME: 'logging-spec',
    PORT: '0',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    KAFKA_BROKERS: '127.0.0.1:9092',
    AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks.json',
    LOG_LEVEL: 'info',
  });

  @Module({
    imports: [ConfigModule.forRoot(config), LoggingModule.forRoot({ destination: output })],
    controllers: [OrdersController],
  })
  class LoggingSpecModule {}

  app = await NestFactory.create(LoggingSpecModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttpApp(app);
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await shutdownTelemetry();
});

function linesFor(url: string): Array<Record<string, unknown>> {
  return output.records.filter((record) => (record.req as { url?: string } | undefined)?.url === url);
}

/**
 * pino-http writes the completion line when the response finishes, just after the client has
 * it: wait for the line itself, however long a busy machine takes to write it.
 */
function completionLineFor(url: string): Promise<Record<string, unknown>> {
  return eventually(() => linesFor(url)[0], { what: `the completion line of ${url}`, intervalMs: 10 });
}

describe('LoggingModule', () => {
  it('logs each request once, as JSON with service, request id and status, credentials redacted', async () => {
    const response = await fetch(`${baseUrl}/orders`, {
      headers: {
        authorization: 'Bearer secret-token-value',
        cookie: 'session=abc',
        'x-request-id': 'req-123',
      },
    });
    const completed = await completionLineFor('/orders');
    expect(response.headers.get('x-request-id')).toBe('req-123');
    expect(completed).toMatchObject({
      level: 'info',
      service: 'logging-spec',
      request_id: 'req-123',
      req: { method: 'GET', url: '/orders' },
      res: { statusCode: 200 },
    });
    expect(JSON.stringify(output.records)).not.toMatch(/secret-token-value|session=abc/);
  });

  it('puts the request id and the active trace on lines written while handling, without personal data', async () => {
    const response = await fetch(`${baseUrl}/orders`);
    const { traceparent } = (await response.json()) as { traceparent: string };
    const line = await eventually(
      () =>
        output.records.find(
          (record) => record.msg === 'listing orders' && record.trace_id === traceparent.split('-')[1],
        ),
      { what: 'the line written while handling', intervalMs: 10 },
    );
    expect(line).toMatchObject({ service: 'logging-spec', span_id: traceparent.split('-')[2] });
    expect(line!.request_id).toEqual(expect.any(String));
    expect(JSON.stringify(output.records)).not.toMatch(/jane\.doe@example\.com|5555550123|1 Main St/);
  });

  it('logs a server fault at error with the error, and the response leaks nothing', async () => {
    const response = await fetch(`${baseUrl}/crash`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('ledger invariant');
    const completed = await completionLineFor('/crash');
    expect(completed).toMatchObject({
      level: 'error',
      res: { statusCode: 500 },
      err: { message: 'ledger invariant broken' },
    });
  });

  it('keeps client mistakes below error level', async () => {
    await fetch(`${baseUrl}/no-such-route`);
    const completed = await completionLineFor('/no-such-route');
    expect(completed).toMatchObject({ level: 'info', res: { statusCode: 404 } });
  });

  it('does not log probe requests at info', async () => {
    await fetch(`${baseUrl}/health/live`);
    // Lines are written in the order responses finish: once a later request's line is there,
    // a probe line would be too.
    await fetch(`${baseUrl}/no-such-route?after=probe`);
    await completionLineFor('/no-such-route?after=probe');
    expect(linesFor('/health/live')).toEqual([]);
  });
});
