/* fn-test-window.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-test-window.h"

#include "fn-test-util.h"

static gboolean
is_mapped (gpointer user_data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (user_data));
}

/**
 * fn_test_demo_store_new:
 * @dir_template: a template for g_dir_make_tmp()
 * @data_dir: (out) (transfer full): the new folder, for fn_test_remove_tree()
 *
 * Returns: (transfer full): a store in a new temporary folder, with
 *   @n_patients patients and @n_notes notes of demo data
 */
FnStore *
fn_test_demo_store_new (const char  *dir_template,
                        guint        n_patients,
                        guint        n_notes,
                        char       **data_dir)
{
  g_autoptr (GError) error = NULL;
  FnStore *store;

  *data_dir = g_dir_make_tmp (dir_template, &error);
  g_assert_no_error (error);

  store = fn_store_new (*data_dir, &error);
  g_assert_no_error (error);
  fn_store_load_demo_data (store, n_patients, n_notes, &error);
  g_assert_no_error (error);

  return store;
}

/**
 * fn_test_window_open:
 * @engine: (nullable): the sync engine the window shows
 *
 * Returns: (transfer full): a new window on @store, presented at @width by
 *   @height and mapped (the test fails if it is not within 5 s)
 */
FnWindow *
fn_test_window_open (FnStore      *store,
                     FnSyncEngine *engine,
                     int           width,
                     int           height)
{
  FnWindow *window = g_object_ref_sink (fn_window_new (NULL, store));

  if (engine)
    fn_window_set_sync_engine (window, engine);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fn_test_spin_until (is_mapped, window, 5000));

  return window;
}

/**
 * fn_test_window_close:
 * @window: (transfer full): a window from fn_test_window_open()
 *
 * Destroys @window, asserts that it is finalized, and lets the idles that
 * clean up after it (toasts, list items) run.
 */
void
fn_test_window_close (FnWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  fn_test_spin (50);
}
