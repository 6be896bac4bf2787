import {
  type Attributes,
  context,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** The W3C trace context as it travels in Kafka headers and in the event envelope. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

/**
 * Kafka hops always speak W3C trace context (DESIGN.md, "Events on Kafka"), whatever HTTP
 * propagators a deployment configures, so this one is used directly rather than the global one.
 */
const kafkaPropagator = new W3CTraceContextPropagator();

const TRACER_NAME = '@tracking/telemetry';

function tracer(): ReturnType<typeof trace.getTracer> {
  // Looked up per call: the global provider is registered by startTelemetry, possibly after this module loaded.
  return trace.getTracer(TRACER_NAME);
}

/** The trace context of the active span, to store with an outbox row or put on a Kafka message. */
export function currentTraceHeaders(): TraceHeaders {
  const carrier: Record<string, string> = {};
  kafkaPropagator.inject(context.active(), carrier, {
    set: (target, key, value) => {
      target[key] = value;
    },
  });
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

function contextFrom(headers: TraceHeaders): Context {
  return kafkaPropagator.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => {
      const value = carrier[key as keyof TraceHeaders];
      return typeof value === 'string' ? value : undefined;
    },
    keys: (carrier) => Object.keys(carrier),
  });
}

async function runInSpan<T>(span: Span, spanContext: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(spanContext, span), fn);
  } catch (error: unknown) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs `fn` in a CONSUMER span whose parent is the producer's span carried in `headers`, so one
 * order's trace continues across the Kafka hop. Headers without a valid traceparent start a new trace.
 */
export function withRemoteTraceContext<T>(
  headers: TraceHeaders,
  spanName: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = contextFrom(headers);
  const span = tracer().startSpan(spanName, { kind: SpanKind.CONSUMER, attributes }, parent);
  return runInSpan(span, parent, fn);
}

/** Runs `fn` in a child span of the active one, e.g. a PRODUCER span around publishing. */
export function withSpan<T>(
  name: string,
  kind: SpanKind,
  fn: () => Promise<T>,
  attributes: Attributes = {},
): Promise<T> {
  const parent = context.active();
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  return runInSpan(span, parent, fn);
}

export { SpanKind };
