/* test-metered.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Signatures on a metered network with "sync attachments on metered
 * connections" off: the engine against the real field-notes-server, with
 * NetworkManager (python-dbusmock) saying the network is metered, then
 * that it is not. Each test runs in its own process, since GIO keeps one
 * system bus connection per process. */

#include "config.h"

#include "fn-connectivity.h"
#include "fn-core.h"
#include "fn-test-engine.h"
#include "fn-test-nm.h"
#include "fn-test-server.h"

#define WAIT_MS 20000

/* NMMetered */
#define METERED_YES 1
#define METERED_NO 2

typedef struct
{
  FnTestFixture   server;
  FnTestNm        nm;
  FnConnectivity *connectivity;
  char           *dir;
  FnStore        *store;
  FnTokenStore   *tokens;
  FnSyncEngine   *engine;
  char           *patient_id;
  const char     *note_id;
} Fixture;

static gboolean
metered_seen (gpointer user_data)
{
  Fixture *f = user_data;

  return fn_connectivity_get_source (f->connectivity) == FN_CONNECTIVITY_SOURCE_NETWORKMANAGER &&
         fn_connectivity_get_metered (f->connectivity);
}

/* A laptop of alice on a metered network, the preference off. */
static void
fixture_setup (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *password = fn_test_password_for ("alice");

  fn_test_nm_bus_up (&f->nm);
  fn_test_nm_start (&f->nm);
  fn_test_nm_set_metered (&f->nm, METERED_YES);
  f->connectivity = fn_connectivity_new ();
  g_assert_true (fn_test_spin_until (metered_seen, f, WAIT_MS));

  fn_test_fixture_setup (&f->server, NULL);
  f->patient_id = fn_test_create_patient (fn_test_fixture_user (&f->server, "office"), "Albrecht",
                                          fn_test_fixture_user (&f->server, "alice")->user_id,
                                          NULL);

  f->dir = g_dir_make_tmp ("fn-metered-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = fn_store_new (f->dir, &error);
  g_assert_no_error (error);
  f->tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, f->dir);
  g_assert_true (fn_sync_sign_in (f->store, f->tokens, fn_test_server_get_url (f->server.server),
                                  "alice", password, NULL, NULL, &error));
  g_assert_no_error (error);

  f->engine = fn_sync_engine_new (f->store, f->tokens);
  fn_sync_engine_set_interval (f->engine, 0);
  g_assert_true (fn_sync_engine_get_sync_attachments_metered (f->engine));
  fn_sync_engine_set_sync_attachments_metered (f->engine, FALSE);
  fn_sync_engine_watch_connectivity (f->engine, f->connectivity);
  g_assert_true (fn_sync_engine_get_metered (f->engine));
  g_assert_true (fn_sync_engine_get_defers_attachments (f->engine));
}

static void
fixture_teardown (Fixture *f)
{
  fn_sync_engine_shutdown (f->engine);
  fn_sync_engine_watch_connectivity (f->engine, NULL);
  fn_test_wait_finalized (g_steal_pointer (&f->engine));

  g_assert_finalize_object (f->tokens);
  g_assert_finalize_object (f->store);
  g_assert_finalize_object (f->connectivity);
  fn_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->patient_id);
  fn_test_fixture_teardown (&f->server, NULL);
  fn_test_nm_down (&f->nm);
}

static void
assert_sync_ok (FnSyncEngine *engine)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (fn_test_engine_sync (engine, &error));
  g_assert_no_error (error);
}

/* GET /blobs/SHA as the office: 200 or 404. */
static guint
blob_status (Fixture    *f,
             const char *sha256)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/blobs/%s", sha256);
  g_autoptr (FnTestResponse) response = NULL;

  response = fn_test_client_request (fn_test_fixture_user (&f->server, "office"), "GET", path,
                                     NULL);
  return response->status;
}

static gboolean
nothing_pending (gpointer user_data)
{
  Fixture *f = user_data;

  return fn_sync_engine_get_pending (f->engine) == 0 &&
         fn_sync_engine_get_state (f->engine) == FN_SYNC_ENGINE_IDLE;
}

