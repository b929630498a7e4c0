/* test-sync.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's sync state against the real field-notes-server: the header
 * indicator, the offline bar, the row markers and the conflict view, with
 * a screenshot of each state in the build folder.
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-conflict-view.h"
#include "fn-note-editor.h"
#include "fn-patient-page.h"
#include "fn-preferences-window.h"
#include "fn-sync-indicator.h"
#include "fn-test-engine.h"
#include "fn-test-server.h"
#include "fn-test-window.h"
#include "fn-welcome-window.h"
#include "fn-window.h"

#include <string.h>

#define WAIT_MS 20000

typedef struct
{
  FnTestFixture server;
  char         *data_dir;
  FnStore      *store;
  FnTokenStore *tokens;
  FnSyncEngine *engine;
  FnWindow     *window;
  char         *patient_id;
} Fixture;

typedef gboolean (*Condition) (Fixture *f, gpointer data);

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds or @ms pass. */
static gboolean
spin_until (Fixture   *f,
            Condition  condition,
            gpointer   data,
            guint      ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);
  gboolean ok;

  while (!(ok = condition (f, data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return ok;
}

static gpointer
window_child (Fixture    *f,
              const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (f->window), FN_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static gpointer
inner_child (gpointer    widget,
             GType       type,
             const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

static void
open_window (Fixture *f,
             int      width,
             int      height)
{
  if (f->window)
    fn_test_window_close (g_steal_pointer (&f->window));

  f->window = fn_test_window_open (f->store, f->engine, width, height);
}

/* Saves what @widget (a window or a popover) shows now as
 * G_TEST_BUILDDIR/screenshot-NAME.png. */
static void
render_to_png (GtkWidget  *widget,
               const char *name)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width = 0, height = 0;
  const char *dir = g_getenv ("G_TEST_BUILDDIR");

  /* A widget waiting for its new size draws nothing: give it a frame. */
  paintable = gtk_widget_paintable_new (widget);
  for (int attempt = 0; !node && attempt < 50; attempt++)
    {
      if (attempt > 0)
        fn_test_spin (20);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("screenshot-%s.png", name);
  path = g_build_filename (dir ? dir : ".", file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* At once, for a state that does not last. */
static void
screenshot_widget_now (GtkWidget  *widget,
                       const char *name)
{
  /* One frame, so that the widgets have their sizes. */
  fn_test_spin (40);
  render_to_png (widget, name);
}

static void
screenshot_widget (GtkWidget  *widget,
                   const char *name)
{
  /* Let animations (revealers, stack transitions) finish. */
  fn_test_spin (600);
  render_to_png (widget, name);
}

static void
screenshot (Fixture    *f,
            const char *name)
{
  screenshot_widget (GTK_WIDGET (f->window), name);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fn_test_fixture_setup (&f->server, NULL);

  f->data_dir = g_dir_make_tmp ("fn-test-ui-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = fn_store_new (f->data_dir, &error);
  g_assert_no_error (error);
  f->tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, f->data_dir);
  f->engine = fn_sync_engine_new (f->store, f->tokens);

  f->patient_id = fn_test_create_patient (fn_test_fixture_user (&f->server, "office"), "Albrecht",
                                          fn_test_fixture_user (&f->server, "alice")->user_id,
                                          NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window)
    {
      GtkWidget *window = GTK_WIDGET (g_steal_pointer (&f->window));

      gtk_window_destroy (GTK_WINDOW (window));
      g_assert_finalize_object (window);
    }
  /* Toasts and list items go away from idles. */
  fn_test_spin (50);

  fn_sync_engine_shutdown (f->engine);
  fn_test_wait_finalized (g_steal_pointer (&f->engine));
  g_assert_finalize_object (g_steal_pointer (&f->tokens));
  g_assert_finalize_object (g_steal_pointer (&f->store));
  fn_test_remove_tree (f->data_dir);
  g_clear_pointer (&f->data_dir, g_free);
  g_clear_pointer (&f->patient_id, g_free);
  fn_test_fixture_teardown (&f->server, data);
}

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

/* One complete run, waited for on the main loop like the window does. */
static gboolean
run_sync (Fixture *f)
{
  return fn_test_engine_sync (f->engine, NULL);
}

static const char *
indicator_text (Fixture *f)
{
  return fn_sync_indicator_get_text (window_child (f, "sidebar_indicator"));
}

static gboolean
indicator_says (Fixture *f,
                gpointer prefix)
{
  const char *text = indicator_text (f);

  return text && g_str_has_prefix (text, prefix);
}

static void
assert_indicator (Fixture    *f,
                  const char *prefix)
{
  if (!spin_until (f, indicator_says, (gpointer)prefix, WAIT_MS))
    g_error ("The indicator says “%s”, not “%s…”", indicator_text (f), prefix);
}

static void
office_edit (Fixture    *f,
             const char *id,
             const char *field,
             const char *value)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  g_autoptr (JsonObject) current = fn_test_client_get_record (office, "note", id);
  g_autoptr (JsonObject) result = NULL;

  result = fn_test_client_push_op (office,
                                   fn_test_op_new (office, "note", id,
                                                   fn_test_record_version (current),
                                                   field, fn_test_str (value), NULL));
  g_assert_cmpstr (fn_test_result_status (result), !=, "rejected");
}

static char *
server_field (Fixture    *f,
              const char *entity,
              const char *id,
              const char *field)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  g_autoptr (JsonObject) record = fn_test_client_get_record (office, entity, id);

  return record ? g_strdup (fn_test_record_field (record, field)) : NULL;
}

static FnPatient *
listed_patient (Fixture *f)
{
  g_autoptr (FnPatient) patient = g_list_model_get_item (fn_window_get_patients (f->window), 0);

  g_assert_nonnull (patient);
  return patient;  /* the list keeps it */
}

static void
activate (Fixture    *f,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->window), action, parameter));
}

static gboolean
engine_in_state (Fixture *f,
                 gpointer state)
{
  return fn_sync_engine_get_state (f->engine) == (FnSyncEngineState)GPOINTER_TO_INT (state);
}

static gboolean
nothing_pending (Fixture *f,
                 gpointer data)
{
  return fn_sync_engine_get_state (f->engine) == FN_SYNC_ENGINE_IDLE &&
         fn_sync_engine_get_pending (f->engine) == 0;
}

/* The first image child of @widget's subtree with the style class. */
static GtkWidget *
find_with_class (GtkWidget  *widget,
                 const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_with_class (c, css_class);

      if (found)
        return found;
    }

  return NULL;
}

