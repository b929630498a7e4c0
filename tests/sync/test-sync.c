/* test-sync.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sync engine against the real reference server on loopback: each
 * test starts its own server and its own laptop store. */

#define _GNU_SOURCE

#include "config.h"

#include "fn-core.h"
#include "fn-store-private.h"
#include "fn-test-engine.h"
#include "fn-test-server.h"

#include <string.h>

typedef struct
{
  FnTestFixture server;
  char *dir;
  FnStore *store;
  FnTokenStore *tokens;
  FnSyncEngine *engine;
  char *patient_id;
} Fixture;

static void
sign_in_laptop (Fixture    *f,
                const char *user)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *password = fn_test_password_for (user);

  g_assert_true (fn_sync_sign_in (f->store, f->tokens, fn_test_server_get_url (f->server.server),
                                  user, password, NULL, NULL, &error));
  g_assert_no_error (error);
}

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

  fn_test_fixture_setup (&f->server, data);

  f->dir = g_dir_make_tmp ("fn-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = fn_store_new (f->dir, &error);
  g_assert_no_error (error);
  f->tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, f->dir);
  f->engine = fn_sync_engine_new (f->store, f->tokens);

  /* Alice's patient, made by the office. */
  f->patient_id = fn_test_create_patient (fn_test_fixture_user (&f->server, "office"), "Albrecht",
                                          fn_test_fixture_user (&f->server, "alice")->user_id,
                                          NULL);
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
  fn_test_fixture_teardown (&f->server, data);
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

static FnNote *
local_note_add (Fixture    *f,
                const char *title,
                const char *body)
{
  FnNote *note = fn_note_new (f->patient_id);
  g_autoptr (GError) error = NULL;

  fn_record_set_field (FN_RECORD (note), "title", title);
  fn_record_set_field (FN_RECORD (note), "body", body);
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_no_error (error);

  return note;
}

static void
local_edit (Fixture    *f,
            const char *id,
            const char *field,
            const char *value)
{
  g_autoptr (FnRecord) note = local (f, FN_ENTITY_NOTE, id);
  g_autoptr (GError) error = NULL;

  fn_record_set_field (note, field, value);
  g_assert_true (fn_store_save (f->store, note, &error));
  g_assert_no_error (error);
}

static JsonObject *
server_record (Fixture    *f,
               const char *entity,
               const char *id)
{
  return fn_test_client_get_record (fn_test_fixture_user (&f->server, "office"), entity, id);
}

static void
office_edit (Fixture    *f,
             const char *id,
             const char *field,
             const char *value)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  g_autoptr (JsonObject) current = server_record (f, "note", id);
  g_autoptr (JsonObject) result = NULL;

  result = fn_test_client_push_op (office,
                                   fn_test_op_new (office, "note", id,
                                                   fn_test_record_version (current),
                                                   field, fn_test_str (value), NULL));
  g_assert_cmpstr (fn_test_result_status (result), !=, "rejected");
}

static void
test_initial_sync (Fixture       *f,
                   gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  g_autofree char *other = fn_test_create_patient (office, "Brennan",
                                                   fn_test_fixture_user (&f->server, "bob")->user_id,
                                                   NULL);
  g_autofree char *note_id = fn_test_create_note (office, f->patient_id, "Admission",
                                                  "First visit planned.");
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  g_autofree char *cursor = NULL;

  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_SIGNED_OUT);
  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  /* Alice gets her patient and its note, and never Bob's patient. */
  patients = fn_store_list_patients (f->store, NULL, NULL);
  g_assert_cmpuint (patients->len, ==, 1);
  g_assert_cmpstr (fn_record_get_id (g_ptr_array_index (patients, 0)), ==, f->patient_id);
  notes = fn_store_list_notes (f->store, f->patient_id, NULL);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpstr (fn_note_get_body (g_ptr_array_index (notes, 0)), ==, "First visit planned.");
  g_assert_cmpint (fn_record_get_version (g_ptr_array_index (notes, 0)), >=, 1);
  g_assert_cmpint (fn_record_get_sync_state (g_ptr_array_index (notes, 0)), ==,
                   FN_SYNC_STATE_SYNCED);

  cursor = fn_store_get_cursor (f->store);
  g_assert_nonnull (cursor);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_IDLE);
  g_assert_cmpint (fn_sync_engine_get_last_sync (f->engine), >, 0);
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 0);

  /* The token lives in the token store, never in the database. */
  {
    g_autofree char *db = NULL;
    gsize len;
    g_autofree char *token = fn_token_store_lookup (f->tokens,
                                                    fn_test_server_get_url (f->server.server),
                                                    "alice", NULL, NULL);

    g_assert_nonnull (token);
    g_assert_true (g_file_get_contents (fn_store_get_path (f->store), &db, &len, NULL));
    g_assert_null (memmem (db, len, token, strlen (token)));
  }
}

