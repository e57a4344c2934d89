-- Trip recommendations keep the partner's last good answer for each location and dates (RS-D4, ADR 0032): when
-- the partner is down, it stands in, with its age. In our words, not the partner's: hotel names and cents.
CREATE SCHEMA IF NOT EXISTS coffeeco_recommendations;

CREATE TABLE coffeeco_recommendations.last_good_availability (
  location text NOT NULL,
  trip_start date NOT NULL,
  trip_end date NOT NULL,
  options jsonb NOT NULL,
  as_of timestamptz NOT NULL,
  PRIMARY KEY (location, trip_start, trip_end)
);
