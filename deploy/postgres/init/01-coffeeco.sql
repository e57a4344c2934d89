-- Generated from apps/coffeeco/src/app.ts by `npm run generate:deploy`: change that, not this file.
-- Runs once, when the compose PostgreSQL starts on an empty volume (/docker-entrypoint-initdb.d).
-- Development only: each password is its role's name. In production the databases and roles come from your
-- provisioning, and each process gets its DATABASE_URL from a secret (README.md, "Deploying").

-- The monolith: every module's schemas in one database.
CREATE ROLE coffeeco LOGIN PASSWORD 'coffeeco';
CREATE DATABASE coffeeco OWNER coffeeco;

-- Distributed: each module in a process of its own, with its own database and role, so that no module can
-- read another's tables; they meet only through messages and their public APIs.
CREATE ROLE coffeeco_partnerships LOGIN PASSWORD 'coffeeco_partnerships';
CREATE DATABASE coffeeco_partnerships OWNER coffeeco_partnerships;

CREATE ROLE coffeeco_recommendations LOGIN PASSWORD 'coffeeco_recommendations';
CREATE DATABASE coffeeco_recommendations OWNER coffeeco_recommendations;

CREATE ROLE coffeeco_loyalty LOGIN PASSWORD 'coffeeco_loyalty';
CREATE DATABASE coffeeco_loyalty OWNER coffeeco_loyalty;

CREATE ROLE "coffeeco_coffee-shops" LOGIN PASSWORD 'coffeeco_coffee-shops';
CREATE DATABASE "coffeeco_coffee-shops" OWNER "coffeeco_coffee-shops";

CREATE ROLE coffeeco_marketing LOGIN PASSWORD 'coffeeco_marketing';
CREATE DATABASE coffeeco_marketing OWNER coffeeco_marketing;

CREATE ROLE coffeeco_subscriptions LOGIN PASSWORD 'coffeeco_subscriptions';
CREATE DATABASE coffeeco_subscriptions OWNER coffeeco_subscriptions;
