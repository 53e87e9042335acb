-- The feedback store's tables (assistant/feedback.py); SCHEMA_VERSION there counts changes.
CREATE TABLE IF NOT EXISTS suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    agent TEXT,
    complaint TEXT NOT NULL,
    channel TEXT NOT NULL,
    brand TEXT,
    customer TEXT,
    drafts TEXT NOT NULL,          -- JSON list of the drafts shown, first = the main draft
    case_ids TEXT NOT NULL,        -- JSON list of the cited case ids
    model TEXT,
    fallback INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sent (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    suggestion_id INTEGER REFERENCES suggestions(id),
    created_at TEXT NOT NULL,
    agent TEXT,
    complaint TEXT,
    channel TEXT,
    brand TEXT,
    customer TEXT,
    suggested TEXT NOT NULL,
    final TEXT NOT NULL,
    edit_distance INTEGER NOT NULL,
    edit_ratio REAL NOT NULL,
    coach_score REAL,
    seconds REAL,
    status TEXT NOT NULL DEFAULT 'pending',
    note TEXT NOT NULL DEFAULT '',
    decided_by TEXT,
    decided_at TEXT,
    case_id TEXT
);
CREATE TABLE IF NOT EXISTS ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    suggestion_id INTEGER REFERENCES suggestions(id),
    created_at TEXT NOT NULL,
    agent TEXT,
    draft_index INTEGER NOT NULL,
    draft TEXT NOT NULL,
    thumb INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    author TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sent_status ON sent(status);
