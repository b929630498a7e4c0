/* test-window.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real window, its widgets and its actions in-process, and checks
 * what reached the store.
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-note-editor.h"
#include "fn-patient-page.h"
#include "fn-store-private.h"
#include "fn-test-util.h"
#include "fn-test-window.h"
#include "fn-window.h"

#include <string.h>

typedef struct
{
  char     *data_dir;
  FnStore  *store;
  FnWindow *window;
} Fixture;

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (Fixture *fixture, gpointer data);

/* Runs the main loop until @condition holds or @ms pass. */
static gboolean
spin_until (Fixture   *fixture,
            Condition  condition,
            gpointer   data,
            guint      ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);
  gboolean ok;

  while (!(ok = condition (fixture, data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return ok;
}

static gpointer
child (Fixture    *fixture,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), FN_TYPE_WINDOW, name);

  if (type != FN_TYPE_WINDOW)
    {
      GObject *editor = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                       FN_TYPE_WINDOW, "note_editor");

      object = gtk_widget_get_template_child (GTK_WIDGET (editor), type, name);
    }

  g_assert_nonnull (object);
  return object;
}

static FnNoteEditor *
get_editor (Fixture *fixture)
{
  return child (fixture, FN_TYPE_WINDOW, "note_editor");
}

static gboolean
is_mapped (Fixture *fixture,
           gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (fixture->window));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->store = fn_test_demo_store_new ("fn-test-ui-XXXXXX", 30, 200, &fixture->data_dir);
  fixture->window = fn_test_window_open (fixture->store, NULL, 1200, 760);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  fn_test_window_close (g_steal_pointer (&fixture->window));
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fn_test_remove_tree (fixture->data_dir);
  g_clear_pointer (&fixture->data_dir, g_free);
}

static FnPatient *
first_patient (Fixture *fixture)
{
  GListModel *patients = fn_window_get_patients (fixture->window);
  g_autoptr (FnPatient) patient = g_list_model_get_item (patients, 0);

  g_assert_nonnull (patient);
  return patient;  /* the list keeps it alive */
}

static void
activate (Fixture    *fixture,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->window), action, parameter));
}

static void
set_body (Fixture    *fixture,
          const char *text)
{
  GtkTextView *body_view = child (fixture, FN_TYPE_NOTE_EDITOR, "body_view");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (body_view), text, -1);
}

static void
set_title (Fixture    *fixture,
           const char *text)
{
  GtkEditable *title_row = child (fixture, FN_TYPE_NOTE_EDITOR, "title_row");

  gtk_editable_set_text (title_row, text);
}

static char *
dup_body (Fixture *fixture)
{
  GtkTextView *body_view = child (fixture, FN_TYPE_NOTE_EDITOR, "body_view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The stored notes of @patient whose title is @title. */
static FnNote *
find_stored_note (Fixture    *fixture,
                  FnPatient  *patient,
                  const char *title)
{
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (GError) error = NULL;

  notes = fn_store_list_notes (fixture->store, fn_record_get_id (FN_RECORD (patient)), &error);
  g_assert_no_error (error);

  for (guint i = 0; i < notes->len; i++)
    if (g_strcmp0 (fn_note_get_title (notes->pdata[i]), title) == 0)
      return g_object_ref (notes->pdata[i]);

  return NULL;
}

static void
test_search (Fixture       *fixture,
             gconstpointer  user_data)
{
  GListModel *patients = fn_window_get_patients (fixture->window);
  GtkEditable *search_entry = child (fixture, FN_TYPE_WINDOW, "search_entry");
  GtkStack *sidebar_stack = child (fixture, FN_TYPE_WINDOW, "sidebar_stack");
  g_autofree char *family_name = NULL;
  guint n_all;

  n_all = g_list_model_get_n_items (patients);
  g_assert_cmpuint (n_all, ==, 30);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sidebar_stack), ==, "list");

  family_name = g_strdup (fn_patient_get_family_name (first_patient (fixture)));

  activate (fixture, "win.search", NULL);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (search_entry)) ||
                 gtk_widget_is_focus (gtk_widget_get_first_child (GTK_WIDGET (search_entry))) ||
                 gtk_widget_get_focus_child (GTK_WIDGET (search_entry)) != NULL);

  gtk_editable_set_text (search_entry, family_name);
  /* GtkSearchEntry waits a moment before it reports the change. */
  fn_test_spin (400);

  g_assert_cmpuint (g_list_model_get_n_items (patients), >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (patients), <, n_all);
  for (guint i = 0; i < g_list_model_get_n_items (patients); i++)
    {
      g_autoptr (FnPatient) patient = g_list_model_get_item (patients, i);

      g_debug ("match: %s", fn_patient_get_family_name (patient));
    }

  gtk_editable_set_text (search_entry, "zzqqxxnothingmatches");
  fn_test_spin (400);
  g_assert_cmpuint (g_list_model_get_n_items (patients), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sidebar_stack), ==, "no-results");

  gtk_editable_set_text (search_entry, "");
  fn_test_spin (400);
  g_assert_cmpuint (g_list_model_get_n_items (patients), ==, n_all);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sidebar_stack), ==, "list");
}

