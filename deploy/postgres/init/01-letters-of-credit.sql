-- Generated from apps/letters-of-credit/src/app.ts by `npm run generate:deploy`: change that, not this file.
-- Runs once, when the compose PostgreSQL starts on an empty volume (/docker-entrypoint-initdb.d).
-- Development only: each password is its role's name. In production the databases and roles come from your
-- provisioning, and each process gets its DATABASE_URL from a secret (README.md, "Deploying").

-- The monolith: every module's schemas in one database.
CREATE ROLE letters_of_credit LOGIN PASSWORD 'letters_of_credit';
CREATE DATABASE letters_of_credit OWNER letters_of_credit;

-- Distributed: each module in a process of its own, with its own database and role, so that no module can
-- read another's tables; they meet only through messages and their public APIs.
CREATE ROLE letters_of_credit_sanctions LOGIN PASSWORD 'letters_of_credit_sanctions';
CREATE DATABASE letters_of_credit_sanctions OWNER letters_of_credit_sanctions;

CREATE ROLE "letters_of_credit_lc-applications" LOGIN PASSWORD 'letters_of_credit_lc-applications';
CREATE DATABASE "letters_of_credit_lc-applications" OWNER "letters_of_credit_lc-applications";

CREATE ROLE letters_of_credit_compliance LOGIN PASSWORD 'letters_of_credit_compliance';
CREATE DATABASE letters_of_credit_compliance OWNER letters_of_credit_compliance;

CREATE ROLE letters_of_credit_onboarding LOGIN PASSWORD 'letters_of_credit_onboarding';
CREATE DATABASE letters_of_credit_onboarding OWNER letters_of_credit_onboarding;

CREATE ROLE "letters_of_credit_auto-approval" LOGIN PASSWORD 'letters_of_credit_auto-approval';
CREATE DATABASE "letters_of_credit_auto-approval" OWNER "letters_of_credit_auto-approval";

CREATE ROLE letters_of_credit_issuance LOGIN PASSWORD 'letters_of_credit_issuance';
CREATE DATABASE letters_of_credit_issuance OWNER letters_of_credit_issuance;