static void
test_offline_edit_pushed_later (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) on_server = NULL;
  g_autofree char *url = NULL;
  const char *port;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);
  url = g_strdup (fn_test_server_get_url (f->server.server));
  port = strrchr (url, ':') + 1;

  /* No signal: the server is gone. */
  g_assert_true (fn_test_server_stop (f->server.server));
  note = local_note_add (f, "Evening visit", "Written in the car park.");
  g_assert_false (fn_test_engine_sync (f->engine, &error));
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_NETWORK);
  g_assert_true (fn_sync_error_is_transient (error));
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 1);
  g_assert_nonnull (fn_sync_engine_get_last_error (f->engine));
  g_clear_error (&error);

  /* Signal again: the server comes back at the same address. */
  fn_test_server_start (f->server.server, "--port", port, NULL);
  g_assert_cmpstr (fn_test_server_get_url (f->server.server), ==, url);
  assert_sync_ok (f);
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 0);

  on_server = server_record (f, "note", fn_record_get_id (FN_RECORD (note)));
  g_assert_nonnull (on_server);
  g_assert_cmpstr (fn_test_record_field (on_server, "body"), ==, "Written in the car park.");
  /* The server sets the author from the token. */
  g_assert_cmpstr (fn_test_record_field (on_server, "author_id"), ==,
                   fn_test_fixture_user (&f->server, "alice")->user_id);
}

static void
test_office_edit_pulled_and_fields_merge (Fixture       *f,
                                          gconstpointer  data)
{
  g_autofree char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                                  f->patient_id, "Visit", "Original text.");
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (JsonObject) on_server = NULL;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  /* The office changes the title while the laptop changes the body. */
  office_edit (f, note_id, "title", "Visit (office)");
  local_edit (f, note_id, "body", "Text from the laptop.");
  assert_sync_ok (f);

  note = local (f, FN_ENTITY_NOTE, note_id);
  g_assert_cmpstr (fn_note_get_title (FN_NOTE (note)), ==, "Visit (office)");
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (note)), ==, "Text from the laptop.");
  g_assert_cmpuint (fn_sync_engine_get_conflicts (f->engine), ==, 0);

  on_server = server_record (f, "note", note_id);
  g_assert_cmpstr (fn_test_record_field (on_server, "title"), ==, "Visit (office)");
  g_assert_cmpstr (fn_test_record_field (on_server, "body"), ==, "Text from the laptop.");
  g_assert_cmpint (fn_record_get_version (note), ==, fn_test_record_version (on_server));
}

static void
test_pending_fields_survive_pull (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                                  f->patient_id, "Visit", "Original text.");
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnSyncClient) client = NULL;
  g_autoptr (FnSyncPage) page = NULL;
  g_autofree char *token = NULL;
  g_autofree char *cursor = NULL;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  /* Pull only (as a run does after a push that failed): a local pending
   * body must not be overwritten by the server's older text. */
  office_edit (f, note_id, "title", "New title");
  local_edit (f, note_id, "body", "Unsent laptop text.");

  token = fn_token_store_lookup (f->tokens, fn_test_server_get_url (f->server.server), "alice",
                                 NULL, NULL);
  client = fn_sync_client_new (fn_test_server_get_url (f->server.server), NULL, &error);
  fn_sync_client_set_token (client, token);
  cursor = fn_store_get_cursor (f->store);
  page = fn_sync_client_pull (client, cursor, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fn_store_apply_pull (f->store, page->changes, page->cursor, NULL, &error));
  g_assert_no_error (error);

  note = local (f, FN_ENTITY_NOTE, note_id);
  g_assert_cmpstr (fn_note_get_title (FN_NOTE (note)), ==, "New title");
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (note)), ==, "Unsent laptop text.");
  g_assert_cmpint (fn_record_get_sync_state (note), ==, FN_SYNC_STATE_PENDING);
}

