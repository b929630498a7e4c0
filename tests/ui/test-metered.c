/* test-metered.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signatures on metered networks in the window: the Preferences switch
 * bound to the sync-attachments-metered key, the sync indicator's words
 * for what waits, and the signature view without its image.
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-preferences-window.h"
#include "fn-settings.h"
#include "fn-signature-view.h"
#include "fn-sync-status.h"
#include "fn-test-util.h"

#include <string.h>

/* The switch takes its new state once its animation is over. */
static gboolean
switch_is_off (gpointer user_data)
{
  return !gtk_switch_get_active (user_data);
}

static void
test_preferences_switch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettings) settings = g_settings_new (FN_SETTINGS_SCHEMA_ID);
  g_autofree char *dir = g_dir_make_tmp ("fn-test-metered-XXXXXX", &error);
  g_autoptr (FnStore) store = NULL;
  g_autoptr (FnTokenStore) tokens = NULL;
  FnPreferencesWindow *preferences;
  GtkSwitch *metered_switch;
  AdwActionRow *row;

  g_assert_no_error (error);
  store = fn_store_new (dir, &error);
  g_assert_no_error (error);
  tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, dir);

  /* Signatures sync everywhere unless the caregiver says otherwise. */
  g_assert_true (g_settings_get_boolean (settings, FN_SETTINGS_SYNC_ATTACHMENTS_METERED));

  preferences = g_object_ref_sink (fn_preferences_window_new (NULL, store, NULL, tokens));
  gtk_window_present (GTK_WINDOW (preferences));
  metered_switch = GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                              FN_TYPE_PREFERENCES_WINDOW,
                                                              "metered_switch"));
  g_assert_nonnull (metered_switch);
  row = ADW_ACTION_ROW (gtk_widget_get_ancestor (GTK_WIDGET (metered_switch),
                                                 ADW_TYPE_ACTION_ROW));
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row)));
  g_assert_true (adw_action_row_get_activatable_widget (row) == GTK_WIDGET (metered_switch));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                            "Metered"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "notes always sync"));
  g_assert_true (gtk_switch_get_active (metered_switch));

  /* The row turns the switch, and the switch writes the key. */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  g_assert_true (fn_test_spin_until (switch_is_off, metered_switch, 5000));
  g_assert_false (g_settings_get_boolean (settings, FN_SETTINGS_SYNC_ATTACHMENTS_METERED));

  /* And the key, changed elsewhere, moves the switch. */
  g_settings_set_boolean (settings, FN_SETTINGS_SYNC_ATTACHMENTS_METERED, TRUE);
  g_assert_true (gtk_switch_get_active (metered_switch));

  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_finalize_object (preferences);
  g_assert_finalize_object (g_steal_pointer (&tokens));
  g_assert_finalize_object (g_steal_pointer (&store));
  fn_test_remove_tree (dir);
}

static void
test_indicator_words (void)
{
  FnSyncSnapshot s = { 0 };
  g_autofree char *short_text = NULL;
  g_autofree char *long_text = NULL;

  s.state = FN_SYNC_ENGINE_IDLE;
  s.last_sync = 1000;

  /* Two signatures held back and nothing else: no "changes waiting". */
  s.pending = 2;
  s.deferred_uploads = 2;
  short_text = fn_sync_status_short_text (&s, 2000);
  g_assert_cmpstr (short_text, ==, "2 signatures wait for an unmetered network");
  long_text = fn_sync_status_long_text (&s, 2000);
  g_assert_nonnull (strstr (long_text, "2 signatures wait for a network that is not metered; "
                                       "notes and other changes sync as usual."));
  g_assert_nonnull (strstr (long_text, "Preferences"));
  g_assert_null (strstr (long_text, "wait to be sent"));
  g_assert_cmpstr (fn_sync_status_icon_name (&s), ==, "document-send-symbolic");
  g_clear_pointer (&short_text, g_free);
  g_clear_pointer (&long_text, g_free);

  /* A note waits too, and one pulled signature lacks its image. */
  s.pending = 3;
  s.deferred_downloads = 1;
  short_text = fn_sync_status_short_text (&s, 2000);
  g_assert_cmpstr (short_text, ==, "1 change waiting");
  long_text = fn_sync_status_long_text (&s, 2000);
  g_assert_nonnull (strstr (long_text, "1 change is saved on this laptop and waits to be sent."));
  g_assert_nonnull (strstr (long_text, "3 signatures wait for a network that is not metered"));
  g_clear_pointer (&short_text, g_free);
  g_clear_pointer (&long_text, g_free);

  /* Nothing deferred: as before. */
  s.pending = 0;
  s.deferred_uploads = 0;
  s.deferred_downloads = 0;
  long_text = fn_sync_status_long_text (&s, 2000);
  g_assert_null (strstr (long_text, "metered"));
  g_assert_cmpstr (fn_sync_status_icon_name (&s), ==, "emblem-ok-symbolic");
}

static FnStrokes *
line (void)
{
  FnStrokes *strokes = fn_strokes_new (600, 200);

  for (guint i = 0; i < 20; i++)
    {
      FnStrokePoint p = { 50 + i * 20, 100, i * 10, 0.5 };

      fn_strokes_add_point (strokes, &p);
    }
  fn_strokes_end_stroke (strokes);

  return strokes;
}

static void
test_signature_view (void)
{
  GtkWidget *view = g_object_ref_sink (fn_signature_view_new ());
  GtkWidget *missing = GTK_WIDGET (gtk_widget_get_template_child (view, FN_TYPE_SIGNATURE_VIEW,
                                                                  "missing_label"));
  GtkWidget *metered = GTK_WIDGET (gtk_widget_get_template_child (view, FN_TYPE_SIGNATURE_VIEW,
                                                                  "metered_label"));
  g_autoptr (FnStrokes) strokes = line ();

  /* No image yet: it comes with the next sync... */
  fn_signature_view_set_signature (FN_SIGNATURE_VIEW (view), NULL, "Agnes", "patient", NULL);
  g_assert_true (gtk_widget_get_visible (missing));
  g_assert_false (gtk_widget_get_visible (metered));

  /* ...or on a network that is not metered, and that is no error. */
  fn_signature_view_set_metered (FN_SIGNATURE_VIEW (view), TRUE);
  g_assert_false (gtk_widget_get_visible (missing));
  g_assert_true (gtk_widget_get_visible (metered));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (metered)), "metered network"));

  /* The image arrived. */
  fn_signature_view_set_signature (FN_SIGNATURE_VIEW (view), strokes, "Agnes", "patient", NULL);
  g_assert_false (gtk_widget_get_visible (missing));
  g_assert_false (gtk_widget_get_visible (metered));

  g_assert_finalize_object (view);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/metered/preferences-switch", test_preferences_switch);
  g_test_add_func ("/ui/metered/indicator-words", test_indicator_words);
  g_test_add_func ("/ui/metered/signature-view", test_signature_view);

  return g_test_run ();
}
