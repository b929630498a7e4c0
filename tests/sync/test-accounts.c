/* test-accounts.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shared laptops: which data folder holds whose notes, and two caregivers
 * signing in one after the other against the real reference server. */

#include "config.h"

#include "fn-core.h"
#include "fn-test-engine.h"
#include "fn-test-server.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static char *
make_base (void)
{
  g_autoptr (GError) error = NULL;
  char *base = g_dir_make_tmp ("fn-accounts-XXXXXX", &error);

  g_assert_no_error (error);
  return base;
}

/* A store signed in (as far as its meta says) by @user at @server. */
static void
claim (const char *dir,
       const char *server,
       const char *user)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = fn_store_new (dir, &error);

  g_assert_no_error (error);
  g_assert_true (fn_store_set_meta (store, "server_url", server, &error));
  g_assert_true (fn_store_set_meta (store, "username", user, &error));
  g_assert_true (fn_store_set_meta (store, "signed_in", "true", &error));
  g_assert_no_error (error);
}

static char *
dir_for (const char *base,
         const char *server,
         const char *user)
{
  g_autoptr (GError) error = NULL;
  char *dir = fn_accounts_dir_for (base, server, user, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

static void
test_layout (void)
{
  g_autofree char *base = make_base ();
  g_autofree char *first = NULL;
  g_autofree char *alice = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *bob_again = NULL;
  g_autofree char *bob_elsewhere = NULL;
  g_autofree char *accounts = g_build_filename (base, FN_ACCOUNTS_SUBDIR, NULL);
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;

  /* Nobody's yet: the first account keeps the base folder. */
  first = dir_for (base, "https://a.example", "alice");
  g_assert_cmpstr (first, ==, base);
  claim (base, "https://a.example", "alice");
  alice = dir_for (base, "https://a.example", "alice");
  g_assert_cmpstr (alice, ==, base);

  /* Anyone else gets a folder of their own, the same one every time. */
  bob = dir_for (base, "https://a.example", "bob");
  parent = g_path_get_dirname (bob);
  g_assert_cmpstr (parent, ==, accounts);
  name = g_path_get_basename (bob);
  g_assert_cmpuint (strlen (name), ==, 16);
  bob_again = dir_for (base, "https://a.example", "bob");
  g_assert_cmpstr (bob_again, ==, bob);
  /* The same name at another office is another account. */
  bob_elsewhere = dir_for (base, "https://b.example", "bob");
  g_assert_cmpstr (bob_elsewhere, !=, bob);
  /* Nothing is made until somebody signs in. */
  g_assert_false (g_file_test (accounts, G_FILE_TEST_EXISTS));

  fn_test_remove_tree (base);
}

static void
test_demo_base_is_never_an_account (void)
{
  g_autofree char *base = make_base ();
  g_autofree char *dir = NULL;
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (FnStore) store = fn_store_new (base, &error);

    g_assert_no_error (error);
    g_assert_true (fn_store_load_demo_data (store, 3, 2, &error));
    g_assert_no_error (error);
  }

  dir = dir_for (base, "https://a.example", "alice");
  g_assert_cmpstr (dir, !=, base);
  g_assert_true (g_str_has_prefix (dir, base));

  fn_test_remove_tree (base);
}

static void
write_index (const char *base,
             const char *contents)
{
  g_autofree char *path = g_build_filename (base, FN_ACCOUNTS_FILE, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
test_current (void)
{
  g_autofree char *base = make_base ();
  g_autofree char *bob = NULL;
  g_autofree char *current = NULL;
  g_autofree char *index = g_build_filename (base, FN_ACCOUNTS_FILE, NULL);
  g_autofree char *outside = g_build_filename (base, "..", "elsewhere", NULL);
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  /* No index: the base folder. */
  current = fn_accounts_get_current_dir (base);
  g_assert_cmpstr (current, ==, base);
  g_clear_pointer (&current, g_free);

  claim (base, "https://a.example", "alice");
  bob = dir_for (base, "https://a.example", "bob");
  claim (bob, "https://a.example", "bob");

  g_assert_true (fn_accounts_set_current (base, bob, &error));
  g_assert_no_error (error);
  current = fn_accounts_get_current_dir (base);
  g_assert_cmpstr (current, ==, bob);
  g_clear_pointer (&current, g_free);
  g_assert_cmpint (g_stat (index, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Only folders of the base can be current. */
  g_assert_false (fn_accounts_set_current (base, outside, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  current = fn_accounts_get_current_dir (base);
  g_assert_cmpstr (current, ==, bob);
  g_clear_pointer (&current, g_free);

  /* Signed out: the base folder again. */
  g_assert_true (fn_accounts_set_current (base, NULL, &error));
  g_assert_no_error (error);
  current = fn_accounts_get_current_dir (base);
  g_assert_cmpstr (current, ==, base);
  g_clear_pointer (&current, g_free);

  /* A hand-edited index cannot point anywhere else. */
  write_index (base, "[current]\nfolder=../../etc\n");
  current = fn_accounts_get_current_dir (base);
  g_assert_cmpstr (current, ==, base);
  g_clear_pointer (&current, g_free);
  write_index (base, "[current]\nfolder=accounts/0123456789abcdef\n");  /* no such folder */
  current = fn_accounts_get_current_dir (base);
  g_assert_cmpstr (current, ==, base);
  g_clear_pointer (&current, g_free);
  write_index (base, "not an index");
  current = fn_accounts_get_current_dir (base);
  g_assert_cmpstr (current, ==, base);
  g_clear_pointer (&current, g_free);

  fn_test_remove_tree (base);
}

/* ---- two caregivers against the real server ---- */

typedef struct
{
  FnTestFixture server;
  char *base;
  char *alice_patient;
  char *bob_patient;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  FnTestClient *office;

  fn_test_fixture_setup (&f->server, data);
  office = fn_test_fixture_user (&f->server, "office");
  f->alice_patient = fn_test_create_patient (office, "Albrecht",
                                             fn_test_fixture_user (&f->server, "alice")->user_id,
                                             NULL);
  f->bob_patient = fn_test_create_patient (office, "Brennan",
                                           fn_test_fixture_user (&f->server, "bob")->user_id,
                                           NULL);
  f->base = make_base ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fn_test_remove_tree (f->base);
  g_free (f->base);
  g_free (f->alice_patient);
  g_free (f->bob_patient);
  fn_test_fixture_teardown (&f->server, data);
}

static char *
sign_in (Fixture    *f,
         const char *user)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *password = fn_test_password_for (user);
  char *dir;

  dir = fn_accounts_sign_in (f->base, FN_TOKEN_STORE_FILE,
                             fn_test_server_get_url (f->server.server), user, password, NULL,
                             NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

static void
sync_folder (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = fn_store_new (dir, &error);
  g_autoptr (FnTokenStore) tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, dir);
  g_autoptr (FnSyncEngine) engine = NULL;

  g_assert_no_error (error);
  engine = fn_sync_engine_new (store, tokens);
  g_assert_true (fn_test_engine_sync (engine, &error));
  g_assert_no_error (error);
  fn_sync_engine_shutdown (engine);
}

static void
sign_out (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = fn_store_new (dir, &error);
  g_autoptr (FnTokenStore) tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, dir);

  g_assert_no_error (error);
  g_assert_true (fn_accounts_sign_out (store, tokens, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fn_accounts_is_signed_out (store));
}

static char *
dump_outbox (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = fn_store_new (dir, &error);
  g_autoptr (GPtrArray) ops = NULL;
  GString *dump = g_string_new (NULL);

  g_assert_no_error (error);
  ops = fn_store_list_outbox (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ops->len; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (ops, i);

      g_string_append_printf (dump, "%s %s %s\n", op->op_id, op->record_id, op->fields_json);
    }

  return g_string_free (dump, FALSE);
}

static void
test_two_caregivers (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *alice_dir = sign_in (f, "alice");
  g_autofree char *bob_dir = NULL;
  g_autofree char *alice_again = NULL;
  g_autofree char *current = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *note_id = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) on_server = NULL;

  g_assert_cmpstr (alice_dir, ==, f->base);
  sync_folder (alice_dir);

  /* Alice writes a note that has not reached the office yet. */
  {
    g_autoptr (FnStore) store = fn_store_new (alice_dir, &error);
    g_autoptr (FnNote) note = fn_note_new (f->alice_patient);

    fn_record_set_field (FN_RECORD (note), "title", "Evening visit");
    fn_record_set_field (FN_RECORD (note), "body", "Written before Bob took the laptop.");
    g_assert_true (fn_store_save (store, FN_RECORD (note), &error));
    g_assert_no_error (error);
    note_id = g_strdup (fn_record_get_id (FN_RECORD (note)));
    g_assert_cmpuint (fn_store_count_pending (store), ==, 1);
  }
  before = dump_outbox (alice_dir);
  sign_out (alice_dir);
  current = fn_accounts_get_current_dir (f->base);
  g_assert_cmpstr (current, ==, f->base);
  g_clear_pointer (&current, g_free);

  /* Bob signs in on the same laptop: a store of his own, with his patient
   * and nothing of Alice's. */
  bob_dir = sign_in (f, "bob");
  g_assert_cmpstr (bob_dir, !=, alice_dir);
  current = fn_accounts_get_current_dir (f->base);
  g_assert_cmpstr (current, ==, bob_dir);
  g_clear_pointer (&current, g_free);
  sync_folder (bob_dir);
  {
    g_autoptr (FnStore) store = fn_store_new (bob_dir, &error);
    g_autoptr (GPtrArray) patients = fn_store_list_patients (store, NULL, NULL);
    g_autoptr (FnRecord) alices = fn_store_get (store, FN_ENTITY_NOTE, note_id, NULL);

    g_assert_cmpuint (patients->len, ==, 1);
    g_assert_cmpstr (fn_record_get_id (g_ptr_array_index (patients, 0)), ==, f->bob_patient);
    g_assert_null (alices);
    g_assert_cmpuint (fn_store_count_pending (store), ==, 0);
  }
  sign_out (bob_dir);

  /* Alice's waiting change is exactly as she left it, and unsent. */
  after = dump_outbox (alice_dir);
  g_assert_cmpstr (after, ==, before);
  on_server = fn_test_client_get_record (fn_test_fixture_user (&f->server, "office"), "note",
                                         note_id);
  g_assert_null (on_server);

  /* She signs in again: her folder, and her note goes to the office. */
  alice_again = sign_in (f, "alice");
  g_assert_cmpstr (alice_again, ==, alice_dir);
  sync_folder (alice_again);
  on_server = fn_test_client_get_record (fn_test_fixture_user (&f->server, "office"), "note",
                                         note_id);
  g_assert_nonnull (on_server);
  g_assert_cmpstr (fn_test_record_field (on_server, "body"), ==,
                   "Written before Bob took the laptop.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/accounts/layout", test_layout);
  g_test_add_func ("/accounts/demo-base", test_demo_base_is_never_an_account);
  g_test_add_func ("/accounts/current", test_current);
  g_test_add ("/accounts/two-caregivers", Fixture, NULL, fixture_setup, test_two_caregivers,
              fixture_teardown);

  return g_test_run ();
}