typedef struct
{
  FnPatient  *patient;
  const char *title;
} StoredNote;

static gboolean
note_is_stored (Fixture *fixture,
                gpointer data)
{
  StoredNote *wanted = data;
  g_autoptr (FnNote) note = find_stored_note (fixture, wanted->patient, wanted->title);

  return note != NULL;
}

static void
test_autosave (Fixture       *fixture,
               gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  FnNoteEditor *editor = get_editor (fixture);
  StoredNote wanted = { patient, "Autosaved by the test" };
  g_autoptr (FnNote) note = NULL;
  gint64 start;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  activate (fixture, "win.new-note", NULL);
  g_assert_nonnull (fn_note_editor_get_note (editor));

  set_title (fixture, wanted.title);
  set_body (fixture, "Blood pressure 130/85. Walked to the garden with help.");
  g_assert_true (fn_note_editor_get_dirty (editor));
  start = g_get_monotonic_time ();

  /* Not saved at once: the editor waits for a pause. */
  g_assert_false (note_is_stored (fixture, &wanted));

  g_assert_true (spin_until (fixture, note_is_stored, &wanted, 3000));
  /* About 1 s after the pause, with room for a loaded test machine. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2500 * 1000);
  g_assert_false (fn_note_editor_get_dirty (editor));

  note = find_stored_note (fixture, patient, wanted.title);
  g_assert_cmpstr (fn_note_get_body (note), ==, "Blood pressure 130/85. Walked to the garden with help.");
  g_assert_cmpstr (fn_note_get_status (note), ==, "draft");
  g_assert_cmpstr (fn_note_get_kind (note), ==, "visit");
}

static void
test_leave_saves (Fixture       *fixture,
                  gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  FnNoteEditor *editor = get_editor (fixture);
  GtkStack *content_stack = child (fixture, FN_TYPE_WINDOW, "content_stack");
  g_autoptr (FnNote) stored = NULL;
  g_autoptr (FnRecord) reloaded = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *notes;
  g_autoptr (FnNote) first = NULL;
  g_autofree char *id = NULL;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  notes = G_LIST_MODEL (fn_note_list_new (fixture->store, fn_record_get_id (FN_RECORD (patient))));
  first = g_list_model_get_item (notes, 0);
  g_assert_nonnull (first);
  id = g_strdup (fn_record_get_id (FN_RECORD (first)));
  g_object_unref (notes);

  activate (fixture, "win.open-note", g_variant_new_string (id));
  g_assert_true (gtk_stack_get_visible_child (content_stack) == GTK_WIDGET (editor));

  set_body (fixture, "Changed and left at once.");
  set_title (fixture, "Left at once");
  activate (fixture, "win.back", NULL);

  /* Leaving saved it, with no main loop run in between. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "patient");
  reloaded = fn_store_get (fixture->store, FN_ENTITY_NOTE, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fn_note_get_title (FN_NOTE (reloaded)), ==, "Left at once");
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (reloaded)), ==, "Changed and left at once.");

  /* Switching patient saves too. */
  activate (fixture, "win.open-note", g_variant_new_string (id));
  set_title (fixture, "Saved on switching patient");
  {
    g_autoptr (FnPatient) other = g_list_model_get_item (fn_window_get_patients (fixture->window), 1);
    g_autoptr (FnRecord) again = NULL;

    g_assert_true (fn_window_show_patient (fixture->window, other));
    again = fn_store_get (fixture->store, FN_ENTITY_NOTE, id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (fn_note_get_title (FN_NOTE (again)), ==, "Saved on switching patient");
  }
}

static void
test_empty_note_not_saved (Fixture       *fixture,
                           gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  guint pending;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  before = fn_store_list_notes (fixture->store, fn_record_get_id (FN_RECORD (patient)), NULL);
  pending = fn_store_count_pending (fixture->store);

  activate (fixture, "win.new-note", NULL);
  fn_test_spin (1200);
  activate (fixture, "win.back", NULL);

  after = fn_store_list_notes (fixture->store, fn_record_get_id (FN_RECORD (patient)), NULL);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpuint (fn_store_count_pending (fixture->store), ==, pending);
}

static void
test_invalid_keeps_text (Fixture       *fixture,
                         gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  FnNoteEditor *editor = get_editor (fixture);
  GtkStack *content_stack = child (fixture, FN_TYPE_WINDOW, "content_stack");
  GtkRevealer *error_revealer = child (fixture, FN_TYPE_NOTE_EDITOR, "error_revealer");
  GtkEditable *title_row = child (fixture, FN_TYPE_NOTE_EDITOR, "title_row");
  g_autofree char *long_title = g_strnfill (FN_STRING_MAX_BYTES + 10, 'x');
  g_autoptr (FnNote) stored = NULL;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  activate (fixture, "win.new-note", NULL);
  set_title (fixture, long_title);
  g_assert_false (fn_note_editor_save (editor, NULL));
  g_assert_true (gtk_revealer_get_reveal_child (error_revealer));
  g_assert_cmpstr (gtk_editable_get_text (title_row), ==, long_title);

  /* Leaving is refused: the text would be lost. */
  activate (fixture, "win.back", NULL);
  g_assert_true (gtk_stack_get_visible_child (content_stack) == GTK_WIDGET (editor));
  g_assert_cmpstr (gtk_editable_get_text (title_row), ==, long_title);

  /* Fixing it saves it. */
  set_title (fixture, "Fixed title");
  activate (fixture, "win.back", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "patient");
  g_assert_false (gtk_revealer_get_reveal_child (error_revealer));
  stored = find_stored_note (fixture, patient, "Fixed title");
  g_assert_nonnull (stored);
}

static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  FnPatientPage *page = child (fixture, FN_TYPE_WINDOW, "patient_page");
  GtkStack *content_stack = child (fixture, FN_TYPE_WINDOW, "content_stack");
  g_autoptr (FnNote) first = NULL;
  g_autoptr (FnRecord) deleted = NULL;
  g_autoptr (FnRecord) restored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  GListModel *notes;
  guint n_notes;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  notes = fn_patient_page_get_notes (page);
  n_notes = g_list_model_get_n_items (notes);
  g_assert_cmpuint (n_notes, >, 0);
  first = g_list_model_get_item (notes, 0);
  id = g_strdup (fn_record_get_id (FN_RECORD (first)));

  activate (fixture, "win.open-note", g_variant_new_string (id));
  activate (fixture, "win.delete-note", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "patient");

  deleted = fn_store_get (fixture->store, FN_ENTITY_NOTE, id, &error);
  g_assert_no_error (error);
  g_assert_true (fn_record_get_deleted (deleted));
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, n_notes - 1);

  /* What the toast's Undo button does. */
  activate (fixture, "win.undo-delete", g_variant_new_string (id));
  restored = fn_store_get (fixture->store, FN_ENTITY_NOTE, id, &error);
  g_assert_no_error (error);
  g_assert_false (fn_record_get_deleted (restored));
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, n_notes);
}

