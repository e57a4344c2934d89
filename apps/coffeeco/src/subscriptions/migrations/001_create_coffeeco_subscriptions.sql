-- The subscription business: each lead and what became of it (one row per lead id, state-stored, version the
-- optimistic-concurrency token), and the campaigns marketing launched, in subscriptions' own model.
CREATE SCHEMA IF NOT EXISTS coffeeco_subscriptions;

CREATE TABLE coffeeco_subscriptions.leads (
  lead_id           uuid        PRIMARY KEY,
  email             text        NOT NULL,
  username          text,
  stage             text        NOT NULL CHECK (stage IN ('lead', 'customer', 'churned', 'lostLead')),
  subscription_type text        CHECK (subscription_type IN ('basic', 'premium', 'exclusive')),
  user_id           uuid        UNIQUE,
  created_at        timestamptz NOT NULL,
  converted_at      timestamptz,
  ended_at          timestamptz,
  version           integer     NOT NULL CHECK (version > 0),
  -- A customer is a lead that selected a subscription: it has both, and only a customer (churned or not) has them.
  CHECK ((stage IN ('customer', 'churned')) = (subscription_type IS NOT NULL AND user_id IS NOT NULL
                                                AND converted_at IS NOT NULL))
);

-- One lead per email, whatever its case or surrounding blanks (the last word on two sign-ups at once).
CREATE UNIQUE INDEX leads_email_key ON coffeeco_subscriptions.leads (lower(btrim(email)));

CREATE TABLE coffeeco_subscriptions.campaigns (
  campaign_id text        PRIMARY KEY,
  title       text        NOT NULL,
  goal        text        NOT NULL,
  end_date    date        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX campaigns_by_end ON coffeeco_subscriptions.campaigns (end_date, campaign_id);