static void
test_text_conflict_kept_and_resolved (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                                  f->patient_id, "Visit", "Original text.");
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) on_server = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  FnConflict *conflict;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  office_edit (f, note_id, "body", "Office text.");
  local_edit (f, note_id, "body", "Laptop text.");
  assert_sync_ok (f);

  /* Both texts are kept until a person decides. */
  g_assert_cmpuint (fn_sync_engine_get_conflicts (f->engine), ==, 1);
  conflicts = fn_store_list_conflicts (f->store, note_id, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (fn_conflict_get_field_name (conflict), ==, "body");
  g_assert_true (fn_store_get_conflict_sides (f->store, conflict, &mine, &theirs, &error));
  g_assert_cmpstr (mine, ==, "Laptop text.");
  g_assert_cmpstr (theirs, ==, "Office text.");
  {
    g_autoptr (FnRecord) note = local (f, FN_ENTITY_NOTE, note_id);

    g_assert_cmpint (fn_record_get_sync_state (note), ==, FN_SYNC_STATE_CONFLICT);
  }

  /* Keeping the office's text is an ordinary write that syncs. */
  g_assert_true (fn_store_resolve_conflict (f->store, fn_record_get_id (FN_RECORD (conflict)),
                                            FN_CONFLICT_KEEP_THEIRS, NULL, &error));
  g_assert_no_error (error);
  assert_sync_ok (f);

  g_assert_cmpuint (fn_sync_engine_get_conflicts (f->engine), ==, 0);
  on_server = server_record (f, "note", note_id);
  g_assert_cmpstr (fn_test_record_field (on_server, "body"), ==, "Office text.");
  {
    g_autoptr (FnRecord) note = local (f, FN_ENTITY_NOTE, note_id);
    g_autoptr (JsonObject) closed = server_record (f, "conflict",
                                                   fn_record_get_id (FN_RECORD (conflict)));

    g_assert_cmpstr (fn_note_get_body (FN_NOTE (note)), ==, "Office text.");
    g_assert_cmpint (fn_record_get_sync_state (note), ==, FN_SYNC_STATE_SYNCED);
    g_assert_nonnull (closed);
  }
}

static gint64
hlc_ms (const char *hlc)
{
  gint64 ms = 0;

  g_assert_true (fn_hlc_parse (hlc, &ms, NULL, NULL));
  return ms;
}

static gint64
time_ms (GDateTime *time)
{
  g_assert_nonnull (time);
  return g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
}

static const char *
record_clock (JsonObject *record,
              const char *field)
{
  return json_object_get_string_member (json_object_get_object_member (record, "clock"), field);
}

/* The client keeps who wrote each side of a text conflict and when, as
 * the reference server tells it. */
