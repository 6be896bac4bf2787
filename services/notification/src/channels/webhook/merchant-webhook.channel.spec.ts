import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryFailure, WebhookMessage } from '../channel';
import { MerchantWebhookChannel, type ResolveAll } from './merchant-webhook.channel';
import { newWebhookSecret } from './standard-webhooks';

/** A resolver that answers from a table, as a DNS server under someone else's control would. */
function resolverOf(table: Record<string, string[]>): ResolveAll {
  return (hostname, _options, callback) => {
    const addresses = table[hostname];
    if (!addresses)
      return callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
        [],
      );
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

describe('merchant webhooks to internal addresses', () => {
  let server: Server;
  let port = 0;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests += 1;
      request.resume();
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (requests = 0));

  const message = (url: string): WebhookMessage => ({
    url,
    secret: newWebhookSecret(),
    id: 'msg_ssrf',
    timestamp: new Date(),
    body: '{}',
  });
  const channel = (allowPrivate: boolean, resolve: ResolveAll) =>
    new MerchantWebhookChannel(
      { NOTIFICATION_SEND_TIMEOUT_MS: 2_000, WEBHOOK_ALLOW_PRIVATE_TARGETS: allowPrivate },
      resolve,
    );
  const failureOf = (sending: Promise<unknown>) =>
    sending.then(
      () => undefined,
      (error: DeliveryFailure) => error,
    );

  it('refuses for good a public name that resolves to loopback, without connecting', async () => {
    const resolve = resolverOf({ 'hooks.acme.example': ['127.0.0.1'] });
    const failure = await failureOf(
      channel(false, resolve).send(
        message(`http://hooks.acme.example:${port}/hooks`),
        new AbortController().signal,
      ),
    );

    expect(failure).toMatchObject({ permanent: true });
    expect(failure!.message).toContain('hooks.acme.example resolves to 127.0.0.1, a loopback address');
    expect(requests).toBe(0);
  });

  it('refuses a name when any one of its addresses is internal', async () => {
    const resolve = resolverOf({ 'hooks.acme.example': ['93.184.216.34', '169.254.169.254'] });
    const failure = await failureOf(
      channel(false, resolve).send(
        message(`http://hooks.acme.example:${port}/hooks`),
        new AbortController().signal,
      ),
    );

    expect(failure).toMatchObject({ permanent: true });
    expect(failure!.message).toContain('169.254.169.254, a link-local address');
    expect(requests).toBe(0);
  });

  it('refuses an internal address written in the URL', async () => {
    const failure = await failureOf(
      channel(false, resolverOf({})).send(
        message(`http://127.0.0.1:${port}/hooks`),
        new AbortController().signal,
      ),
    );

    expect(failure).toMatchObject({ permanent: true });
    expect(failure!.message).toContain('127.0.0.1 is a loopback address');
    expect(requests).toBe(0);
  });

  it('retries a name that does not resolve, as any network failure', async () => {
    const failure = await failureOf(
      channel(false, resolverOf({})).send(
        message(`http://nowhere.acme.example:${port}/`),
        new AbortController().signal,
      ),
    );

    expect(failure).toMatchObject({ permanent: false });
    expect(failure!.message).toContain('ENOTFOUND');
  });

  it('reaches an internal address when WEBHOOK_ALLOW_PRIVATE_TARGETS is set', async () => {
    const receipt = await channel(true, resolverOf({})).send(
      message(`http://127.0.0.1:${port}/hooks`),
      new AbortController().signal,
    );

    expect(receipt).toEqual({ providerMessageId: 'msg_ssrf' });
    expect(requests).toBe(1);
  });
});
