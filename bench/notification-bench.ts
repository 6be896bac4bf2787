/**
 * The notification scenario on its own: provisions PostgreSQL and the broker as `npm run bench`
 * does, runs lib/notification-scenario.ts and prints its summary rows (markdown) and notes.
 * Every figure goes to tmp/bench-notification/latest.json (git-ignored).
 *
 *   node_modules/.bin/node -r @swc-node/register bench/notification-bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseKafka, choosePostgres } from './lib/infrastructure';
import { notificationNotes, notificationRows, runNotificationScenario } from './lib/notification-scenario';
import { ROOT } from './lib/processes';
import type { SummaryRow } from './lib/report';
import { closeAllScopes, withScope } from './lib/scope';
import { readSettings } from './lib/settings';
import { clock, describeError, round } from './lib/stats';

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function table(rows: readonly SummaryRow[]): string[] {
  return [
    '| Scenario | Figure | Measured | Baseline | Ratio | Target | Met? |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${cell(row.scenario)} | ${cell(row.figure)} | ${cell(row.measured)} | ${cell(row.baseline)} | ` +
        `${row.ratio === undefined ? '—' : row.ratio.toFixed(2)} | ${cell(row.target)} | ` +
        `${row.met === undefined ? '—' : row.met ? 'yes' : '**no**'} |`,
    ),
  ];
}

async function main(): Promise<number> {
  const startedAt = clock();
  const settings = readSettings();
  const cpus = os.cpus();
  const loadAtStart = os.loadavg().map((value) => round(value));
  const { postgres, kafka, result } = await withScope(log, async (scope) => {
    const postgresChoice = await choosePostgres(log);
    const kafkaChoice = await chooseKafka(scope, log);
    return {
      postgres: postgresChoice,
      kafka: kafkaChoice,
      result: await runNotificationScenario(postgresChoice, kafkaChoice, settings, log),
    };
  });
  const rows = notificationRows(result);
  const machine =
    `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'} · Node ${process.version} · load average ` +
    `${loadAtStart.join(' ')} at start, ${os
      .loadavg()
      .map((value) => round(value))
      .join(' ')} at the end`;
  const lines = [
    '# Notification benchmark',
    '',
    `${new Date().toISOString()} · ${machine}`,
    '',
    `PostgreSQL: ${postgres.kind}${postgres.kind === 'embedded' ? ' (PGlite: not representative)' : ` ${postgres.details.server_version ?? ''}`}. ` +
      `Kafka: ${kafka.kind === 'local-broker' ? "local broker (librdkafka's mock cluster)" : kafka.brokers}.`,
    '',
    ...table(rows),
    '',
    'Notes:',
    '',
    ...notificationNotes(result),
    '',
  ];
  const outputDir = path.join(ROOT, 'tmp', 'bench-notification');
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(
    path.join(outputDir, 'latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), postgres, kafka, notifications: result, summary: rows }, null, 2)}\n`,
  );
  process.stdout.write(lines.join('\n'));
  log(
    `done in ${Math.round((clock() - startedAt) / 1_000)} s; every figure in ${path.relative(process.cwd(), outputDir)}/latest.json`,
  );
  return 0;
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