static void
test_text_conflict_sides (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                                  f->patient_id, "Visit", "Original text.");
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) after_office = NULL;
  g_autoptr (JsonObject) after_laptop = NULL;
  g_autoptr (FnConflictSide) mine = NULL;
  g_autoptr (FnConflictSide) theirs = NULL;
  FnConflict *conflict;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  office_edit (f, note_id, "body", "Office text.");
  after_office = server_record (f, "note", note_id);
  g_usleep (5 * 1000);
  local_edit (f, note_id, "body", "Laptop text.");
  assert_sync_ok (f);
  after_laptop = server_record (f, "note", note_id);
  g_assert_cmpstr (fn_test_record_field (after_laptop, "body"), ==, "Laptop text.");

  conflicts = fn_store_list_conflicts (f->store, note_id, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (fn_conflict_get_losing_author (conflict), ==, "office");
  g_assert_cmpstr (fn_conflict_get_winning_author (conflict), ==, "alice");

  g_assert_true (fn_store_describe_conflict (f->store, conflict, &mine, &theirs, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (mine->text, ==, "Laptop text.");
  g_assert_cmpstr (mine->author, ==, "alice");
  g_assert_cmpint (time_ms (mine->time), ==, hlc_ms (record_clock (after_laptop, "body")));
  g_assert_cmpstr (theirs->text, ==, "Office text.");
  g_assert_cmpstr (theirs->author, ==, "office");
  g_assert_cmpint (time_ms (theirs->time), ==, hlc_ms (record_clock (after_office, "body")));
  g_assert_cmpint (time_ms (theirs->time), <, time_ms (mine->time));
}

static void
test_merged_resolution (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                                  f->patient_id, "Visit", "Original.");
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) on_server = NULL;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);
  office_edit (f, note_id, "title", "Office title");
  local_edit (f, note_id, "title", "Laptop title");
  assert_sync_ok (f);

  conflicts = fn_store_list_conflicts (f->store, NULL, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_true (fn_store_resolve_conflict (f->store,
                                            fn_record_get_id (g_ptr_array_index (conflicts, 0)),
                                            FN_CONFLICT_MERGED, "Laptop and office title", &error));
  assert_sync_ok (f);

  on_server = server_record (f, "note", note_id);
  g_assert_cmpstr (fn_test_record_field (on_server, "title"), ==, "Laptop and office title");
  g_assert_cmpuint (fn_sync_engine_get_conflicts (f->engine), ==, 0);
}

static void
test_delete_versus_edit (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                                  f->patient_id, "Visit", "Original.");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) on_server = NULL;
  g_autoptr (FnRecord) note = NULL;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  /* The office deletes; later the laptop edits: the later edit revives it. */
  {
    FnTestClient *office = fn_test_fixture_user (&f->server, "office");
    g_autoptr (JsonObject) current = server_record (f, "note", note_id);
    g_autoptr (JsonObject) result =
      fn_test_client_push_op (office, fn_test_op_new_delete (office, "note", note_id,
                                                             fn_test_record_version (current)));

    g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
  }
  g_usleep (5000);
  local_edit (f, note_id, "body", "Edited after the office deleted it.");
  assert_sync_ok (f);

  on_server = server_record (f, "note", note_id);
  g_assert_false (json_object_get_boolean_member (on_server, "deleted"));
  g_assert_cmpstr (fn_test_record_field (on_server, "body"), ==,
                   "Edited after the office deleted it.");
  note = local (f, FN_ENTITY_NOTE, note_id);
  g_assert_false (fn_record_get_deleted (note));
  g_clear_object (&note);

  /* A local delete reaches the server and stays deleted everywhere. */
  g_assert_true (fn_store_delete (f->store, FN_ENTITY_NOTE, note_id, &error));
  assert_sync_ok (f);
  g_clear_pointer (&on_server, json_object_unref);
  on_server = server_record (f, "note", note_id);
  g_assert_true (json_object_get_boolean_member (on_server, "deleted"));
  note = local (f, FN_ENTITY_NOTE, note_id);
  g_assert_true (fn_record_get_deleted (note));
}

static void
test_created_and_deleted_offline (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) on_server = NULL;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  /* Written and deleted before any sync: one op that creates a tombstone,
   * so the office sees the note existed, and nothing is refused. */
  note = local_note_add (f, "Wrong patient", "Written for the wrong patient.");
  g_assert_true (fn_store_delete (f->store, FN_ENTITY_NOTE, fn_record_get_id (FN_RECORD (note)),
                                  &error));
  assert_sync_ok (f);

  g_assert_cmpuint (fn_sync_engine_get_rejected (f->engine), ==, 0);
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 0);
  on_server = server_record (f, "note", fn_record_get_id (FN_RECORD (note)));
  g_assert_nonnull (on_server);
  g_assert_true (json_object_get_boolean_member (on_server, "deleted"));
}

