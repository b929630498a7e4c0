/* test-discard.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Discarding a change the office refused, against the real reference
 * server: the laptop ends with exactly the office's version of the record
 * (or without a record the office never had), and nothing else changes. */

#include "config.h"

#include "fn-core.h"
#include "fn-store-private.h"
#include "fn-test-engine.h"
#include "fn-test-server.h"

#include <sqlite3.h>

typedef struct
{
  FnTestFixture server;
  char *dir;
  FnStore *store;
  FnTokenStore *tokens;
  FnSyncEngine *engine;
  char *patient_id;
  char *other_patient_id;
} Fixture;

static void
assert_sync_ok (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (fn_test_engine_sync (f->engine, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  FnTestClient *office;
  const char *alice;
  g_autofree char *password = NULL;

  fn_test_fixture_setup (&f->server, data);
  office = fn_test_fixture_user (&f->server, "office");
  alice = fn_test_fixture_user (&f->server, "alice")->user_id;

  f->dir = g_dir_make_tmp ("fn-discard-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = fn_store_new (f->dir, &error);
  g_assert_no_error (error);
  f->tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, f->dir);
  f->engine = fn_sync_engine_new (f->store, f->tokens);

  f->patient_id = fn_test_create_patient (office, "Albrecht", alice, NULL);
  f->other_patient_id = fn_test_create_patient (office, "Berger", alice, NULL);

  password = fn_test_password_for ("alice");
  g_assert_true (fn_sync_sign_in (f->store, f->tokens, fn_test_server_get_url (f->server.server),
                                  "alice", password, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fn_sync_engine_shutdown (f->engine);
  fn_test_wait_finalized (f->engine);
  g_assert_finalize_object (f->tokens);
  g_assert_finalize_object (f->store);
  fn_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->patient_id);
  g_free (f->other_patient_id);
  fn_test_fixture_teardown (&f->server, data);
}

static int
append_row_cb (void  *data,
               int    n_columns,
               char **values,
               char **names)
{
  GString *out = data;

  for (int i = 0; i < n_columns; i++)
    g_string_append_printf (out, "%s=%s|", names[i], values[i] ? values[i] : "NULL");
  g_string_append_c (out, '\n');

  return 0;
}

/* Every row of the laptop's records, outbox and blobs, except those about
 * @skip_id (the record whose refusal is discarded). */
static char *
dump_store_except (Fixture    *f,
                   const char *skip_id)
{
  static const char * const queries[] = {
    "SELECT * FROM patients WHERE id IS NOT %Q ORDER BY id",
    "SELECT * FROM notes WHERE id IS NOT %Q ORDER BY id",
    "SELECT * FROM signatures WHERE id IS NOT %Q ORDER BY id",
    "SELECT * FROM conflicts WHERE record_id IS NOT %Q ORDER BY id",
    "SELECT * FROM outbox WHERE record_id IS NOT %Q ORDER BY seq",
    "SELECT sha256, uploaded FROM blobs WHERE %Q IS NOT NULL ORDER BY sha256",
  };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      char *sql = sqlite3_mprintf (queries[i], skip_id);

      g_assert_cmpint (sqlite3_exec (fn_store_get_db (f->store), sql, append_row_cb, out, NULL),
                       ==, SQLITE_OK);
      sqlite3_free (sql);
      g_string_append (out, "--\n");
    }

  return g_string_free (out, FALSE);
}

static FnRecord *
local (Fixture    *f,
       FnEntity    entity,
       const char *id)
{
  g_autoptr (GError) error = NULL;
  FnRecord *record = fn_store_get (f->store, entity, id, &error);

  g_assert_no_error (error);
  return record;
}

/* A caregiver may not move a note to another patient: the office refuses
 * the whole op, with the title changed in the same edit. */
static void
edit_refused (Fixture    *f,
              const char *note_id,
              const char *title)
{
  g_autoptr (FnRecord) note = local (f, FN_ENTITY_NOTE, note_id);
  g_autoptr (GError) error = NULL;

  fn_record_set_field (note, "title", title);
  fn_record_set_field (note, "patient_id", f->other_patient_id);
  g_assert_true (fn_store_save (f->store, note, &error));
  g_assert_no_error (error);
}

/* A note of the office's, pulled, then edited here in a way the office
 * refuses. */
static char *
note_refused (Fixture *f)
{
  char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                       f->patient_id, "Wound care", "Dressing changed.");

  assert_sync_ok (f);
  edit_refused (f, note_id, "Moved by mistake");
  assert_sync_ok (f);

  return note_id;
}

static void
assert_like_office (Fixture    *f,
                    const char *note_id)
{
  g_autoptr (JsonObject) server = fn_test_client_get_record (fn_test_fixture_user (&f->server,
                                                                                   "office"),
                                                             "note", note_id);
  g_autoptr (FnRecord) note = local (f, FN_ENTITY_NOTE, note_id);
  const FnFieldSpec *fields;
  guint n_fields;

  g_assert_cmpint (fn_record_get_version (note), ==, fn_test_record_version (server));
  g_assert_cmpint (fn_record_get_sync_state (note), ==, FN_SYNC_STATE_SYNCED);
  fields = fn_entity_get_fields (FN_ENTITY_NOTE, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    g_assert_cmpstr (fn_record_get_field (note, fields[i].name), ==,
                     fn_test_record_field (server, fields[i].name));
}

static void
test_refused_edit_takes_office_version (Fixture       *f,
                                        gconstpointer  data)
{
  g_autofree char *note_id = note_refused (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) refused = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autofree char *cursor = NULL;
  gboolean removed = TRUE;

  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 1);
  refused = local (f, FN_ENTITY_NOTE, note_id);
  g_assert_cmpint (fn_record_get_sync_state (refused), ==, FN_SYNC_STATE_REJECTED);
  g_assert_cmpstr (fn_record_get_field (refused, "title"), ==, "Moved by mistake");

  /* A sync alone does not give the refused values up. */
  assert_sync_ok (f);
  g_clear_object (&refused);
  refused = local (f, FN_ENTITY_NOTE, note_id);
  g_assert_cmpstr (fn_record_get_field (refused, "title"), ==, "Moved by mistake");

  g_assert_true (fn_store_discard_rejected (f->store, note_id, &removed, &error));
  g_assert_no_error (error);
  g_assert_false (removed);
  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 0);
  g_assert_cmpuint (fn_sync_engine_get_rejected (f->engine), ==, 0);

  /* Nothing is left to discard. */
  g_assert_false (fn_store_discard_rejected (f->store, note_id, NULL, &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  assert_sync_ok (f);
  assert_like_office (f, note_id);
  ops = fn_store_list_outbox (f->store, &error);
  g_assert_cmpuint (ops->len, ==, 0);
  cursor = fn_store_get_cursor (f->store);
  g_assert_nonnull (cursor);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_IDLE);
}

static void
test_refused_note_removed (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (FnNote) note = fn_note_new (f->patient_id);
  g_autoptr (FnStrokes) strokes = fn_test_scribble ();
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (FnRecord) gone = NULL;
  const char *note_id;
  gboolean removed = FALSE;
  int rc;

  assert_sync_ok (f);
  rc = fn_test_server_admin (f->server.server, NULL, NULL, NULL, "unassign", f->patient_id,
                             "alice", NULL);
  g_assert_cmpint (rc, ==, 0);

  /* Written and signed before the laptop learnt of the change. */
  fn_record_set_field (FN_RECORD (note), "title", "Wound care");
  fn_record_set_field (FN_RECORD (note), "body", "Written for a patient no longer mine.");
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_no_error (error);
  note_id = fn_record_get_id (FN_RECORD (note));
  signature = fn_store_add_signature (f->store, note_id, "Agnes Albrecht", "patient", strokes,
                                      &error);
  g_assert_no_error (error);
  fn_test_engine_sync (f->engine, &error);
  g_clear_error (&error);
  g_assert_cmpuint (fn_store_count_rejected (f->store), >=, 1);

  g_assert_true (fn_store_discard_rejected (f->store, note_id, &removed, &error));
  g_assert_no_error (error);
  g_assert_true (removed);

  /* The note, its signature, their ops and the signature's blobs go. */
  gone = fn_store_get (f->store, FN_ENTITY_NOTE, note_id, &error);
  g_assert_null (gone);
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  gone = fn_store_get (f->store, FN_ENTITY_SIGNATURE, fn_record_get_id (FN_RECORD (signature)),
                       &error);
  g_assert_null (gone);
  g_clear_error (&error);
  ops = fn_store_list_outbox (f->store, &error);
  g_assert_cmpuint (ops->len, ==, 0);
  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 0);
  g_assert_null (fn_store_get_blob (f->store,
                                    fn_record_get_field (FN_RECORD (signature), "image_blob"),
                                    &error));
  g_clear_error (&error);

  /* The patient, kept only for that work, leaves at the next sync. */
  assert_sync_ok (f);
  patients = fn_store_list_patients (f->store, NULL, &error);
  g_assert_cmpuint (patients->len, ==, 1);
  g_assert_cmpstr (fn_record_get_id (g_ptr_array_index (patients, 0)), ==, f->other_patient_id);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_IDLE);
}

