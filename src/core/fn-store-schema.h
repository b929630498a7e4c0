/* fn-store-schema.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* Migrations of the local database, one per schema version. A migration is
 * never edited once released: a change is a new version. Every table keeps
 * an INTEGER PRIMARY KEY "seq" so that row ids stay stable for the external
 * content full-text indexes, even across VACUUM. */

#define FN_STORE_MIGRATION_1 \
  "CREATE TABLE meta (" \
  "  key TEXT PRIMARY KEY NOT NULL," \
  "  value TEXT);" \
  "CREATE TABLE sync_state (" \
  "  id INTEGER PRIMARY KEY CHECK (id = 1)," \
  "  cursor TEXT," \
  "  last_sync_at INTEGER NOT NULL DEFAULT 0);" \
  "INSERT INTO sync_state (id) VALUES (1);" \
  "CREATE TABLE patients (" \
  "  seq INTEGER PRIMARY KEY," \
  "  id TEXT NOT NULL UNIQUE," \
  "  version INTEGER NOT NULL DEFAULT 0," \
  "  deleted INTEGER NOT NULL DEFAULT 0," \
  "  clock TEXT NOT NULL DEFAULT '{}'," \
  "  given_name TEXT, family_name TEXT, birth_date TEXT, address TEXT," \
  "  phone TEXT, care_plan TEXT, assigned_to TEXT);" \
  "CREATE TABLE notes (" \
  "  seq INTEGER PRIMARY KEY," \
  "  id TEXT NOT NULL UNIQUE," \
  "  version INTEGER NOT NULL DEFAULT 0," \
  "  deleted INTEGER NOT NULL DEFAULT 0," \
  "  clock TEXT NOT NULL DEFAULT '{}'," \
  "  patient_id TEXT NOT NULL REFERENCES patients (id)" \
  "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED," \
  "  author_id TEXT, kind TEXT, visit_at TEXT, title TEXT, body TEXT, status TEXT," \
  "  visit_ms INTEGER NOT NULL DEFAULT 0);" \
  "CREATE INDEX notes_by_patient ON notes (patient_id, visit_ms DESC);" \
  "CREATE INDEX patients_by_name ON patients" \
  "  (family_name COLLATE NOCASE, given_name COLLATE NOCASE, id);" \
  "CREATE TABLE signatures (" \
  "  seq INTEGER PRIMARY KEY," \
  "  id TEXT NOT NULL UNIQUE," \
  "  version INTEGER NOT NULL DEFAULT 0," \
  "  deleted INTEGER NOT NULL DEFAULT 0," \
  "  clock TEXT NOT NULL DEFAULT '{}'," \
  "  note_id TEXT NOT NULL REFERENCES notes (id)" \
  "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED," \
  "  signer_name TEXT, signer_role TEXT, captured_at TEXT, note_sha256 TEXT," \
  "  strokes_blob TEXT, image_blob TEXT);" \
  "CREATE INDEX signatures_by_note ON signatures (note_id);" \
  "CREATE TABLE conflicts (" \
  "  seq INTEGER PRIMARY KEY," \
  "  id TEXT NOT NULL UNIQUE," \
  "  version INTEGER NOT NULL DEFAULT 0," \
  "  deleted INTEGER NOT NULL DEFAULT 0," \
  "  clock TEXT NOT NULL DEFAULT '{}'," \
  "  record_entity TEXT, record_id TEXT, field TEXT, losing_value TEXT," \
  "  winning_value TEXT, resolved TEXT);" \
  "CREATE INDEX conflicts_by_record ON conflicts (record_id);" \
  "CREATE TABLE outbox (" \
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT," \
  "  op_id TEXT NOT NULL UNIQUE," \
  "  entity TEXT NOT NULL," \
  "  record_id TEXT NOT NULL," \
  "  patient_id TEXT," \
  "  base_version INTEGER NOT NULL DEFAULT 0," \
  "  deleted INTEGER NOT NULL DEFAULT 0," \
  "  fields TEXT NOT NULL DEFAULT '{}'," \
  "  clock TEXT NOT NULL DEFAULT '{}'," \
  "  state TEXT NOT NULL DEFAULT 'pending'" \
  "    CHECK (state IN ('pending', 'sending', 'rejected'))," \
  "  attempts INTEGER NOT NULL DEFAULT 0," \
  "  last_error TEXT," \
  "  created_at INTEGER NOT NULL," \
  "  updated_at INTEGER NOT NULL);" \
  "CREATE INDEX outbox_by_record ON outbox (record_id, state);" \
  "CREATE INDEX outbox_by_patient ON outbox (patient_id);"

#define FN_STORE_FTS_TRIGGERS(table, a, b) \
  "CREATE TRIGGER " table "_fts_insert AFTER INSERT ON " table " BEGIN" \
  "  INSERT INTO " table "_fts (rowid, " a ", " b ")" \
  "    VALUES (new.seq, new." a ", new." b ");" \
  "END;" \
  "CREATE TRIGGER " table "_fts_delete AFTER DELETE ON " table " BEGIN" \
  "  INSERT INTO " table "_fts (" table "_fts, rowid, " a ", " b ")" \
  "    VALUES ('delete', old.seq, old." a ", old." b ");" \
  "END;" \
  "CREATE TRIGGER " table "_fts_update AFTER UPDATE OF " a ", " b " ON " table " BEGIN" \
  "  INSERT INTO " table "_fts (" table "_fts, rowid, " a ", " b ")" \
  "    VALUES ('delete', old.seq, old." a ", old." b ");" \
  "  INSERT INTO " table "_fts (rowid, " a ", " b ")" \
  "    VALUES (new.seq, new." a ", new." b ");" \
  "END;"

#define FN_STORE_MIGRATION_2 \
  "CREATE VIRTUAL TABLE patients_fts USING fts5 (" \
  "  given_name, family_name, content='patients', content_rowid='seq'," \
  "  tokenize='unicode61 remove_diacritics 2', prefix='2 3');" \
  "CREATE VIRTUAL TABLE notes_fts USING fts5 (" \
  "  title, body, content='notes', content_rowid='seq'," \
  "  tokenize='unicode61 remove_diacritics 2', prefix='2 3');" \
  FN_STORE_FTS_TRIGGERS ("patients", "given_name", "family_name") \
  FN_STORE_FTS_TRIGGERS ("notes", "title", "body") \
  "INSERT INTO patients_fts (patients_fts) VALUES ('rebuild');" \
  "INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');"

/* Signature strokes and images, content-addressed as the contract's blobs:
 * kept until the server has them (uploaded = 1). */
#define FN_STORE_MIGRATION_3 \
  "CREATE TABLE blobs (" \
  "  sha256 TEXT PRIMARY KEY NOT NULL," \
  "  data BLOB NOT NULL," \
  "  uploaded INTEGER NOT NULL DEFAULT 0," \
  "  created_at INTEGER NOT NULL);" \
  "CREATE INDEX blobs_to_upload ON blobs (uploaded);"

/* Who wrote each side of a conflict, when the server says so (an extension
 * of the reference server; the time of each side is in the clock). */
#define FN_STORE_MIGRATION_4 \
  "ALTER TABLE conflicts ADD COLUMN losing_author TEXT;" \
  "ALTER TABLE conflicts ADD COLUMN winning_author TEXT;"
