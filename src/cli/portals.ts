import { startPortal } from '../connectors/portals/server.js';

/**
 * `npm run portals`: both local portal replicas with the full 20,000-product catalogs, for trying
 * connect → sync → prefill by hand (docs/README.md "Supplier connectors"). Sign in as demo@restaurang.se / demo1234.
 */
const users = [{ username: 'demo@restaurang.se', password: 'demo1234', customerId: 'K20001' }];
const martin = await startPortal({ flavour: 'martin_servera', catalogSize: 20_000, users, port: 4101 });
const menigo = await startPortal({ flavour: 'menigo', catalogSize: 20_000, users, port: 4102 });
process.stdout.write(
  `Martin & Servera replica: ${martin.url}  (CONNECTOR_MARTIN_SERVERA_URL)\nMenigo replica: ${menigo.url}  (CONNECTOR_MENIGO_URL)\n`,
);
const stop = () => {
  void Promise.all([martin.close(), menigo.close()]).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
