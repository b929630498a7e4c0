/* test-l10n.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts the window and field-notes-cli in German (LANGUAGE=de,
 * de_DE.UTF-8) with the translations of this build, checks what a person
 * sees, and saves G_TEST_BUILDDIR/screenshot-main-window-de.png at 1366×768.
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-conflict-view.h"
#include "fn-preferences-window.h"
#include "fn-store-private.h"
#include "fn-test-util.h"
#include "fn-test-window.h"
#include "fn-welcome-window.h"
#include "fn-window.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

typedef struct
{
  char         *data_dir;
  FnStore      *store;
  FnTokenStore *tokens;
  FnSyncEngine *engine;
  FnWindow     *window;
} Fixture;

static gboolean have_german;

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
spin_until_mapped (GtkWidget *widget,
                   guint      ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);

  while (!gtk_widget_get_mapped (widget) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  return gtk_widget_get_mapped (widget);
}

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                   FN_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  if (!have_german)
    return;

  fixture->store = fn_test_demo_store_new ("fn-test-l10n-XXXXXX", 30, 200, &fixture->data_dir);

  /* Not signed in: the sync status says the notes stay on this laptop. */
  fixture->tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, fixture->data_dir);
  fixture->engine = fn_sync_engine_new (fixture->store, fixture->tokens);

  fixture->window = fn_test_window_open (fixture->store, fixture->engine, 1366, 768);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (!fixture->window)
    return;

  fn_test_window_close (g_steal_pointer (&fixture->window));
  fn_sync_engine_shutdown (fixture->engine);
  fn_test_wait_finalized (g_steal_pointer (&fixture->engine));
  g_assert_finalize_object (g_steal_pointer (&fixture->tokens));
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fn_test_remove_tree (fixture->data_dir);
  g_clear_pointer (&fixture->data_dir, g_free);
}

/* Saves what @widget shows now as G_TEST_BUILDDIR/screenshot-NAME.png. */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("screenshot-%s.png", name);
  g_autofree char *path = NULL;
  const char *dir = g_getenv ("G_TEST_BUILDDIR");
  int width = 0, height = 0;

  /* Let transitions finish; a widget waiting for its size draws nothing. */
  fn_test_spin (600);
  for (int attempt = 0; !node && attempt < 50; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        fn_test_spin (20);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir ? dir : ".", file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* A visible text that our catalogue still translates was shown in English. */
static void
assert_no_english (GtkWidget *widget)
{
  const char *text = NULL;

  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (ADW_IS_STATUS_PAGE (widget))
    text = adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

  if (text && *text)
    {
      g_test_message ("visible: %s", text);
      if (strcmp (g_dgettext (GETTEXT_PACKAGE, text), text) != 0)
        g_error ("“%s” is shown untranslated", text);
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    assert_no_english (c);
}

static void
test_window (Fixture       *fixture,
             gconstpointer  user_data)
{
  GtkStack *content_stack;
  GtkListView *list_view;
  GtkWidget *empty_page;
  g_autofree char *placeholder = NULL;

  if (!have_german)
    {
      g_test_skip ("the de_DE.UTF-8 locale is missing: run tools/install-deps");
      return;
    }

  g_object_get (child (fixture, "search_entry"), "placeholder-text", &placeholder, NULL);
  g_assert_cmpstr (placeholder, ==, "Patienten und Notizen durchsuchen");

  content_stack = child (fixture, "content_stack");
  empty_page = gtk_stack_get_visible_child (content_stack);
  g_assert_true (ADW_IS_STATUS_PAGE (empty_page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty_page)), ==,
                   "Kein Patient ausgewählt");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Field Notes");
  fn_test_spin (200);
  assert_no_english (GTK_WIDGET (fixture->window));
  screenshot (GTK_WIDGET (fixture->window), "main-window-de-empty");

  /* A patient with notes shows the most words. */
  list_view = child (fixture, "patient_list_view");
  gtk_selection_model_select_item (gtk_list_view_get_model (list_view), 0, TRUE);
  fn_test_spin (200);
  g_assert_true (gtk_stack_get_visible_child (content_stack) != empty_page);
  assert_no_english (GTK_WIDGET (fixture->window));
  screenshot (GTK_WIDGET (fixture->window), "main-window-de");
}

static void
test_note_editor (Fixture       *fixture,
                  gconstpointer  user_data)
{
  GtkListView *list_view;
  FnPatient *patient;
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (GError) error = NULL;
  const char *id;

  if (!have_german)
    {
      g_test_skip ("the de_DE.UTF-8 locale is missing: run tools/install-deps");
      return;
    }

  list_view = child (fixture, "patient_list_view");
  gtk_selection_model_select_item (gtk_list_view_get_model (list_view), 0, TRUE);
  patient = fn_window_get_patient (fixture->window);
  g_assert_nonnull (patient);
  notes = fn_store_list_notes (fixture->store, fn_record_get_id (FN_RECORD (patient)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, >, 0);
  id = fn_record_get_id (g_ptr_array_index (notes, 0));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-note",
                                             "s", id));
  fn_test_spin (200);
  g_assert_true (gtk_stack_get_visible_child (child (fixture, "content_stack")) ==
                 child (fixture, "note_editor"));
  assert_no_english (GTK_WIDGET (fixture->window));
  screenshot (GTK_WIDGET (fixture->window), "note-editor-de");
}