/* A label under @widget whose text contains @text, as in a toast. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text))
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);

      if (found)
        return found;
    }

  return NULL;
}

static gboolean
toast_shown (Fixture *f,
             gpointer text)
{
  return find_label (window_child (f, "toast_overlay"), text) != NULL;
}

static void
test_indicator_follows_engine (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GError) error = NULL;
  GtkRevealer *offline_revealer;
  GtkWidget *marker;
  const char *port;

  g_free (fn_test_create_note (fn_test_fixture_user (&f->server, "office"), f->patient_id,
                               "Admission", "First visit planned.\nBring the blood pressure cuff."));
  sign_in_laptop (f, "alice");
  open_window (f, 1366, 768);
  offline_revealer = window_child (f, "offline_revealer");

  g_assert_true (run_sync (f));
  assert_indicator (f, "Synced ");
  g_assert_cmpuint (g_list_model_get_n_items (fn_window_get_patients (f->window)), ==, 1);
  g_assert_true (fn_window_show_patient (f->window, listed_patient (f)));
  g_assert_false (gtk_revealer_get_reveal_child (offline_revealer));
  screenshot (f, "synced");
  open_window (f, 680, 768);
  screenshot (f, "synced-narrow");
  open_window (f, 1366, 768);
  g_assert_true (fn_window_show_patient (f->window, listed_patient (f)));
  offline_revealer = window_child (f, "offline_revealer");

  /* The network goes, and the server with it; a note is written. */
  url = g_strdup (fn_test_server_get_url (f->server.server));
  port = strrchr (url, ':') + 1;
  g_assert_true (fn_test_server_stop (f->server.server));
  fn_sync_engine_set_online (f->engine, FALSE);
  assert_indicator (f, "Offline");

  note = fn_note_new (f->patient_id);
  fn_record_set_field (FN_RECORD (note), "title", "Evening visit");
  fn_record_set_field (FN_RECORD (note), "body", "Written in the car park.");
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_no_error (error);

  assert_indicator (f, "Offline — 1 change saved on this laptop");
  g_assert_true (gtk_revealer_get_reveal_child (offline_revealer));
  g_assert_cmpstr (fn_sync_indicator_get_icon_name (window_child (f, "sidebar_indicator")), ==,
                   "network-offline-symbolic");

  /* The patient's row says it waits, in words as well as by its icon. */
  marker = find_with_class (GTK_WIDGET (window_child (f, "patient_list_view")), "sync-pending");
  g_assert_nonnull (marker);
  g_assert_true (gtk_widget_get_visible (marker));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (marker), "Waiting to sync"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (marker),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Waiting to sync: saved on this laptop, not yet at the office");
  screenshot (f, "offline-waiting");

  open_window (f, 680, 768);
  g_assert_true (fn_window_show_patient (f->window, listed_patient (f)));
  screenshot (f, "offline-waiting-narrow");
  activate (f, "win.back", NULL);
  screenshot (f, "offline-waiting-narrow-list");

  /* The network is back but the server is not: retrying, still waiting. */
  fn_sync_engine_set_online (f->engine, TRUE);
  g_assert_false (run_sync (f));
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_BACKING_OFF);
  assert_indicator (f, "Retrying");
  activate (f, "win.show-sync-status", NULL);
  fn_test_spin (300);
  {
    FnSyncIndicator *indicator = window_child (f, "content_indicator");

    /* Narrow and showing the list: the sidebar's indicator is the one. */
    if (!gtk_widget_get_mapped (GTK_WIDGET (indicator)))
      indicator = window_child (f, "sidebar_indicator");
    g_assert_true (gtk_widget_get_visible (inner_child (indicator, FN_TYPE_SYNC_INDICATOR,
                                                        "error_box")));
    screenshot_widget (inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "popover"),
                       "popover-retrying");
    gtk_popover_popdown (inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "popover"));
  }
  g_assert_false (gtk_revealer_get_reveal_child (window_child (f, "offline_revealer")));
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 1);

  /* The server returns; Sync Now delivers the note. */
  fn_test_server_start (f->server.server, "--port", port, NULL);
  activate (f, "win.sync-now", NULL);
  g_assert_true (spin_until (f, nothing_pending, NULL, WAIT_MS));
  assert_indicator (f, "Synced just now");
  g_assert_true (spin_until (f, toast_shown, "All changes synced", 2000));
  body = server_field (f, "note", fn_record_get_id (FN_RECORD (note)), "body");
  g_assert_cmpstr (body, ==, "Written in the car park.");
  g_assert_null (find_with_class (GTK_WIDGET (window_child (f, "patient_list_view")),
                                  "sync-pending"));
}

typedef enum
{
  KEEP_MINE,
  KEEP_THEIRS,
  MERGED,
} Choice;

