-- Generated from apps/mallbots/src/app.ts by `npm run generate:deploy`: change that, not this file.
-- Runs once, when the compose PostgreSQL starts on an empty volume (/docker-entrypoint-initdb.d).
-- Development only: each password is its role's name. In production the databases and roles come from your
-- provisioning, and each process gets its DATABASE_URL from a secret (README.md, "Deploying").

-- The monolith: every module's schemas in one database.
CREATE ROLE mallbots LOGIN PASSWORD 'mallbots';
CREATE DATABASE mallbots OWNER mallbots;

-- Distributed: each module in a process of its own, with its own database and role, so that no module can
-- read another's tables; they meet only through messages and their public APIs.
CREATE ROLE mallbots_stores LOGIN PASSWORD 'mallbots_stores';
CREATE DATABASE mallbots_stores OWNER mallbots_stores;

CREATE ROLE mallbots_customers LOGIN PASSWORD 'mallbots_customers';
CREATE DATABASE mallbots_customers OWNER mallbots_customers;

CREATE ROLE mallbots_payments LOGIN PASSWORD 'mallbots_payments';
CREATE DATABASE mallbots_payments OWNER mallbots_payments;

CREATE ROLE mallbots_depot LOGIN PASSWORD 'mallbots_depot';
CREATE DATABASE mallbots_depot OWNER mallbots_depot;

CREATE ROLE mallbots_baskets LOGIN PASSWORD 'mallbots_baskets';
CREATE DATABASE mallbots_baskets OWNER mallbots_baskets;

CREATE ROLE mallbots_ordering LOGIN PASSWORD 'mallbots_ordering';
CREATE DATABASE mallbots_ordering OWNER mallbots_ordering;

CREATE ROLE mallbots_cosec LOGIN PASSWORD 'mallbots_cosec';
CREATE DATABASE mallbots_cosec OWNER mallbots_cosec;

CREATE ROLE mallbots_notifications LOGIN PASSWORD 'mallbots_notifications';
CREATE DATABASE mallbots_notifications OWNER mallbots_notifications;

CREATE ROLE mallbots_search LOGIN PASSWORD 'mallbots_search';
CREATE DATABASE mallbots_search OWNER mallbots_search;