static void
test_actions_enabled (Fixture       *fixture,
                      gconstpointer  user_data)
{
  /* No patient yet: nothing to add a note to. */
  g_assert_null (fn_window_get_patient (fixture->window));
  g_assert_false (gtk_widget_get_visible (child (fixture, FN_TYPE_WINDOW, "delete_button")));

  g_assert_true (fn_window_show_patient (fixture->window, first_patient (fixture)));
  g_assert_true (gtk_widget_get_visible (child (fixture, FN_TYPE_WINDOW, "new_note_button")));
  activate (fixture, "win.new-note", NULL);
  g_assert_true (gtk_widget_get_visible (child (fixture, FN_TYPE_WINDOW, "delete_button")));
  g_assert_false (gtk_widget_get_visible (child (fixture, FN_TYPE_WINDOW, "new_note_button")));
}

static void
test_external_change (Fixture       *fixture,
                      gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  FnPatientPage *page = child (fixture, FN_TYPE_WINDOW, "patient_page");
  FnNoteEditor *editor = get_editor (fixture);
  GtkEditable *title_row = child (fixture, FN_TYPE_NOTE_EDITOR, "title_row");
  GtkStack *content_stack = child (fixture, FN_TYPE_WINDOW, "content_stack");
  g_autoptr (FnNote) first = NULL;
  g_autoptr (FnRecord) other = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  first = g_list_model_get_item (fn_patient_page_get_notes (page), 0);
  id = g_strdup (fn_record_get_id (FN_RECORD (first)));
  activate (fixture, "win.open-note", g_variant_new_string (id));

  /* Changed elsewhere while only read here: the editor follows. */
  other = fn_store_get (fixture->store, FN_ENTITY_NOTE, id, &error);
  g_assert_no_error (error);
  g_object_set (other, "title", "Changed by the command line", NULL);
  g_assert_true (fn_store_save (fixture->store, other, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gtk_editable_get_text (title_row), ==, "Changed by the command line");

  /* Changed elsewhere in the middle of an edit: the caregiver's text stays. */
  set_title (fixture, "Typed here");
  g_object_set (other, "title", "Changed again elsewhere", NULL);
  g_assert_true (fn_store_save (fixture->store, other, &error));
  g_assert_cmpstr (gtk_editable_get_text (title_row), ==, "Typed here");
  g_assert_true (fn_note_editor_save (editor, &error));
  g_assert_no_error (error);

  /* Deleted elsewhere while read here: back to the patient. */
  g_assert_true (fn_store_delete (fixture->store, FN_ENTITY_NOTE, id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "patient");
}

/* A change from elsewhere (a sync) updates the fields the caregiver has
 * not touched, in place, and leaves the one being typed and its cursor. */
static void
test_external_change_per_field (Fixture       *fixture,
                                gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  FnPatientPage *page = child (fixture, FN_TYPE_WINDOW, "patient_page");
  FnNoteEditor *editor = get_editor (fixture);
  GtkEditable *title_row = child (fixture, FN_TYPE_NOTE_EDITOR, "title_row");
  GtkTextView *body_view = child (fixture, FN_TYPE_NOTE_EDITOR, "body_view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (body_view);
  g_autoptr (FnNote) first = NULL;
  g_autoptr (FnRecord) other = NULL;
  g_autoptr (FnRecord) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;
  GtkTextIter iter;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  first = g_list_model_get_item (fn_patient_page_get_notes (page), 0);
  id = g_strdup (fn_record_get_id (FN_RECORD (first)));
  activate (fixture, "win.open-note", g_variant_new_string (id));

  /* Read only, cursor in the text: a new title arrives; the cursor stays. */
  set_body (fixture, "Line one.\nLine two.");
  g_assert_true (fn_note_editor_save (editor, &error));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 4);
  gtk_text_buffer_place_cursor (buffer, &iter);
  other = fn_store_get (fixture->store, FN_ENTITY_NOTE, id, &error);
  g_assert_no_error (error);
  g_object_set (other, "title", "Retitled at the office", NULL);
  g_assert_true (fn_store_save (fixture->store, other, &error));
  g_assert_cmpstr (gtk_editable_get_text (title_row), ==, "Retitled at the office");
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&iter), ==, 4);
  g_assert_false (fn_note_editor_get_dirty (editor));

  /* Typing in the text: the title still follows, the text is kept. */
  set_body (fixture, "Typed here, not saved yet.");
  g_assert_true (fn_note_editor_get_dirty (editor));
  g_object_set (other, "title", "Retitled again", "body", "Office text.", NULL);
  g_assert_true (fn_store_save (fixture->store, other, &error));
  g_assert_cmpstr (gtk_editable_get_text (title_row), ==, "Retitled again");
  body = dup_body (fixture);
  g_assert_cmpstr (body, ==, "Typed here, not saved yet.");

  /* Saving writes the text typed, with the title that arrived. */
  g_assert_true (fn_note_editor_save (editor, &error));
  g_assert_no_error (error);
  stored = fn_store_get (fixture->store, FN_ENTITY_NOTE, id, &error);
  g_assert_cmpstr (fn_note_get_title (FN_NOTE (stored)), ==, "Retitled again");
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (stored)), ==, "Typed here, not saved yet.");
}