static char *
text_of (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
editor_shows_note (Fixture *f,
                   gpointer data)
{
  GtkStack *content_stack = window_child (f, "content_stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (content_stack), "note") == 0;
}

static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  Choice choice = GPOINTER_TO_INT (data);
  g_autofree char *note_id = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *on_server = NULL;
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (GError) error = NULL;
  FnConflictView *view;
  FnNoteEditor *editor;
  GtkStack *content_stack;
  GtkWidget *marker;
  const char *expected;

  note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"), f->patient_id,
                                 "Wound care",
                                 "Dressing changed.\nSkin around the wound is dry.\nNext visit Monday.");
  sign_in_laptop (f, "alice");
  open_window (f, 1366, 768);
  g_assert_true (run_sync (f));

  /* Both sides change the text before they sync. */
  office_edit (f, note_id, "body",
               "Dressing changed.\nSkin around the wound is red; GP informed.\nNext visit Monday.");
  note = fn_store_get (f->store, FN_ENTITY_NOTE, note_id, &error);
  g_assert_no_error (error);
  fn_record_set_field (note, "body",
                       "Dressing changed.\nSkin around the wound is dry.\nNext visit Tuesday.");
  g_assert_true (fn_store_save (f->store, note, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (f));
  assert_indicator (f, "1 conflict");

  /* The note's row and the note itself say so. */
  g_assert_true (fn_window_show_patient (f->window, listed_patient (f)));
  marker = find_with_class (GTK_WIDGET (window_child (f, "patient_page")), "sync-conflict");
  g_assert_nonnull (marker);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (marker), "Conflict"));
  activate (f, "win.open-note", g_variant_new_string (note_id));
  editor = window_child (f, "note_editor");
  g_assert_true (gtk_revealer_get_reveal_child (inner_child (editor, FN_TYPE_NOTE_EDITOR,
                                                             "conflict_revealer")));
  if (choice == KEEP_MINE)
    screenshot (f, "conflict-note");

  /* The conflict view: this laptop's text beside the office's. */
  activate (f, "win.show-conflicts", g_variant_new_string (note_id));
  content_stack = window_child (f, "content_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "conflict");
  view = window_child (f, "conflict_view");
  mine = text_of (inner_child (view, FN_TYPE_CONFLICT_VIEW, "mine_view"));
  theirs = text_of (inner_child (view, FN_TYPE_CONFLICT_VIEW, "theirs_view"));
  g_assert_cmpstr (mine, ==, "Dressing changed.\nSkin around the wound is dry.\nNext visit Tuesday.");
  g_assert_cmpstr (theirs, ==,
                   "Dressing changed.\nSkin around the wound is red; GP informed.\nNext visit Monday.");
  /* Under each heading, who wrote that version and when, as text. */
  {
    GtkWidget *mine_origin = inner_child (view, FN_TYPE_CONFLICT_VIEW, "mine_origin_label");
    GtkWidget *theirs_origin = inner_child (view, FN_TYPE_CONFLICT_VIEW, "theirs_origin_label");
    const char *who_when = gtk_label_get_text (GTK_LABEL (theirs_origin));

    g_assert_true (gtk_widget_get_visible (theirs_origin));
    g_assert_true (g_str_has_prefix (who_when, "office, "));
    g_assert_true (strstr (who_when, "today at ") || strstr (who_when, "yesterday at "));
    g_assert_true (gtk_widget_get_visible (mine_origin));
    g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (mine_origin)), "alice, "));
    /* A screen reader hears it with each text. */
    g_assert_true (gtk_test_accessible_has_relation (inner_child (view, FN_TYPE_CONFLICT_VIEW,
                                                                  "theirs_view"),
                                                     GTK_ACCESSIBLE_RELATION_DESCRIBED_BY));
  }
  if (choice == KEEP_MINE)
    {
      screenshot (f, "conflict");
      open_window (f, 680, 768);
      activate (f, "win.show-conflicts", g_variant_new_string (note_id));
      screenshot (f, "conflict-narrow");
      view = window_child (f, "conflict_view");
    }

  switch (choice)
    {
    case KEEP_MINE:
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "conflict.keep-mine", NULL));
      expected = "Dressing changed.\nSkin around the wound is dry.\nNext visit Tuesday.";
      break;

    case KEEP_THEIRS:
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "conflict.keep-theirs", NULL));
      expected = "Dressing changed.\nSkin around the wound is red; GP informed.\nNext visit Monday.";
      break;

    case MERGED:
    default:
      {
        GtkTextView *merged_view = inner_child (view, FN_TYPE_CONFLICT_VIEW, "merged_view");
        g_autofree char *prefilled = NULL;

        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "conflict.edit-merged", NULL));
        prefilled = text_of (merged_view);
        /* Pre-filled with both versions. */
        g_assert_nonnull (strstr (prefilled, "Next visit Tuesday."));
        g_assert_nonnull (strstr (prefilled, "GP informed."));
        screenshot (f, "conflict-merge");
        expected = "Dressing changed.\nSkin around the wound is red; GP informed.\nNext visit Tuesday.";
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (merged_view), expected, -1);
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "conflict.save-merged", NULL));
      }
      break;
    }

  /* Back to the note, which shows the chosen text and syncs it. */
  g_assert_true (spin_until (f, editor_shows_note, NULL, 2000));
  {
    g_autofree char *body = text_of (inner_child (window_child (f, "note_editor"),
                                                  FN_TYPE_NOTE_EDITOR, "body_view"));

    g_assert_cmpstr (body, ==, expected);
  }
  g_assert_false (gtk_revealer_get_reveal_child (inner_child (window_child (f, "note_editor"),
                                                              FN_TYPE_NOTE_EDITOR,
                                                              "conflict_revealer")));
  g_assert_true (run_sync (f));
  g_assert_true (spin_until (f, engine_in_state, GINT_TO_POINTER (FN_SYNC_ENGINE_IDLE), WAIT_MS));
  assert_indicator (f, "Synced");
  g_assert_cmpuint (fn_sync_engine_get_conflicts (f->engine), ==, 0);

  on_server = server_field (f, "note", note_id, "body");
  g_assert_cmpstr (on_server, ==, expected);
}

/* The caregiver keeps typing: a character at the cursor every 100 ms, so
 * that the editor's autosave cannot run before the pull arrives. */
typedef struct
{
  GtkTextBuffer *buffer;
  guint          typed;
} Typing;

static gboolean
keep_typing_cb (gpointer user_data)
{
  Typing *typing = user_data;

  gtk_text_buffer_insert_at_cursor (typing->buffer, ".", -1);
  typing->typed++;

  return G_SOURCE_CONTINUE;
}

static int
cursor_offset (GtkTextBuffer *buffer)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  return gtk_text_iter_get_offset (&iter);
}

/* An office note, synced to alice's laptop and opened with the cursor
 * after "changed" in its first line; the caregiver types there, and a
 * sync runs while they are still typing, after the office changed
 * @office_field ("deleted" deletes the note). What is typed stays, with
 * the focus, and the cursor where the typing left it (@cursor). Returns
 * the text. */
static char *
sync_while_typing (Fixture     *f,
                   const char  *office_field,
                   const char  *office_value,
                   char       **note_id_out,
                   int         *cursor)
{
  char *typed;
  FnNoteEditor *editor;
  GtkTextView *body_view;
  Typing typing = { NULL, 0 };
  GtkTextIter iter;
  guint typing_id;
  const char *note_id;

  *note_id_out = fn_test_create_note (fn_test_fixture_user (&f->server, "office"), f->patient_id,
                                      "Wound care", "Dressing changed.\nNext visit Monday.");
  note_id = *note_id_out;
  sign_in_laptop (f, "alice");
  open_window (f, 1366, 768);
  g_assert_true (run_sync (f));

  g_assert_true (fn_window_show_patient (f->window, listed_patient (f)));
  activate (f, "win.open-note", g_variant_new_string (note_id));
  g_assert_true (spin_until (f, editor_shows_note, NULL, 2000));
  editor = window_child (f, "note_editor");
  body_view = inner_child (editor, FN_TYPE_NOTE_EDITOR, "body_view");
  typing.buffer = gtk_text_view_get_buffer (body_view);
  gtk_widget_grab_focus (GTK_WIDGET (body_view));
  gtk_text_buffer_get_iter_at_offset (typing.buffer, &iter, strlen ("Dressing changed"));
  gtk_text_buffer_place_cursor (typing.buffer, &iter);
  gtk_text_buffer_insert_at_cursor (typing.buffer, ", skin dry", -1);
  g_assert_true (fn_note_editor_get_dirty (editor));

  /* Meanwhile at the office; the laptop pulls it while the caregiver
   * types on. */
  if (g_strcmp0 (office_field, "deleted") == 0)
    {
      FnTestClient *office = fn_test_fixture_user (&f->server, "office");
      g_autoptr (JsonObject) current = fn_test_client_get_record (office, "note", note_id);
      g_autoptr (JsonObject) result = NULL;

      result = fn_test_client_push_op (office,
                                       fn_test_op_new_delete (office, "note", note_id,
                                                              fn_test_record_version (current)));
      g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
    }
  else
    office_edit (f, note_id, office_field, office_value);

  typing_id = g_timeout_add (100, keep_typing_cb, &typing);
  g_assert_true (run_sync (f));
  g_source_remove (typing_id);
  g_assert_true (fn_note_editor_get_dirty (editor));

  typed = text_of (body_view);
  g_assert_true (g_str_has_prefix (typed, "Dressing changed, skin dry."));
  g_assert_true (g_str_has_suffix (typed, "\nNext visit Monday."));
  *cursor = strlen ("Dressing changed, skin dry") + typing.typed;
  g_assert_cmpint (cursor_offset (typing.buffer), ==, *cursor);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (body_view)));

  return typed;
}

