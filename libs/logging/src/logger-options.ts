import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { type LoggerOptions, stdTimeFunctions } from 'pino';
import { REDACTED, redactingSerializers, redactPersonalData, scrubText, shouldRedact } from './redaction';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Fields of the active OpenTelemetry span, so a log line can be joined to its trace. */
export function activeTraceFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: `0${spanContext.traceFlags.toString(16)}`.slice(-2),
  };
}

/**
 * pino runs this formatter before the serializers, so the values the serializers own (the raw
 * request, response and error) are left for them; they redact what they produce.
 */
function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    redacted[key] =
      key in redactingSerializers ? value : shouldRedact(key, value) ? REDACTED : redactPersonalData(value);
  }
  return redacted;
}

export interface LoggerSettings {
  level: string;
  /** Resolved on every line, so loggers created before configuration is known still say which service they run in. */
  service: () => string;
  /** The component within the service, when it is not the service itself (`kafkajs`). */
  component?: string;
}

/**
 * The one pino configuration: the Nest request logger and `createLogger` share it, so every
 * line has the same shape and the same redaction whichever way it was written.
 */
export function buildLoggerOptions(settings: LoggerSettings): LoggerOptions {
  return {
    level: settings.level,
    base: settings.component ? { logger: settings.component } : {},
    timestamp: stdTimeFunctions.isoTime,
    messageKey: 'msg',
    // Level names, not numbers: log pipelines and people filter on "error", not on 50.
    formatters: {
      level: (label) => ({ level: label }),
      log: redactLogFields,
      bindings: redactLogFields,
    },
    mixin: () => ({ service: settings.service(), ...activeTraceFields() }),
    serializers: redactingSerializers,
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  };
}
