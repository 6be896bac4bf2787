/**
 * `npm run bench`: order-intake's accepted orders per second, the outbox relay's throughput,
 * production-status's batch ingestion, carrier-ingest's webhook ingestion and tracking-api's
 * lookups, each beside a baseline measured in the same run on the same infrastructure, and the
 * lag from an event accepted at an edge to its appearance in tracking-api (see README.md).
 * Writes bench/results/latest.json and bench/results/REPORT.md and prints the report.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runHttpScenario } from './lib/http-scenario';
import { chooseKafka, choosePostgres } from './lib/infrastructure';
import { ROOT } from './lib/processes';
import { runNotificationScenario } from './lib/notification-scenario';
import { runProductionScenario } from './lib/production-scenario';
import { runRelayScenario } from './lib/relay-scenario';
import { runTrackingScenario } from './lib/tracking-scenario';
import { runWebhookScenario } from './lib/webhook-scenario';
import { type BenchResults, type MachineInfo, renderMarkdown, summarize } from './lib/report';
import { closeAllScopes, withScope } from './lib/scope';
import { readSettings } from './lib/settings';
import { clock, describeError, round } from './lib/stats';

const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Written beside the target and renamed, so an interrupted run never leaves half a file. */
function writeAtomically(file: string, content: string): void {
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, content);
  renameSync(staging, file);
}

async function main(): Promise<number> {
  const startedAt = clock();
  const settings = readSettings();
  const cpus = os.cpus();
  const machine: MachineInfo = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((value) => round(value)),
  };

  const finished = await withScope(log, async (scope) => {
    const postgres = await choosePostgres(log);
    const kafka = await chooseKafka(scope, log);
    const results: Omit<BenchResults, 'summary'> = {
      date: new Date().toISOString(),
      machine,
      infrastructure: {
        postgres: {
          kind: postgres.kind,
          details: postgres.details,
          representative: postgres.kind !== 'embedded',
        },
        kafka: { kind: kafka.kind, brokers: kafka.brokers },
      },
      settings: { ...settings, scenarios: [...settings.scenarios] },
      errors: {},
    };
    // One scenario failing still leaves the others' figures worth reporting.
    if (settings.scenarios.has('http')) {
      try {
        results.http = await runHttpScenario(postgres, kafka, settings, log);
      } catch (error) {
        log(`order intake scenario failed: ${describeError(error)}`);
        results.errors.http = error instanceof Error ? error.message : String(error);
      }
    }
    if (settings.scenarios.has('relay')) {
      try {
        results.relay = await runRelayScenario(postgres, kafka, settings, log);
      } catch (error) {
        log(`relay scenario failed: ${describeError(error)}`);
        results.errors.relay = error instanceof Error ? error.message : String(error);
      }
    }
    if (settings.scenarios.has('production')) {
      try {
        results.production = await runProductionScenario(postgres, kafka, settings, log);
      } catch (error) {
        log(`production scenario failed: ${describeError(error)}`);
        results.errors.production = error instanceof Error ? error.message : String(error);
      }
    }
    if (settings.scenarios.has('webhooks')) {
      try {
        results.webhooks = await runWebhookScenario(postgres, kafka, settings, log);
      } catch (error) {
        log(`webhook scenario failed: ${describeError(error)}`);
        results.errors.webhooks = error instanceof Error ? error.message : String(error);
      }
    }
    if (settings.scenarios.has('tracking')) {
      try {
        results.tracking = await runTrackingScenario(postgres, kafka, settings, log);
        if (results.tracking.visibilityError) results.errors.visibility = results.tracking.visibilityError;
      } catch (error) {
        log(`tracking scenario failed: ${describeError(error)}`);
        results.errors.tracking = error instanceof Error ? error.message : String(error);
      }
    }
    if (settings.scenarios.has('notifications')) {
      try {
        results.notifications = await runNotificationScenario(postgres, kafka, settings, log);
      } catch (error) {
        log(`notification scenario failed: ${describeError(error)}`);
        results.errors.notifications = error instanceof Error ? error.message : String(error);
      }
    }
    return results;
  });

  finished.machine.loadAverageAtEnd = os.loadavg().map((value) => round(value));
  finished.runSeconds = Math.round((clock() - startedAt) / 1_000);
  const report: BenchResults = { ...finished, summary: summarize(finished) };
  const markdown = renderMarkdown(report);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeAtomically(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeAtomically(path.join(RESULTS_DIR, 'REPORT.md'), markdown);
  process.stdout.write(markdown);
  log(`results in ${path.relative(process.cwd(), RESULTS_DIR)}/latest.json and REPORT.md`);
  return Object.keys(report.errors).length > 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping everything the benchmark started`);
    void closeAllScopes().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${describeError(error)}`);
    void closeAllScopes().finally(() => process.exit(1));
  },
);
