/**
 * `npm run soak`: the whole system under a bounded stream of orders, production steps (JSON and
 * CSV), signed carrier webhooks and the notifications they cause, while each service is killed
 * and restarted, the broker is frozen and one service's database is refused. At the end it
 * counts, per flow, what was sent, accepted, shown to the buyer and told to the buyer, and what
 * was lost or duplicated; it exits 1 on any loss or duplicate. `--short` is the CI form.
 */
import { closeAllScopes, type Scope, withScope } from '../bench/lib/scope';
import { describeError } from '../bench/lib/stats';
import { type FaultOutcome, runFaults } from './soak/faults';
import { driveJourneys } from './soak/journeys';
import { readSettings } from './soak/settings';
import { startSystem } from './soak/system';
import { describeFindings, formatTable, tallyJourneys } from './soak/tally';

const launchedAt = Date.now();
const CLIENT_PATIENCE_MS = 60_000;

function log(line: string): void {
  const elapsedS = ((Date.now() - launchedAt) / 1_000).toFixed(0).padStart(4);
  process.stderr.write(`[soak ${elapsedS} s] ${line}\n`);
}

async function soak(scope: Scope): Promise<boolean> {
  const settings = readSettings(process.argv.slice(2), process.env);
  const startedAt = Date.now();
  log(
    `${settings.short ? 'short form: ' : ''}${settings.rate} requests/s for ${settings.durationS} s, ` +
      `faults ${settings.faults ? 'on' : 'off'}, drain up to ${settings.drainTimeoutS} s`,
  );
  const system = await startSystem(scope, settings, log);
  const streamStartedAt = Date.now();
  const streamEndsAt = streamStartedAt + settings.durationS * 1_000;
  // A client gives up on a request it could not get through a minute after the stream ended.
  const giveUpAt = (): number => streamEndsAt + CLIENT_PATIENCE_MS;
  const [journeys, faults] = await Promise.all([
    driveJourneys(system, { rate: settings.rate, durationS: settings.durationS, giveUpAt, log }),
    settings.faults
      ? runFaults(scope, system, settings, streamStartedAt, log)
      : Promise.resolve([] as FaultOutcome[]),
  ]);
  log(
    `every request answered and every fault over after ${Math.round((Date.now() - streamStartedAt) / 1_000)} s; counting`,
  );
  const tally = await tallyJourneys(system, journeys, settings.drainTimeoutS * 1_000, log);

  const lost = tally.rows.reduce((sum, row) => sum + row.lost, 0);
  const duplicated = tally.rows.reduce((sum, row) => sum + row.duplicated, 0);
  // Given up is not lost (the system never accepted it), but nothing was proven about it either.
  const gaveUp = tally.rows.reduce((sum, row) => sum + row.gaveUp, 0);
  const findings = await describeFindings(tally.findings);
  const unplanned = Object.values(system.services).filter((service) => service.unplannedExits > 0);
  const report = [
    '',
    `Soak ${system.runId}: ${settings.rate} requests/s for ${settings.durationS} s, ${journeys.length} orders, ` +
      `${Math.round((Date.now() - startedAt) / 1_000)} s in all`,
    '',
    formatTable(tally.rows),
    '',
    `Buyers shown DELIVERED: ${tally.deliveredToBuyer.shown} of ${tally.deliveredToBuyer.expected} whose delivered scan was accepted.`,
    tally.drained
      ? `Everything accepted was visible ${tally.drainedInS} s after the last answer.`
      : `Not everything accepted was visible after ${tally.drainedInS} s of waiting.`,
    '',
    'Faults:',
    ...(faults.length === 0 ? ['  none (SOAK_FAULTS=off)'] : []),
    ...faults.map(
      (fault) =>
        `  at ${String(fault.startedAtS).padStart(4)} s  ${fault.fault}: ` +
        (fault.skipped
          ? `skipped (${fault.skipped})`
          : fault.failed
            ? `FAILED (${fault.failed})`
            : `whole again after ${fault.lastedS} s`),
    ),
    ...unplanned.map(
      (service) => `  ${service.name} exited by itself ${service.unplannedExits} time(s) and was restarted`,
    ),
    ...(findings.length > 0
      ? ['', 'Lost or duplicated (the first ten of each flow):', ...findings.map((line) => `  ${line}`)]
      : []),
    '',
    lost + duplicated + gaveUp === 0
      ? 'PASS: nothing lost, nothing duplicated.'
      : `FAIL: ${lost} lost, ${duplicated} duplicated, ${gaveUp} never accepted before the client gave up.`,
    '',
  ];
  process.stdout.write(report.join('\n'));
  const warned = Object.values(system.services).filter((service) => service.warnings().count > 0);
  for (const service of warned)
    log(
      `${service.name} logged ${service.warnings().count} warnings; first: ${service.warnings().first.slice(0, 3).join(' | ')}`,
    );
  return lost + duplicated + gaveUp === 0 && faults.every((fault) => !fault.failed);
}

// A throw in a socket callback must not leave five services and their databases behind.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.once(event, (error: unknown) => {
    log(`failed: ${describeError(error)}`);
    void closeAllScopes().finally(() => process.exit(2));
  });
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping everything the soak started`);
    void closeAllScopes().finally(() => process.exit(130));
  });
}

withScope(log, soak).then(
  (passed) => process.exit(interrupted ? 130 : passed ? 0 : 1),
  async (error: unknown) => {
    log(`failed: ${describeError(error)}`);
    await closeAllScopes();
    process.exit(2);
  },
);
