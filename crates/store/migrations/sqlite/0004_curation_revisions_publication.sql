-- Issue "Right numbers": the office's corrections of a plan (curation), revisions of a plan
-- awaiting approval (动态调整), stable project keys, and publication of plans and rounds.

-- The office's edits, applied in order over the document (duban_domain::curation). Each names
-- items by their stable keys, so it carries over to the next revision.
CREATE TABLE plan_edits (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    edit_json TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    -- The version whose document stated anew what the edit corrected (the edit gives way).
    superseded_in INTEGER
);
CREATE INDEX plan_edits_by_plan ON plan_edits (plan_id, id);

-- Grows with every edit: the plan as served is (current_version, edit_seq).
ALTER TABLE plans ADD COLUMN edit_seq INTEGER NOT NULL DEFAULT 0;
-- Confirmed by the office for supervision: rounds open and the public sees it only then.
ALTER TABLE plans ADD COLUMN published_at INTEGER;
ALTER TABLE plans ADD COLUMN published_by INTEGER REFERENCES users (id);
-- Plans stored before this migration were already served as published.
UPDATE plans SET published_at = created_at;

-- A changed document of a known plan, matched against the version in force, waiting for the
-- office: approved, it becomes the next version (with stable keys); rejected, it is kept.
CREATE TABLE plan_revisions (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    base_version INTEGER NOT NULL,
    source_name TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_format TEXT NOT NULL,
    -- The document as parsed (positional ids) and the office's matching of its items.
    plan_json TEXT NOT NULL,
    matching_json TEXT NOT NULL,
    -- pending, approved, rejected
    status TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at INTEGER,
    reason TEXT,
    -- The version it became.
    version INTEGER,
    row_version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX plan_revisions_by_plan ON plan_revisions (plan_id, status);

ALTER TABLE projects ADD COLUMN project_key TEXT;

-- Statuses and values reach the public only from a round the office has published.
ALTER TABLE rounds ADD COLUMN published_at INTEGER;
ALTER TABLE rounds ADD COLUMN published_by INTEGER REFERENCES users (id);