/* Not metered any more, and the run that followed is over. */
static gboolean
nothing_deferred (gpointer user_data)
{
  Fixture *f = user_data;

  return !fn_sync_engine_get_metered (f->engine) &&
         fn_sync_engine_get_deferred_downloads (f->engine) == 0 &&
         fn_store_count_pending (f->store) == 0 &&
         fn_sync_engine_get_state (f->engine) == FN_SYNC_ENGINE_IDLE &&
         fn_store_check_signature (f->store, f->note_id, NULL, NULL) == FN_SIGNATURE_CHECK_VALID;
}

/* A new note and its signature on a metered network: the note reaches
 * the office, the signature waits in the outbox, untouched, and no blob
 * is uploaded. The network stops being metered: a run starts by itself
 * and delivers the blobs and the signature. */
static void
test_push_deferred (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr (FnNote) note = NULL;
  g_autoptr (FnStrokes) strokes = fn_test_scribble ();
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (JsonObject) on_server = NULL;
  g_autoptr (GError) error = NULL;
  const char *note_id;
  const char *signature_id;
  const FnOutboxOp *op;

  fixture_setup (f);
  fn_sync_engine_start (f->engine);
  assert_sync_ok (f->engine);

  note = fn_note_new (f->patient_id);
  fn_record_set_field (FN_RECORD (note), "title", "Visit on a hotspot");
  fn_record_set_field (FN_RECORD (note), "body", "Wound dressed.");
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_no_error (error);
  note_id = fn_record_get_id (FN_RECORD (note));
  signature = fn_store_add_signature (f->store, note_id, "Agnes Albrecht", "patient", strokes,
                                      &error);
  g_assert_no_error (error);
  signature_id = fn_record_get_id (FN_RECORD (signature));
  {
    g_autoptr (GBytes) strokes_blob = NULL;
    g_autoptr (GBytes) image_blob = NULL;

    strokes_blob = fn_store_get_blob (f->store,
                                      fn_record_get_field (FN_RECORD (signature), "strokes_blob"),
                                      &error);
    image_blob = fn_store_get_blob (f->store,
                                    fn_record_get_field (FN_RECORD (signature), "image_blob"),
                                    &error);
    g_assert_no_error (error);
    g_test_message ("what waits: strokes %zu bytes, image %zu bytes",
                    g_bytes_get_size (strokes_blob), g_bytes_get_size (image_blob));
  }

  /* Counted as deferred at once, before any run. */
  g_assert_cmpuint (fn_sync_engine_get_deferred_uploads (f->engine), ==, 1);

  /* Twice: a run never touches the held signature. */
  assert_sync_ok (f->engine);
  assert_sync_ok (f->engine);

  on_server = fn_test_client_get_record (fn_test_fixture_user (&f->server, "office"), "note",
                                         note_id);
  g_assert_nonnull (on_server);
  g_assert_cmpstr (fn_test_record_field (on_server, "title"), ==, "Visit on a hotspot");
  g_clear_pointer (&on_server, json_object_unref);
  on_server = fn_test_client_get_record (fn_test_fixture_user (&f->server, "office"),
                                         "signature", signature_id);
  g_assert_null (on_server);
  g_assert_cmpuint (blob_status (f, fn_record_get_field (FN_RECORD (signature), "strokes_blob")),
                    ==, 404);
  g_assert_cmpuint (blob_status (f, fn_record_get_field (FN_RECORD (signature), "image_blob")),
                    ==, 404);

  ops = fn_store_list_outbox (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 1);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpstr (op->record_id, ==, signature_id);
  g_assert_cmpstr (op->state, ==, "pending");
  g_assert_cmpint (op->attempts, ==, 0);
  g_assert_null (op->last_error);
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 1);
  g_assert_cmpuint (fn_sync_engine_get_deferred_uploads (f->engine), ==, 1);
  g_assert_cmpuint (fn_sync_engine_get_deferred_downloads (f->engine), ==, 0);
  g_assert_cmpuint (fn_sync_engine_get_rejected (f->engine), ==, 0);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_IDLE);

  /* Off the hotspot: the engine syncs by itself (its timer is off). */
  fn_test_nm_set_metered (&f->nm, METERED_NO);
  g_assert_true (fn_test_spin_until (nothing_pending, f, WAIT_MS));
  g_assert_false (fn_sync_engine_get_defers_attachments (f->engine));
  g_assert_cmpuint (fn_sync_engine_get_deferred_uploads (f->engine), ==, 0);
  g_assert_cmpuint (fn_sync_engine_get_rejected (f->engine), ==, 0);

  on_server = fn_test_client_get_record (fn_test_fixture_user (&f->server, "office"),
                                         "signature", signature_id);
  g_assert_nonnull (on_server);
  g_assert_cmpstr (fn_test_record_field (on_server, "signer_name"), ==, "Agnes Albrecht");
  g_assert_cmpuint (blob_status (f, fn_record_get_field (FN_RECORD (signature), "strokes_blob")),
                    ==, 200);
  g_assert_cmpuint (blob_status (f, fn_record_get_field (FN_RECORD (signature), "image_blob")),
                    ==, 200);

  fixture_teardown (f);
}