static void
test_signature_reaches_second_laptop (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                                  f->patient_id, "Visit", "Wound dressed.");
  g_autoptr (FnStrokes) strokes = fn_test_scribble ();
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (FnSignature) pulled = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir2 = g_dir_make_tmp ("fn-sync-b-XXXXXX", NULL);
  g_autoptr (FnStore) store2 = NULL;
  g_autoptr (FnSyncEngine) engine2 = NULL;
  g_autoptr (GBytes) image = NULL;
  g_autoptr (GBytes) local_image = NULL;
  g_autofree char *password = fn_test_password_for ("alice");
  FnSyncEngine *first;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  /* Nothing to sign yet: an empty pad is refused. */
  {
    g_autoptr (FnStrokes) empty = fn_strokes_new (600, 200);

    g_assert_null (fn_store_add_signature (f->store, note_id, "Agnes Albrecht", "patient",
                                           empty, &error));
    g_assert_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_EMPTY);
    g_clear_error (&error);
  }

  signature = fn_store_add_signature (f->store, note_id, "Agnes Albrecht", "patient", strokes,
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpint (fn_store_check_signature (f->store, note_id, NULL, NULL), ==,
                   FN_SIGNATURE_CHECK_VALID);
  /* Blobs go up before the signature op. */
  assert_sync_ok (f);
  g_assert_cmpuint (fn_sync_engine_get_rejected (f->engine), ==, 0);

  /* The second laptop of the same caregiver pulls it and its blobs. */
  store2 = fn_store_new (dir2, &error);
  g_assert_no_error (error);
  g_assert_true (fn_sync_sign_in (store2, f->tokens, fn_test_server_get_url (f->server.server),
                                  "alice", password, NULL, NULL, &error));
  g_assert_no_error (error);
  engine2 = fn_sync_engine_new (store2, f->tokens);
  first = f->engine;
  f->engine = engine2;
  assert_sync_ok (f);
  f->engine = first;

  g_assert_cmpint (fn_store_check_signature (store2, note_id, &pulled, &error), ==,
                   FN_SIGNATURE_CHECK_VALID);
  g_assert_cmpstr (fn_signature_get_signer_name (pulled), ==, "Agnes Albrecht");
  image = fn_store_get_blob (store2, fn_record_get_field (FN_RECORD (pulled), "image_blob"),
                             &error);
  local_image = fn_store_get_blob (f->store,
                                   fn_record_get_field (FN_RECORD (signature), "image_blob"),
                                   &error);
  g_assert_true (g_bytes_equal (image, local_image));

  /* The image can be drawn again from the stored strokes, byte for byte. */
  {
    g_autoptr (GBytes) strokes_blob = fn_store_get_blob (store2,
                                                         fn_record_get_field (FN_RECORD (pulled),
                                                                              "strokes_blob"),
                                                         &error);
    g_autoptr (FnStrokes) parsed = fn_strokes_parse (strokes_blob, &error);
    g_autoptr (GBytes) redrawn = fn_strokes_render_png (parsed, 900, &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (redrawn, image));
  }

  /* Edited after signing: the signature covers an earlier version. */
  {
    g_autoptr (FnRecord) note = fn_store_get (store2, FN_ENTITY_NOTE, note_id, &error);

    fn_record_set_field (note, "body", "Wound dressed. Added later.");
    g_assert_true (fn_store_save (store2, note, &error));
    g_assert_cmpint (fn_store_check_signature (store2, note_id, NULL, NULL), ==,
                     FN_SIGNATURE_CHECK_NOTE_CHANGED);
  }

  /* A signature cannot be replaced. */
  g_assert_null (fn_store_add_signature (f->store, note_id, "Someone", "relative", strokes,
                                         &error));
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_FAILED);

  fn_sync_engine_shutdown (engine2);
  fn_test_wait_finalized (g_steal_pointer (&engine2));
  g_clear_object (&store2);
  fn_test_remove_tree (dir2);
}

