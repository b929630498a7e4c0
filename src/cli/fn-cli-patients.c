/* fn-cli-patients.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>

static char *
dup_age (FnPatient *patient)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  GDate today;
  int age;

  if (!fn_patient_get_birth_date (patient) || !*fn_patient_get_birth_date (patient))
    return g_strdup ("");

  g_date_clear (&today, 1);
  g_date_set_dmy (&today,
                  g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now),
                  g_date_time_get_year (now));
  age = fn_patient_get_age (patient, &today);

  return age >= 0 ? g_strdup_printf ("%d", age) : g_strdup ("");
}

static void
print_patients (GPtrArray *patients)
{
  g_autoptr (FnCliTable) table = NULL;

  if (patients->len == 0)
    {
      fn_cli_print ("%s\n", _("No patients."));
      return;
    }

  /* Translators: column headers of the patient list. */
  table = fn_cli_table_new (5, _("ID"), _("NAME"), _("BORN"), _("AGE"), _("PHONE"));
  for (guint i = 0; i < patients->len; i++)
    {
      FnPatient *patient = g_ptr_array_index (patients, i);
      g_autofree char *id = fn_cli_short_id (fn_record_get_id (FN_RECORD (patient)));
      g_autofree char *name = fn_patient_dup_display_name (patient);
      g_autofree char *age = dup_age (patient);

      fn_cli_table_add_row (table, id, name, fn_patient_get_birth_date (patient), age,
                            fn_patient_get_phone (patient));
    }
  fn_cli_table_print (table);
}

gboolean
fn_cli_patients_run (FnCli              *cli,
                     const FnCliCommand *command,
                     int                 argc,
                     char              **argv,
                     GError            **error)
{
  g_autoptr (GPtrArray) patients = NULL;
  g_auto (GStrv) args = NULL;
  FnStore *store;

  if (!fn_cli_parse (cli, command, NULL, argc, argv, 0, 0, &args, error))
    return FALSE;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return FALSE;

  patients = fn_store_list_patients (store, NULL, error);
  if (!patients)
    return FALSE;

  if (cli->json)
    fn_cli_print_records (patients);
  else
    print_patients (patients);

  return TRUE;
}
