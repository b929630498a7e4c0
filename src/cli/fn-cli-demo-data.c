/* fn-cli-demo-data.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>

#define DEMO_PATIENTS 30
#define DEMO_NOTES    200

gboolean
fn_cli_demo_data_run (FnCli              *cli,
                      const FnCliCommand *command,
                      int                 argc,
                      char              **argv,
                      GError            **error)
{
  g_auto (GStrv) args = NULL;
  g_autofree char *dir = NULL;
  FnStore *store;

  if (!fn_cli_parse (cli, command, NULL, argc, argv, 0, 0, &args, error))
    return FALSE;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return FALSE;

  /* The store refuses a non-empty store or one that has ever been
   * connected to a server, so demo records can never reach one. */
  if (!fn_store_load_demo_data (store, DEMO_PATIENTS, DEMO_NOTES, error))
    return FALSE;

  dir = g_filename_display_name (fn_store_get_data_dir (store));

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "patients");
      json_builder_add_int_value (builder, DEMO_PATIENTS);
      json_builder_set_member_name (builder, "notes");
      json_builder_add_int_value (builder, DEMO_NOTES);
      json_builder_set_member_name (builder, "data_dir");
      json_builder_add_string_value (builder, dir);
      json_builder_end_object (builder);
      fn_cli_print_json (json_builder_get_root (builder));
    }
  else
    {
      fn_cli_print (_("Added %d fictional patients and %d notes to the store in %s.\n"),
                    DEMO_PATIENTS, DEMO_NOTES, dir);
    }

  return TRUE;
}
