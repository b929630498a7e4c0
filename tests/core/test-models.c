/* test-models.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-core.h"

#include <glib/gstdio.h>

typedef struct
{
  char *dir;
  FnStore *store;
  guint changes;
  guint last_position;
  guint last_removed;
  guint last_added;
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  f->changes++;
  f->last_position = position;
  f->last_removed = removed;
  f->last_added = added;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *n)
{
  (*n)++;
}

static FnPatient *
add_patient (Fixture    *f,
             const char *family)
{
  FnPatient *patient = fn_patient_new ();
  g_autoptr (GError) error = NULL;

  fn_record_set_field (FN_RECORD (patient), "family_name", family);
  g_assert_true (fn_store_save (f->store, FN_RECORD (patient), &error));
  g_assert_no_error (error);

  return patient;
}

static FnNote *
add_note (Fixture    *f,
          FnPatient  *patient,
          const char *title,
          const char *visit_at)
{
  FnNote *note = fn_note_new (fn_record_get_id (FN_RECORD (patient)));
  g_autoptr (GError) error = NULL;

  fn_record_set_field (FN_RECORD (note), "title", title);
  fn_record_set_field (FN_RECORD (note), "visit_at", visit_at);
  g_assert_true (fn_store_save (f->store, FN_RECORD (note), &error));
  g_assert_no_error (error);

  return note;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("fn-models-XXXXXX", &error);
  f->store = fn_store_new (f->dir, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_strdup (fn_store_get_path (f->store));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_finalize_object (f->store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static FnPatient *
patient_at (GListModel *model,
            guint       position)
{
  g_autoptr (FnPatient) patient = g_list_model_get_item (model, position);

  return patient;
}

static void
test_patient_list_live (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr (FnPatient) weber = add_patient (f, "Weber");
  g_autoptr (FnPatient) albrecht = add_patient (f, "Albrecht");
  FnPatientList *list = fn_patient_list_new (f->store);
  GListModel *model = G_LIST_MODEL (list);
  g_autoptr (FnPatient) moreau = NULL;
  g_autoptr (FnRecord) edit = NULL;
  FnPatient *row;
  g_autoptr (GError) error = NULL;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), f);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_true (g_list_model_get_item_type (model) == FN_TYPE_RECORD);
  g_assert_cmpstr (fn_patient_get_family_name (patient_at (model, 0)), ==, "Albrecht");

  /* A new patient appears in place, one insertion. */
  moreau = add_patient (f, "Moreau");
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->last_position, ==, 1);
  g_assert_cmpuint (f->last_removed, ==, 0);
  g_assert_cmpuint (f->last_added, ==, 1);

  /* An edit that keeps the order updates the same object, no items-changed. */
  row = patient_at (model, 2);
  g_assert_cmpstr (fn_patient_get_family_name (row), ==, "Weber");
  edit = fn_store_get (f->store, FN_ENTITY_PATIENT, fn_record_get_id (FN_RECORD (weber)), &error);
  fn_record_set_field (edit, "phone", "+1 202 555 0142");
  g_assert_true (fn_store_save (f->store, edit, &error));
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_true (patient_at (model, 2) == row);
  g_assert_cmpstr (fn_patient_get_phone (row), ==, "+1 202 555 0142");

  /* Searching narrows the list. */
  fn_patient_list_set_search (list, "mor");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (fn_patient_get_family_name (patient_at (model, 0)), ==, "Moreau");
  fn_patient_list_set_search (list, "");
  g_assert_null (fn_patient_list_get_search (list));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* A deleted patient leaves. */
  f->changes = 0;
  g_assert_true (fn_store_delete (f->store, FN_ENTITY_PATIENT,
                                  fn_record_get_id (FN_RECORD (albrecht)), &error));
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->last_position, ==, 0);
  g_assert_cmpuint (f->last_removed, ==, 1);
  g_assert_cmpuint (f->last_added, ==, 0);

  g_assert_finalize_object (list);
}

static void
test_patient_sync_marker (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr (FnPatient) patient = add_patient (f, "Novak");
  g_autoptr (FnPatientList) list = fn_patient_list_new (f->store);
  g_autoptr (FnNote) note = NULL;
  FnPatient *row;

  row = patient_at (G_LIST_MODEL (list), 0);
  g_assert_cmpint (fn_record_get_sync_state (FN_RECORD (row)), ==, FN_SYNC_STATE_PENDING);

  note = add_note (f, patient, "Visit", "2026-11-27T10:00:00Z");
  g_assert_cmpint (fn_record_get_sync_state (FN_RECORD (row)), ==, FN_SYNC_STATE_PENDING);
}

static void
test_note_list_live (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (FnPatient) patient = add_patient (f, "Gruber");
  g_autoptr (FnPatient) other = add_patient (f, "Haddad");
  g_autoptr (FnNote) monday = add_note (f, patient, "Monday", "2026-11-23T09:00:00Z");
  g_autoptr (FnNote) friday = NULL;
  g_autoptr (FnNote) elsewhere = NULL;
  FnNoteList *list = fn_note_list_new (f->store, fn_record_get_id (FN_RECORD (patient)));
  GListModel *model = G_LIST_MODEL (list);
  g_autoptr (GError) error = NULL;
  g_autoptr (FnNote) first = NULL;
  FnNote *row;
  guint title_notifies = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), f);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* The newest visit goes on top. */
  friday = add_note (f, patient, "Friday", "2026-11-27T09:00:00Z");
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->last_position, ==, 0);
  g_assert_cmpuint (f->last_added, ==, 1);
  first = g_list_model_get_item (model, 0);
  g_assert_cmpstr (fn_note_get_title (first), ==, "Friday");

  /* Another patient's note is not ours. */
  elsewhere = add_note (f, other, "Elsewhere", "2026-11-28T09:00:00Z");
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);

  /* Editing a note updates its row object in place, with one notification. */
  row = g_list_model_get_item (model, 1);
  g_object_unref (row);
  g_signal_connect (row, "notify::title", G_CALLBACK (count_notify), &title_notifies);
  fn_record_set_field (FN_RECORD (monday), "title", "Monday (edited)");
  g_assert_true (fn_store_save (f->store, FN_RECORD (monday), &error));
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (title_notifies, ==, 1);
  g_assert_cmpstr (fn_note_get_title (row), ==, "Monday (edited)");

  /* Deleting and restoring come and go as single changes. */
  g_assert_true (fn_store_delete (f->store, FN_ENTITY_NOTE, fn_record_get_id (FN_RECORD (friday)),
                                  &error));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpuint (f->last_removed, ==, 1);
  g_assert_true (fn_store_restore (f->store, FN_ENTITY_NOTE, fn_record_get_id (FN_RECORD (friday)),
                                   &error));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);

  /* Switching patient swaps the whole list. */
  fn_note_list_set_patient_id (list, fn_record_get_id (FN_RECORD (other)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  fn_note_list_set_patient_id (list, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_assert_finalize_object (list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/models/patient-list/live", Fixture, NULL, fixture_setup,
              test_patient_list_live, fixture_teardown);
  g_test_add ("/models/patient-list/sync-marker", Fixture, NULL, fixture_setup,
              test_patient_sync_marker, fixture_teardown);
  g_test_add ("/models/note-list/live", Fixture, NULL, fixture_setup,
              test_note_list_live, fixture_teardown);

  return g_test_run ();
}
