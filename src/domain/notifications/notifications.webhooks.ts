import { createHmac, randomBytes } from 'node:crypto';
import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { buildBlockList } from '../../core/net.js';
import type { ChannelResult } from './notifications.fcm.js';

/**
 * The webhook channel: signed HTTPS POSTs to suppliers' own systems (Stripe-style signatures), with every
 * target address checked so a webhook can never reach Iris's own network (SSRF).
 */

export const SIGNATURE_HEADER = 'iris-signature';

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: receivers recompute it and compare. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

// Private, shared, link-local, documentation, multicast and reserved ranges (IANA special-purpose registries).
// Separate lists per family: Node matches IPv4 addresses against IPv6 rules for ::ffff:0:0/96.
const FORBIDDEN_V4 = buildBlockList([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
]);
const FORBIDDEN_V6 = buildBlockList([
  '::/96', // unspecified and IPv4-compatible (::1 is loopback, handled below)
  '::ffff:0:0/96', // IPv4-mapped: would smuggle any IPv4 address
  '64:ff9b::/96', // NAT64
  '64:ff9b:1::/48', // local-use NAT64 (RFC 8215)
  '::ffff:0:0:0/96', // IPv4-translated (RFC 2765)
  '100::/64',
  '2001::/32', // Teredo
  '2001:db8::/32',
  '2002::/16', // 6to4
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
]);
const LOOPBACK = buildBlockList(['127.0.0.0/8', '::1']);

/** Whether an address must never be a webhook target. Loopback only passes when insecure targets are allowed. */
export function isForbiddenAddress(address: string, allowLoopback: boolean): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (LOOPBACK.check(address, type)) return !allowLoopback;
  return (family === 6 ? FORBIDDEN_V6 : FORBIDDEN_V4).check(address, type);
}

export interface TargetPolicy {
  /** Tests only: allow http:// and loopback targets, on any port. */
  allowInsecure: boolean;
  /** Ports a target may use (WEBHOOK_ALLOWED_PORTS, default 443): not an open door to any service on a host. */
  allowedPorts?: readonly number[];
}

const DEFAULT_PORTS = [443];

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Checks scheme, credentials and literal addresses; the reason for a refusal, or undefined. */
function checkUrlShape(url: URL, policy: TargetPolicy): string | undefined {
  if (url.protocol !== 'https:' && !(policy.allowInsecure && url.protocol === 'http:'))
    return 'must use https';
  if (url.username || url.password) return 'must not contain credentials';
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const ports = policy.allowedPorts ?? DEFAULT_PORTS;
  if (!policy.allowInsecure && !ports.includes(port)) return `must use port ${ports.join(' or ')}`;
  const host = bareHost(url);
  if (isIP(host) !== 0 && isForbiddenAddress(host, policy.allowInsecure)) {
    return 'points at a private, loopback or reserved address';
  }
  return undefined;
}

/**
 * Validates a URL for registration: the shape, and every address its host resolves to right now. The same
 * address check runs again on every connection (see `guardedLookup`), so a DNS change after registration
 * cannot redirect deliveries to an internal address.
 */
export async function checkWebhookUrl(raw: string, policy: TargetPolicy): Promise<string | undefined> {
  const url = new URL(raw);
  const shape = checkUrlShape(url, policy);
  if (shape !== undefined) return shape;
  const host = bareHost(url);
  if (isIP(host) !== 0) return undefined;
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return 'its host name does not resolve';
  }
  if (addresses.length === 0) return 'its host name does not resolve';
  if (addresses.some((a) => isForbiddenAddress(a.address, policy.allowInsecure))) {
    return 'its host name resolves to a private, loopback or reserved address';
  }
  return undefined;
}

class ForbiddenTargetError extends Error {}

/** A DNS lookup for outgoing webhook connections that refuses the connection if any address is forbidden. */
function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      const first = addresses[0];
      if (!first || addresses.some((a) => isForbiddenAddress(a.address, policy.allowInsecure))) {
        callback(new ForbiddenTargetError(`${hostname} resolves to a forbidden address`), '', 0);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

export interface WebhookDelivery {
  url: string;
  secret: string;
  body: string;
  eventId: string;
  eventType: string;
}

export interface WebhookSender {
  send(delivery: WebhookDelivery): Promise<ChannelResult>;
}

/**
 * POSTs one signed delivery. 2xx is success; anything else (including redirects, which are not followed) and
 * network errors are failures the job retries with backoff; a forbidden target is dropped for good.
 */
export function createWebhookSender(options: TargetPolicy & { timeoutMs: number }): WebhookSender {
  const lookupGuard = guardedLookup(options);
  return {
    send(delivery) {
      let url: URL;
      try {
        url = new URL(delivery.url);
      } catch {
        return Promise.resolve({ status: 'dropped', reason: 'invalid URL' });
      }
      const refusal = checkUrlShape(url, options);
      if (refusal !== undefined) return Promise.resolve({ status: 'dropped', reason: `target ${refusal}` });
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Iris-Webhooks/1.0',
        [SIGNATURE_HEADER]: signWebhook(delivery.secret, timestamp, delivery.body),
        'iris-event-id': delivery.eventId,
        'iris-event-type': delivery.eventType,
      };
      return new Promise<ChannelResult>((resolve) => {
        const transport = url.protocol === 'https:' ? https : http;
        const request = transport.request(
          url,
          { method: 'POST', headers, lookup: lookupGuard },
          (response) => {
            response.resume();
            response.on('end', () => {
              clearTimeout(deadline);
              const status = response.statusCode ?? 0;
              resolve(
                status >= 200 && status < 300
                  ? { status: 'sent' }
                  : { status: 'failed', reason: `HTTP ${status}` },
              );
            });
          },
        );
        // One deadline for the whole exchange, so a slowly dripping server cannot hold the job.
        const deadline = setTimeout(() => {
          request.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
        request.on('error', (err) => {
          clearTimeout(deadline);
          resolve(
            err instanceof ForbiddenTargetError
              ? { status: 'dropped', reason: err.message }
              : { status: 'failed', reason: err.message },
          );
        });
        request.end(delivery.body);
      });
    },
  };
}