static void
test_rejected_kept (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (FnPatient) patient = fn_patient_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (FnNote) ok_note = NULL;
  g_autoptr (FnRecord) kept = NULL;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  /* A caregiver may not create patients: the office refuses that op and
   * only that op. */
  fn_record_set_field (FN_RECORD (patient), "family_name", "Forbidden");
  g_assert_true (fn_store_save (f->store, FN_RECORD (patient), &error));
  ok_note = local_note_add (f, "Allowed", "Notes are fine.");
  assert_sync_ok (f);

  g_assert_cmpuint (fn_sync_engine_get_rejected (f->engine), ==, 1);
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 0);
  ops = fn_store_list_outbox (f->store, &error);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpstr (((FnOutboxOp *)g_ptr_array_index (ops, 0))->state, ==, "rejected");
  g_assert_nonnull (((FnOutboxOp *)g_ptr_array_index (ops, 0))->last_error);

  /* The local data stays, marked, and is not sent again. */
  kept = local (f, FN_ENTITY_PATIENT, fn_record_get_id (FN_RECORD (patient)));
  g_assert_cmpint (fn_record_get_sync_state (kept), ==, FN_SYNC_STATE_REJECTED);
  assert_sync_ok (f);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = fn_store_list_outbox (f->store, &error);
  g_assert_cmpint (((FnOutboxOp *)g_ptr_array_index (ops, 0))->attempts, ==, 1);
  {
    g_autoptr (JsonObject) on_server = server_record (f, "note",
                                                      fn_record_get_id (FN_RECORD (ok_note)));

    g_assert_nonnull (on_server);
  }
}

static void
test_unassigned_patient_removed (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"),
                                                  f->patient_id, "Visit", "Synced note.");
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) gone = NULL;
  int rc;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  rc = fn_test_server_admin (f->server.server, NULL, NULL, NULL, "unassign", f->patient_id,
                             "alice", NULL);
  g_assert_cmpint (rc, ==, 0);
  assert_sync_ok (f);

  patients = fn_store_list_patients (f->store, NULL, &error);
  g_assert_cmpuint (patients->len, ==, 0);
  gone = fn_store_get (f->store, FN_ENTITY_NOTE, note_id, &error);
  g_assert_null (gone);
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND);
}

static void
test_undelivered_work_kept_on_removal (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (GError) error = NULL;
  int rc;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  rc = fn_test_server_admin (f->server.server, NULL, NULL, NULL, "unassign", f->patient_id,
                             "alice", NULL);
  g_assert_cmpint (rc, ==, 0);

  /* Written before the laptop learnt of the change: it cannot be delivered,
   * and it must not vanish either. */
  note = local_note_add (f, "Late note", "Written offline before the reassignment.");
  fn_test_engine_sync (f->engine, &error);
  g_clear_error (&error);

  notes = fn_store_list_notes (f->store, f->patient_id, &error);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpstr (fn_note_get_body (g_ptr_array_index (notes, 0)), ==,
                   "Written offline before the reassignment.");
  g_assert_cmpint (fn_record_get_sync_state (g_ptr_array_index (notes, 0)), ==,
                   FN_SYNC_STATE_REJECTED);
  g_assert_cmpuint (fn_sync_engine_get_rejected (f->engine), ==, 1);
}

static void
test_auth_required_keeps_work (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GError) error = NULL;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);

  /* A token the server no longer knows. */
  g_assert_true (fn_token_store_save (f->tokens, fn_test_server_get_url (f->server.server),
                                      "alice", "not-a-valid-token", NULL, &error));
  note = local_note_add (f, "Visit", "Kept while signed out.");
  g_assert_false (fn_test_engine_sync (f->engine, &error));
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_AUTH);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_AUTH_REQUIRED);
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 1);
}

