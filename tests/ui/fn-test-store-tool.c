/* fn-test-store-tool.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the smoke tests need from a store, without the GUI:
 *   fn-test-store-tool demo DIR [N_PATIENTS N_NOTES]   fill DIR with demo data
 *   fn-test-store-tool sign DIR NOTE_ID SIGNER         sign a note with a drawn line
 *   fn-test-store-tool find-note DIR TITLE             exit 0 if a live note has TITLE
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-core.h"

#include <math.h>

static int
load_demo (const char *data_dir,
           guint       n_patients,
           guint       n_notes)
{
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GError) error = NULL;

  store = fn_store_new (data_dir, &error);
  if (!store || !fn_store_load_demo_data (store, n_patients, n_notes, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}

static int
find_note (const char *data_dir,
           const char *title)
{
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GError) error = NULL;

  store = fn_store_new (data_dir, &error);
  if (store)
    patients = fn_store_list_patients (store, NULL, &error);
  if (!patients)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  for (guint i = 0; i < patients->len; i++)
    {
      g_autoptr (GPtrArray) notes = NULL;

      notes = fn_store_list_notes (store, fn_record_get_id (patients->pdata[i]), &error);
      if (!notes)
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }

      for (guint j = 0; j < notes->len; j++)
        if (g_strcmp0 (fn_note_get_title (notes->pdata[j]), title) == 0)
          {
            g_print ("found: %s\n", fn_record_get_id (notes->pdata[j]));
            return 0;
          }
    }

  g_printerr ("No note titled “%s”\n", title);
  return 1;
}

/* Signs a note with a drawn zigzag, as the signature pad would. */
static int
sign_note (const char *data_dir,
           const char *note_id,
           const char *signer)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = fn_store_new (data_dir, &error);
  g_autoptr (FnStrokes) strokes = fn_strokes_new (400, 150);
  g_autoptr (FnSignature) signature = NULL;

  if (!store)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  /* Cursive loops that shrink to the right, then an underline. */
  fn_strokes_begin_stroke (strokes);
  for (int i = 0; i <= 120; i++)
    {
      double t = i / 120.0;
      FnStrokePoint point = { 0 };

      point.x = 40 + 290 * t + 16 * cos (t * 24);
      point.y = 70 - 34 * sin (t * 24) * (1 - 0.55 * t);
      point.pressure = 0.5 + 0.3 * sin (t * 3.1);
      point.t_ms = i * 12;
      fn_strokes_add_point (strokes, &point);
    }
  fn_strokes_end_stroke (strokes);
  fn_strokes_begin_stroke (strokes);
  for (int i = 0; i <= 20; i++)
    {
      FnStrokePoint point = { 0 };

      point.x = 50 + i * 14;
      point.y = 118 - i * 0.6;
      point.pressure = 0.6;
      point.t_ms = 1600 + i * 15;
      fn_strokes_add_point (strokes, &point);
    }
  fn_strokes_end_stroke (strokes);

  signature = fn_store_add_signature (store, note_id, signer, "patient", strokes, &error);
  if (!signature)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 3 && g_str_equal (argv[1], "demo"))
    {
      guint n_patients = argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 30;
      guint n_notes = argc > 4 ? (guint) g_ascii_strtoull (argv[4], NULL, 10) : 200;

      return load_demo (argv[2], n_patients, n_notes);
    }

  if (argc == 4 && g_str_equal (argv[1], "find-note"))
    return find_note (argv[2], argv[3]);

  if (argc == 5 && g_str_equal (argv[1], "sign"))
    return sign_note (argv[2], argv[3], argv[4]);

  g_printerr ("Usage: %s demo DIR [N_PATIENTS N_NOTES] | find-note DIR TITLE | "
              "sign DIR NOTE_ID SIGNER\n", argv[0]);
  return 2;
}
