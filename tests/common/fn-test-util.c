/* fn-test-util.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-test-util.h"

#include <glib/gstdio.h>

/* Waiting, always bounded */

static gboolean
on_deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * fn_test_spin_until:
 *
 * Runs the default main context until @check returns %TRUE or @timeout_ms
 * have passed.
 *
 * Returns: whether @check returned %TRUE in time
 */
gboolean
fn_test_spin_until (FnTestCheckFunc check,
                    gpointer        user_data,
                    guint           timeout_ms)
{
  gboolean expired = FALSE;
  guint source_id;

  if (check (user_data))
    return TRUE;

  source_id = g_timeout_add (timeout_ms, on_deadline_cb, &expired);
  while (!expired && !check (user_data))
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (source_id);

  return check (user_data);
}

/**
 * fn_test_spin:
 *
 * Runs the default main context for @ms milliseconds.
 */
void
fn_test_spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * fn_test_pointer_is_set:
 * @user_data: the address of a pointer
 *
 * A #FnTestCheckFunc for fn_test_spin_until().
 */
gboolean
fn_test_pointer_is_set (gpointer user_data)
{
  return *(gpointer *)user_data != NULL;
}

/**
 * fn_test_store_result_cb:
 * @user_data: the address of a #GAsyncResult pointer
 *
 * A #GAsyncReadyCallback that keeps a reference to the result, to wait for
 * it with fn_test_spin_until() and fn_test_pointer_is_set().
 */
void
fn_test_store_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * fn_test_wait_finalized:
 * @object: (transfer full): a #GObject
 *
 * Drops the caller's reference to @object and runs the default main context
 * until the object is finalized, failing the test after 5 s. A worker thread
 * may hold the last reference (a finished run's task holds its engine) a
 * moment after its result reached the main thread, without waking the main
 * context: this polls.
 */
void
fn_test_wait_finalized (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  while (weak && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_null (weak);
}

/* Files */

/**
 * fn_test_remove_tree:
 *
 * Removes @path and everything below it (symbolic links are not followed).
 */
void
fn_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) &&
      !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          fn_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    {
      g_unlink (path);
    }
}
