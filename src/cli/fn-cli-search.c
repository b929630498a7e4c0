/* fn-cli-search.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>

/* Returns the display name of a note's patient, looked up once per patient. */
static const char *
lookup_patient_name (FnStore    *store,
                     GHashTable *names,
                     const char *patient_id)
{
  g_autoptr (FnRecord) patient = NULL;
  char *name;

  if (!patient_id)
    return "";

  name = g_hash_table_lookup (names, patient_id);
  if (name)
    return name;

  patient = fn_store_get (store, FN_ENTITY_PATIENT, patient_id, NULL);
  name = patient ? fn_patient_dup_display_name (FN_PATIENT (patient)) : g_strdup ("");
  g_hash_table_insert (names, g_strdup (patient_id), name);

  return name;
}

static void
print_hits (FnStore   *store,
            GPtrArray *hits)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (FnCliTable) table = NULL;

  if (hits->len == 0)
    {
      fn_cli_print ("%s\n", _("Nothing found."));
      return;
    }

  /* Translators: column headers of the search results. */
  table = fn_cli_table_new (5, _("TYPE"), _("ID"), _("DATE"), _("PATIENT"), _("TITLE"));
  for (guint i = 0; i < hits->len; i++)
    {
      FnRecord *record = g_ptr_array_index (hits, i);
      g_autofree char *id = fn_cli_short_id (fn_record_get_id (record));

      if (FN_IS_PATIENT (record))
        {
          g_autofree char *name = fn_patient_dup_display_name (FN_PATIENT (record));

          fn_cli_table_add_row (table, _("patient"), id,
                                fn_patient_get_birth_date (FN_PATIENT (record)), name, NULL);
        }
      else if (FN_IS_NOTE (record))
        {
          FnNote *note = FN_NOTE (record);
          g_autofree char *visit = fn_cli_format_time (fn_note_get_visit_at (note));

          fn_cli_table_add_row (table, _("note"), id, visit,
                                lookup_patient_name (store, names, fn_note_get_patient_id (note)),
                                fn_note_get_title (note));
        }
    }
  fn_cli_table_print (table);
}

gboolean
fn_cli_search_run (FnCli              *cli,
                   const FnCliCommand *command,
                   int                 argc,
                   char              **argv,
                   GError            **error)
{
  g_autoptr (GPtrArray) hits = NULL;
  g_auto (GStrv) args = NULL;
  g_autofree char *text = NULL;
  FnStore *store;

  if (!fn_cli_parse (cli, command, NULL, argc, argv, 1, 1, &args, error))
    return FALSE;

  text = fn_cli_arg_to_utf8 (args[0], _("The search text"), error);
  if (!text)
    return FALSE;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return FALSE;

  hits = fn_store_search (store, text, error);
  if (!hits)
    return FALSE;

  if (cli->json)
    fn_cli_print_records (hits);
  else
    print_hits (store, hits);

  return TRUE;
}