/* A conflict on a patient's field that the clock decided, as a pull
 * stores it: the patient's page lists it under History. */
static void
test_patient_history (Fixture       *fixture,
                      gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  FnPatientPage *page = child (fixture, FN_TYPE_WINDOW, "patient_page");
  GtkWidget *history_group;
  GtkListBox *history_list;
  g_autoptr (FnConflict) conflict = fn_conflict_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *id = fn_uuid_new ();
  GtkListBoxRow *row;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  history_group = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                             FN_TYPE_PATIENT_PAGE,
                                                             "history_group"));
  history_list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                              FN_TYPE_PATIENT_PAGE,
                                                              "history_list"));
  g_assert_false (gtk_widget_get_visible (history_group));

  fn_record_set_id (FN_RECORD (conflict), id);
  fn_record_set_version (FN_RECORD (conflict), 1);
  fn_record_set_field (FN_RECORD (conflict), "record_entity", "patient");
  fn_record_set_field (FN_RECORD (conflict), "record_id", fn_record_get_id (FN_RECORD (patient)));
  fn_record_set_field (FN_RECORD (conflict), "field", "phone");
  fn_record_set_field (FN_RECORD (conflict), "losing_value", "555-0100");
  fn_record_set_field (FN_RECORD (conflict), "winning_value", "555-0199");
  fn_record_set_field (FN_RECORD (conflict), "resolved", "false");
  g_assert_true (fn_store_begin (fixture->store, &error));
  g_assert_true (fn_store_insert_synced (fixture->store, FN_RECORD (conflict), &error));
  g_assert_no_error (error);
  g_assert_true (fn_store_commit (fixture->store, &error));
  fn_store_emit_changed (fixture->store, FN_ENTITY_CONFLICT, NULL);

  g_assert_true (gtk_widget_get_visible (history_group));
  row = gtk_list_box_get_row_at_index (history_list, 0);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "Kept: 555-0199"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "Replaced: 555-0100"));
}

