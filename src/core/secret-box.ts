import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts small secrets at rest (webhook signing secrets now, connector session tokens later, spec §11)
 * with AES-256-GCM. Each purpose gets its own key, derived from APP_SECRET with HKDF-SHA256, so a key
 * leaked for one purpose opens nothing else. Rotating APP_SECRET makes stored ciphertexts unreadable.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Throws when the ciphertext was not sealed by this box (other key, tampering, bad format). */
  open(sealed: string): string;
}

const VERSION = 'v1';
const SALT = Buffer.from('iris.secret-box.v1');

export function createSecretBox(appSecret: string, purpose: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', appSecret, SALT, `iris:${purpose}`, 32));
  const aad = Buffer.from(purpose);
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, body, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const [version, iv, body, tag, ...rest] = sealed.split('.');
      if (version !== VERSION || !iv || !body || !tag || rest.length > 0) {
        throw new Error('not a sealed secret');
      }
      const ivBytes = Buffer.from(iv, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      // A shortened tag would weaken the integrity check; only full 96-bit IVs and 128-bit tags are accepted.
      if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: 16 });
      decipher.setAAD(aad);
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
