import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of portal sessions (spec §11 "Store session tokens in KMS/Vault"): each connection gets a
 * fresh 256-bit data key that encrypts its session with AES-256-GCM; the data key is stored only wrapped by the
 * key-encryption key (KEK), itself only in configuration — the seam where a KMS or Vault transit key plugs in.
 * Both layers bind the connection id as associated data, so a sealed session copied onto another row is refused.
 */
export interface SealedSession {
  kekId: string;
  wrappedDataKey: string;
  ciphertext: string;
}

export interface SessionVault {
  seal(connectionId: string, plaintext: string): SealedSession;
  /** Throws on another KEK, another connection, or any tampering. */
  open(connectionId: string, sealed: SealedSession): string;
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return ['v1', iv, body, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

function decrypt(key: Buffer, sealed: string, aad: string): Buffer {
  const [version, iv, body, tag, ...rest] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag || rest.length > 0) throw new Error('not a sealed value');
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: 16 });
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tagBytes);
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
}

/** Without a configured KEK, one is derived from APP_SECRET (development); production sets CONNECTOR_SESSION_KEK. */
export function createSessionVault(options: {
  kek: Buffer | undefined;
  kekId: string;
  appSecret: string;
}): SessionVault {
  const kek =
    options.kek ??
    Buffer.from(hkdfSync('sha256', options.appSecret, 'iris.connector-kek', 'iris:connector-kek', 32));
  return {
    seal(connectionId, plaintext) {
      const dataKey = randomBytes(32);
      try {
        return {
          kekId: options.kekId,
          wrappedDataKey: encrypt(kek, dataKey, `kek:${options.kekId}:${connectionId}`),
          ciphertext: encrypt(dataKey, Buffer.from(plaintext, 'utf8'), `session:${connectionId}`),
        };
      } finally {
        dataKey.fill(0);
      }
    },
    open(connectionId, sealed) {
      if (sealed.kekId !== options.kekId)
        throw new Error(`sealed with key "${sealed.kekId}", not the configured one`);
      const dataKey = decrypt(kek, sealed.wrappedDataKey, `kek:${sealed.kekId}:${connectionId}`);
      try {
        return decrypt(dataKey, sealed.ciphertext, `session:${connectionId}`).toString('utf8');
      } finally {
        dataKey.fill(0);
      }
    },
  };
}