static void
test_window_state (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr (GSettings) settings = g_settings_new ("io.github.fieldnotes.FieldNotes");
  gboolean stop = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 650);
  g_signal_emit_by_name (fixture->window, "close-request", &stop);
  g_assert_false (stop);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
test_close_saves (Fixture       *fixture,
                  gconstpointer  user_data)
{
  FnPatient *patient = first_patient (fixture);
  g_autoptr (FnNote) stored = NULL;
  gboolean stop = TRUE;

  g_assert_true (fn_window_show_patient (fixture->window, patient));
  activate (fixture, "win.new-note", NULL);
  set_title (fixture, "Saved when the window closed");
  set_body (fixture, "Typed just before closing.");

  g_signal_emit_by_name (fixture->window, "close-request", &stop);
  g_assert_false (stop);

  stored = find_stored_note (fixture, patient, "Saved when the window closed");
  g_assert_nonnull (stored);
  g_assert_cmpstr (fn_note_get_body (stored), ==, "Typed just before closing.");
}

static gboolean
is_folded (Fixture *fixture,
           gpointer data)
{
  return adw_leaflet_get_folded (ADW_LEAFLET (child (fixture, FN_TYPE_WINDOW, "leaflet")));
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  user_data)
{
  AdwLeaflet *leaflet;
  GtkWidget *back_button;

  /* Half of a 1366 px laptop screen. */
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  fixture->window = g_object_ref_sink (fn_window_new (NULL, fixture->store));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 683, 768);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (spin_until (fixture, is_mapped, NULL, 5000));
  g_assert_true (spin_until (fixture, is_folded, NULL, 5000));

  leaflet = child (fixture, FN_TYPE_WINDOW, "leaflet");
  back_button = child (fixture, FN_TYPE_WINDOW, "back_button");
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (fixture, FN_TYPE_WINDOW, "sidebar"));

  g_assert_true (fn_window_show_patient (fixture->window, first_patient (fixture)));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (fixture, FN_TYPE_WINDOW, "content"));
  g_assert_true (gtk_widget_get_visible (back_button));

  activate (fixture, "win.back", NULL);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (fixture, FN_TYPE_WINDOW, "sidebar"));

  /* Ctrl+F from the patient page comes back to the list's search. */
  g_assert_true (fn_window_show_patient (fixture->window, first_patient (fixture)));
  activate (fixture, "win.search", NULL);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (fixture, FN_TYPE_WINDOW, "sidebar"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ui/window/search", test_search);
  ADD ("/ui/window/autosave", test_autosave);
  ADD ("/ui/window/leave-saves", test_leave_saves);
  ADD ("/ui/window/empty-note-not-saved", test_empty_note_not_saved);
  ADD ("/ui/window/invalid-keeps-text", test_invalid_keeps_text);
  ADD ("/ui/window/delete-undo", test_delete_undo);
  ADD ("/ui/window/actions", test_actions_enabled);
  ADD ("/ui/window/external-change", test_external_change);
  ADD ("/ui/window/external-change-per-field", test_external_change_per_field);
  ADD ("/ui/window/patient-history", test_patient_history);
  ADD ("/ui/window/state", test_window_state);
  ADD ("/ui/window/close-saves", test_close_saves);
  ADD ("/ui/window/narrow", test_narrow);

  return g_test_run ();
}