static GtkRevealer *
editor_notice (Fixture *f)
{
  return inner_child (window_child (f, "note_editor"), FN_TYPE_NOTE_EDITOR, "notice_revealer");
}

static const char *
editor_notice_text (Fixture *f)
{
  return gtk_label_get_text (inner_child (window_child (f, "note_editor"), FN_TYPE_NOTE_EDITOR,
                                          "notice_label"));
}

/* The office changes the text the caregiver is typing: the typing goes on
 * undisturbed, a notice says both versions are kept, and after the sync
 * the note has a conflict with both texts to choose from. */
static void
test_typing_conflict (Fixture       *f,
                      gconstpointer  data)
{
  const char *office_text = "Dressing changed.\nWound smaller; GP informed.";
  g_autofree char *note_id = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *on_server = NULL;
  FnNoteEditor *editor;
  GtkTextView *body_view;
  GtkTextBuffer *buffer;
  FnConflictView *view;
  int cursor;

  typed = sync_while_typing (f, "body", office_text, &note_id, &cursor);
  editor = window_child (f, "note_editor");
  body_view = inner_child (editor, FN_TYPE_NOTE_EDITOR, "body_view");
  buffer = gtk_text_view_get_buffer (body_view);

  /* The notice, in words and for assistive technology. */
  g_assert_true (gtk_revealer_get_reveal_child (editor_notice (f)));
  g_assert_nonnull (strstr (editor_notice_text (f), "changed the text"));
  g_assert_nonnull (strstr (editor_notice_text (f), "Both versions are kept"));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (body_view),
                                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
  screenshot (f, "typing-changed-at-office");
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 768);
  screenshot (f, "typing-changed-at-office-narrow");
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 768);
  g_assert_cmpint (cursor_offset (buffer), ==, cursor);

  /* The save and the sync: a conflict, as if the pull had come later. */
  g_assert_true (fn_note_editor_save (editor, NULL));
  g_assert_true (run_sync (f));
  assert_indicator (f, "1 conflict");
  g_assert_nonnull (find_with_class (GTK_WIDGET (window_child (f, "patient_page")),
                                     "sync-conflict"));
  g_assert_true (gtk_revealer_get_reveal_child (inner_child (editor, FN_TYPE_NOTE_EDITOR,
                                                             "conflict_revealer")));
  g_assert_false (gtk_revealer_get_reveal_child (editor_notice (f)));

  activate (f, "win.show-conflicts", g_variant_new_string (note_id));
  view = window_child (f, "conflict_view");
  mine = text_of (inner_child (view, FN_TYPE_CONFLICT_VIEW, "mine_view"));
  theirs = text_of (inner_child (view, FN_TYPE_CONFLICT_VIEW, "theirs_view"));
  g_assert_cmpstr (mine, ==, typed);
  g_assert_cmpstr (theirs, ==, office_text);

  /* The office's text was kept for this choice. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "conflict.keep-theirs", NULL));
  g_assert_true (spin_until (f, editor_shows_note, NULL, 2000));
  g_assert_true (run_sync (f));
  assert_indicator (f, "Synced");
  g_assert_cmpuint (fn_sync_engine_get_conflicts (f->engine), ==, 0);
  on_server = server_field (f, "note", note_id, "body");
  g_assert_cmpstr (on_server, ==, office_text);
  g_clear_pointer (&on_server, g_free);
  on_server = text_of (body_view);
  g_assert_cmpstr (on_server, ==, office_text);
}

/* A title the office changes while the caregiver types the text takes its
 * place at once; the text and its cursor stay; no conflict follows. */
static void
test_typing_other_field (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *note_id = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *on_server = NULL;
  FnNoteEditor *editor;
  int cursor;

  typed = sync_while_typing (f, "title", "Wound care, left leg", &note_id, &cursor);
  editor = window_child (f, "note_editor");
  g_assert_cmpstr (gtk_editable_get_text (inner_child (editor, FN_TYPE_NOTE_EDITOR, "title_row")),
                   ==, "Wound care, left leg");
  g_assert_false (gtk_revealer_get_reveal_child (editor_notice (f)));

  g_assert_true (fn_note_editor_save (editor, NULL));
  g_assert_true (run_sync (f));
  assert_indicator (f, "Synced");
  g_assert_cmpuint (fn_sync_engine_get_conflicts (f->engine), ==, 0);
  on_server = server_field (f, "note", note_id, "title");
  g_assert_cmpstr (on_server, ==, "Wound care, left leg");
  g_clear_pointer (&on_server, g_free);
  on_server = server_field (f, "note", note_id, "body");
  g_assert_cmpstr (on_server, ==, typed);
}

/* The office deletes the note being typed: it stays open with the text,
 * a notice says so, and the save brings it back on the server too. */
static void
test_typing_deleted (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *note_id = NULL;
  g_autofree char *typed = NULL;
  FnTestClient *office;
  g_autoptr (JsonObject) record = NULL;
  int cursor;

  typed = sync_while_typing (f, "deleted", NULL, &note_id, &cursor);
  g_assert_true (editor_shows_note (f, NULL));
  g_assert_true (gtk_revealer_get_reveal_child (editor_notice (f)));
  g_assert_nonnull (strstr (editor_notice_text (f), "deleted"));
  screenshot (f, "typing-deleted-at-office");

  g_assert_true (fn_note_editor_save (window_child (f, "note_editor"), NULL));
  g_assert_true (run_sync (f));
  assert_indicator (f, "Synced");
  office = fn_test_fixture_user (&f->server, "office");
  record = fn_test_client_get_record (office, "note", note_id);
  g_assert_nonnull (record);
  g_assert_false (json_object_get_boolean_member (record, "deleted"));
  g_assert_cmpstr (fn_test_record_field (record, "body"), ==, typed);
  g_assert_false (gtk_revealer_get_reveal_child (editor_notice (f)));
}

typedef struct
{
  FnWelcomeWindow *welcome;
  int              done;  /* 0 not yet, 1 signed in, 2 offline */
} Welcome;

static void
on_welcome_done_cb (FnWelcomeWindow *welcome,
                    gboolean         signed_in,
                    Welcome         *w)
{
  w->done = signed_in ? 1 : 2;
}

static gboolean
welcome_idle (Fixture *f,
              gpointer data)
{
  Welcome *w = data;

  return !fn_welcome_window_get_busy (w->welcome) || w->done;
}

static gboolean
welcome_done (Fixture *f,
              gpointer data)
{
  return ((Welcome *)data)->done != 0;
}

