/* test-store.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-core.h"
#include "fn-store-private.h"
#include "fn-test-util.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  char *dir;
  FnStore *store;
  FnPatient *patient;
} Fixture;

static FnPatient *
add_patient (FnStore    *store,
             const char *given,
             const char *family)
{
  FnPatient *patient = fn_patient_new ();
  g_autoptr (GError) error = NULL;

  fn_record_set_field (FN_RECORD (patient), "given_name", given);
  fn_record_set_field (FN_RECORD (patient), "family_name", family);
  fn_record_set_field (FN_RECORD (patient), "birth_date", "1940-05-17");
  g_assert_true (fn_store_save (store, FN_RECORD (patient), &error));
  g_assert_no_error (error);

  return patient;
}

static FnNote *
add_note (FnStore    *store,
          FnPatient  *patient,
          const char *title,
          const char *body,
          const char *visit_at)
{
  FnNote *note = fn_note_new (fn_record_get_id (FN_RECORD (patient)));
  g_autoptr (GError) error = NULL;

  fn_record_set_field (FN_RECORD (note), "title", title);
  fn_record_set_field (FN_RECORD (note), "body", body);
  if (visit_at)
    fn_record_set_field (FN_RECORD (note), "visit_at", visit_at);
  g_assert_true (fn_store_save (store, FN_RECORD (note), &error));
  g_assert_no_error (error);

  return note;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("fn-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = fn_store_new (f->dir, &error);
  g_assert_no_error (error);
  f->patient = add_patient (f->store, "Agnes", "Albrecht");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->patient);
  g_assert_finalize_object (f->store);
  fn_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Everything the store holds, as text, to prove that a refused write
 * changed nothing at all. */
static char *
dump (FnStore *store)
{
  static const char * const queries[] = {
    "SELECT * FROM patients ORDER BY seq",
    "SELECT * FROM notes ORDER BY seq",
    "SELECT * FROM outbox ORDER BY seq",
    "SELECT * FROM meta ORDER BY key",
    "SELECT * FROM sync_state",
  };
  GString *out = g_string_new (NULL);
  sqlite3 *db = fn_store_get_db (store);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (out, "%s|", (const char *)sqlite3_column_text (stmt, c));
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
    }

  return g_string_free (out, FALSE);
}

