-- The depot live (ADR 0040): each change of a list or a bot takes the depot's next change position when its
-- transaction commits (the platform's depot.take_change_position, changePositionMigrations), so that a page
-- following the lists or the fleet from a position gets every later change, in order, none twice.
ALTER TABLE depot.shopping_lists ADD COLUMN position bigint NOT NULL DEFAULT 0;
CREATE INDEX shopping_lists_position_idx ON depot.shopping_lists (position);
CREATE CONSTRAINT TRIGGER shopping_lists_change_position AFTER INSERT OR UPDATE ON depot.shopping_lists
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION depot.take_change_position('id');

-- A bot's changes are its versioned saves; a heartbeat (last_seen_at alone) is not one.
ALTER TABLE depot.bots ADD COLUMN position bigint NOT NULL DEFAULT 0;
CREATE INDEX bots_position_idx ON depot.bots (position);
CREATE CONSTRAINT TRIGGER bots_change_position AFTER INSERT OR UPDATE OF version ON depot.bots
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION depot.take_change_position('id');

-- Rows made before: each takes a position when this migration commits.
UPDATE depot.shopping_lists SET status = status;
UPDATE depot.bots SET version = version;