static void
welcome_sign_in (Fixture    *f,
                 Welcome    *w,
                 const char *server,
                 const char *user,
                 const char *password)
{
  gtk_editable_set_text (inner_child (w->welcome, FN_TYPE_WELCOME_WINDOW, "server_row"), server);
  gtk_editable_set_text (inner_child (w->welcome, FN_TYPE_WELCOME_WINDOW, "user_row"), user);
  gtk_editable_set_text (inner_child (w->welcome, FN_TYPE_WELCOME_WINDOW, "password_row"),
                         password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w->welcome), "welcome.sign-in", NULL));
  g_assert_true (fn_welcome_window_get_busy (w->welcome));
  g_assert_true (spin_until (f, welcome_idle, w, WAIT_MS));
}

static const char *
welcome_error (Welcome *w)
{
  GtkRevealer *revealer = inner_child (w->welcome, FN_TYPE_WELCOME_WINDOW, "error_revealer");

  if (!gtk_revealer_get_reveal_child (revealer))
    return NULL;

  return gtk_label_get_text (inner_child (w->welcome, FN_TYPE_WELCOME_WINDOW, "error_label"));
}

static gboolean
download_half_way (Fixture *f,
                   gpointer data)
{
  double fraction = gtk_progress_bar_get_fraction (data);

  return fraction > 0.3 && fraction < 0.7;
}

static void
test_welcome (Fixture       *f,
              gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  const char *url = fn_test_server_get_url (f->server.server);
  g_autofree char *password = fn_test_password_for ("alice");
  Welcome w = { NULL, 0 };
  GtkWidget *welcome;
  GtkProgressBar *progress;
  GListModel *notes;

  /* More than one page (500 records), so that the download is seen on
   * its way. */
  for (int batch = 0; batch < 3; batch++)
    {
      JsonArray *ops = json_array_new ();  /* the push takes it */
      g_autoptr (JsonArray) results = NULL;

      for (int i = 0; i < 500; i++)
        {
          g_autofree char *id = fn_uuid_new ();
          g_autofree char *title = g_strdup_printf ("Visit %d", batch * 500 + i + 1);

          json_array_add_object_element (ops,
                                         fn_test_op_new (office, "note", id, 0,
                                                         "patient_id", fn_test_str (f->patient_id),
                                                         "kind", fn_test_str ("visit"),
                                                         "visit_at", fn_test_str ("2026-11-27T10:00:00Z"),
                                                         "title", fn_test_str (title),
                                                         "body", fn_test_str ("Checked medication."),
                                                         "status", fn_test_str ("final"),
                                                         NULL));
        }
      results = fn_test_client_push_ops (office, ops);
      g_assert_cmpuint (json_array_get_length (results), ==, 500);
    }

  w.welcome = fn_welcome_window_new (NULL, f->data_dir, FN_TOKEN_STORE_FILE, f->store, NULL);
  welcome = GTK_WIDGET (w.welcome);
  g_object_ref_sink (welcome);
  g_signal_connect (welcome, "done", G_CALLBACK (on_welcome_done_cb), &w);
  gtk_window_set_default_size (GTK_WINDOW (welcome), 1366, 768);
  gtk_window_present (GTK_WINDOW (welcome));
  screenshot_widget (welcome, "welcome");

  /* Nothing typed: it says what is missing, and asks nobody. */
  g_assert_true (gtk_widget_activate_action (welcome, "welcome.sign-in", NULL));
  g_assert_false (fn_welcome_window_get_busy (w.welcome));
  g_assert_nonnull (welcome_error (&w));

  /* A server that is not there. */
  welcome_sign_in (f, &w, "http://127.0.0.1:1", "alice", password);
  g_assert_nonnull (welcome_error (&w));
  g_test_message ("unreachable: %s", welcome_error (&w));
  g_assert_cmpint (w.done, ==, 0);

  /* The wrong password: the server's sentence, and the fields stay. */
  welcome_sign_in (f, &w, url, "alice", "not-her-password");
  g_assert_nonnull (welcome_error (&w));
  g_test_message ("wrong password: %s", welcome_error (&w));
  g_assert_cmpint (w.done, ==, 0);
  screenshot_widget (welcome, "welcome-error");

  /* The right one: the first download, on its way, then done. */
  welcome_sign_in (f, &w, url, "alice", password);
  progress = inner_child (welcome, FN_TYPE_WELCOME_WINDOW, "progress_bar");
  if (spin_until (f, download_half_way, progress, WAIT_MS))
    {
      g_test_message ("progress: %s",
                      gtk_label_get_text (inner_child (welcome, FN_TYPE_WELCOME_WINDOW,
                                                       "progress_label")));
      screenshot_widget_now (welcome, "first-download");
    }
  g_assert_true (spin_until (f, welcome_done, &w, WAIT_MS));
  g_assert_cmpint (w.done, ==, 1);
  gtk_window_set_default_size (GTK_WINDOW (welcome), 680, 768);
  screenshot_widget (welcome, "first-download-done-narrow");

  gtk_window_destroy (GTK_WINDOW (welcome));
  g_assert_finalize_object (welcome);

  /* The main window lists what was downloaded. */
  open_window (f, 1366, 768);
  g_assert_cmpuint (g_list_model_get_n_items (fn_window_get_patients (f->window)), ==, 1);
  g_assert_true (fn_window_show_patient (f->window, listed_patient (f)));
  notes = fn_patient_page_get_notes (window_child (f, "patient_page"));
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, 1500);
}

static void
test_welcome_offline (Fixture       *f,
                      gconstpointer  data)
{
  Welcome w = { NULL, 0 };
  GtkWidget *welcome;

  w.welcome = fn_welcome_window_new (NULL, f->data_dir, FN_TOKEN_STORE_FILE, f->store, NULL);
  welcome = GTK_WIDGET (w.welcome);
  g_object_ref_sink (welcome);
  g_signal_connect (welcome, "done", G_CALLBACK (on_welcome_done_cb), &w);
  gtk_window_set_default_size (GTK_WINDOW (welcome), 680, 768);
  gtk_window_present (GTK_WINDOW (welcome));
  screenshot_widget (welcome, "welcome-narrow");

  g_assert_true (gtk_widget_activate_action (welcome, "welcome.use-offline", NULL));
  g_assert_cmpint (w.done, ==, 2);
  gtk_window_destroy (GTK_WINDOW (welcome));
  g_assert_finalize_object (welcome);

  /* Without a server the header says the notes stay here. */
  open_window (f, 1366, 768);
  assert_indicator (f, "On this laptop only");
}

/* A shared laptop: Alice signed out. The welcome shows her office's
 * address but not her name, offers no way to her notes without a sign-in,
 * and Bob signs in to a store of his own, leaving hers as it was. */
