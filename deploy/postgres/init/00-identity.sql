-- Generated from apps/*/src/app.ts by `npm run generate:deploy`: change that, not this file.
-- Runs once, when the compose PostgreSQL starts on an empty volume (/docker-entrypoint-initdb.d).
-- Development only: each password is its role's name. In production the databases and roles come from your
-- provisioning, and each process gets its DATABASE_URL from a secret (README.md, "Deploying").

-- The distributed profile's identity provider (`identity`: accounts, client credentials, sessions, signing
-- keys), one for the system, in a database and role of its own.
CREATE ROLE mallbots_identity LOGIN PASSWORD 'mallbots_identity';
CREATE DATABASE mallbots_identity OWNER mallbots_identity;
