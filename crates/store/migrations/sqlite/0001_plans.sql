-- Plans as imported: every version of a document, its tree, units, targets and projects.
-- Times are unix seconds (INTEGER), portable through sqlx::Any.

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    -- What makes two imports the same plan: its document number, else its title.
    identity TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    issuer TEXT,
    doc_number TEXT,
    issued_on TEXT,
    current_version INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE plan_versions (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    version INTEGER NOT NULL,
    source_name TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_format TEXT NOT NULL,
    -- The duban.plan/1 document exactly as imported.
    plan_json TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    UNIQUE (plan_id, version),
    UNIQUE (plan_id, source_sha256)
);

-- The registry of responsible units, shared by all plans.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    -- GB/T 2260 code of a county-level government, where known.
    adcode TEXT
);

CREATE TABLE unit_aliases (
    alias TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id)
);

-- Members of a group unit (各县区政府 → the county governments).
CREATE TABLE unit_group_members (
    group_id INTEGER NOT NULL REFERENCES units (id),
    member_id INTEGER NOT NULL REFERENCES units (id),
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE nodes (
    id INTEGER PRIMARY KEY,
    plan_version_id INTEGER NOT NULL REFERENCES plan_versions (id),
    node_key TEXT NOT NULL,
    parent_key TEXT,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    number TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    line INTEGER NOT NULL,
    responsible_raw TEXT,
    deadline TEXT,
    UNIQUE (plan_version_id, node_key)
);

CREATE TABLE assignments (
    node_id INTEGER NOT NULL REFERENCES nodes (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (node_id, unit_id)
);
CREATE INDEX assignments_by_unit ON assignments (unit_id);

CREATE TABLE work_points (
    node_id INTEGER NOT NULL REFERENCES nodes (id),
    position INTEGER NOT NULL,
    year INTEGER,
    label TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (node_id, position)
);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    plan_version_id INTEGER NOT NULL REFERENCES plan_versions (id),
    node_id INTEGER NOT NULL REFERENCES nodes (id),
    target_key TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    value_high DOUBLE PRECISION,
    unit TEXT NOT NULL,
    comparator TEXT NOT NULL,
    year INTEGER,
    source_text TEXT NOT NULL,
    line INTEGER NOT NULL,
    -- Entered by the office when the plan states none (issue "Supervise").
    baseline_value DOUBLE PRECISION,
    baseline_year INTEGER,
    UNIQUE (plan_version_id, target_key)
);
CREATE INDEX targets_by_node ON targets (node_id);

-- Annual milestones from baseline to deadline: linear by default, edited by the office.
CREATE TABLE milestones (
    target_id INTEGER NOT NULL REFERENCES targets (id),
    year INTEGER NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (target_id, year)
);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    plan_version_id INTEGER NOT NULL REFERENCES plan_versions (id),
    node_id INTEGER NOT NULL REFERENCES nodes (id),
    name TEXT NOT NULL,
    line INTEGER NOT NULL,
    -- 前期, 开工, 在建, 竣工 as reported.
    stage TEXT
);
CREATE INDEX projects_by_node ON projects (node_id);

CREATE TABLE plan_diagnostics (
    plan_version_id INTEGER NOT NULL REFERENCES plan_versions (id),
    position INTEGER NOT NULL,
    line INTEGER,
    severity TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (plan_version_id, position)
);