static void
test_welcome_next_caregiver (Fixture       *f,
                             gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  const char *url = fn_test_server_get_url (f->server.server);
  g_autofree char *password = fn_test_password_for ("bob");
  g_autofree char *bobs = fn_test_create_patient (office, "Brennan",
                                                  fn_test_fixture_user (&f->server, "bob")->user_id,
                                                  NULL);
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *user = NULL;
  Welcome w = { NULL, 0 };
  GtkWidget *welcome;
  FnStore *store;

  sign_in_laptop (f, "alice");
  g_assert_true (fn_accounts_sign_out (f->store, f->tokens, NULL, &error));
  g_assert_no_error (error);

  w.welcome = fn_welcome_window_new (NULL, f->data_dir, FN_TOKEN_STORE_FILE, f->store, NULL);
  welcome = GTK_WIDGET (w.welcome);
  g_object_ref_sink (welcome);
  g_signal_connect (welcome, "done", G_CALLBACK (on_welcome_done_cb), &w);
  gtk_window_present (GTK_WINDOW (welcome));
  g_assert_cmpstr (gtk_editable_get_text (inner_child (w.welcome, FN_TYPE_WELCOME_WINDOW,
                                                       "server_row")), ==, url);
  g_assert_cmpstr (gtk_editable_get_text (inner_child (w.welcome, FN_TYPE_WELCOME_WINDOW,
                                                       "user_row")), ==, "");
  g_assert_false (gtk_widget_get_visible (inner_child (w.welcome, FN_TYPE_WELCOME_WINDOW,
                                                       "offline_button")));
  screenshot_widget (welcome, "welcome-next-caregiver");

  welcome_sign_in (f, &w, url, "bob", password);
  g_assert_null (welcome_error (&w));
  g_assert_true (spin_until (f, welcome_done, &w, WAIT_MS));
  g_assert_cmpint (w.done, ==, 1);

  store = fn_welcome_window_get_store (w.welcome);
  g_assert_nonnull (store);
  g_assert_cmpstr (fn_store_get_data_dir (store), !=, f->data_dir);
  patients = fn_store_list_patients (store, NULL, NULL);
  g_assert_cmpuint (patients->len, ==, 1);
  g_assert_cmpstr (fn_record_get_id (g_ptr_array_index (patients, 0)), ==, bobs);
  g_clear_pointer (&patients, g_ptr_array_unref);

  /* Alice's store: still hers, and none of Bob's patients. */
  user = fn_store_get_meta (f->store, "username");
  g_assert_cmpstr (user, ==, "alice");
  patients = fn_store_list_patients (f->store, NULL, NULL);
  for (guint i = 0; i < patients->len; i++)
    g_assert_cmpstr (fn_record_get_id (g_ptr_array_index (patients, i)), !=, bobs);

  gtk_window_destroy (GTK_WINDOW (welcome));
  g_assert_finalize_object (welcome);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (Fixture *f,
              gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
signed_out (Fixture *f,
            gpointer data)
{
  g_autofree char *signed_in = fn_store_get_meta (f->store, "signed_in");

  return g_strcmp0 (signed_in, "false") == 0;
}

static void
test_preferences_sign_out (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GError) error = NULL;
  FnPreferencesWindow *preferences;
  AdwMessageDialog *dialog;
  GtkWidget *window;
  gboolean stop = FALSE;

  sign_in_laptop (f, "alice");
  open_window (f, 1366, 768);
  g_assert_true (run_sync (f));

  /* A change that cannot leave: the server is gone. */
  g_assert_true (fn_test_server_stop (f->server.server));
  note = fn_note_new (f->patient_id);
  fn_record_set_field (FN_RECORD (note), "title", "Written before signing out");
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 1);

  preferences = fn_preferences_window_new (GTK_WINDOW (f->window), f->store, f->engine, f->tokens);
  g_object_ref_sink (preferences);
  gtk_window_present (GTK_WINDOW (preferences));
  g_assert_true (gtk_widget_get_visible (inner_child (preferences, FN_TYPE_PREFERENCES_WINDOW,
                                                      "sign_out_button")));
  screenshot_widget (GTK_WIDGET (preferences), "preferences");
  gtk_window_set_default_size (GTK_WINDOW (preferences), 360, 640);
  screenshot_widget (GTK_WIDGET (preferences), "preferences-narrow");

  /* Signing out with a change waiting asks first, and Stay keeps it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.sign-out", NULL));
  g_assert_true (spin_until (f, dialog_shown, NULL, 5000));
  dialog = find_message_dialog ();
  screenshot_widget (GTK_WIDGET (dialog), "sign-out-confirm");
  adw_message_dialog_response (dialog, "cancel");
  fn_test_spin (100);
  g_assert_false (signed_out (f, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.sign-out", NULL));
  g_assert_true (spin_until (f, dialog_shown, NULL, 5000));
  adw_message_dialog_response (find_message_dialog (), "sign-out");
  g_assert_true (spin_until (f, signed_out, NULL, WAIT_MS));

  /* The change is kept for the next sign-in; the header says so. */
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 1);
  assert_indicator (f, "On this laptop only");
  g_assert_true (gtk_widget_get_visible (inner_child (preferences, FN_TYPE_PREFERENCES_WINDOW,
                                                      "sign_in_button")));
  screenshot_widget (GTK_WIDGET (preferences), "preferences-signed-out");
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_finalize_object (preferences);

  /* Closing with the change waiting says it is safe, and still closes. */
  window = GTK_WIDGET (f->window);
  g_signal_emit_by_name (window, "close-request", &stop);
  g_assert_true (stop);
  g_assert_true (spin_until (f, dialog_shown, NULL, 5000));
  dialog = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "next time you sign in"));
  screenshot_widget (GTK_WIDGET (dialog), "quit-changes-safe");
  adw_message_dialog_response (dialog, "close");
  fn_test_spin (100);
  g_assert_false (gtk_widget_get_visible (window));
}

static void
test_rejected (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (FnPatient) patient = fn_patient_new ();
  g_autoptr (GError) error = NULL;
  FnSyncIndicator *indicator;
  GtkWidget *popover;
  GtkListBox *rejected_list;
  GtkWidget *marker;

  sign_in_laptop (f, "alice");
  open_window (f, 1366, 768);
  g_assert_true (run_sync (f));

  /* A caregiver may not create patients: the office refuses it. */
  fn_record_set_field (FN_RECORD (patient), "family_name", "Zimmermann");
  fn_record_set_field (FN_RECORD (patient), "given_name", "Olga");
  g_assert_true (fn_store_save (f->store, FN_RECORD (patient), &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (f));
  assert_indicator (f, "1 change refused");

  marker = find_with_class (GTK_WIDGET (window_child (f, "patient_list_view")), "sync-rejected");
  g_assert_nonnull (marker);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (marker), "Refused"));

  /* The popover lists it with the office's reason. */
  indicator = window_child (f, "sidebar_indicator");
  activate (f, "win.show-sync-status", NULL);
  popover = inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "popover");
  fn_test_spin (300);
  g_assert_true (gtk_widget_get_visible (popover));
  rejected_list = inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "rejected_list");
  g_assert_nonnull (gtk_list_box_get_row_at_index (rejected_list, 0));
  g_assert_null (gtk_list_box_get_row_at_index (rejected_list, 1));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (rejected_list, 0))),
                   ==, "Patient Olga Zimmermann");
  screenshot (f, "rejected");
  screenshot_widget (popover, "sync-popover");
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static gboolean
refusal_discarded (Fixture *f,
                   gpointer note_id)
{
  g_autoptr (FnRecord) note = fn_store_get (f->store, FN_ENTITY_NOTE, note_id, NULL);

  return nothing_pending (f, NULL) && note &&
         g_strcmp0 (fn_note_get_patient_id (FN_NOTE (note)), f->patient_id) == 0 &&
         g_strcmp0 (fn_note_get_body (FN_NOTE (note)), "Dressing changed.") == 0;
}

