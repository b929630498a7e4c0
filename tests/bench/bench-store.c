/* bench-store.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Fills a store with demo-like data and prints how long the operations a
 * caregiver waits for take. Not a test: it asserts nothing about time. */

#include "config.h"

#include "fn-core.h"
#include "fn-store-private.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return (x > y) - (x < y);
}

static void
print_percentiles (const char *what,
                   GArray     *ms)
{
  g_array_sort (ms, compare_doubles);
  printf ("%-34s p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms   (n=%u)\n", what,
          g_array_index (ms, double, ms->len / 2),
          g_array_index (ms, double, MIN (ms->len - 1, ms->len * 99 / 100)),
          g_array_index (ms, double, ms->len - 1), ms->len);
}

static long
resident_kib (void)
{
  g_autofree char *status = NULL;
  long kib = -1;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    {
      const char *line = strstr (status, "VmRSS:");

      if (line)
        sscanf (line, "VmRSS: %ld", &kib);
    }

  return kib;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GArray) search_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) list_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) save_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (FnPatientList) list = NULL;
  static const char * const terms[] = { "weber", "dvo", "insulin", "wound heel", "ingrid", "fall" };
  guint n_patients = 10000;
  guint n_notes = 100000;
  guint n_saves = 2000;
  g_autofree char *slowest = NULL;
  double slowest_ms;
  const char *dir;
  gint64 start;

  if (argc > 1 && g_str_equal (argv[1], "--quick"))
    {
      n_patients = 1000;
      n_notes = 10000;
      n_saves = 200;
    }

  dir = g_getenv ("FIELD_NOTES_BENCH_DIR");
  if (!dir)
    dir = g_dir_make_tmp ("fn-bench-XXXXXX", &error);
  g_assert_no_error (error);

  store = fn_store_new (dir, &error);
  g_assert_no_error (error);

  printf ("Store benchmark: %u patients, %u notes in %s\n", n_patients, n_notes, dir);

  if (fn_store_count_pending (store) == 0 && !fn_store_is_demo (store))
    {
      start = g_get_monotonic_time ();
      if (!fn_store_load_demo_data (store, n_patients, n_notes, &error))
        g_error ("%s", error->message);
      printf ("%-34s %8.1f s\n", "fill (one transaction)",
              (g_get_monotonic_time () - start) / 1e6);
    }

  patients = fn_store_list_patients (store, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (GPtrArray) all = NULL;
      double ms;

      start = g_get_monotonic_time ();
      all = fn_store_list_patients (store, NULL, &error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (list_ms, ms);
    }
  print_percentiles ("list all patients", list_ms);

  /* The patient list model as the window uses it: filter on each keystroke. */
  list = fn_patient_list_new (store);
  slowest_ms = 0;
  for (guint i = 0; i < 60; i++)
    {
      const char *term = terms[i % G_N_ELEMENTS (terms)];
      g_autofree char *prefix = g_strndup (term, 2 + i % (strlen (term) - 1));
      double ms;

      start = g_get_monotonic_time ();
      fn_patient_list_set_search (list, prefix);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (search_ms, ms);
      if (ms > slowest_ms)
        {
          slowest_ms = ms;
          g_free (slowest);
          slowest = g_strdup_printf ("“%s”, %u patients", prefix,
                                     g_list_model_get_n_items (G_LIST_MODEL (list)));
        }
      fn_patient_list_set_search (list, NULL);
    }
  print_percentiles ("filter patient list (model)", search_ms);
  printf ("%-34s %s\n", "  slowest filter", slowest);
  g_clear_object (&list);

  for (guint i = 0; i < n_saves; i++)
    {
      FnPatient *patient = g_ptr_array_index (patients, i % patients->len);
      g_autoptr (FnNote) note = fn_note_new (fn_record_get_id (FN_RECORD (patient)));
      g_autofree char *body = g_strdup_printf ("Benchmark note %u. Blood pressure 130/85, pulse 72. "
                                               "Assisted with breakfast and morning medication; "
                                               "no complaints of pain. Walked to the kitchen with "
                                               "the frame. Skin on heels intact.", i);
      double ms;

      fn_record_set_field (FN_RECORD (note), "title", "Benchmark visit");
      fn_record_set_field (FN_RECORD (note), "body", body);

      start = g_get_monotonic_time ();
      if (!fn_store_save (store, FN_RECORD (note), &error))
        g_error ("%s", error->message);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (save_ms, ms);
    }
  print_percentiles ("save a note (record+outbox+FTS)", save_ms);

  printf ("%-34s %8.1f MiB\n", "resident memory", resident_kib () / 1024.0);

  return 0;
}
