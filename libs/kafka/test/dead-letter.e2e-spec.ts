import { deadLetterTopic } from '@tracking/events';
import { TestKafka } from '@tracking/testing';
import { DEAD_LETTER_HEADERS, deadLetterMessage, replayDeadLetters } from '../src';
import { uniqueName } from './messaging-harness';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
const connection = { logLevel: 'warn' };

describe('replayDeadLetters', () => {
  const kafka = new TestKafka();
  afterAll(() => kafka.close());

  it('republishes letters to their original topics with the original key and headers, up to a limit', async () => {
    const service = uniqueName('replay-test');
    const original = `kafka-tests.${uniqueName('replayed')}`;
    const letters = ['first', 'second', 'third'].map((note) =>
      deadLetterMessage(
        {
          key: 'order-42',
          value: Buffer.from(note),
          headers: { 'event-id': note, traceparent: `tp-${note}` },
        },
        {
          reason: 'handler refused it',
          errorCode: 'VALIDATION_FAILED',
          originalTopic: original,
          originalPartition: 1,
          originalOffset: '7',
        },
      ),
    );
    await kafka.publish(
      deadLetterTopic(service),
      letters.map((letter) => ({
        key: 'order-42',
        value: letter.value,
        headers: letter.headers as Record<string, string>,
      })),
    );
    const republished = await kafka.collect(original);

    const result = await replayDeadLetters({ service, brokers, connection, limit: 2, idleTimeoutMs: 5_000 });

    expect(result).toEqual({ examined: 2, replayed: 2, skipped: 0 });
    const messages = await republished.waitFor(() => true, { count: 2 });
    expect(messages.map((m) => m.value)).toEqual(['first', 'second']);
    expect(messages[0]!.key).toBe('order-42');
    expect(messages[0]!.headers).toEqual({ 'event-id': 'first', traceparent: 'tp-first' });
    for (const name of Object.values(DEAD_LETTER_HEADERS)) expect(messages[1]!.headers[name]).toBeUndefined();
  });

  it('skips the letters the filter refuses and those that do not name their original topic', async () => {
    const service = uniqueName('replay-test');
    const original = `kafka-tests.${uniqueName('replayed')}`;
    const wanted = deadLetterMessage(
      { key: 'order-7', value: Buffer.from('wanted'), headers: {} },
      { reason: 'carrier payload missing a field', errorCode: 'VALIDATION_FAILED', originalTopic: original },
    );
    const unwanted = deadLetterMessage(
      { key: 'order-7', value: Buffer.from('unwanted'), headers: {} },
      { reason: 'malformed', errorCode: 'MALFORMED_EVENT', originalTopic: original },
    );
    await kafka.publish(deadLetterTopic(service), [
      { key: 'order-7', value: unwanted.value, headers: unwanted.headers as Record<string, string> },
      { key: 'order-7', value: 'no origin', headers: { [DEAD_LETTER_HEADERS.reason]: 'written by hand' } },
      { key: 'order-7', value: wanted.value, headers: wanted.headers as Record<string, string> },
    ]);
    const republished = await kafka.collect(original);

    const result = await replayDeadLetters({
      service,
      brokers,
      connection,
      filter: (letter) => letter.errorCode === 'VALIDATION_FAILED',
      idleTimeoutMs: 5_000,
    });

    expect(result).toEqual({ examined: 3, replayed: 1, skipped: 2 });
    const [message] = await republished.waitFor(() => true);
    expect(message!.value).toBe('wanted');
  });

  it('replays every letter once when they are spread over partitions', async () => {
    const service = uniqueName('replay-test');
    const original = `kafka-tests.${uniqueName('replayed')}`;
    const sent = ['order-1', 'order-2', 'order-3', 'order-4'].flatMap((key) =>
      [1, 2, 3].map((n) =>
        deadLetterMessage(
          { key, value: Buffer.from(`${key} #${n}`), headers: {} },
          { reason: 'refused', errorCode: 'VALIDATION_FAILED', originalTopic: original },
        ),
      ),
    );
    for (const letter of sent) {
      await kafka.publish(deadLetterTopic(service), [
        { key: String(letter.key), value: letter.value, headers: letter.headers as Record<string, string> },
      ]);
    }
    const republished = await kafka.collect(original);

    const result = await replayDeadLetters({ service, brokers, connection, idleTimeoutMs: 5_000 });

    expect(result).toEqual({ examined: sent.length, replayed: sent.length, skipped: 0 });
    const messages = await republished.waitFor(() => true, { count: sent.length });
    for (const key of ['order-1', 'order-2', 'order-3', 'order-4']) {
      expect(messages.filter((m) => m.key === key).map((m) => m.value)).toEqual(
        [1, 2, 3].map((n) => `${key} #${n}`),
      );
    }
  });

  it('finds nothing to replay for a service that never dead-lettered anything', async () => {
    expect(
      await replayDeadLetters({
        service: uniqueName('replay-test'),
        brokers,
        connection,
        idleTimeoutMs: 2_000,
      }),
    ).toEqual({
      examined: 0,
      replayed: 0,
      skipped: 0,
    });
  });

  it('hands letters from an origin that is not a topic to its owner, counting only those it took back', async () => {
    const service = uniqueName('replay-test');
    const original = `kafka-tests.${uniqueName('replayed')}`;
    const own = ['delivery-1', 'delivery-2', 'delivery-3'].map((id) =>
      deadLetterMessage(
        { key: 'order-9', value: Buffer.from(id), headers: {} },
        {
          reason: 'gave up after 8 attempts',
          errorCode: 'DEPENDENCY_UNAVAILABLE',
          originalTopic: 'svc:dispatch',
        },
      ),
    );
    const fromTopic = deadLetterMessage(
      { key: 'order-9', value: Buffer.from('from a topic'), headers: {} },
      { reason: 'refused', errorCode: 'VALIDATION_FAILED', originalTopic: original },
    );
    await kafka.publish(
      deadLetterTopic(service),
      [...own, fromTopic].map((letter) => ({
        key: 'order-9',
        value: letter.value,
        headers: letter.headers as Record<string, string>,
      })),
    );
    const republished = await kafka.collect(original);
    const handed: string[] = [];

    const result = await replayDeadLetters({
      service,
      brokers,
      connection,
      idleTimeoutMs: 5_000,
      redeliver: {
        'svc:dispatch': async (letters) => {
          handed.push(...letters.map((letter) => letter.value.toString()));
          // delivery-2 was put back by an earlier replay already.
          return letters.filter((letter) => letter.value.toString() !== 'delivery-2').length;
        },
      },
    });

    expect(result).toEqual({ examined: 4, replayed: 3, skipped: 1 });
    expect(handed).toEqual(['delivery-1', 'delivery-2', 'delivery-3']);
    const [message] = await republished.waitFor(() => true);
    expect(message!.value).toBe('from a topic');
  });
});
