import type { FastifyPluginAsync } from 'fastify';

/**
 * `POST /webhooks/stripe`: Stripe's signed events. The body is kept as raw bytes (the signature covers them;
 * a re-serialised body would not verify), so this plugin has its own JSON parser. Not rate limited: Stripe
 * retries, and a refused delivery only delays it.
 */
export const webhookRoutes: FastifyPluginAsync = async (app) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.post('/webhooks/stripe', { config: { rateLimit: false }, schema: { hide: true } }, async (request) => {
    const signature = request.headers['stripe-signature'];
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    return app.services.stripeWebhooks.receive(raw, typeof signature === 'string' ? signature : undefined);
  });
};