static int
count_rows (FnStore    *store,
            const char *sql)
{
  sqlite3_stmt *stmt;
  int n;

  g_assert_cmpint (sqlite3_prepare_v2 (fn_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

static void
test_open_permissions (Fixture       *f,
                       gconstpointer  data)
{
  struct stat st;
  g_autofree char *wal = g_strconcat (fn_store_get_path (f->store), "-wal", NULL);

  g_assert_cmpint (g_stat (f->dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (fn_store_get_path (f->store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  g_assert_cmpint (fn_store_get_schema_version (f->store), ==, FN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (f->store, "PRAGMA foreign_keys"), ==, 1);
}

static void
test_open_default_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fn-env-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "nested", "data", NULL);
  g_autofree char *got = NULL;
  g_autoptr (FnStore) store = NULL;

  g_setenv ("FIELD_NOTES_DATA_DIR", sub, TRUE);
  got = fn_store_default_data_dir ();
  g_assert_cmpstr (got, ==, sub);

  store = fn_store_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fn_store_get_data_dir (store), ==, sub);
  g_assert_true (g_file_test (fn_store_get_path (store), G_FILE_TEST_EXISTS));
  g_unsetenv ("FIELD_NOTES_DATA_DIR");

  g_clear_object (&store);
  fn_test_remove_tree (dir);
}

static void
test_newer_schema_untouched (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) again = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (sqlite3_exec (fn_store_get_db (f->store), "PRAGMA user_version = 99",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  before = dump (f->store);

  again = fn_store_new (f->dir, &error);
  g_assert_null (again);
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NEWER_SCHEMA);

  after = dump (f->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (count_rows (f->store, "PRAGMA user_version"), ==, 99);
}

static void
test_not_a_database (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fn-bad-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, FN_STORE_DB_NAME, NULL);
  g_autoptr (FnStore) store = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (path, "this is not a database, just some text", -1, NULL));
  store = fn_store_new (dir, &error);
  g_assert_null (store);
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_CORRUPT);

  /* Opening must not have replaced what was there. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "this is not a database, just some text");
  fn_test_remove_tree (dir);
}

/* A database made by schema version 1 (before full-text search) opens,
 * and the migration indexes the records that were already there. */
static void
test_migrate_from_v1 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fn-migrate-XXXXXX", &error);
  g_autoptr (FnStore) old = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GPtrArray) patients = NULL;

  old = fn_store_new_at_version (dir, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fn_store_get_schema_version (old), ==, 1);
  g_assert_cmpint (sqlite3_exec (fn_store_get_db (old),
                                 "INSERT INTO patients (id, family_name, given_name) VALUES"
                                 " ('11111111-1111-4111-8111-111111111111', 'Lindqvist', 'Nils');"
                                 "INSERT INTO notes (id, patient_id, kind, visit_at, title, body, status)"
                                 " VALUES ('22222222-2222-4222-8222-222222222222',"
                                 " '11111111-1111-4111-8111-111111111111', 'visit',"
                                 " '2026-11-01T10:00:00Z', 'Wound check', 'Dressing changed', 'final');"
                                 "INSERT INTO outbox (op_id, entity, record_id, created_at, updated_at)"
                                 " VALUES ('33333333-3333-4333-8333-333333333333', 'note',"
                                 " '22222222-2222-4222-8222-222222222222', 1, 1);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_object (&old);

  store = fn_store_new (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fn_store_get_schema_version (store), ==, FN_STORE_SCHEMA_VERSION);

  hits = fn_store_search (store, "dressing", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (fn_record_get_id (g_ptr_array_index (hits, 0)), ==,
                   "22222222-2222-4222-8222-222222222222");

  patients = fn_store_list_patients (store, "lindq", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (patients->len, ==, 1);

  /* Pending work survives the migration. */
  g_assert_cmpuint (fn_store_count_pending (store), ==, 1);

  g_clear_object (&store);
  fn_test_remove_tree (dir);
}

/* A version 2 database (before signature blobs) opens and keeps its data. */
static void
test_migrate_from_v2 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fn-migrate2-XXXXXX", &error);
  g_autoptr (FnStore) old = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (FnPatient) patient = fn_patient_new ();
  g_autoptr (GPtrArray) hits = NULL;

  old = fn_store_new_at_version (dir, 2, &error);
  g_assert_no_error (error);
  fn_record_set_field (FN_RECORD (patient), "family_name", "Haddad");
  g_assert_true (fn_store_save (old, FN_RECORD (patient), &error));
  g_clear_object (&old);

  store = fn_store_new (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fn_store_get_schema_version (store), ==, FN_STORE_SCHEMA_VERSION);
  hits = fn_store_list_patients (store, "hadd", &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpuint (fn_store_count_pending (store), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM blobs"), ==, 0);

  g_clear_object (&store);
  fn_test_remove_tree (dir);
}

/* Version 4 adds who wrote each side of a conflict; a conflict stored
 * before has no authors and keeps everything else. */
static void
test_migrate_from_v3 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fn-migrate3-XXXXXX", &error);
  g_autoptr (FnStore) old = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (FnPatient) patient = fn_patient_new ();
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autofree char *sql = NULL;
  FnConflict *conflict;

  old = fn_store_new_at_version (dir, 3, &error);
  g_assert_no_error (error);
  fn_record_set_field (FN_RECORD (patient), "family_name", "Haddad");
  g_assert_true (fn_store_save (old, FN_RECORD (patient), &error));
  note = add_note (old, patient, "Wound care", "Dressing changed.", NULL);
  sql = g_strdup_printf ("INSERT INTO conflicts (id, version, clock, record_entity, record_id,"
                         " field, losing_value, winning_value, resolved)"
                         " VALUES ('6f0b7d2e-5c1a-4e8b-9a3f-0d1e2f3a4b5c', 7, '{}', 'note', '%s',"
                         " 'body', 'Theirs', 'Dressing changed.', 'false')",
                         fn_record_get_id (FN_RECORD (note)));
  g_assert_cmpint (sqlite3_exec (fn_store_get_db (old), sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_object (&old);

  store = fn_store_new (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fn_store_get_schema_version (store), ==, 4);
  conflicts = fn_store_list_conflicts (store, fn_record_get_id (FN_RECORD (note)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (fn_conflict_get_losing_value (conflict), ==, "Theirs");
  g_assert_null (fn_conflict_get_losing_author (conflict));
  g_assert_null (fn_conflict_get_winning_author (conflict));
  g_assert_cmpuint (fn_store_count_pending (store), ==, 2);

  g_clear_pointer (&conflicts, g_ptr_array_unref);
  g_clear_object (&store);
  fn_test_remove_tree (dir);
}

static void
test_crud (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnNote) note = add_note (f->store, f->patient, "Morning visit", "All well.", NULL);
  g_autoptr (FnRecord) loaded = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  const char *id = fn_record_get_id (FN_RECORD (note));

  g_assert_true (fn_validate_uuid (id));
  g_assert_cmpint (fn_record_get_sync_state (FN_RECORD (note)), ==, FN_SYNC_STATE_PENDING);

  loaded = fn_store_get (f->store, FN_ENTITY_NOTE, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fn_note_get_title (FN_NOTE (loaded)), ==, "Morning visit");
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (loaded)), ==, "All well.");
  g_assert_cmpint (fn_record_get_sync_state (loaded), ==, FN_SYNC_STATE_PENDING);

  fn_record_set_field (loaded, "body", "All well. Blood pressure 130/80.");
  g_assert_true (fn_store_save (f->store, loaded, &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = fn_store_get (f->store, FN_ENTITY_NOTE, id, &error);
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (loaded)), ==, "All well. Blood pressure 130/80.");

  g_assert_true (fn_store_delete (f->store, FN_ENTITY_NOTE, id, &error));
  g_assert_no_error (error);
  notes = fn_store_list_notes (f->store, fn_record_get_id (FN_RECORD (f->patient)), &error);
  g_assert_cmpuint (notes->len, ==, 0);
  g_clear_pointer (&notes, g_ptr_array_unref);

  /* Deleting twice or editing a deleted note is refused. */
  g_assert_false (fn_store_delete (f->store, FN_ENTITY_NOTE, id, &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  fn_record_set_field (loaded, "title", "Edited after delete");
  g_assert_false (fn_store_save (f->store, loaded, &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (fn_store_restore (f->store, FN_ENTITY_NOTE, id, &error));
  g_assert_no_error (error);
  notes = fn_store_list_notes (f->store, fn_record_get_id (FN_RECORD (f->patient)), &error);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpstr (fn_note_get_body (g_ptr_array_index (notes, 0)), ==,
                   "All well. Blood pressure 130/80.");

  g_assert_null (fn_store_get (f->store, FN_ENTITY_NOTE, "00000000-0000-4000-8000-000000000000",
                               &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
}

static void
test_outbox_atomic (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  FnOutboxOp *op;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *fields;

  /* The patient's creation is one op. */
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 1);

  note = add_note (f->store, f->patient, "Evening visit", "Slept well.", NULL);
  ops = fn_store_list_outbox (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 2);
  op = g_ptr_array_index (ops, 1);
  g_assert_cmpint (op->entity, ==, FN_ENTITY_NOTE);
  g_assert_cmpstr (op->record_id, ==, fn_record_get_id (FN_RECORD (note)));
  g_assert_cmpint (op->base_version, ==, 0);
  g_assert_false (op->deleted);
  g_assert_cmpstr (op->state, ==, "pending");
  g_assert_true (fn_validate_uuid (op->op_id));

  /* A new record sends every field, each with its clock. */
  g_assert_true (json_parser_load_from_data (parser, op->fields_json, -1, NULL));
  fields = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (fields, "title"), ==, "Evening visit");
  g_assert_cmpstr (json_object_get_string_member (fields, "kind"), ==, "visit");
  g_assert_true (json_object_has_member (fields, "visit_at"));
  g_assert_true (json_parser_load_from_data (parser, op->clock_json, -1, NULL));
  fields = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (fn_hlc_parse (json_object_get_string_member (fields, "title"), NULL, NULL, NULL));
}

static void
test_outbox_fold (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnNote) note = add_note (f->store, f->patient, "Visit", "First.", NULL);
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *first_title_clock = NULL;
  JsonObject *clock;
  FnOutboxOp *op;

  ops = fn_store_list_outbox (f->store, &error);
  g_assert_true (json_parser_load_from_data (parser,
                                             ((FnOutboxOp *)g_ptr_array_index (ops, 1))->clock_json,
                                             -1, NULL));
  g_clear_pointer (&ops, g_ptr_array_unref);
  first_title_clock = g_strdup (json_object_get_string_member (
    json_node_get_object (json_parser_get_root (parser)), "title"));

  fn_record_set_field (FN_RECORD (note), "body", "Second.");
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  fn_record_set_field (FN_RECORD (note), "title", "Visit (edited)");
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_no_error (error);

  /* Two edits before sync: still one op for the note, with the newest values. */
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 2);
  ops = fn_store_list_outbox (f->store, &error);
  op = g_ptr_array_index (ops, 1);
  g_assert_nonnull (strstr (op->fields_json, "\"Second.\""));
  g_assert_nonnull (strstr (op->fields_json, "\"Visit (edited)\""));
  g_assert_null (strstr (op->fields_json, "\"First.\""));
  g_assert_true (json_parser_load_from_data (parser, op->clock_json, -1, NULL));
  clock = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (fn_hlc_compare (json_object_get_string_member (clock, "title"),
                                   first_title_clock), >, 0);
  g_clear_pointer (&ops, g_ptr_array_unref);

  /* Saving without a change writes nothing. */
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 2);

  /* Once an op is on its way, a new edit starts a new op instead of
   * changing what the server is acknowledging. */
  g_assert_cmpint (sqlite3_exec (fn_store_get_db (f->store),
                                 "UPDATE outbox SET state = 'sending'", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  fn_record_set_field (FN_RECORD (note), "body", "Third.");
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  ops = fn_store_list_outbox (f->store, &error);
  g_assert_cmpuint (ops->len, ==, 3);
  op = g_ptr_array_index (ops, 2);
  g_assert_cmpstr (op->state, ==, "pending");
  g_assert_cmpstr (op->fields_json, ==, "{\"body\":\"Third.\"}");

  /* A delete folds into the pending op and carries its own clock. */
  g_assert_true (fn_store_delete (f->store, FN_ENTITY_NOTE, fn_record_get_id (FN_RECORD (note)),
                                  &error));
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = fn_store_list_outbox (f->store, &error);
  g_assert_cmpuint (ops->len, ==, 3);
  op = g_ptr_array_index (ops, 2);
  g_assert_true (op->deleted);
  g_assert_nonnull (strstr (op->clock_json, "\"deleted\""));
}

static void
assert_refused (FnStore    *store,
                FnRecord   *record,
                GQuark      domain,
                int         code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = dump (store);
  g_autofree char *after = NULL;

  g_assert_false (fn_store_save (store, record, &error));
  g_assert_error (error, domain, code);
  g_assert_cmpuint (strlen (error->message), >, 10);

  after = dump (store);
  g_assert_cmpstr (before, ==, after);
}

static void
test_validation_changes_nothing (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr (FnNote) saved = add_note (f->store, f->patient, "Visit", "Text", NULL);
  g_autofree char *long_title = g_strnfill (1025, 'x');
  g_autofree char *long_body = g_strnfill (64 * 1024 + 1, 'y');
  static const struct { const char *field; const char *value; int code; } bad[] = {
    { "title", NULL, FN_VALIDATION_ERROR_TOO_LONG },
    { "body", NULL, FN_VALIDATION_ERROR_TOO_LONG },
    { "kind", "gossip", FN_VALIDATION_ERROR_INVALID },
    { "status", "done", FN_VALIDATION_ERROR_INVALID },
    { "visit_at", "tomorrow", FN_VALIDATION_ERROR_INVALID },
    { "visit_at", NULL, FN_VALIDATION_ERROR_REQUIRED },
    { "title", "bad \xc3\x28 utf-8", FN_VALIDATION_ERROR_INVALID },
    { "title", "line\nbreak", FN_VALIDATION_ERROR_INVALID },
    { "patient_id", "not-a-uuid", FN_VALIDATION_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (FnRecord) edit = fn_record_copy (FN_RECORD (saved));
      g_autoptr (FnNote) fresh = fn_note_new (fn_record_get_id (FN_RECORD (f->patient)));
      const char *value = bad[i].value;

      if (!value && g_str_equal (bad[i].field, "title"))
        value = long_title;
      else if (!value && g_str_equal (bad[i].field, "body"))
        value = long_body;

      /* Both an edit of a stored note and a new note are refused whole. */
      fn_record_set_field (edit, bad[i].field, value);
      fn_record_set_field (FN_RECORD (fresh), bad[i].field, value);
      assert_refused (f->store, edit, FN_VALIDATION_ERROR, bad[i].code);
      assert_refused (f->store, FN_RECORD (fresh), FN_VALIDATION_ERROR, bad[i].code);
    }

  {
    g_autoptr (FnNote) orphan = fn_note_new ("99999999-9999-4999-8999-999999999999");
    g_autoptr (FnPatient) nameless = fn_patient_new ();
    g_autoptr (FnRecord) bad_id = fn_record_copy (FN_RECORD (saved));

    assert_refused (f->store, FN_RECORD (orphan), FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
    assert_refused (f->store, FN_RECORD (nameless), FN_VALIDATION_ERROR,
                    FN_VALIDATION_ERROR_REQUIRED);
    fn_record_set_id (bad_id, "'; DROP TABLE notes; --");
    assert_refused (f->store, bad_id, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID);
  }
}

static void
test_sql_text_verbatim (Fixture       *f,
                        gconstpointer  data)
{
  const char *nasty = "Robert'); DROP TABLE notes; -- \"quoted\" % _ \\";
  g_autoptr (FnNote) note = add_note (f->store, f->patient, nasty, nasty, NULL);
  g_autoptr (FnRecord) loaded = fn_store_get (f->store, FN_ENTITY_NOTE,
                                              fn_record_get_id (FN_RECORD (note)), NULL);
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (fn_note_get_title (FN_NOTE (loaded)), ==, nasty);
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (loaded)), ==, nasty);

  /* FTS5 syntax typed into the search box is just words. */
  hits = fn_store_search (f->store, "DROP\" * TABLE(", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = fn_store_search (f->store, "x OR y NEAR( \"z", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (FnPatient) other = add_patient (f->store, "Zofia", "Dvořák");
  g_autoptr (FnNote) a = add_note (f->store, f->patient, "Wound dressing", "Heel wound clean.", NULL);
  g_autoptr (FnNote) b = add_note (f->store, other, "Insulin", "Glucose 140 before lunch.", NULL);
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GError) error = NULL;

  /* Prefix, case and accents do not matter. */
  patients = fn_store_list_patients (f->store, "dvor", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (patients->len, ==, 1);
  g_assert_cmpstr (fn_patient_get_given_name (g_ptr_array_index (patients, 0)), ==, "Zofia");
  g_clear_pointer (&patients, g_ptr_array_unref);

  /* A patient is found through the words of their notes too, from the
   * third letter on. */
  patients = fn_store_list_patients (f->store, "gl", &error);
  g_assert_cmpuint (patients->len, ==, 0);
  g_clear_pointer (&patients, g_ptr_array_unref);
  patients = fn_store_list_patients (f->store, "glu", &error);
  g_assert_cmpuint (patients->len, ==, 1);
  g_assert_cmpstr (fn_patient_get_family_name (g_ptr_array_index (patients, 0)), ==, "Dvořák");
  g_clear_pointer (&patients, g_ptr_array_unref);

  patients = fn_store_list_patients (f->store, NULL, &error);
  g_assert_cmpuint (patients->len, ==, 2);
  g_assert_cmpstr (fn_patient_get_family_name (g_ptr_array_index (patients, 0)), ==, "Albrecht");
  g_clear_pointer (&patients, g_ptr_array_unref);

  patients = fn_store_list_patients (f->store, "   ", &error);
  g_assert_cmpuint (patients->len, ==, 2);
  g_clear_pointer (&patients, g_ptr_array_unref);

  hits = fn_store_search (f->store, "heel wou", &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_true (FN_IS_NOTE (g_ptr_array_index (hits, 0)));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* The index follows edits and deletes. */
  fn_record_set_field (FN_RECORD (a), "body", "Skin intact.");
  g_assert_true (fn_store_save (f->store, FN_RECORD (a), &error));
  hits = fn_store_search (f->store, "heel", &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = fn_store_search (f->store, "intact", &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  g_assert_true (fn_store_delete (f->store, FN_ENTITY_NOTE, fn_record_get_id (FN_RECORD (b)), &error));
  hits = fn_store_search (f->store, "glucose", &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = fn_store_search (f->store, "!!!", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
}

static void
test_notes_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (FnNote) old = add_note (f->store, f->patient, "Old", "", "2026-11-01T08:00:00Z");
  g_autoptr (FnNote) newest = add_note (f->store, f->patient, "Newest", "", "2026-11-20T09:00:00+01:00");
  g_autoptr (FnNote) middle = add_note (f->store, f->patient, "Middle", "", "2026-11-20T07:30:00Z");
  g_autoptr (GPtrArray) notes = fn_store_list_notes (f->store,
                                                     fn_record_get_id (FN_RECORD (f->patient)),
                                                     NULL);

  /* 09:00+01:00 is 08:00Z: later than 07:30Z, whatever the text says. */
  g_assert_cmpuint (notes->len, ==, 3);
  g_assert_cmpstr (fn_note_get_title (g_ptr_array_index (notes, 0)), ==, "Newest");
  g_assert_cmpstr (fn_note_get_title (g_ptr_array_index (notes, 1)), ==, "Middle");
  g_assert_cmpstr (fn_note_get_title (g_ptr_array_index (notes, 2)), ==, "Old");
}

static void
test_clock_persisted (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *node = g_strdup (fn_clock_get_node_id (fn_store_get_clock (f->store)));
  g_autofree char *last = g_strdup (fn_clock_get_last (fn_store_get_clock (f->store)));
  g_autoptr (FnStore) again = NULL;

  /* The store is single-writer; reopening after closing continues the clock. */
  g_clear_object (&f->patient);
  g_clear_object (&f->store);
  again = fn_store_new (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fn_clock_get_node_id (fn_store_get_clock (again)), ==, node);
  g_assert_cmpstr (fn_clock_get_last (fn_store_get_clock (again)), ==, last);

  f->store = g_steal_pointer (&again);
  f->patient = add_patient (f->store, "Bernard", "Brennan");
}

static void
test_demo_data (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fn-demo-XXXXXX", &error);
  g_autoptr (FnStore) store = fn_store_new (dir, &error);
  g_autoptr (GPtrArray) patients = NULL;

  g_assert_false (fn_store_is_demo (store));
  g_assert_true (fn_store_load_demo_data (store, 30, 200, &error));
  g_assert_no_error (error);
  g_assert_true (fn_store_is_demo (store));

  patients = fn_store_list_patients (store, NULL, &error);
  g_assert_cmpuint (patients->len, ==, 30);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM notes"), ==, 200);
  /* Demo records stand for the office's: nothing waits to be pushed. */
  g_assert_cmpuint (fn_store_count_pending (store), ==, 0);

  g_assert_false (fn_store_load_demo_data (store, 30, 200, &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_EMPTY);
  g_clear_error (&error);

  g_clear_object (&store);
  fn_test_remove_tree (dir);
}

static void
test_demo_refuses_connected (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fn-demo-XXXXXX", &error);
  g_autoptr (FnStore) store = fn_store_new (dir, &error);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (fn_store_set_meta (store, "server_url", "https://office.example", &error));
  g_assert_true (fn_store_has_been_connected (store));
  before = dump (store);
  g_assert_false (fn_store_load_demo_data (store, 3, 3, &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_CONNECTED);
  after = dump (store);
  g_assert_cmpstr (before, ==, after);

  g_clear_object (&store);
  fn_test_remove_tree (dir);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *n)
{
  (*n)++;
}

static void
test_record_notify (void)
{
  g_autoptr (FnNote) note = fn_note_new (NULL);
  g_autoptr (FnNote) other = NULL;
  guint title = 0;
  guint version = 0;

  g_signal_connect (note, "notify::title", G_CALLBACK (count_notify), &title);
  g_signal_connect (note, "notify::version", G_CALLBACK (count_notify), &version);

  fn_record_set_field (FN_RECORD (note), "title", "A");
  fn_record_set_field (FN_RECORD (note), "title", "A");
  g_object_set (note, "title", "B", NULL);
  g_assert_cmpuint (title, ==, 2);
  g_assert_cmpstr (fn_note_get_title (note), ==, "B");

  fn_record_set_version (FN_RECORD (note), 3);
  fn_record_set_version (FN_RECORD (note), 3);
  g_assert_cmpuint (version, ==, 1);

  /* Updating from an equal copy says nothing; from a different one, once. */
  other = FN_NOTE (fn_record_copy (FN_RECORD (note)));
  fn_record_update_from (FN_RECORD (note), FN_RECORD (other));
  g_assert_cmpuint (title, ==, 2);
  fn_record_set_field (FN_RECORD (other), "title", "C");
  fn_record_update_from (FN_RECORD (note), FN_RECORD (other));
  g_assert_cmpuint (title, ==, 3);
  g_assert_cmpstr (fn_note_get_title (note), ==, "C");
}

static void
test_patient_helpers (void)
{
  g_autoptr (FnPatient) p = fn_patient_new ();
  g_autoptr (GDate) today = g_date_new_dmy (27, 11, 2026);
  g_autofree char *name = NULL;
  g_autofree char *family_only = NULL;

  fn_record_set_field (FN_RECORD (p), "birth_date", "1940-11-28");
  g_assert_cmpint (fn_patient_get_age (p, today), ==, 85);
  fn_record_set_field (FN_RECORD (p), "birth_date", "1940-11-27");
  g_assert_cmpint (fn_patient_get_age (p, today), ==, 86);
  fn_record_set_field (FN_RECORD (p), "birth_date", NULL);
  g_assert_cmpint (fn_patient_get_age (p, today), ==, -1);

  fn_record_set_field (FN_RECORD (p), "family_name", "Novak");
  family_only = fn_patient_dup_display_name (p);
  g_assert_cmpstr (family_only, ==, "Novak");
  fn_record_set_field (FN_RECORD (p), "given_name", "Olga");
  name = fn_patient_dup_display_name (p);
  g_assert_cmpstr (name, ==, "Olga Novak");
}

static JsonArray *
parse_array (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static char *
server_patient (const char *id,
                int         version,
                const char *family,
                const char *phone)
{
  return g_strdup_printf ("{\"entity\": \"patient\", \"id\": \"%s\", \"version\": %d,"
                          " \"deleted\": false, \"fields\": {\"family_name\": \"%s\","
                          " \"phone\": \"%s\"}, \"clock\": {\"family_name\":"
                          " \"1764240000000-0000-office\", \"phone\": \"1764240000000-0000-office\"}}",
                          id, version, family, phone);
}

/* A server without the reference server's extension: no authors, and one
 * clock for the whole conflict record. This laptop's side is the signed-in
 * user's, with the time of its write from the note's clock; nothing is
 * made up about the other side. */
static void
test_conflict_sides_plain_server (Fixture       *f,
                                  gconstpointer  data)
{
  const char *patient_id = "55555555-5555-4555-8555-555555555555";
  const char *note_id = "66666666-6666-4666-8666-666666666666";
  const char *node = fn_clock_get_node_id (fn_store_get_clock (f->store));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (FnConflictSide) mine = NULL;
  g_autoptr (FnConflictSide) theirs = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *patient = server_patient (patient_id, 1, "Moreau", "+1 202 555 0100");
  g_autofree char *page = NULL;

  page = g_strdup_printf (
    "[%s,"
    " {\"entity\": \"note\", \"id\": \"%s\", \"version\": 3, \"deleted\": false,"
    "  \"fields\": {\"patient_id\": \"%s\", \"kind\": \"visit\","
    "   \"visit_at\": \"2025-11-27T09:00:00Z\", \"title\": \"Visit\","
    "   \"body\": \"Laptop text.\", \"status\": \"final\"},"
    "  \"clock\": {\"body\": \"1764240000000-0000-%s\"}},"
    " {\"entity\": \"conflict\", \"id\": \"77777777-7777-4777-8777-777777777777\","
    "  \"version\": 4, \"deleted\": false,"
    "  \"fields\": {\"record_entity\": \"note\", \"record_id\": \"%s\", \"field\": \"body\","
    "   \"losing_value\": \"Office text.\", \"winning_value\": \"Laptop text.\","
    "   \"resolved\": false},"
    "  \"clock\": {\"record_id\": \"1764240009000-0000-other\","
    "   \"losing_value\": \"1764240009000-0000-other\","
    "   \"winning_value\": \"1764240009000-0000-other\"}}]",
    patient, note_id, patient_id, node, note_id);
  changes = parse_array (page);
  g_assert_true (fn_store_apply_pull (f->store, changes, "c1", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fn_store_set_meta (f->store, "username", "alice", &error));

  conflicts = fn_store_list_conflicts (f->store, note_id, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_true (fn_store_describe_conflict (f->store, g_ptr_array_index (conflicts, 0),
                                             &mine, &theirs, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (mine->text, ==, "Laptop text.");
  g_assert_cmpstr (mine->author, ==, "alice");
  g_assert_nonnull (mine->time);
  g_assert_cmpint (g_date_time_to_unix (mine->time), ==, 1764240000);
  g_assert_cmpstr (theirs->text, ==, "Office text.");
  g_assert_null (theirs->author);
  g_assert_null (theirs->time);
}

static void
test_apply_pull (Fixture       *f,
                 gconstpointer  data)
{
  const char *id = "44444444-4444-4444-8444-444444444444";
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) patient = NULL;
  g_autofree char *v5 = server_patient (id, 5, "Moreau", "+1 202 555 0100");
  g_autofree char *v3 = server_patient (id, 3, "Old name", "+1 202 555 0199");
  g_autofree char *v6 = server_patient (id, 6, "Moreau-Lindqvist", "+1 202 555 0101");
  g_autofree char *page = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (FnNote) note = NULL;

  /* A new record from the office arrives synced, with the cursor. */
  page = g_strdup_printf ("[%s]", v5);
  changes = parse_array (page);
  g_assert_true (fn_store_apply_pull (f->store, changes, "c1", NULL, &error));
  g_assert_no_error (error);
  patient = fn_store_get (f->store, FN_ENTITY_PATIENT, id, &error);
  g_assert_cmpstr (fn_patient_get_family_name (FN_PATIENT (patient)), ==, "Moreau");
  g_assert_cmpint (fn_record_get_version (patient), ==, 5);
  g_assert_cmpint (fn_record_get_sync_state (patient), ==, FN_SYNC_STATE_SYNCED);
  cursor = fn_store_get_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c1");
  g_clear_pointer (&changes, json_array_unref);
  g_clear_pointer (&page, g_free);
  g_clear_object (&patient);

  /* An older version never replaces a newer one. */
  page = g_strdup_printf ("[%s]", v3);
  changes = parse_array (page);
  g_assert_true (fn_store_apply_pull (f->store, changes, "c2", NULL, &error));
  patient = fn_store_get (f->store, FN_ENTITY_PATIENT, id, &error);
  g_assert_cmpstr (fn_patient_get_family_name (FN_PATIENT (patient)), ==, "Moreau");
  g_clear_pointer (&changes, json_array_unref);
  g_clear_pointer (&page, g_free);

  /* A field edited here and not yet pushed survives a newer server record;
   * the others follow the server. */
  fn_record_set_field (patient, "phone", "+1 202 555 0142");
  g_assert_true (fn_store_save (f->store, patient, &error));
  g_clear_object (&patient);
  page = g_strdup_printf ("[%s]", v6);
  changes = parse_array (page);
  g_assert_true (fn_store_apply_pull (f->store, changes, "c3", NULL, &error));
  patient = fn_store_get (f->store, FN_ENTITY_PATIENT, id, &error);
  g_assert_cmpstr (fn_patient_get_family_name (FN_PATIENT (patient)), ==, "Moreau-Lindqvist");
  g_assert_cmpstr (fn_patient_get_phone (FN_PATIENT (patient)), ==, "+1 202 555 0142");
  g_assert_cmpint (fn_record_get_sync_state (patient), ==, FN_SYNC_STATE_PENDING);
  g_clear_pointer (&changes, json_array_unref);
  g_clear_pointer (&page, g_free);

  /* A page with one bad record changes nothing at all, cursor included. */
  before = dump (f->store);
  page = g_strdup_printf ("[%s, {\"entity\": \"patient\", \"id\": \"nope\"}]", v6);
  changes = parse_array (page);
  g_assert_false (fn_store_apply_pull (f->store, changes, "c4", NULL, &error));
  g_assert_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fn_store_apply_pull (f->store, changes, "", NULL, &error));
  g_clear_error (&error);
  after = dump (f->store);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&changes, json_array_unref);
  g_clear_pointer (&page, g_free);

  /* Leaving the scope removes the patient and its synced notes. */
  note = fn_note_new (fn_record_get_id (FN_RECORD (f->patient)));
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  page = g_strdup_printf ("[{\"entity\": \"patient\", \"id\": \"%s\", \"removed\": true}]", id);
  changes = parse_array (page);
  /* Pending work for the removed patient keeps it. */
  g_assert_true (fn_store_apply_pull (f->store, changes, "c5", NULL, &error));
  g_clear_object (&patient);
  patient = fn_store_get (f->store, FN_ENTITY_PATIENT, id, &error);
  g_assert_nonnull (patient);
  g_assert_true (sqlite3_exec (fn_store_get_db (f->store), "DELETE FROM outbox", NULL, NULL,
                               NULL) == SQLITE_OK);
  g_assert_true (fn_store_apply_pull (f->store, changes, "c6", NULL, &error));
  g_clear_object (&patient);
  patient = fn_store_get (f->store, FN_ENTITY_PATIENT, id, &error);
  g_assert_null (patient);
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
}

/* A pull page with one note as the server sends it, with the clock of its
 * text. */
static char *
server_note (const char *id,
             const char *patient_id,
             int         version,
             const char *body)
{
  return g_strdup_printf ("[{\"entity\": \"note\", \"id\": \"%s\", \"version\": %d,"
                          " \"deleted\": false, \"fields\": {\"patient_id\": \"%s\","
                          " \"kind\": \"visit\", \"visit_at\": \"2026-11-27T09:00:00Z\","
                          " \"title\": \"Wound care\", \"body\": \"%s\", \"status\": \"draft\"},"
                          " \"clock\": {\"body\": \"17642400%05d-0000-office\"}}]",
                          id, version, patient_id, body, version);
}

static FnOutboxOp *
outbox_op_for (FnStore    *store,
               const char *record_id)
{
  g_autoptr (GPtrArray) ops = fn_store_list_outbox (store, NULL);

  for (guint i = 0; ops && i < ops->len; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (ops, i);

      if (g_strcmp0 (op->record_id, record_id) == 0)
        return fn_outbox_op_copy (op);
    }

  return NULL;
}

/* A text typed while a pull changed it: the op carries the version the
 * typing started from, also when it folds, so the server sees the
 * conflict. */
static void
test_save_from (Fixture       *f,
                gconstpointer  data)
{
  const char *id = "55555555-5555-4555-8555-555555555555";
  const char *patient_id = fn_record_get_id (FN_RECORD (f->patient));
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) editing = NULL;
  g_autoptr (FnRecord) stored = NULL;
  g_autoptr (FnOutboxOp) op = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *v5 = server_note (id, patient_id, 5, "Dressing changed.");
  g_autofree char *v6 = server_note (id, patient_id, 6, "Dressing changed by the office.");

  changes = parse_array (v5);
  g_assert_true (fn_store_apply_pull (f->store, changes, "c1", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&changes, json_array_unref);
  editing = fn_store_get (f->store, FN_ENTITY_NOTE, id, &error);
  g_assert_cmpint (fn_record_get_version (editing), ==, 5);

  /* The office's text arrives while the caregiver types. */
  changes = parse_array (v6);
  g_assert_true (fn_store_apply_pull (f->store, changes, "c2", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (fn_store_is_field_pending (f->store, id, "body", &error));
  g_assert_no_error (error);

  fn_record_set_field (editing, "body", "Dressing changed. Skin dry.");
  g_assert_true (fn_store_save_from (f->store, editing, 5, &error));
  g_assert_no_error (error);
  stored = fn_store_get (f->store, FN_ENTITY_NOTE, id, &error);
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (stored)), ==, "Dressing changed. Skin dry.");
  g_assert_cmpint (fn_record_get_version (stored), ==, 6);
  g_assert_cmpint (fn_record_get_sync_state (stored), ==, FN_SYNC_STATE_PENDING);
  op = outbox_op_for (f->store, id);
  g_assert_nonnull (op);
  g_assert_cmpint (op->base_version, ==, 5);
  g_assert_nonnull (strstr (op->fields_json, "Skin dry."));
  g_assert_null (strstr (op->fields_json, "\"title\""));
  g_clear_pointer (&op, fn_outbox_op_free);

  /* Now the text is this laptop's to deliver; the title is not. */
  g_assert_true (fn_store_is_field_pending (f->store, id, "body", &error));
  g_assert_false (fn_store_is_field_pending (f->store, id, "title", &error));
  g_assert_no_error (error);

  /* Later edits fold into the op and keep the older base, whichever way
   * they are saved. */
  fn_record_set_field (editing, "title", "Wound care, day 2");
  g_assert_true (fn_store_save (f->store, editing, &error));
  fn_record_set_field (editing, "body", "Dressing changed. Skin dry. GP informed.");
  g_assert_true (fn_store_save_from (f->store, editing, 6, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 2);
  op = outbox_op_for (f->store, id);
  g_assert_cmpint (op->base_version, ==, 5);
  g_assert_nonnull (strstr (op->fields_json, "GP informed."));
  g_assert_nonnull (strstr (op->fields_json, "day 2"));
  g_clear_pointer (&op, fn_outbox_op_free);

  /* Like fn_store_save(), it refuses a deleted note and changes nothing. */
  g_assert_true (fn_store_delete (f->store, FN_ENTITY_NOTE, id, &error));
  fn_record_set_field (editing, "body", "Typed after the deletion.");
  g_assert_false (fn_store_save_from (f->store, editing, 5, &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&stored);
  stored = fn_store_get (f->store, FN_ENTITY_NOTE, id, &error);
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (stored)), ==,
                   "Dressing changed. Skin dry. GP informed.");
  g_assert_true (fn_store_is_field_pending (f->store, id, "deleted", &error));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store/open/permissions", test_open_permissions);
  g_test_add_func ("/store/open/default-dir", test_open_default_dir);
  ADD ("/store/open/newer-schema-untouched", test_newer_schema_untouched);
  g_test_add_func ("/store/open/not-a-database", test_not_a_database);
  g_test_add_func ("/store/migrate/from-v1", test_migrate_from_v1);
  g_test_add_func ("/store/migrate/from-v2", test_migrate_from_v2);
  g_test_add_func ("/store/migrate/from-v3", test_migrate_from_v3);
  ADD ("/store/crud", test_crud);
  ADD ("/store/outbox/atomic", test_outbox_atomic);
  ADD ("/store/outbox/fold", test_outbox_fold);
  ADD ("/store/validation/changes-nothing", test_validation_changes_nothing);
  ADD ("/store/validation/sql-text-verbatim", test_sql_text_verbatim);
  ADD ("/store/search", test_search);
  ADD ("/store/notes-order", test_notes_order);
  ADD ("/store/sync/apply-pull", test_apply_pull);
  ADD ("/store/conflict/sides-plain-server", test_conflict_sides_plain_server);
  ADD ("/store/sync/save-from", test_save_from);
  ADD ("/store/clock-persisted", test_clock_persisted);
  g_test_add_func ("/store/demo/load", test_demo_data);
  g_test_add_func ("/store/demo/refuses-connected", test_demo_refuses_connected);
  g_test_add_func ("/record/notify", test_record_notify);
  g_test_add_func ("/record/patient-helpers", test_patient_helpers);

  return g_test_run ();
}
