import { z } from 'zod';

const supplierKey = z.string().min(2).max(40);

/** Ids, keys and states only — never credentials, portal text or personal data (copied into Redis jobs). */
export const integrationEventSchemas = {
  'connector.connected': z.object({
    connection_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_key: supplierKey,
  }),
  'connector.sync_requested': z.object({
    connection_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_key: supplierKey,
  }),
  'connector.sync_completed': z.object({
    connection_id: z.uuid(),
    supplier_key: supplierKey,
    items: z.number().int(),
    deactivated: z.number().int(),
  }),
  'connector.selectors_failed': z.object({ supplier_key: supplierKey, selectors: z.array(z.string()) }),
  'connector.dom_changed': z.object({
    supplier_key: supplierKey,
    selector_map_version: z.string(),
    broken_selectors: z.array(z.string()),
  }),
  'connector.cart_prefilled': z.object({
    connection_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_key: supplierKey,
    lines: z.number().int(),
    problems: z.number().int(),
  }),
  'connector.disconnected': z.object({
    connection_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_key: supplierKey,
  }),
};
