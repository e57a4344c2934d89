-- A canceled order voids its payment's authorization: the payment then pays for nothing.
ALTER TABLE payments.payments ADD COLUMN voided boolean NOT NULL DEFAULT false;
