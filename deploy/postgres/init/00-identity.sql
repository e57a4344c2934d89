-- Generated from apps/*/src/app.ts by `npm run generate:deploy`: change that, not this file.
-- Runs once, when the compose PostgreSQL starts on an empty volume (/docker-entrypoint-initdb.d).
-- Development only: each password is its role's name. In production the databases and roles come from your
-- provisioning, and each process gets its DATABASE_URL from a secret (README.md, "Deploying").

-- The distributed profile's identity provider (`identity`: accounts, client credentials, sessions, signing
-- keys), one for every application (coffeeco, letters-of-credit and mallbots), in a database and role of its
-- own.
CREATE ROLE tessera_identity LOGIN PASSWORD 'tessera_identity';
CREATE DATABASE tessera_identity OWNER tessera_identity;