static void
test_other_work_untouched (Fixture       *f,
                           gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  g_autofree char *note_id = fn_test_create_note (office, f->patient_id, "Wound care",
                                                  "Dressing changed.");
  g_autofree char *other_id = fn_test_create_note (office, f->patient_id, "Medication",
                                                   "Two tablets.");
  g_autofree char *plain_id = fn_test_create_note (office, f->other_patient_id, "Visit",
                                                   "All well.");
  g_autoptr (FnPatient) patient = fn_patient_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) kept = NULL;
  g_autoptr (FnRecord) pending = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  assert_sync_ok (f);

  /* Two refused edits and a refused creation... */
  edit_refused (f, note_id, "Moved by mistake");
  edit_refused (f, other_id, "Also moved");
  fn_record_set_field (FN_RECORD (patient), "family_name", "Forbidden");
  g_assert_true (fn_store_save (f->store, FN_RECORD (patient), &error));
  g_assert_no_error (error);
  assert_sync_ok (f);
  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 3);

  /* ...and an edit still waiting to be sent, of another note. */
  pending = local (f, FN_ENTITY_NOTE, plain_id);
  fn_record_set_field (pending, "body", "All well. Walked to the garden.");
  g_assert_true (fn_store_save (f->store, pending, &error));
  g_assert_no_error (error);

  before = dump_store_except (f, note_id);
  g_assert_true (fn_store_discard_rejected (f->store, note_id, NULL, &error));
  g_assert_no_error (error);
  after = dump_store_except (f, note_id);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 2);
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 1);

  /* The pull from the start gives back the office's version of that note
   * only: the other refusals keep their values until discarded. */
  assert_sync_ok (f);
  assert_like_office (f, note_id);
  kept = local (f, FN_ENTITY_NOTE, other_id);
  g_assert_cmpstr (fn_record_get_field (kept, "title"), ==, "Also moved");
  g_assert_cmpint (fn_record_get_sync_state (kept), ==, FN_SYNC_STATE_REJECTED);
  g_clear_object (&kept);
  kept = local (f, FN_ENTITY_PATIENT, fn_record_get_id (FN_RECORD (patient)));
  g_assert_cmpstr (fn_record_get_field (kept, "family_name"), ==, "Forbidden");
  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 2);
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 0);
  assert_like_office (f, plain_id);
  {
    g_autoptr (JsonObject) server = fn_test_client_get_record (office, "note", plain_id);

    g_assert_cmpstr (fn_test_record_field (server, "body"), ==, "All well. Walked to the garden.");
  }
}

static void
test_discard_while_sending (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *note_id = note_refused (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sending = NULL;
  g_autoptr (FnRecord) note = NULL;

  /* A later edit on its way to the server: its answer is not known yet. */
  note = local (f, FN_ENTITY_NOTE, note_id);
  fn_record_set_field (note, "body", "Dressing changed twice.");
  g_assert_true (fn_store_save (f->store, note, &error));
  sending = fn_store_begin_push (f->store, 10, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sending->len, ==, 1);

  g_assert_false (fn_store_discard_rejected (f->store, note_id, NULL, &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_FAILED);
  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/sync/discard/refused-edit", test_refused_edit_takes_office_version);
  ADD ("/sync/discard/refused-note-removed", test_refused_note_removed);
  ADD ("/sync/discard/other-work-untouched", test_other_work_untouched);
  ADD ("/sync/discard/while-sending", test_discard_while_sending);

  return fn_test_run ();
}
