import { jsonb, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { baseColumns } from '../../db/base.js';
import { accounts } from '../accounts/accounts.models.js';
import { restaurants } from '../organisations/organisations.models.js';

/**
 * A restaurant's own weights for the supplier score (the admin default lives in config). Only the components the
 * restaurant chose to change are stored; the rest fall back to the default.
 */
export const recommendationWeights = pgTable(
  'recommendation_weights',
  {
    ...baseColumns(),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    weights: jsonb('weights').$type<Record<string, number>>().notNull(),
    updatedBy: uuid('updated_by').references(() => accounts.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('recommendation_weights_restaurant_key').on(t.restaurantId)],
);

export type RecommendationWeightsRow = typeof recommendationWeights.$inferSelect;