static AdwMessageDialog *
ask_discard (Fixture         *f,
             FnSyncIndicator *indicator)
{
  GtkWidget *popover = inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "popover");
  GtkListBox *rejected_list = inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "rejected_list");
  GtkListBoxRow *row;
  GtkWidget *button;

  activate (f, "win.show-sync-status", NULL);
  fn_test_spin (300);
  g_assert_true (gtk_widget_get_visible (popover));
  row = gtk_list_box_get_row_at_index (rejected_list, 0);
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (rejected_list, 1));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "Note “Wound care”");
  button = find_with_class (GTK_WIDGET (row), "flat");
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                   "win.discard-refused");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Discard…");
  screenshot_widget (popover, "discard-popover");

  /* The button asks first; the popover makes room. */
  g_assert_true (gtk_widget_activate (button));
  g_assert_true (spin_until (f, dialog_shown, NULL, WAIT_MS));
  fn_test_spin (100);
  g_assert_false (gtk_widget_get_visible (popover));

  return find_message_dialog ();
}

/* A refused edit of a note the office has: Discard… asks, Keep changes
 * nothing, Discard gives the laptop the office's version. */
static void
test_discard_refused (Fixture       *f,
                      gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  g_autofree char *other_id = fn_test_create_patient (office, "Berger",
                                                      fn_test_fixture_user (&f->server,
                                                                            "alice")->user_id,
                                                      NULL);
  g_autofree char *note_id = fn_test_create_note (office, f->patient_id, "Wound care",
                                                  "Dressing changed.");
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) note = NULL;
  FnSyncIndicator *indicator;
  AdwMessageDialog *dialog;
  GtkListBox *rejected_list;

  sign_in_laptop (f, "alice");
  open_window (f, 1366, 768);
  g_assert_true (run_sync (f));

  /* A caregiver may not move a note to another patient. */
  note = fn_store_get (f->store, FN_ENTITY_NOTE, note_id, &error);
  g_assert_no_error (error);
  fn_record_set_field (note, "body", "Written on the wrong patient.");
  fn_record_set_field (note, "patient_id", other_id);
  g_assert_true (fn_store_save (f->store, note, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (f));
  assert_indicator (f, "1 change refused");

  indicator = window_child (f, "sidebar_indicator");
  dialog = ask_discard (f, indicator);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "Discard Your Change to “Wound care”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "The office refused it: "));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "office’s version"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "keep");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "discard"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  screenshot_widget (GTK_WIDGET (dialog), "discard-dialog");

  /* Keep: nothing changes. (A response emitted by hand leaves the dialog
   * open, unlike a click on its button.) */
  adw_message_dialog_response (dialog, "keep");
  gtk_window_destroy (GTK_WINDOW (dialog));
  fn_test_spin (100);
  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 1);

  dialog = ask_discard (f, indicator);
  adw_message_dialog_response (dialog, "discard");
  g_assert_true (spin_until (f, toast_shown, "Change discarded", WAIT_MS));
  g_assert_cmpuint (fn_store_count_rejected (f->store), ==, 0);

  /* The sync it starts brings the office's version back. */
  g_assert_true (spin_until (f, refusal_discarded, note_id, WAIT_MS));
  g_assert_cmpuint (fn_sync_engine_get_rejected (f->engine), ==, 0);
  g_assert_false (indicator_says (f, "1 change refused"));
  activate (f, "win.show-sync-status", NULL);
  fn_test_spin (300);
  rejected_list = inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "rejected_list");
  g_assert_null (gtk_list_box_get_row_at_index (rejected_list, 0));
  g_assert_false (gtk_widget_get_visible (inner_child (indicator, FN_TYPE_SYNC_INDICATOR,
                                                       "rejected_box")));
  gtk_popover_popdown (GTK_POPOVER (inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "popover")));
}

/* A conflict on a field other than the text needs nobody: the clock
 * decides, and the note's History says what was kept. */
static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *note_id = NULL;
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (GError) error = NULL;
  FnNoteEditor *editor;
  GtkListBox *history_list;
  GtkListBoxRow *row;

  note_id = fn_test_create_note (fn_test_fixture_user (&f->server, "office"), f->patient_id,
                                 "Medication round", "Gave the evening tablets.");
  sign_in_laptop (f, "alice");
  open_window (f, 1366, 768);
  g_assert_true (run_sync (f));

  office_edit (f, note_id, "kind", "observation");
  note = fn_store_get (f->store, FN_ENTITY_NOTE, note_id, &error);
  g_assert_no_error (error);
  fn_record_set_field (note, "kind", "medication");
  g_assert_true (fn_store_save (f->store, note, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (f));
  g_assert_true (run_sync (f));

  /* Nothing for the caregiver to do... */
  assert_indicator (f, "Synced");
  g_assert_cmpuint (fn_sync_engine_get_conflicts (f->engine), ==, 0);

  /* ...but the note says what happened. */
  g_assert_true (fn_window_show_patient (f->window, listed_patient (f)));
  activate (f, "win.open-note", g_variant_new_string (note_id));
  editor = window_child (f, "note_editor");
  g_assert_true (gtk_widget_get_visible (inner_child (editor, FN_TYPE_NOTE_EDITOR, "history_box")));
  history_list = inner_child (editor, FN_TYPE_NOTE_EDITOR, "history_list");
  row = gtk_list_box_get_row_at_index (history_list, 0);
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (history_list, 1));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "kind"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Kept: Medication"));
  screenshot (f, "history");
}

/* The office no longer knows the sign-in: the header asks to sign in
 * again, the welcome window comes filled in, and the waiting change goes. */
