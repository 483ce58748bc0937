import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../core/config.js';
import { FAKE_SECRET_KEY, FAKE_WEBHOOK_SECRET } from '../../domain/payments/stripe.gateway.js';
import { FakeStripe } from './server.js';

/**
 * `PAYMENTS_PROVIDER=fake` (the development default): the fake Stripe runs beside the API on FAKE_STRIPE_PORT
 * and sends its signed events to this API's `/webhooks/stripe`, so a card order works end to end on a fresh
 * clone. A busy port only costs the demo (card calls then fail and are retried), never the API's start.
 */
export async function startEmbeddedFakeStripe(
  config: Config,
  log: FastifyBaseLogger,
): Promise<FakeStripe | undefined> {
  const fake = new FakeStripe({
    port: config.payments.fakePort,
    secretKey: FAKE_SECRET_KEY,
    webhookSecret: FAKE_WEBHOOK_SECRET,
    webhookUrl: `http://127.0.0.1:${config.http.port}/webhooks/stripe`,
    log: (message, details) => {
      log.warn(details ?? {}, `fake stripe: ${message}`);
    },
  });
  try {
    await fake.start();
    log.warn(
      `Fake Stripe (PAYMENTS_PROVIDER=fake) at ${fake.url}; set PAYMENTS_PROVIDER=stripe for the real one.`,
    );
    return fake;
  } catch (err) {
    log.warn({ err }, 'fake Stripe could not start; card payments stay pending until it is reachable');
    return undefined;
  }
}