static void
test_preferences (Fixture       *fixture,
                  gconstpointer  user_data)
{
  GtkWidget *preferences;

  if (!have_german)
    {
      g_test_skip ("the de_DE.UTF-8 locale is missing: run tools/install-deps");
      return;
    }

  preferences = GTK_WIDGET (fn_preferences_window_new (GTK_WINDOW (fixture->window),
                                                       fixture->store, fixture->engine,
                                                       fixture->tokens));
  g_object_ref_sink (preferences);
  gtk_window_present (GTK_WINDOW (preferences));
  g_assert_true (spin_until_mapped (preferences, 5000));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (preferences)), ==, "Einstellungen");
  fn_test_spin (200);
  assert_no_english (preferences);
  screenshot (preferences, "preferences-de");
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_finalize_object (preferences);
}

static void
test_welcome (Fixture       *fixture,
              gconstpointer  user_data)
{
  GtkWidget *welcome;

  if (!have_german)
    {
      g_test_skip ("the de_DE.UTF-8 locale is missing: run tools/install-deps");
      return;
    }

  welcome = GTK_WIDGET (fn_welcome_window_new (NULL, fn_store_get_data_dir (fixture->store),
                                               FN_TOKEN_STORE_FILE, fixture->store, NULL));
  g_object_ref_sink (welcome);
  gtk_window_set_default_size (GTK_WINDOW (welcome), 1366, 768);
  gtk_window_present (GTK_WINDOW (welcome));
  g_assert_true (spin_until_mapped (welcome, 5000));
  /* A no-break space keeps the name on one line. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (welcome)), ==, "Willkommen bei Field\u00a0Notes");
  fn_test_spin (200);
  assert_no_english (welcome);
  screenshot (welcome, "welcome-de");
  gtk_window_destroy (GTK_WINDOW (welcome));
  g_assert_finalize_object (welcome);
}

/* Who wrote a version of a conflicting note and when, in German words and
 * formats. */
static void
test_conflict_origin (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr (GDateTime) now = g_date_time_new (tz, 2026, 11, 28, 18, 30, 0);
  g_autoptr (GDateTime) today = g_date_time_new (tz, 2026, 11, 28, 14, 5, 0);
  g_autoptr (GDateTime) yesterday = g_date_time_new (tz, 2026, 11, 27, 9, 12, 0);
  g_autoptr (GDateTime) earlier = g_date_time_new (tz, 2026, 11, 3, 8, 0, 0);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  if (!have_german)
    {
      g_test_skip ("the de_DE.UTF-8 locale is missing: run tools/install-deps");
      return;
    }

  a = fn_conflict_describe_origin ("alice", today, now);
  g_assert_cmpstr (a, ==, "alice, heute um 14:05");
  b = fn_conflict_describe_origin (NULL, yesterday, now);
  g_assert_cmpstr (b, ==, "Geschrieben gestern um 09:12");
  c = fn_conflict_describe_origin ("office", earlier, now);
  g_assert_cmpstr (c, ==, "office, 3. November 2026 um 08:00");
  d = fn_conflict_describe_origin (NULL, NULL, now);
  g_assert_null (d);
}

static void
test_cli_help (void)
{
  const char *cli = g_getenv ("FIELD_NOTES_CLI");
  const char *argv[] = { cli, "--help", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!have_german)
    {
      g_test_skip ("the de_DE.UTF-8 locale is missing: run tools/install-deps");
      return;
    }
  if (!cli)
    {
      g_test_skip ("FIELD_NOTES_CLI is not set");
      return;
    }

  /* The child inherits LANGUAGE, the locale and FIELD_NOTES_LOCALEDIR. */
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Befehle:"));
  g_assert_nonnull (strstr (out, "Die Patienten auflisten"));
  g_assert_nonnull (strstr (out, "Exit-Status:"));
  g_assert_null (strstr (out, "Commands:"));
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("FIELD_NOTES_LOCALEDIR");
  const char *locale;
  g_autoptr (GtkCssProvider) css = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* What AdwApplication loads for the app, so that screenshots match. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/fieldnotes/FieldNotes/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/fieldnotes/FieldNotes/icons");

  /* gtk_test_init chose an English locale; take the environment's. */
  locale = setlocale (LC_ALL, "");
  have_german = locale && g_str_has_prefix (locale, "de_DE");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add ("/ui/l10n/window", Fixture, NULL, fixture_set_up, test_window, fixture_tear_down);
  g_test_add ("/ui/l10n/note-editor", Fixture, NULL, fixture_set_up, test_note_editor,
              fixture_tear_down);
  g_test_add ("/ui/l10n/preferences", Fixture, NULL, fixture_set_up, test_preferences,
              fixture_tear_down);
  g_test_add ("/ui/l10n/welcome", Fixture, NULL, fixture_set_up, test_welcome, fixture_tear_down);
  g_test_add_func ("/ui/l10n/cli-help", test_cli_help);
  g_test_add_func ("/ui/l10n/conflict-origin", test_conflict_origin);

  return g_test_run ();
}
