/* fn-test-demo-data.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fills a data folder with demo data for the smoke tests:
 * fn-test-demo-data DIR [N_PATIENTS N_NOTES]
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-core.h"

#include <stdlib.h>

int
main (int   argc,
      char *argv[])
{
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GError) error = NULL;
  guint n_patients = 30;
  guint n_notes = 200;

  if (argc != 2 && argc != 4)
    {
      g_printerr ("Usage: %s DIR [N_PATIENTS N_NOTES]\n", argv[0]);
      return 2;
    }

  if (argc == 4)
    {
      n_patients = (guint) g_ascii_strtoull (argv[2], NULL, 10);
      n_notes = (guint) g_ascii_strtoull (argv[3], NULL, 10);
    }

  store = fn_store_new (argv[1], &error);
  if (!store || !fn_store_load_demo_data (store, n_patients, n_notes, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}