static void
test_sign_in_again (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (FnNote) note = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *password = fn_test_password_for ("alice");
  g_autofree char *body = NULL;
  const char *url = fn_test_server_get_url (f->server.server);
  FnSyncIndicator *indicator;
  GtkWidget *popover;
  Welcome w = { NULL, 0 };
  GtkWidget *welcome;

  sign_in_laptop (f, "alice");
  open_window (f, 1366, 768);
  g_assert_true (run_sync (f));

  g_assert_true (fn_token_store_save (f->tokens, url, "alice", "not-a-valid-token", NULL, &error));
  g_assert_no_error (error);
  note = fn_note_new (f->patient_id);
  fn_record_set_field (FN_RECORD (note), "title", "Night visit");
  fn_record_set_field (FN_RECORD (note), "body", "Written while the sign-in had expired.");
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_no_error (error);
  g_assert_false (run_sync (f));
  assert_indicator (f, "Sign in again");

  /* The popover says why, and offers to sign in; Sync Now would not help. */
  indicator = window_child (f, "sidebar_indicator");
  activate (f, "win.show-sync-status", NULL);
  popover = inner_child (indicator, FN_TYPE_SYNC_INDICATOR, "popover");
  fn_test_spin (300);
  g_assert_true (gtk_widget_get_visible (inner_child (indicator, FN_TYPE_SYNC_INDICATOR,
                                                      "sign_in_button")));
  g_assert_false (gtk_widget_get_visible (inner_child (indicator, FN_TYPE_SYNC_INDICATOR,
                                                       "sync_button")));
  screenshot_widget (popover, "popover-sign-in-again");
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* What app.sign-in opens: the same server and user, filled in. */
  w.welcome = fn_welcome_window_new (NULL, f->data_dir, FN_TOKEN_STORE_FILE, f->store, NULL);
  welcome = GTK_WIDGET (w.welcome);
  g_object_ref_sink (welcome);
  g_signal_connect (welcome, "done", G_CALLBACK (on_welcome_done_cb), &w);
  gtk_window_present (GTK_WINDOW (welcome));
  g_assert_cmpstr (gtk_editable_get_text (inner_child (welcome, FN_TYPE_WELCOME_WINDOW, "server_row")),
                   ==, url);
  g_assert_cmpstr (gtk_editable_get_text (inner_child (welcome, FN_TYPE_WELCOME_WINDOW, "user_row")),
                   ==, "alice");
  welcome_sign_in (f, &w, url, "alice", password);
  g_assert_true (spin_until (f, welcome_done, &w, WAIT_MS));
  gtk_window_destroy (GTK_WINDOW (welcome));
  g_assert_finalize_object (welcome);

  /* What the application then does: sync. */
  g_assert_true (run_sync (f));
  assert_indicator (f, "Synced");
  g_assert_cmpuint (fn_sync_engine_get_pending (f->engine), ==, 0);
  body = server_field (f, "note", fn_record_get_id (FN_RECORD (note)), "body");
  g_assert_cmpstr (body, ==, "Written while the sign-in had expired.");
}

/* A self-signed certificate for 127.0.0.1 in @dir, or FALSE without
 * openssl. */
static gboolean
make_certificate (const char *dir,
                  char      **certificate,
                  char      **key)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr (GError) error = NULL;
  int status = -1;

  if (!openssl)
    return FALSE;

  *certificate = g_build_filename (dir, "cert.pem", NULL);
  *key = g_build_filename (dir, "key.pem", NULL);
  {
    const char *argv[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", *key, "-out", *certificate, NULL
    };

    g_spawn_sync (NULL, (char **)argv, NULL,
                  G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
  }

  return g_spawn_check_wait_status (status, NULL);
}

/* An office server whose certificate this computer does not trust: the
 * welcome window says so, and with the organisation's CA file it works. */
static void
test_welcome_certificate (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("fn-test-ui-tls-XXXXXX", NULL);
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  g_autofree char *password = fn_test_password_for ("alice");
  g_autoptr (FnTestServer) server = NULL;
  Welcome w = { NULL, 0 };
  GtkWidget *welcome;
  const char *url;

  if (!make_certificate (dir, &certificate, &key))
    {
      g_test_skip ("openssl is not installed to make a test certificate");
      fn_test_remove_tree (dir);
      return;
    }

  server = fn_test_server_new ();
  fn_test_server_add_user (server, "alice", "caregiver", password);
  fn_test_server_start (server, "--tls-certificate", certificate, "--tls-key", key, NULL);
  url = fn_test_server_get_url (server);
  g_assert_true (g_str_has_prefix (url, "https://"));

  w.welcome = fn_welcome_window_new (NULL, f->data_dir, FN_TOKEN_STORE_FILE, f->store, NULL);
  welcome = GTK_WIDGET (w.welcome);
  g_object_ref_sink (welcome);
  g_signal_connect (welcome, "done", G_CALLBACK (on_welcome_done_cb), &w);
  gtk_window_present (GTK_WINDOW (welcome));
  welcome_sign_in (f, &w, url, "alice", password);
  g_assert_cmpint (w.done, ==, 0);
  g_assert_nonnull (welcome_error (&w));
  g_test_message ("certificate: %s", welcome_error (&w));
  g_assert_nonnull (strstr (welcome_error (&w), "ertificate"));
  g_assert_true (gtk_widget_get_visible (inner_child (welcome, FN_TYPE_WELCOME_WINDOW,
                                                      "ca_button")));
  screenshot_widget (welcome, "welcome-certificate");
  gtk_window_destroy (GTK_WINDOW (welcome));
  g_assert_finalize_object (welcome);

  /* With the organisation's certificate authority (Preferences, or the
   * ca-file setting the application passes on). */
  w.done = 0;
  w.welcome = fn_welcome_window_new (NULL, f->data_dir, FN_TOKEN_STORE_FILE, f->store, certificate);
  welcome = GTK_WIDGET (w.welcome);
  g_object_ref_sink (welcome);
  g_signal_connect (welcome, "done", G_CALLBACK (on_welcome_done_cb), &w);
  gtk_window_present (GTK_WINDOW (welcome));
  welcome_sign_in (f, &w, url, "alice", password);
  g_assert_null (welcome_error (&w));
  g_assert_true (spin_until (f, welcome_done, &w, WAIT_MS));
  g_assert_cmpint (w.done, ==, 1);
  gtk_window_destroy (GTK_WINDOW (welcome));
  g_assert_finalize_object (welcome);

  g_assert_true (fn_test_server_stop (server));
  fn_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
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

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/ui/sync/welcome", test_welcome, NULL);
  ADD ("/ui/sync/welcome-offline", test_welcome_offline, NULL);
  ADD ("/ui/sync/welcome-next-caregiver", test_welcome_next_caregiver, NULL);
  ADD ("/ui/sync/welcome-certificate", test_welcome_certificate, NULL);
  ADD ("/ui/sync/indicator", test_indicator_follows_engine, NULL);
  ADD ("/ui/sync/rejected", test_rejected, NULL);
  ADD ("/ui/sync/discard-refused", test_discard_refused, NULL);
  ADD ("/ui/sync/history", test_history, NULL);
  ADD ("/ui/sync/sign-in-again", test_sign_in_again, NULL);
  ADD ("/ui/sync/preferences-sign-out", test_preferences_sign_out, NULL);
  ADD ("/ui/sync/conflict/keep-mine", test_conflict, GINT_TO_POINTER (KEEP_MINE));
  ADD ("/ui/sync/conflict/keep-theirs", test_conflict, GINT_TO_POINTER (KEEP_THEIRS));
  ADD ("/ui/sync/conflict/merged", test_conflict, GINT_TO_POINTER (MERGED));
  ADD ("/ui/sync/typing/conflict", test_typing_conflict, NULL);
  ADD ("/ui/sync/typing/other-field", test_typing_other_field, NULL);
  ADD ("/ui/sync/typing/deleted", test_typing_deleted, NULL);

  return fn_test_run ();
}
