import { startTelemetry } from '@tracking/telemetry';

// Imported first by main.ts: instrumentation must patch http before anything else loads it.
startTelemetry('notification');
