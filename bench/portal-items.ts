import type { PortalItem } from '../src/connectors/connector.js';
import { customerPriceOre, formatKronor, portalProduct } from '../src/connectors/portals/catalog.js';

const CUSTOMER = 'K77001';

/** The catalog as the sync's reader yields it from the Martin & Servera replica. */
export function portalItems(count: number, from = 0): PortalItem[] {
  return Array.from({ length: count }, (_, index) => {
    const p = portalProduct('MS', from + index);
    const ore = customerPriceOre(p, CUSTOMER);
    return {
      externalId: p.article,
      name: p.name,
      brand: p.brand,
      category: p.category,
      packText: p.pack,
      priceText: `${formatKronor(ore)} kr/${p.unit}`,
      priceOre: ore,
      unit: p.unit,
      comparisonText: `${formatKronor(ore * p.comparisonFactor)} ${p.comparisonUnit}`,
      gtin: p.gtin,
      available: p.available,
      orderable: p.orderable,
    };
  });
}
