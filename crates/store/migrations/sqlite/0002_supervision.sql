-- Supervision (issue "Supervise"): accounts, reporting rounds, reports and their versions,
-- evidence, observations, reviews, notifications and the audit log. Designed with the plan
-- tables so that the next issues only fill them. Flags are INTEGER 0/1; times unix seconds;
-- dates (YYYY-MM-DD) TEXT.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- Argon2id PHC string.
    password_hash TEXT NOT NULL,
    -- admin, reviewer, reporter, leader, analyst
    role TEXT NOT NULL,
    -- The unit a reporter reports for (a unit may have several reporters, or none yet).
    unit_id INTEGER REFERENCES units (id),
    must_change_password INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    password_changed_at INTEGER,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);
CREATE INDEX users_by_unit ON users (unit_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    -- SHA-256 of the token; the token itself is shown once.
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

-- Annual milestones live in `milestones`; annual work points (年度工作要点) the office sets:
CREATE TABLE annual_work_points (
    node_id INTEGER NOT NULL REFERENCES nodes (id),
    year INTEGER NOT NULL,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (node_id, year)
);

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    title TEXT NOT NULL,
    -- monthly, quarterly, ad_hoc
    cadence TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    due_on TEXT NOT NULL,
    opened_by INTEGER REFERENCES users (id),
    opened_at INTEGER NOT NULL,
    closed_at INTEGER
);
CREATE INDEX rounds_by_plan ON rounds (plan_id);

CREATE TABLE round_tasks (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    node_id INTEGER NOT NULL REFERENCES nodes (id),
    PRIMARY KEY (round_id, node_id)
);

-- One report per round, task and responsible unit.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    node_id INTEGER NOT NULL REFERENCES nodes (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    -- draft, submitted, returned, approved
    status TEXT NOT NULL,
    -- Optimistic concurrency: a write names the version it read.
    row_version INTEGER NOT NULL DEFAULT 1,
    current_version INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    UNIQUE (round_id, node_id, unit_id)
);
CREATE INDEX reports_by_unit ON reports (unit_id, status);

-- Each submission is kept; a returned and resubmitted report has both.
CREATE TABLE report_versions (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    version INTEGER NOT NULL,
    progress TEXT NOT NULL,
    percent_complete DOUBLE PRECISION,
    problems TEXT NOT NULL,
    next_steps TEXT NOT NULL,
    coordination TEXT NOT NULL,
    -- 前期, 开工, 在建, 竣工
    project_stage TEXT,
    investment DOUBLE PRECISION,
    -- Idempotency: a retried or double-clicked submission carries the same key.
    submission_key TEXT NOT NULL UNIQUE,
    submitted_by INTEGER REFERENCES users (id),
    submitted_at INTEGER NOT NULL,
    UNIQUE (report_id, version)
);

-- Files live outside the database, named by their SHA-256.
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    report_version_id INTEGER NOT NULL REFERENCES report_versions (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX evidence_by_version ON evidence (report_version_id);

CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets (id),
    observed_on TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    report_version_id INTEGER REFERENCES report_versions (id),
    -- pending, approved, rejected: only approved values count.
    status TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX observations_by_target ON observations (target_id, observed_on);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    report_version_id INTEGER NOT NULL REFERENCES report_versions (id),
    reviewer_id INTEGER REFERENCES users (id),
    -- approve, return
    decision TEXT NOT NULL,
    comment TEXT NOT NULL,
    decided_at INTEGER NOT NULL
);
CREATE INDEX reviews_by_version ON reviews (report_version_id);

-- Reminder (before due), chase (催办, on due), supervision notice (督办, after due), per channel.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    report_id INTEGER REFERENCES reports (id),
    -- app, email, webhook
    channel TEXT NOT NULL,
    scheduled_for INTEGER NOT NULL,
    sent_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    -- The job is safe to run twice or on two servers: one row per kind, round, unit, channel.
    dedupe_key TEXT NOT NULL UNIQUE
);
CREATE INDEX notifications_pending ON notifications (sent_at, scheduled_for);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical event). Nothing updates or
-- deletes a row; `duban audit verify` recomputes the chain.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor_unit_id INTEGER,
    actor_role TEXT,
    client_addr TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_by_time ON audit_events (at);