/* Another laptop of alice signs a note; this one pulls it on a metered
 * network: the signature is there, its image is not fetched. The network
 * stops being metered: a run fetches it. */
static void
test_pull_deferred (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *password = fn_test_password_for ("alice");
  g_autofree char *note_id = NULL;
  g_autofree char *dir2 = g_dir_make_tmp ("fn-metered-b-XXXXXX", NULL);
  g_autoptr (FnStore) store2 = NULL;
  g_autoptr (FnSyncEngine) engine2 = NULL;
  g_autoptr (FnStrokes) strokes = fn_test_scribble ();
  g_autoptr (FnSignature) signed_there = NULL;
  g_autoptr (FnSignature) pulled = NULL;
  g_autoptr (GBytes) image = NULL;
  g_autoptr (GError) error = NULL;

  fixture_setup (f);
  note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"), f->patient_id,
                                 "Visit", "Wound dressed.");
  f->note_id = note_id;

  /* The other laptop is on a network that is not metered. */
  store2 = fn_store_new (dir2, &error);
  g_assert_no_error (error);
  g_assert_true (fn_sync_sign_in (store2, f->tokens, fn_test_server_get_url (f->server.server),
                                  "alice", password, NULL, NULL, &error));
  g_assert_no_error (error);
  engine2 = fn_sync_engine_new (store2, f->tokens);
  assert_sync_ok (engine2);
  signed_there = fn_store_add_signature (store2, note_id, "Agnes Albrecht", "patient", strokes,
                                         &error);
  g_assert_no_error (error);
  assert_sync_ok (engine2);
  g_assert_cmpuint (fn_sync_engine_get_pending (engine2), ==, 0);

  fn_sync_engine_start (f->engine);
  assert_sync_ok (f->engine);
  g_assert_cmpint (fn_store_check_signature (f->store, note_id, &pulled, &error), ==,
                   FN_SIGNATURE_CHECK_BLOBS_MISSING);
  g_assert_no_error (error);
  g_assert_cmpstr (fn_record_get_id (FN_RECORD (pulled)), ==,
                   fn_record_get_id (FN_RECORD (signed_there)));
  g_assert_null (fn_store_get_blob (f->store, fn_record_get_field (FN_RECORD (pulled), "image_blob"),
                                    NULL));
  g_assert_cmpuint (fn_sync_engine_get_deferred_downloads (f->engine), ==, 1);
  g_assert_cmpuint (fn_sync_engine_get_deferred_uploads (f->engine), ==, 0);
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 0);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_IDLE);

  /* Off the hotspot: the engine fetches the image by itself. */
  fn_test_nm_set_metered (&f->nm, METERED_NO);
  g_assert_true (fn_test_spin_until (nothing_deferred, f, WAIT_MS));
  image = fn_store_get_blob (f->store, fn_record_get_field (FN_RECORD (pulled), "image_blob"),
                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (fn_store_check_signature (f->store, note_id, NULL, NULL), ==,
                   FN_SIGNATURE_CHECK_VALID);
  {
    g_autoptr (GBytes) original = fn_store_get_blob (store2,
                                                     fn_record_get_field (FN_RECORD (signed_there),
                                                                          "image_blob"),
                                                     &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (image, original));
  }

  fn_sync_engine_shutdown (engine2);
  fn_test_wait_finalized (g_steal_pointer (&engine2));
  g_clear_object (&store2);
  fn_test_remove_tree (dir2);
  fixture_teardown (f);
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

  fn_test_nm_add ("/sync/metered/push-deferred", test_push_deferred, 120);
  fn_test_nm_add ("/sync/metered/pull-deferred", test_pull_deferred, 120);

  return fn_test_run ();
}
