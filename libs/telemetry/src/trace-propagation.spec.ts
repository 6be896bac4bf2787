import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTelemetry } from './start-telemetry';
import { currentTraceHeaders, SpanKind, withRemoteTraceContext, withSpan } from './trace-propagation';

const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor({ exporter });
const shutdown = startTelemetry('telemetry-spec', { spanProcessors: [processor] });

/** Export is asynchronous even with the simple processor. */
async function finishedSpans(): Promise<ReturnType<InMemorySpanExporter['getFinishedSpans']>> {
  await processor.forceFlush();
  return exporter.getFinishedSpans();
}

afterEach(() => exporter.reset());
afterAll(() => shutdown());

function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}

describe('trace propagation over Kafka headers', () => {
  it('continues the producer trace in a consumer span', async () => {
    const headers = await withSpan('orders.v1 publish', SpanKind.PRODUCER, async () => currentTraceHeaders());
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const seenInside = await withRemoteTraceContext(
      headers,
      'orders.v1 process',
      { 'messaging.destination.name': 'orders.v1' },
      async () => currentTraceHeaders(),
    );

    const spans = await finishedSpans();
    const producer = spans.find((span) => span.name === 'orders.v1 publish')!;
    const consumer = spans.find((span) => span.name === 'orders.v1 process')!;
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(traceIdOf(headers.traceparent));
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.attributes['messaging.destination.name']).toBe('orders.v1');
    expect(traceIdOf(seenInside.traceparent)).toBe(consumer.spanContext().traceId);
  });

  it('records the exception, ends the span and rethrows', async () => {
    const failure = new Error('inbox insert failed');
    await expect(
      withRemoteTraceContext({}, 'orders.v1 process', {}, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);

    const [span] = await finishedSpans();
    expect(span!.ended).toBe(true);
    expect(span!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(span!.events.map((event) => event.name)).toContain('exception');
  });

  it('starts a new trace when the message carries no context', async () => {
    const headers = await withRemoteTraceContext(
      { traceparent: 'not-a-traceparent' },
      'process',
      {},
      async () => currentTraceHeaders(),
    );
    const [span] = await finishedSpans();
    expect(span!.parentSpanContext).toBeUndefined();
    expect(traceIdOf(headers.traceparent)).toBe(span!.spanContext().traceId);
  });

  it('has no trace headers outside any span', () => {
    expect(currentTraceHeaders()).toEqual({});
  });

  it('returns the same shutdown when started twice', () => {
    expect(startTelemetry('another-name')).toBe(shutdown);
  });
});

describe('trace propagation over HTTP', () => {
  it('continues an incoming traceparent in the request handler', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const output = execFileSync(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        path.join(__dirname, 'http-propagation.fixture.ts'),
        `00-${traceId}-00f067aa0ba902b7-01`,
      ],
      {
        cwd: path.resolve(__dirname, '../../..'),
        encoding: 'utf8',
        env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
      },
    );
    const seen = JSON.parse(output.trim().split('\n').pop()!) as { traceparent?: string };
    expect(traceIdOf(seen.traceparent)).toBe(traceId);
  });
});
