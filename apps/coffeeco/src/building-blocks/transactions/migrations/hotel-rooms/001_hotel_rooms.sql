-- A partner hotel's rooms, as a try-confirm-cancel participant keeps them (ADR 0036): a try holds a room for each
-- night (free_rooms goes down at once, so the hold is visible), a confirm makes the hold a booking, a cancel
-- gives the nights back. A `cancelled` hold without a hotel is an empty cancel: the try never came, and will be
-- refused if it comes late.
CREATE SCHEMA IF NOT EXISTS coffeeco_transactions;

CREATE TABLE coffeeco_transactions.hotel_rooms (
  hotel      text    NOT NULL,
  night      date    NOT NULL,
  free_rooms integer NOT NULL CHECK (free_rooms >= 0),
  PRIMARY KEY (hotel, night)
);

CREATE TABLE coffeeco_transactions.hotel_room_holds (
  tx_id      text        PRIMARY KEY,
  status     text        NOT NULL CHECK (status IN ('tried', 'confirmed', 'cancelled')),
  hotel      text,
  check_in   date,
  check_out  date,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (status = 'cancelled' OR (hotel IS NOT NULL AND check_in IS NOT NULL AND check_out > check_in))
);
