/**
 * Kafka 4.0 removed the oldest versions of many requests (KIP-896). kafkajs negotiates each
 * request's version with ApiVersions and uses the highest both sides know, so it keeps working
 * as long as its highest version of every request the platform sends is at or above the
 * broker's new minimum. This checks that against the kafkajs release in the lockfile, so an
 * upgrade or a switch of client cannot silently fall below the baseline.
 */
import path from 'node:path';

// Lowest version a Kafka 4.x broker still accepts, per KIP-896, for each request the producer,
// the consumer group, topic admin and the dead-letter replay send.
const KAFKA_4_MINIMUM_VERSIONS: Record<string, number> = {
  apiVersions: 0,
  metadata: 0,
  produce: 3,
  fetch: 4,
  listOffsets: 1,
  findCoordinator: 0,
  joinGroup: 2,
  syncGroup: 0,
  heartbeat: 0,
  leaveGroup: 0,
  offsetCommit: 2,
  offsetFetch: 1,
  describeGroups: 0,
  createTopics: 2,
  saslHandshake: 0,
  saslAuthenticate: 0,
};

function highestKafkajsVersion(request: string): number {
  const requestsDir = path.join(
    path.dirname(require.resolve('kafkajs/package.json')),
    'src/protocol/requests',
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { versions } = require(path.join(requestsDir, request)) as { versions: string[] };
  return Math.max(...versions.map(Number));
}

describe('kafkajs against Kafka 4.x (KIP-896 protocol baseline)', () => {
  it.each(Object.entries(KAFKA_4_MINIMUM_VERSIONS))(
    'can send %s at or above the version Kafka 4 still accepts (v%i)',
    (request, minimum) => {
      expect(highestKafkajsVersion(request)).toBeGreaterThanOrEqual(minimum);
    },
  );
});
