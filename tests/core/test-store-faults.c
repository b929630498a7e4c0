/* test-store-faults.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The store on a file system that fills up or turns read-only: a small
 * tmpfs mounted by the test (root only; skipped with a message otherwise).
 * A save that cannot be written fails with a clear error and loses nothing
 * that was saved before. */

#include "config.h"

#include "fn-core.h"
#include "fn-test-util.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mount.h>

#define MOUNT_SIZE "size=8m,mode=0700"
#define BODY_BYTES (60 * 1024)

typedef struct
{
  char *dir;
  gboolean mounted;
  char *patient_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("fn-faults-XXXXXX", &error);
  g_assert_no_error (error);

  if (mount ("tmpfs", f->dir, "tmpfs", MS_NOSUID | MS_NODEV, MOUNT_SIZE) != 0)
    {
      g_autofree char *why = g_strdup_printf ("cannot mount a small tmpfs to fill up (%s); "
                                              "run as root to test a full or read-only disk",
                                              g_strerror (errno));

      g_test_skip (why);
      return;
    }
  f->mounted = TRUE;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->mounted)
    g_assert_cmpint (umount2 (f->dir, MNT_DETACH), ==, 0);
  fn_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->patient_id);
}

static char *
body_text (guint n)
{
  GString *text = g_string_sized_new (BODY_BYTES);
  GRand *rand = g_rand_new_with_seed (n);

  g_string_append_printf (text, "Visit %u. ", n);
  while (text->len < BODY_BYTES - 16)
    g_string_append_c (text, "abcdefghij klmnopqrstuvwxyz.\n"[g_rand_int_range (rand, 0, 29)]);
  g_rand_free (rand);

  return g_string_free (text, FALSE);
}

static FnStore *
open_store (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (f->dir, "field-notes", NULL);
  FnStore *store = fn_store_new (data_dir, &error);

  g_assert_no_error (error);
  return store;
}

