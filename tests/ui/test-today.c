/* test-today.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Today view in the real window: the day's visits following the store,
 * stepping through days, opening a visit and coming back, and the
 * end-of-day report written in a thread.
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-test-util.h"
#include "fn-test-window.h"
#include "fn-today-page.h"
#include "fn-window.h"

#include <string.h>

typedef struct
{
  char        *data_dir;
  FnStore     *store;
  FnWindow    *window;
  FnTodayPage *today;
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

static guint
count_today (Fixture *fixture)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) start = g_date_time_new_local (g_date_time_get_year (now),
                                                       g_date_time_get_month (now),
                                                       g_date_time_get_day_of_month (now),
                                                       0, 0, 0);
  g_autoptr (GDateTime) end = g_date_time_add_days (start, 1);
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (GError) error = NULL;

  notes = fn_store_list_notes_between (fixture->store, g_date_time_to_unix (start) * 1000,
                                       g_date_time_to_unix (end) * 1000, &error);
  g_assert_no_error (error);
  return notes->len;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->store = fn_test_demo_store_new ("fn-test-today-XXXXXX", 10, 40, &fixture->data_dir);
  fixture->window = fn_test_window_open (fixture->store, NULL, 1200, 760);

  fixture->today = FN_TODAY_PAGE (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                                 FN_TYPE_WINDOW, "today_page"));
  g_assert_true (FN_IS_TODAY_PAGE (fixture->today));
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

static GtkWidget *
visible_page (Fixture *fixture)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                              FN_TYPE_WINDOW, "content_stack"));

  return gtk_stack_get_visible_child (stack);
}

static void
activate (Fixture    *fixture,
          GtkWidget  *widget,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (widget, action, parameter));
}

static FnNote *
add_note_now (Fixture    *fixture,
              const char *title)
{
  g_autoptr (GPtrArray) patients = fn_store_list_patients (fixture->store, NULL, NULL);
  g_autoptr (GError) error = NULL;
  FnNote *note;

  g_assert_nonnull (patients);
  g_assert_cmpuint (patients->len, >, 0);
  note = fn_note_new (fn_record_get_id (g_ptr_array_index (patients, patients->len - 1)));
  g_object_set (note, "title", title, "body", "Written by the test.", NULL);
  fn_store_save (fixture->store, FN_RECORD (note), &error);
  g_assert_no_error (error);

  return note;
}

static gboolean
has_n_visits (Fixture  *fixture,
              gpointer  data)
{
  return fn_today_page_get_n_visits (fixture->today) == GPOINTER_TO_UINT (data);
}

static void
test_today_follows_store (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr (FnNote) first = NULL;
  g_autoptr (FnNote) second = NULL;
  guint before = count_today (fixture);

  activate (fixture, GTK_WIDGET (fixture->window), "win.show-today", NULL);
  g_assert_true (visible_page (fixture) == GTK_WIDGET (fixture->today));
  g_assert_cmpuint (fn_today_page_get_n_visits (fixture->today), ==, before);

  first = add_note_now (fixture, "Written today");
  g_assert_true (spin_until (fixture, has_n_visits, GUINT_TO_POINTER (before + 1), 5000));
  second = add_note_now (fixture, "Written today as well");
  g_assert_true (spin_until (fixture, has_n_visits, GUINT_TO_POINTER (before + 2), 5000));

  /* A deleted note leaves the day. */
  g_assert_true (fn_store_delete (fixture->store, FN_ENTITY_NOTE,
                                  fn_record_get_id (FN_RECORD (first)), NULL));
  g_assert_true (spin_until (fixture, has_n_visits, GUINT_TO_POINTER (before + 1), 5000));
}

static void
test_today_days (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  GDate today, yesterday;
  const GDate *day;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  yesterday = today;
  g_date_subtract_days (&yesterday, 1);

  activate (fixture, GTK_WIDGET (fixture->window), "win.show-today", NULL);
  day = fn_today_page_get_day (fixture->today);
  g_assert_cmpint (g_date_compare (day, &today), ==, 0);

  activate (fixture, GTK_WIDGET (fixture->today), "today.previous-day", NULL);
  g_assert_cmpint (g_date_compare (fn_today_page_get_day (fixture->today), &yesterday), ==, 0);
  activate (fixture, GTK_WIDGET (fixture->today), "today.next-day", NULL);
  activate (fixture, GTK_WIDGET (fixture->today), "today.next-day", NULL);
  activate (fixture, GTK_WIDGET (fixture->today), "today.go-today", NULL);
  g_assert_cmpint (g_date_compare (fn_today_page_get_day (fixture->today), &today), ==, 0);
}

static void
test_today_open_note (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr (FnNote) note = add_note_now (fixture, "Opened from Today");
  FnPatient *patient;

  activate (fixture, GTK_WIDGET (fixture->window), "win.show-today", NULL);
  g_assert_null (fn_window_get_patient (fixture->window));

  /* What a row does: open the note, with its patient as the current one. */
  activate (fixture, GTK_WIDGET (fixture->window), "win.open-note",
            g_variant_new_string (fn_record_get_id (FN_RECORD (note))));
  patient = fn_window_get_patient (fixture->window);
  g_assert_nonnull (patient);
  g_assert_cmpstr (fn_record_get_id (FN_RECORD (patient)), ==, fn_note_get_patient_id (note));
  g_assert_false (visible_page (fixture) == GTK_WIDGET (fixture->today));

  /* Back returns to the day. */
  activate (fixture, GTK_WIDGET (fixture->window), "win.back", NULL);
  g_assert_true (visible_page (fixture) == GTK_WIDGET (fixture->today));
}

static void
report_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;

  if (!fn_today_page_write_report_finish (FN_TODAY_PAGE (object), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static gboolean
has_error (Fixture  *fixture,
           gpointer  data)
{
  return *(GError **)data != NULL;
}

static void
test_today_report (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr (FnNote) note = add_note_now (fixture, "In the report");
  g_autofree char *path = g_build_filename (fixture->data_dir, "report.pdf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  fn_today_page_write_report_async (fixture->today, file, NULL, report_written_cb, &error);
  g_assert_true (spin_until (fixture, has_error, &error, 20000));
  /* "done" stands for success. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (memcmp (contents, "%PDF-", 5) == 0);

  /* A folder that cannot be written is an error a person can read. */
  g_clear_object (&file);
  file = g_file_new_for_path ("/proc/field-notes-no-such-folder/report.pdf");
  fn_today_page_write_report_async (fixture->today, file, NULL, report_written_cb, &error);
  g_assert_true (spin_until (fixture, has_error, &error, 20000));
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS));
  g_assert_nonnull (error->message);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/today/follows-store", test_today_follows_store);
  ADD ("/today/days", test_today_days);
  ADD ("/today/open-note", test_today_open_note);
  ADD ("/today/report", test_today_report);

#undef ADD

  return g_test_run ();
}
