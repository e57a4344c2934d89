-- One spelling: the status of a canceled order is `canceled` (it was `cancelled`). The rows projected before
-- are rewritten here; the events they came from (search.OrderStatusChanged version 1) are lifted on read by
-- an upcaster, so a rebuild gives the same rows.
UPDATE search.orders SET status = 'canceled' WHERE status = 'cancelled';

-- Status changes waiting for their order, recorded with the old word: applied with the new one.
UPDATE search.early_changes
   SET change = jsonb_set(change, '{change,status}', '"canceled"')
 WHERE change->'change'->>'status' = 'cancelled';