static void
test_sign_in_refusals (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *demo_dir = g_dir_make_tmp ("fn-sync-demo-XXXXXX", NULL);
  g_autoptr (FnStore) demo = fn_store_new (demo_dir, &error);
  g_autofree char *password = fn_test_password_for ("alice");

  g_assert_false (fn_sync_sign_in (f->store, f->tokens, fn_test_server_get_url (f->server.server),
                                   "alice", "wrong password", NULL, NULL, &error));
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_AUTH);
  g_clear_error (&error);

  g_assert_false (fn_sync_sign_in (f->store, f->tokens, "http://192.0.2.1:8080", "alice", "x",
                                   NULL, NULL, &error));
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_INSECURE);
  g_clear_error (&error);

  g_assert_false (fn_sync_sign_in (f->store, f->tokens, "not a url", "alice", "x",
                                   NULL, NULL, &error));
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_REFUSED);
  g_clear_error (&error);

  /* Demo records must never reach an office. */
  g_assert_true (fn_store_load_demo_data (demo, 2, 2, &error));
  g_assert_false (fn_sync_sign_in (demo, f->tokens, fn_test_server_get_url (f->server.server),
                                   "alice", password, NULL, NULL, &error));
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_DEMO_STORE);
  g_clear_object (&demo);
  fn_test_remove_tree (demo_dir);
}

static char *
restart_server (Fixture    *f,
                const char *first_arg,
                ...)
{
  g_autofree char *url = g_strdup (fn_test_server_get_url (f->server.server));
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, "--port");
  g_ptr_array_add (args, strrchr (url, ':') + 1);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_assert_true (fn_test_server_stop (f->server.server));
  fn_test_server_start_argv (f->server.server, (const char **)args->pdata);
  g_assert_cmpstr (fn_test_server_get_url (f->server.server), ==, url);

  return g_steal_pointer (&url);
}

static void
test_dropped_push_applied_once (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) on_server = NULL;
  g_autoptr (JsonObject) applied = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autofree char *url = NULL;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);
  note = local_note_add (f, "Visit", "Sent over a connection that drops.");

  /* The server applies the push, then the connection dies before the
   * answer arrives: the laptop cannot know, so the op stays. */
  url = restart_server (f, "--fault-drop-rate", "1", NULL);
  g_assert_false (fn_test_engine_sync (f->engine, &error));
  g_assert_true (fn_sync_error_is_transient (error));
  g_clear_error (&error);
  ops = fn_store_list_outbox (f->store, &error);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpstr (((FnOutboxOp *)g_ptr_array_index (ops, 0))->state, ==, "sending");

  /* The dropped push was applied. Sending it again is safe: the server
   * knows the op id and changes nothing. */
  g_free (restart_server (f, NULL));
  applied = server_record (f, "note", fn_record_get_id (FN_RECORD (note)));
  g_assert_nonnull (applied);
  assert_sync_ok (f);
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 0);

  on_server = server_record (f, "note", fn_record_get_id (FN_RECORD (note)));
  g_assert_cmpint (fn_test_record_version (on_server), ==, fn_test_record_version (applied));
  g_assert_cmpstr (fn_test_record_field (on_server, "body"), ==,
                   "Sent over a connection that drops.");
  {
    g_autoptr (FnRecord) local_note = local (f, FN_ENTITY_NOTE,
                                             fn_record_get_id (FN_RECORD (note)));

    g_assert_cmpint (fn_record_get_version (local_note), ==, fn_test_record_version (applied));
    g_assert_cmpint (fn_record_get_sync_state (local_note), ==, FN_SYNC_STATE_SYNCED);
  }
}

typedef struct
{
  guint backing_off;
  gboolean idle_with_nothing_pending;
} StateLog;

static void
on_state_cb (FnSyncEngine *engine,
             GParamSpec   *pspec,
             StateLog     *log)
{
  if (fn_sync_engine_get_state (engine) == FN_SYNC_ENGINE_BACKING_OFF)
    log->backing_off++;
  log->idle_with_nothing_pending = fn_sync_engine_get_state (engine) == FN_SYNC_ENGINE_IDLE &&
                                   fn_sync_engine_get_pending (engine) == 0;
}

static gboolean
has_backed_off (gpointer data)
{
  return ((StateLog *)data)->backing_off > 0;
}

