/* test-store-locks.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Two connections in one process (the window's and the sync engine's
 * worker's) and another process beside them (field-notes-cli): opening the
 * second connection must not drop the locks of the first, or the other
 * process checkpoints and deletes the WAL under it, and what the first
 * writes afterwards is lost. */

#include "config.h"

#include "fn-core.h"
#include "fn-test-util.h"

#include <sqlite3.h>
#include <sys/wait.h>

/* Opens the database, runs @sql (a query returning one small integer) and
 * returns it, or 99. */
static int
run_query (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value = 99;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static char *self_path;

/* As another program would, in a fresh process (a fork would share this
 * one's view of SQLite's locks): this test binary again, with --query.
 * (Not /proc/self/exe: under valgrind that is valgrind.) */
static int
query_in_other_process (const char *path,
                        const char *sql)
{
  const char *argv[] = { self_path, "--query", path, sql, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_second_connection_keeps_locks (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fn-locks-XXXXXX", &error);
  g_autofree char *wal = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (FnStore) worker = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (FnNote) note = NULL;

  g_assert_no_error (error);
  store = fn_store_new (dir, &error);
  g_assert_no_error (error);
  g_assert_true (fn_store_load_demo_data (store, 2, 2, &error));
  g_assert_no_error (error);
  wal = g_strconcat (fn_store_get_path (store), "-wal", NULL);

  /* What the sync engine's worker and the report do: a connection of
   * their own, opened and closed while the first one stays open. */
  worker = fn_store_new (dir, &error);
  g_assert_no_error (error);
  g_clear_object (&worker);

  /* field-notes-cli reads and exits. */
  g_assert_cmpint (query_in_other_process (fn_store_get_path (store),
                                           "SELECT count(*) FROM patients"), ==, 2);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* What the first connection writes now reaches everybody. */
  patients = fn_store_list_patients (store, NULL, &error);
  g_assert_no_error (error);
  note = fn_note_new (fn_record_get_id (g_ptr_array_index (patients, 0)));
  g_object_set (note, "title", "Written after the command line ran", "body", "Kept.", NULL);
  g_assert_true (fn_store_save (store, FN_RECORD (note), &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_in_other_process (fn_store_get_path (store),
                                           "SELECT count(*) FROM notes WHERE title = "
                                           "'Written after the command line ran'"), ==, 1);

  g_clear_object (&store);
  fn_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--query"))
    return run_query (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);
  self_path = g_canonicalize_filename (argv[0], NULL);

  g_test_add_func ("/store/locks/second-connection", test_second_connection_keeps_locks);

  return g_test_run ();
}
