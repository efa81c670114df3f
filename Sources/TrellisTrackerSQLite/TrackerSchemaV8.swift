import GRDB

extension TrackerSchema {
    /// v8: the web tracker's accounts, assignments, sessions, password links, sign-in failures
    /// and the append-only audit log. Sessions and failures are in the database, not in memory,
    /// so they hold across restarts and are shared by every process on the file. Tokens are
    /// kept as SHA-256 hashes only. A person's name is in `account` alone, erasable there;
    /// the audit log names accounts and records by id.
    static func registerWebAccounts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8: web accounts, assignments, sessions and the audit log") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                  id TEXT PRIMARY KEY,
                  login TEXT NOT NULL UNIQUE,
                  name TEXT NOT NULL,
                  role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'supervisor', 'coach', 'trainee')),
                  trainee_id TEXT UNIQUE,
                  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                  password_hash TEXT,
                  created_at TEXT NOT NULL
                );
                CREATE TABLE assignment (
                  account_id TEXT NOT NULL REFERENCES account(id),
                  kind TEXT NOT NULL CHECK (kind IN ('trainee', 'site', 'all-sites')),
                  value TEXT NOT NULL,
                  PRIMARY KEY (account_id, kind, value)
                );
                CREATE INDEX assignment_by_value ON assignment(kind, value);
                CREATE TABLE web_session (
                  token_hash TEXT PRIMARY KEY,
                  account_id TEXT NOT NULL REFERENCES account(id),
                  csrf_token TEXT NOT NULL,
                  created_at INTEGER NOT NULL,
                  last_seen_at INTEGER NOT NULL
                );
                CREATE INDEX web_session_by_account ON web_session(account_id);
                CREATE TABLE password_token (
                  token_hash TEXT PRIMARY KEY,
                  account_id TEXT NOT NULL REFERENCES account(id),
                  expires_at INTEGER NOT NULL
                );
                CREATE TABLE sign_in_failure (
                  key TEXT NOT NULL,
                  at INTEGER NOT NULL
                );
                CREATE INDEX sign_in_failure_by_key ON sign_in_failure(key, at);
                CREATE TABLE audit_log (
                  no INTEGER PRIMARY KEY,
                  at TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  action TEXT NOT NULL,
                  subject TEXT NOT NULL,
                  address TEXT NOT NULL,
                  outcome TEXT NOT NULL
                );
                CREATE INDEX audit_log_by_actor ON audit_log(actor, no);
                CREATE INDEX audit_log_by_subject ON audit_log(subject, no);
                CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
    }
}