static gboolean
is_done (gpointer data)
{
  return ((StateLog *)data)->idle_with_nothing_pending;
}

static void
test_server_errors_back_off (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  StateLog log = { 0, FALSE };
  g_autofree char *url = NULL;
  gint64 retry_at;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);
  note = local_note_add (f, "Visit", "Sent while the server is failing.");

  /* Every request gets 503: the engine backs off instead of hammering. */
  url = restart_server (f, "--fault-error-rate", "1", NULL);
  g_signal_connect (f->engine, "notify::state", G_CALLBACK (on_state_cb), &log);
  fn_sync_engine_start (f->engine);
  g_assert_true (fn_test_spin_until (has_backed_off, &log, 10000));
  retry_at = fn_sync_engine_get_retry_at (f->engine);
  g_assert_cmpint (retry_at, >, g_get_real_time () / 1000);
  g_assert_cmpint (retry_at, <=, g_get_real_time () / 1000 + 5000);
  g_assert_nonnull (fn_sync_engine_get_last_error (f->engine));
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 1);

  /* The server recovers; the next retry completes without anyone asking. */
  g_free (restart_server (f, NULL));
  g_assert_true (fn_test_spin_until (is_done, &log, 20000));
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 0);
  g_assert_null (fn_sync_engine_get_last_error (f->engine));
  g_signal_handlers_disconnect_by_func (f->engine, on_state_cb, &log);
}

static void
test_shutdown_is_prompt (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *url = NULL;
  gint64 start;

  sign_in_laptop (f, "alice");
  assert_sync_ok (f);
  note = local_note_add (f, "Visit", "Written just before closing the laptop.");

  /* Every answer takes 10 s: quitting must not wait for it. */
  url = restart_server (f, "--fault-latency-ms", "10000", NULL);
  fn_sync_engine_sync_async (f->engine, NULL, fn_test_store_result_cb, &result);
  g_usleep (300 * 1000);
  start = g_get_monotonic_time ();
  fn_sync_engine_shutdown (f->engine);
  g_assert_true (fn_test_spin_until (fn_test_pointer_is_set, &result, 10000));
  g_test_message ("the run ended %.0f ms after shutdown",
                  (g_get_monotonic_time () - start) / 1000.0);
  /* It did not wait for the server's answer (which takes 10 s); how fast it
   * ended is printed above, not asserted. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_false (fn_sync_engine_sync_finish (f->engine, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Nothing was lost: the note waits for the next start. */
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/sync/initial", test_initial_sync);
  ADD ("/sync/offline-edit-pushed-later", test_offline_edit_pushed_later);
  ADD ("/sync/office-edit-pulled-fields-merge", test_office_edit_pulled_and_fields_merge);
  ADD ("/sync/pending-fields-survive-pull", test_pending_fields_survive_pull);
  ADD ("/sync/conflict/kept-and-resolved", test_text_conflict_kept_and_resolved);
  ADD ("/sync/conflict/sides", test_text_conflict_sides);
  ADD ("/sync/conflict/merged", test_merged_resolution);
  ADD ("/sync/delete-versus-edit", test_delete_versus_edit);
  ADD ("/sync/rejected-kept", test_rejected_kept);
  ADD ("/sync/signature/reaches-second-laptop", test_signature_reaches_second_laptop);
  ADD ("/sync/created-and-deleted-offline", test_created_and_deleted_offline);
  ADD ("/sync/removed/unassigned", test_unassigned_patient_removed);
  ADD ("/sync/removed/undelivered-kept", test_undelivered_work_kept_on_removal);
  ADD ("/sync/auth-required-keeps-work", test_auth_required_keeps_work);
  ADD ("/sync/sign-in-refusals", test_sign_in_refusals);
  ADD ("/sync/faults/dropped-push-applied-once", test_dropped_push_applied_once);
  ADD ("/sync/faults/server-errors-back-off", test_server_errors_back_off);
  ADD ("/sync/shutdown-is-prompt", test_shutdown_is_prompt);

  return fn_test_run ();
}
