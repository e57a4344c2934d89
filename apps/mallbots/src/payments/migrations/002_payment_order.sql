-- A payment pays for one order: the one its confirmation names.
ALTER TABLE payments.payments ADD COLUMN order_id uuid;
