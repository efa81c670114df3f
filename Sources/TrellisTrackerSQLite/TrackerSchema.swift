import TrellisModel
import TrellisTracker
import Foundation
import GRDB

/// The database schema, as migrations from day one: a database made by an older Trellis is
/// brought up to date when opened, never rebuilt.
enum TrackerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: trainees and append-only evidence") { db in
            try db.execute(sql: """
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
                -- Every edit of a trainee's details: which field, from what, to what, when, by whom.
                CREATE TABLE trainee_history (
                  no INTEGER PRIMARY KEY,
                  trainee_no INTEGER NOT NULL REFERENCES trainee(no),
                  field TEXT NOT NULL,
                  old_value TEXT,
                  new_value TEXT,
                  changed_at TEXT NOT NULL,
                  changed_by TEXT NOT NULL
                );
                -- Modules and competencies that evidence refers to, interned as small integers.
                CREATE TABLE subject (
                  no INTEGER PRIMARY KEY,
                  kind TEXT NOT NULL CHECK (kind IN ('module', 'competency')),
                  id TEXT NOT NULL,
                  UNIQUE (kind, id)
                );
                CREATE TABLE level (
                  no INTEGER PRIMARY KEY,
                  id TEXT NOT NULL UNIQUE
                );
                CREATE TABLE evidence (
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
                  -- A void names the record it cancels and that record's kind, so the foreign key
                  -- below and the CHECK guarantee that a void is never itself voided, without a
                  -- per-row trigger (which would slow a million-row import several times over).
                  voids_no INTEGER,
                  voids_kind INTEGER CHECK (voids_kind IS NULL OR voids_kind != 7),
                  reason TEXT,
                  note TEXT,
                  recorded_at TEXT NOT NULL,
                  recorded_by TEXT NOT NULL,
                  -- The row key of an imported CSV row (a 64-bit fingerprint): imports are idempotent.
                  import_key INTEGER UNIQUE,
                  CHECK ((kind = 7) = (voids_no IS NOT NULL)),
                  CHECK ((voids_no IS NULL) = (voids_kind IS NULL)),
                  FOREIGN KEY (voids_no, voids_kind) REFERENCES evidence (no, kind)
                );
                CREATE UNIQUE INDEX evidence_no_kind ON evidence (no, kind);
                -- A record is voided at most once.
                CREATE UNIQUE INDEX evidence_voided_once ON evidence (voids_no) WHERE voids_no IS NOT NULL;
                CREATE INDEX evidence_by_trainee ON evidence (trainee_no, occurred_day);
                CREATE TABLE evidence_competency (
                  evidence_no INTEGER NOT NULL REFERENCES evidence(no),
                  subject_no INTEGER NOT NULL REFERENCES subject(no),
                  PRIMARY KEY (evidence_no, subject_no)
                ) WITHOUT ROWID;

                -- Evidence is append-only: corrections are void records, never edits.
                CREATE TRIGGER evidence_is_append_only_update BEFORE UPDATE ON evidence
                BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a void instead'); END;
                CREATE TRIGGER evidence_is_append_only_delete BEFORE DELETE ON evidence
                BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a void instead'); END;
                CREATE TRIGGER evidence_competency_is_append_only_update BEFORE UPDATE ON evidence_competency
                BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
                CREATE TRIGGER evidence_competency_is_append_only_delete BEFORE DELETE ON evidence_competency
                BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;

                -- For people reading the database directly.
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
                """)
        }
        migrator.registerMigration("v2: evidence indexes a bulk import can rebuild, and per-trainee fact digests") { db in
            // The import key's uniqueness moves from an inline constraint to a named index, which a
            // large import drops and rebuilds inside its own transaction (sorting a million keys
            // once is far cheaper than a million random index inserts). The (no, kind) index that
            // only served the void foreign key is replaced by a trigger that runs for voids alone.
            try db.execute(sql: """
                DROP VIEW evidence_readable;
                CREATE TABLE evidence_v2 (
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
                  voids_no INTEGER REFERENCES evidence_v2(no),
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
                INSERT INTO evidence_v2 SELECT no, id, trainee_no, kind, subject_no, occurred_day, score, level_no, observer,
                  minutes, next_step, hours, topic, provider, category, course, voids_no, voids_kind, reason, note,
                  recorded_at, recorded_by, import_key FROM evidence ORDER BY no;
                DROP TABLE evidence;
                ALTER TABLE evidence_v2 RENAME TO evidence;
                CREATE UNIQUE INDEX evidence_import_key ON evidence (import_key);
                CREATE UNIQUE INDEX evidence_voided_once ON evidence (voids_no) WHERE voids_no IS NOT NULL;
                CREATE INDEX evidence_by_trainee ON evidence (trainee_no, occurred_day);

                -- A void cancels a record that exists and is not itself a void, whatever kind it
                -- claims; only void rows run this trigger, so imports do not pay for it.
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

                -- Derived, rebuildable: each trainee's non-voided evidence reduced to what the
                -- progression rules read (see FactDigest), so a program-wide report reads ten
                -- thousand small blobs instead of scanning a million evidence rows. Written in the
                -- same transaction as the evidence it summarizes.
                CREATE TABLE trainee_facts (
                  trainee_no INTEGER PRIMARY KEY REFERENCES trainee(no),
                  facts BLOB NOT NULL
                );
                """)
            // The digests are filled by v7, which rebuilds them all in today's layout.
        }
        migrator.registerMigration("v3: import keys, SHA-256 fingerprints and the imported file's provenance") { db in
            // What an import knows about a row is stored with it: the file's key as written, a
            // fingerprint of the checked values (`EvidenceFingerprint`), and the file's own
            // `recorded_by`/`recorded_at`, kept as provenance (the person who ran the import is
            // the row's `recorded_by`). Rows imported before v3 keep their 64-bit `import_key`,
            // so a file imported then is still recognised now, and get their fingerprint here:
            // the one change ever made to stored evidence, so the append-only trigger is lifted
            // for it inside this migration's transaction and put back.
            try db.execute(sql: """
                ALTER TABLE evidence ADD COLUMN row_key TEXT;
                ALTER TABLE evidence ADD COLUMN fingerprint BLOB CHECK (fingerprint IS NULL OR length(fingerprint) = 32);
                ALTER TABLE evidence ADD COLUMN source_recorded_by TEXT;
                ALTER TABLE evidence ADD COLUMN source_recorded_at TEXT;
                CREATE UNIQUE INDEX evidence_row_key ON evidence (row_key) WHERE row_key IS NOT NULL;
                DROP INDEX evidence_import_key;
                DROP TRIGGER evidence_is_append_only_update;
                """)
            var numbers: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, no FROM evidence WHERE import_key IS NOT NULL") { numbers[row["id"]] = row["no"] }
            let update = try db.makeStatement(sql: "UPDATE evidence SET fingerprint = ? WHERE no = ?")
            for record in try EvidenceRows.fetch(db, whereClause: "e.import_key IS NOT NULL", arguments: [], text: .evidenceColumns) {
                guard let no = numbers[record.id] else { continue }
                try update.execute(arguments: [Data(EvidenceFingerprint(record).bytes), no])
            }
            try db.execute(sql: """
                CREATE TRIGGER evidence_is_append_only_update BEFORE UPDATE ON evidence
                BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a void instead'); END;
                """)
        }
        migrator.registerMigration("v4: frozen completion records") { db in
            // One completion per trainee, as it stood on the day (`CompletionRecord`): never
            // changed, so a later lapse cannot take back a completion that happened.
            try db.execute(sql: """
                CREATE TABLE completion (
                  trainee_no INTEGER PRIMARY KEY REFERENCES trainee(no),
                  completed_day INTEGER NOT NULL,
                  framework_version TEXT,
                  record TEXT NOT NULL,
                  frozen_at TEXT NOT NULL,
                  frozen_by TEXT NOT NULL
                );
                CREATE TRIGGER completion_is_append_only_update BEFORE UPDATE ON completion
                BEGIN SELECT RAISE(ABORT, 'a completion record is never changed'); END;
                CREATE TRIGGER completion_is_append_only_delete BEFORE DELETE ON completion
                BEGIN SELECT RAISE(ABORT, 'a completion record is never changed'); END;
                """)
        }
        migrator.registerMigration("v5: each record's free text in a table of its own, which erasure can clear") { db in
            // Notes, next steps and void reasons are what people wrote about a trainee, perhaps
            // about their illness or their family's child-welfare case. They move out of the
            // append-only `evidence` table into `evidence_text`, whose rows can be deleted for one
            // person on request (erasure) while the facts of their record stay: the evidence
            // rows (kinds, dates, levels) and, by them, the trainee's progress. A text row is
            // never edited, only deleted.
            try db.execute(sql: """
                CREATE TABLE evidence_text (
                  evidence_no INTEGER PRIMARY KEY REFERENCES evidence(no),
                  note TEXT,
                  next_step TEXT,
                  reason TEXT,
                  CHECK (note IS NOT NULL OR next_step IS NOT NULL OR reason IS NOT NULL)
                );
                CREATE TRIGGER evidence_text_is_never_edited BEFORE UPDATE ON evidence_text
                BEGIN SELECT RAISE(ABORT, 'a record''s text is never edited: it can only be erased'); END;
                INSERT INTO evidence_text (evidence_no, note, next_step, reason)
                  SELECT no, note, next_step, reason FROM evidence
                  WHERE note IS NOT NULL OR next_step IS NOT NULL OR reason IS NOT NULL;
                DROP VIEW evidence_readable;
                ALTER TABLE evidence DROP COLUMN note;
                ALTER TABLE evidence DROP COLUMN next_step;
                ALTER TABLE evidence DROP COLUMN reason;
                CREATE VIEW evidence_readable AS
                SELECT e.id, t.id AS trainee,
                       CASE e.kind WHEN 0 THEN 'module-completed' WHEN 1 THEN 'knowledge-check'
                         WHEN 2 THEN 'observed-practice' WHEN 3 THEN 'coaching-session' WHEN 4 THEN 'supervisor-signoff'
                         WHEN 5 THEN 'reflection' WHEN 6 THEN 'continuing-education' ELSE 'void' END AS kind,
                       s.kind || ':' || s.id AS about, date(e.occurred_day * 86400, 'unixepoch') AS occurred_on,
                       e.score, l.id AS level, e.observer, e.minutes, e.hours, e.topic, e.provider, e.category,
                       v.id AS voids, x.reason, x.note, x.next_step, e.recorded_at, e.recorded_by
                FROM evidence e JOIN trainee t ON t.no = e.trainee_no
                LEFT JOIN subject s ON s.no = e.subject_no LEFT JOIN level l ON l.no = e.level_no
                LEFT JOIN evidence v ON v.no = e.voids_no LEFT JOIN evidence_text x ON x.evidence_no = e.no;
                """)
        }
        migrator.registerMigration("v6: the completion set each trainee is held to") { db in
            // NULL = the framework's first completion set, which is what every trainee on file
            // before v6 was held to (the one set of a framework without `completion:`).
            try db.execute(sql: "ALTER TABLE trainee ADD COLUMN program TEXT")
        }
        registerFieldHours(&migrator)
        registerWebAccounts(&migrator)
        return migrator
    }
}