static void
add_patient (Fixture *f,
             FnStore *store)
{
  g_autoptr (FnRecord) patient = fn_record_new (FN_ENTITY_PATIENT);
  g_autoptr (GError) error = NULL;

  fn_record_set_field (patient, "given_name", "Hedwig");
  fn_record_set_field (patient, "family_name", "Brandt");
  g_assert_true (fn_store_save (store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (fn_record_get_id (patient));
}

static gboolean
save_note (Fixture     *f,
           FnStore     *store,
           guint        n,
           char       **id,
           GError     **error)
{
  g_autoptr (FnNote) note = fn_note_new (f->patient_id);
  g_autofree char *title = g_strdup_printf ("Visit %u", n);
  g_autofree char *body = body_text (n);

  fn_record_set_field (FN_RECORD (note), "title", title);
  fn_record_set_field (FN_RECORD (note), "body", body);
  if (!fn_store_save (store, FN_RECORD (note), error))
    return FALSE;

  *id = g_strdup (fn_record_get_id (FN_RECORD (note)));
  return TRUE;
}

/* Every note saved is there, whole, and each still has its op to push. */
static void
assert_all_there (Fixture   *f,
                  FnStore   *store,
                  GPtrArray *ids)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) notes = fn_store_list_notes (store, f->patient_id, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (FnRecord) note = fn_store_get (store, FN_ENTITY_NOTE, g_ptr_array_index (ids, i),
                                                &error);
      g_autofree char *title = g_strdup_printf ("Visit %u", i);
      g_autofree char *body = body_text (i);

      g_assert_no_error (error);
      g_assert_nonnull (note);
      g_assert_cmpstr (fn_record_get_field (note, "title"), ==, title);
      g_assert_cmpstr (fn_record_get_field (note, "body"), ==, body);
    }

  /* The patient's op and one op per note. */
  g_assert_cmpuint (fn_store_count_pending (store), ==, ids->len + 1);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *ballast = NULL;
  g_autofree char *late_id = NULL;
  guint n = 0;

  if (!f->mounted)
    return;

  store = open_store (f);
  add_patient (f, store);

  /* A file that takes an eighth of the space, to free it later. */
  ballast = g_build_filename (f->dir, "ballast", NULL);
  {
    g_autofree char *bytes = g_malloc0 (1024 * 1024);

    g_assert_true (g_file_set_contents (ballast, bytes, 1024 * 1024, &error));
    g_assert_no_error (error);
  }

  /* Save notes until the disk is full; 8 MiB cannot hold 200 of them. */
  for (n = 0; n < 200; n++)
    {
      char *id = NULL;

      if (!save_note (f, store, n, &id, &error))
        break;
      g_ptr_array_add (ids, id);
    }
  g_test_message ("the disk was full after %u notes of %u KiB", n, BODY_BYTES / 1024);
  g_assert_cmpuint (n, <, 200);
  g_assert_cmpuint (n, >, 0);
  g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_assert_nonnull (strstr (error->message, "nothing saved before was lost"));
  g_clear_error (&error);

  /* The note that did not fit is not half there; the others are whole. */
  assert_all_there (f, store, ids);

  /* Trying again while full fails the same way and harms nothing. */
  {
    g_autofree char *id = NULL;

    g_assert_false (save_note (f, store, n, &id, &error));
    g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_NO_SPACE);
    g_clear_error (&error);
    assert_all_there (f, store, ids);
  }

  /* Space is freed: saving works again without reopening. */
  g_assert_cmpint (g_unlink (ballast), ==, 0);
  g_assert_true (save_note (f, store, n, &late_id, &error));
  g_assert_no_error (error);
  g_ptr_array_add (ids, g_steal_pointer (&late_id));

  /* Everything is there after closing and opening again. */
  g_assert_finalize_object (g_steal_pointer (&store));
  store = open_store (f);
  assert_all_there (f, store, ids);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) read_only = NULL;

  if (!f->mounted)
    return;

  store = open_store (f);
  add_patient (f, store);
  for (guint n = 0; n < 5; n++)
    {
      char *id = NULL;

      g_assert_true (save_note (f, store, n, &id, &error));
      g_assert_no_error (error);
      g_ptr_array_add (ids, id);
    }
  g_assert_finalize_object (g_steal_pointer (&store));

  /* The file system turns read-only (as after a disk error). */
  g_assert_cmpint (mount ("tmpfs", f->dir, "tmpfs", MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
                          MOUNT_SIZE), ==, 0);

  {
    g_autofree char *data_dir = g_build_filename (f->dir, "field-notes", NULL);

    read_only = fn_store_new (data_dir, &error);
  }
  if (!read_only)
    {
      /* Refusing to open is fine, if it says why. */
      g_test_message ("opening refused: %s", error->message);
      g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_READ_ONLY);
    }
  else
    {
      g_autofree char *id = NULL;

      g_assert_no_error (error);
      assert_all_there (f, read_only, ids);
      g_assert_false (save_note (f, read_only, 99, &id, &error));
      g_test_message ("save refused: %s", error->message);
      g_assert_error (error, FN_STORE_ERROR, FN_STORE_ERROR_READ_ONLY);
      assert_all_there (f, read_only, ids);
      g_assert_finalize_object (g_steal_pointer (&read_only));
    }
  g_assert_nonnull (strstr (error->message, "cannot be written to"));
  g_clear_error (&error);

  /* Writable again: nothing was lost. */
  g_assert_cmpint (mount ("tmpfs", f->dir, "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV,
                          MOUNT_SIZE), ==, 0);
  store = open_store (f);
  assert_all_there (f, store, ids);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/faults/disk-full", Fixture, NULL, fixture_setup, test_disk_full,
              fixture_teardown);
  g_test_add ("/store/faults/read-only", Fixture, NULL, fixture_setup, test_read_only,
              fixture_teardown);

  return g_test_run ();
}
