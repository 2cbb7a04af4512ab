import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

// The storefront's tables. Ids are public text ids minted by the app, as many shops expose them.
const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull();

export const products = pgTable('products', {
  id: text('id').primaryKey(),
  sku: text('sku').notNull().unique(),
  name: text('name').notNull(),
  priceCents: integer('price_cents').notNull(),
  createdAt: createdAt(),
});

export const customers = pgTable('customers', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const orders = pgTable('orders', {
  id: text('id').primaryKey(),
  customerId: text('customer_id')
    .notNull()
    .references(() => customers.id),
  /** pending -> paid | failed; a failed order is cancelled by the nightly job a day later. */
  status: text('status').notNull(),
  totalCents: integer('total_cents').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export const orderItems = pgTable(
  'order_items',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.productId] })],
);

export const payments = pgTable('payments', {
  id: text('id').primaryKey(),
  orderId: text('order_id')
    .notNull()
    .references(() => orders.id),
  providerRef: text('provider_ref'),
  amountCents: integer('amount_cents').notNull(),
  status: text('status').notNull(),
  createdAt: createdAt(),
});
