-- The tables of the book's examples that keep data: the hairdresser's bookings and the order aggregate. Not a
-- bounded context's schema: a classroom's. "from" and "to" are reserved words, so they are always quoted (the
-- book's INSERT left them bare, and failed).
CREATE SCHEMA IF NOT EXISTS coffeeco_building_blocks;

CREATE TABLE coffeeco_building_blocks.bookings (
  id              uuid        PRIMARY KEY,
  user_id         uuid        NOT NULL,
  "from"          timestamptz NOT NULL,
  "to"            timestamptz NOT NULL,
  hair_dresser_id uuid        NOT NULL,
  CHECK ("to" > "from")
);

-- The calendar's read path: a hairdresser's bookings by start.
CREATE INDEX bookings_by_hair_dresser ON coffeeco_building_blocks.bookings (hair_dresser_id, "from");

-- One order aggregate is one row here and one row per item below, written in one transaction. Money is in
-- minor units, in the order's one currency.
CREATE TABLE coffeeco_building_blocks.orders (
  id              uuid    PRIMARY KEY,
  customer_id     uuid    NOT NULL,
  payment_card_id uuid    NOT NULL,
  currency        text    NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  tax_amount      bigint  NOT NULL,
  discount        bigint  NOT NULL,
  status          text    NOT NULL CHECK (status IN ('placed', 'completed', 'canceled')),
  version         integer NOT NULL CHECK (version > 0)
);

CREATE TABLE coffeeco_building_blocks.order_items (
  order_id uuid    NOT NULL REFERENCES coffeeco_building_blocks.orders (id) ON DELETE CASCADE,
  line     integer NOT NULL,
  name     text    NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  price    bigint  NOT NULL,
  PRIMARY KEY (order_id, line)
);
