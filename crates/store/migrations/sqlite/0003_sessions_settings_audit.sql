-- Supervision, second step: sessions, target baselines and the plan's status method, report
-- drafts, notification delivery state, and the audit log's head and append-only guard.

-- Server-side sessions: app servers stay stateless. The cookie holds a random id; only its
-- SHA-256 is stored.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- The office's baseline of a target (when the plan states none) and the version check.
CREATE TABLE target_settings (
    target_id INTEGER PRIMARY KEY REFERENCES targets (id),
    baseline_value DOUBLE PRECISION,
    baseline_year INTEGER,
    row_version INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL
);

-- expected_progress or ratio (docs/status.md).
ALTER TABLE plans ADD COLUMN status_method TEXT NOT NULL DEFAULT 'expected_progress';

-- A unit's unsubmitted work on a report (the fields as JSON).
CREATE TABLE report_drafts (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    body_json TEXT NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    updated_at INTEGER NOT NULL
);

-- Delivery: the message, a claim so two servers never send the same notice, read state.
ALTER TABLE notifications ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN claimed_until INTEGER;
ALTER TABLE notifications ADD COLUMN read_at INTEGER;
CREATE INDEX notifications_by_unit ON notifications (unit_id, channel);

-- The role the unit holds in the task (lead, co, implementer); group members inherit it.
ALTER TABLE reports ADD COLUMN role TEXT NOT NULL DEFAULT 'lead';
CREATE INDEX reports_by_round ON reports (round_id, status);
-- The review queue (oldest first) and a unit's list, without sorting.
CREATE INDEX reports_by_status ON reports (status, updated_at, id);
CREATE INDEX reports_by_unit_id ON reports (unit_id, id);
CREATE INDEX report_versions_by_report ON report_versions (report_id);
CREATE INDEX observations_by_version ON observations (report_version_id);

-- The chain's head: appends lock this row, so events get consecutive ids in commit order.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
