/**
 * Run as its own process by trace-propagation.spec.ts: the http instrumentation patches `http`
 * when it is loaded, which only a real Node process (not jest's module registry) reproduces.
 */
import type { AddressInfo } from 'node:net';
import { startTelemetry } from './start-telemetry';
import { currentTraceHeaders } from './trace-propagation';

async function main(): Promise<void> {
  const shutdown = startTelemetry('http-propagation-fixture');
  // Loaded after startTelemetry, exactly as a service's main.ts imports instrument.ts first.
  const http = await import('node:http');
  const server = http.createServer((_request, response) => {
    response.end(JSON.stringify(currentTraceHeaders()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // fetch (undici) is not instrumented, so the traceparent arrives exactly as given.
  const response = await fetch(`http://127.0.0.1:${port}/orders`, {
    headers: { traceparent: process.argv[2] ?? '' },
  });
  const seen = await response.text();
  process.stdout.write(`${seen}\n`);
  server.close();
  await shutdown();
}

void main();
