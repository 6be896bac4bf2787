import { createServer, type Server, type Socket } from 'node:net';
import { TestKafka } from '@tracking/testing';
import { ensureTopics } from '../src';
import { uniqueName } from './messaging-harness';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');

describe('ensureTopics', () => {
  it('creates missing topics where the admin API exists and otherwise leaves them to auto-creation', async () => {
    const topics = [`kafka-tests.${uniqueName('ensured')}`, `kafka-tests.${uniqueName('ensured')}`];

    const result = await ensureTopics({ brokers, clientId: 'topic-admin-test' }, topics, {
      numPartitions: 3,
    });

    expect([...result.created, ...result.existing, ...result.deferred].sort()).toEqual([...topics].sort());
    if (process.env.TEST_KAFKA_KIND === 'local-broker') {
      // librdkafka's mock cluster has no CreateTopics: the call must still return, not throw.
      expect(result.deferred.sort()).toEqual([...topics].sort());
    }
    // Either way the topics are usable.
    const kafka = new TestKafka();
    try {
      const reader = await kafka.collect(topics[0]!);
      await kafka.publish(topics[0]!, [{ key: 'order-1', value: 'probe' }]);
      await reader.waitFor((m) => m.value === 'probe');
    } finally {
      await kafka.close();
    }
  });

  it('gives up within its timeout on a broker that never answers', async () => {
    const silent = await startSilentBroker();
    try {
      const started = Date.now();
      const result = await ensureTopics(
        { brokers: [silent.address], clientId: 'topic-admin-test' },
        ['never-created'],
        {
          timeoutMs: 1_500,
        },
      );
      expect(result.deferred).toEqual(['never-created']);
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await silent.close();
    }
  });
});

/** Accepts connections and never replies, like a broker behind a black-holing firewall. */
async function startSilentBroker(): Promise<{ address: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
