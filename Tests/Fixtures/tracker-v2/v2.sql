PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES('v1: trainees and append-only evidence');
INSERT INTO grdb_migrations VALUES('v2: evidence indexes a bulk import can rebuild, and per-trainee fact digests');
CREATE TABLE trainee (
  no INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  email TEXT,
  cohort TEXT,
  site TEXT,
  supervisor TEXT,
  start_day INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'completed', 'withdrawn')),
  credential TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
INSERT INTO trainee VALUES(1,'dana','Dana Rivera',NULL,NULL,NULL,NULL,20089,'active',NULL,'2026-12-03T19:03:49Z','coordinator','2026-12-03T19:03:49Z','coordinator');
INSERT INTO trainee VALUES(2,'lee','Lee Kim',NULL,NULL,NULL,NULL,20089,'active',NULL,'2026-12-03T19:03:49Z','coordinator','2026-12-03T19:03:49Z','coordinator');
CREATE TABLE trainee_history (
  no INTEGER PRIMARY KEY,
  trainee_no INTEGER NOT NULL REFERENCES trainee(no),
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL
);
CREATE TABLE subject (
  no INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('module', 'competency')),
  id TEXT NOT NULL,
  UNIQUE (kind, id)
);
INSERT INTO subject VALUES(1,'module','welcome');
INSERT INTO subject VALUES(2,'competency','listening-well');
INSERT INTO subject VALUES(3,'module','listening');
CREATE TABLE level (
  no INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE
);
CREATE TABLE evidence_competency (
  evidence_no INTEGER NOT NULL REFERENCES evidence(no),
  subject_no INTEGER NOT NULL REFERENCES subject(no),
  PRIMARY KEY (evidence_no, subject_no)
) WITHOUT ROWID;
INSERT INTO evidence_competency VALUES(3,2);
CREATE TABLE IF NOT EXISTS "evidence" (
  no INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  trainee_no INTEGER NOT NULL REFERENCES trainee(no),
  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 7),
  subject_no INTEGER REFERENCES subject(no),
  occurred_day INTEGER NOT NULL,
  score REAL,
  level_no INTEGER REFERENCES level(no),
  observer TEXT,
  minutes INTEGER,
  next_step TEXT,
  hours REAL,
  topic TEXT,
  provider TEXT,
  category TEXT,
  course TEXT,
  -- A void names the record it cancels (and, redundantly, that record's kind).
  voids_no INTEGER REFERENCES "evidence"(no),
  voids_kind INTEGER CHECK (voids_kind IS NULL OR voids_kind != 7),
  reason TEXT,
  note TEXT,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  -- The row key of an imported CSV row (a 64-bit fingerprint): imports are idempotent.
  import_key INTEGER,
  CHECK ((kind = 7) = (voids_no IS NOT NULL)),
  CHECK ((voids_no IS NULL) = (voids_kind IS NULL))
);
INSERT INTO evidence VALUES(1,'01a23d4a-9aa4-71c9-9b7f-a52e8009befb',1,0,1,20458,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-03T19:03:49Z','Sam Lee',-2240867150275182328);
INSERT INTO evidence VALUES(2,'01a23d4a-9aa4-71c9-9b7f-a52fe76c7b77',1,1,1,20459,80.0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-03T19:03:49Z','coordinator',-2302641185875709154);
INSERT INTO evidence VALUES(3,'01a23d4a-9aa4-71c9-9b7f-a530781f87c3',1,3,NULL,20460,NULL,NULL,'Ana',45,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'first session','2026-12-03T19:03:49Z','coordinator',-4491671792945661036);
INSERT INTO evidence VALUES(4,'01a23d4a-9aa4-71c9-9b7f-a531e41fa915',2,6,NULL,20485,NULL,NULL,NULL,NULL,NULL,3.0,'Ethics',NULL,'ethics',NULL,NULL,NULL,NULL,NULL,'2026-12-03T19:03:49Z','coordinator',-7475328610043248717);
INSERT INTO evidence VALUES(5,'01a23d4a-9ae5-73c4-acf8-672b79112d28',1,0,3,20461,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'n','2026-12-03T19:03:49Z','coordinator',2353016928597938499);
CREATE TABLE trainee_facts (
  trainee_no INTEGER PRIMARY KEY REFERENCES trainee(no),
  facts BLOB NOT NULL
);
INSERT INTO trainee_facts VALUES(1,X'ea4f0000010000000000000000000000000000000000f87feb4f00000100000000000000010000000000000000005440ec4f0000000000000000000003010000000000000000f87f02000000ed4f0000030000000000000000000000000000000000f87f');
INSERT INTO trainee_facts VALUES(2,X'05500000000000000000000006000000000000000000f87f');
CREATE TRIGGER evidence_competency_is_append_only_update BEFORE UPDATE ON evidence_competency
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
CREATE TRIGGER evidence_competency_is_append_only_delete BEFORE DELETE ON evidence_competency
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
CREATE UNIQUE INDEX evidence_import_key ON evidence (import_key);
CREATE UNIQUE INDEX evidence_voided_once ON evidence (voids_no) WHERE voids_no IS NOT NULL;
CREATE INDEX evidence_by_trainee ON evidence (trainee_no, occurred_day);
CREATE TRIGGER evidence_void_target BEFORE INSERT ON evidence WHEN NEW.voids_no IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'a void must cancel an existing record that is not a void')
  WHERE NOT EXISTS (SELECT 1 FROM evidence WHERE no = NEW.voids_no AND kind != 7 AND kind = NEW.voids_kind);
END;
CREATE TRIGGER evidence_is_append_only_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a void instead'); END;
CREATE TRIGGER evidence_is_append_only_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a void instead'); END;
CREATE VIEW evidence_readable AS
SELECT e.id, t.id AS trainee,
       CASE e.kind WHEN 0 THEN 'module-completed' WHEN 1 THEN 'knowledge-check'
         WHEN 2 THEN 'observed-practice' WHEN 3 THEN 'coaching-session' WHEN 4 THEN 'supervisor-signoff'
         WHEN 5 THEN 'reflection' WHEN 6 THEN 'continuing-education' ELSE 'void' END AS kind,
       s.kind || ':' || s.id AS about, date(e.occurred_day * 86400, 'unixepoch') AS occurred_on,
       e.score, l.id AS level, e.observer, e.minutes, e.hours, e.topic, e.provider, e.category,
       v.id AS voids, e.reason, e.note, e.recorded_at, e.recorded_by
FROM evidence e JOIN trainee t ON t.no = e.trainee_no
LEFT JOIN subject s ON s.no = e.subject_no LEFT JOIN level l ON l.no = e.level_no
LEFT JOIN evidence v ON v.no = e.voids_no;
COMMIT;
