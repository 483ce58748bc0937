import type { ConnectorModule, SupplierKey } from './connector.js';
import { martinServera } from './martin-servera.js';
import { menigo } from './menigo.js';

/** One module per supplier; adding a supplier is one entry here (docs/README.md "Adding a supplier"). */
export const CONNECTOR_MODULES: Record<SupplierKey, ConnectorModule> = {
  martin_servera: martinServera,
  menigo,
};
