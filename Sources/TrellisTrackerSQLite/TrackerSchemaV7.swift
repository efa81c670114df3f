import GRDB

extension TrackerSchema {
    /// v7: a new evidence kind (8, field hours) needs the kind CHECK widened, which SQLite can
    /// do only by rebuilding the table: the rows are copied unchanged and in order, and the
    /// indexes, triggers and view are made again. Field hours say where they were worked
    /// (`setting`). The fact digests gain who observed practice and which category continuing
    /// education was in (interned in `label`), which the progression rules now read, and are
    /// rebuilt from the evidence.
    static func registerFieldHours(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7: field hours, and observers and categories in the fact digests") { db in
            let columns = """
                no, id, trainee_no, kind, subject_no, occurred_day, score, level_no, observer, minutes, hours, topic, provider,
                category, course, voids_no, voids_kind, recorded_at, recorded_by, import_key, row_key, fingerprint,
                source_recorded_by, source_recorded_at
                """
            try db.execute(sql: """
                DROP VIEW evidence_readable;
                CREATE TABLE evidence_v7 (
                  no INTEGER PRIMARY KEY,
                  id TEXT NOT NULL UNIQUE,
                  trainee_no INTEGER NOT NULL REFERENCES trainee(no),
                  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 8),
                  subject_no INTEGER REFERENCES subject(no),
                  occurred_day INTEGER NOT NULL,
                  score REAL,
                  level_no INTEGER REFERENCES level(no),
                  observer TEXT,
                  minutes INTEGER,
                  hours REAL,
                  topic TEXT,
                  provider TEXT,
                  category TEXT,
                  course TEXT,
                  voids_no INTEGER REFERENCES evidence_v7(no),
                  voids_kind INTEGER CHECK (voids_kind IS NULL OR voids_kind != 7),
                  recorded_at TEXT NOT NULL,
                  recorded_by TEXT NOT NULL,
                  import_key INTEGER,
                  row_key TEXT,
                  fingerprint BLOB CHECK (fingerprint IS NULL OR length(fingerprint) = 32),
                  source_recorded_by TEXT,
                  source_recorded_at TEXT,
                  setting TEXT,
                  CHECK ((kind = 7) = (voids_no IS NOT NULL)),
                  CHECK ((voids_no IS NULL) = (voids_kind IS NULL))
                );
                INSERT INTO evidence_v7 (\(columns)) SELECT \(columns) FROM evidence ORDER BY no;
                DROP TABLE evidence;
                ALTER TABLE evidence_v7 RENAME TO evidence;
                CREATE UNIQUE INDEX evidence_voided_once ON evidence (voids_no) WHERE voids_no IS NOT NULL;
                CREATE INDEX evidence_by_trainee ON evidence (trainee_no, occurred_day);
                CREATE UNIQUE INDEX evidence_row_key ON evidence (row_key) WHERE row_key IS NOT NULL;
                CREATE TRIGGER evidence_void_target BEFORE INSERT ON evidence WHEN NEW.voids_no IS NOT NULL
                BEGIN
                  SELECT RAISE(ABORT, 'a void must cancel an existing record that is not a void')
                  WHERE NOT EXISTS (SELECT 1 FROM evidence WHERE no = NEW.voids_no AND kind != 7 AND kind = NEW.voids_kind);
                END;
                CREATE TRIGGER evidence_is_append_only_update BEFORE UPDATE ON evidence
                BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a void instead'); END;
                CREATE TRIGGER evidence_is_append_only_delete BEFORE DELETE ON evidence
                BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a void instead'); END;
                -- Observers and continuing-education categories as the rules compare them
                -- (`ProgressEngine.Fact.label`), numbered for the fact digests.
                CREATE TABLE label (
                  no INTEGER PRIMARY KEY,
                  text TEXT NOT NULL UNIQUE
                );
                CREATE VIEW evidence_readable AS
                SELECT e.id, t.id AS trainee,
                       CASE e.kind WHEN 0 THEN 'module-completed' WHEN 1 THEN 'knowledge-check'
                         WHEN 2 THEN 'observed-practice' WHEN 3 THEN 'coaching-session' WHEN 4 THEN 'supervisor-signoff'
                         WHEN 5 THEN 'reflection' WHEN 6 THEN 'continuing-education' WHEN 8 THEN 'field-hours' ELSE 'void' END AS kind,
                       s.kind || ':' || s.id AS about, date(e.occurred_day * 86400, 'unixepoch') AS occurred_on,
                       e.score, l.id AS level, e.observer, e.minutes, e.hours, e.topic, e.provider, e.category, e.setting,
                       v.id AS voids, x.reason, x.note, x.next_step, e.recorded_at, e.recorded_by
                FROM evidence e JOIN trainee t ON t.no = e.trainee_no
                LEFT JOIN subject s ON s.no = e.subject_no LEFT JOIN level l ON l.no = e.level_no
                LEFT JOIN evidence v ON v.no = e.voids_no LEFT JOIN evidence_text x ON x.evidence_no = e.no;
                """)
            try FactDigest.rebuildAll(db)
        }
    }
}
