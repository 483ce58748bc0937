import type { DevUser } from '../../core/config.js';

/** The password of the built-in demo users (embedded development database only; the README states it). */
export const DEMO_PASSWORD = 'iris-demo';
/** bcrypt(DEMO_PASSWORD, cost 10): a hash, exactly as DEV_USERS would carry it. */
const DEMO_HASH = '$2b$10$qB0c5E.fQenQY38CkTx0tef0QRrSh4IufveVfvFIE5e6X57VKgOzK';

export const DEMO_USERS: (DevUser & { name: string })[] = [
  { email: 'admin@iris.local', role: 'ADMIN', hash: DEMO_HASH, name: 'Iris Admin' },
  { email: 'supplier@iris.local', role: 'SUPPLIER', hash: DEMO_HASH, name: 'Sara Grossist' },
  { email: 'chef@iris.local', role: 'RESTAURANT', hash: DEMO_HASH, name: 'Kalle Kock' },
];
