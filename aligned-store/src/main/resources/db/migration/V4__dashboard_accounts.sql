-- Aligned schema 4: the dashboard's accounts (dev.aligned.server.web). Same conventions as V1: times are epoch
-- milliseconds (UTC), ${id} is an auto-generated 64-bit key. Secrets are never stored: passwords as
-- PBKDF2-HMAC-SHA256 strings (algorithm, iterations, salt, hash), session ids and API tokens as SHA-256 hex.

CREATE TABLE users (
    id             ${id},
    username       VARCHAR(64) NOT NULL UNIQUE,
    password_hash  TEXT        NOT NULL,
    admin          SMALLINT    NOT NULL,    -- 1: every domain and the settings; 0: the domains in user_domains
    created_at     BIGINT      NOT NULL,
    last_login_at  BIGINT
);

-- The domains a non-admin user may see (lower case, as reports.domain).
CREATE TABLE user_domains (
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    domain   TEXT   NOT NULL,
    PRIMARY KEY (user_id, domain)
);

-- Browser sessions: the cookie carries a random id, the table its SHA-256; csrf is the synchronizer token of
-- the session's forms.
CREATE TABLE sessions (
    id_sha256   VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf        VARCHAR(64) NOT NULL,
    created_at  BIGINT      NOT NULL,
    expires_at  BIGINT      NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens (Authorization: Bearer ...): shown once when created, stored as SHA-256.
CREATE TABLE api_tokens (
    id            ${id},
    user_id       BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT        NOT NULL,
    token_sha256  VARCHAR(64) NOT NULL UNIQUE,
    prefix        VARCHAR(16) NOT NULL,     -- the first characters, to tell tokens apart in the list
    created_at    BIGINT      NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

-- The history of live domain checks run from the dashboard (dev.aligned.record.DomainChecker).
CREATE TABLE record_checks (
    id          ${id},
    domain      TEXT        NOT NULL,
    checked_at  BIGINT      NOT NULL,
    grade       VARCHAR(2)  NOT NULL,
    next_step   TEXT        NOT NULL,
    errors      INTEGER     NOT NULL,
    warnings    INTEGER     NOT NULL,
    findings    TEXT        NOT NULL        -- one "severity code: message" line per finding
);
CREATE INDEX record_checks_domain ON record_checks (domain, checked_at);
