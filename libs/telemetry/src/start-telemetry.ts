import type { IncomingMessage } from 'node:http';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { createLogger, isOperationalRequest } from '@tracking/logging';
import { useServiceLabel } from './metrics';

export interface TelemetryOptions {
  /** Replaces the exporter choice below; tests pass an in-memory exporter here. */
  spanProcessors?: SpanProcessor[];
}

export type ShutdownTelemetry = () => Promise<void>;

let running: { serviceName: string; shutdown: ShutdownTelemetry; processors: SpanProcessor[] } | undefined;

function spanProcessorsFor(options: TelemetryOptions): SpanProcessor[] {
  if (options.spanProcessors) return options.spanProcessors;
  // Read from the environment: this runs before the service's configuration is loaded. The
  // exporter reads the same variable (and OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) for its URL.
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  // Without a collector spans are still created, so ids reach logs and Kafka headers and a trace
  // that started upstream keeps its id through this service; they are just not sent anywhere.
  if (!endpoint) return [new NoopSpanProcessor()];
  return [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })];
}

/**
 * Starts tracing for the process. Call it before Nest (or anything using `http`) is loaded, so
 * the http instrumentation can patch the module. Calling it again returns the same shutdown
 * function: tests and embedded tools may start several apps in one process.
 */
export function startTelemetry(serviceName: string, options: TelemetryOptions = {}): ShutdownTelemetry {
  if (running) return running.shutdown;
  useServiceLabel(serviceName);
  // Otherwise an unreachable collector fails silently and traces just stop arriving.
  const logger = createLogger('opentelemetry');
  diag.setLogger(
    {
      error: (message, ...args) => logger.error({ args }, message),
      warn: (message, ...args) => logger.warn({ args }, message),
      info: (message, ...args) => logger.info({ args }, message),
      debug: (message, ...args) => logger.debug({ args }, message),
      verbose: (message, ...args) => logger.trace({ args }, message),
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const processors = spanProcessorsFor(options);
  const sdk = new NodeSDK({
    serviceName,
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    spanProcessors: processors,
    // Metrics are Prometheus via prom-client and logs are pino on stdout; an empty list stops the
    // SDK from starting OTLP metric and log exporters of its own from OTEL_* defaults.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => isOperationalRequest(request.url),
      }),
    ],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  const shutdown: ShutdownTelemetry = () => {
    // The last spans may not reach a collector that is down; stopping the service must not fail over it.
    stopped ??= sdk
      .shutdown()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not export the last spans'))
      .finally(() => {
        running = undefined;
      });
    return stopped;
  };
  running = { serviceName, shutdown, processors };
  return shutdown;
}

/**
 * Exports the spans still buffered. Called as the service stops (the process exits right after
 * Nest closes); a no-op when telemetry was not started, as in tests.
 */
export async function flushTelemetry(): Promise<void> {
  if (!running) return;
  await Promise.allSettled(running.processors.map((processor) => processor.forceFlush()));
}
