/* fn-cli-discard.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>
#include <string.h>

/* The one record with a refused change whose id is, or starts with, @id. */
static FnOutboxOp *
find_refused (FnStore     *store,
              const char  *id,
              GError     **error)
{
  g_autoptr (GPtrArray) ops = fn_store_list_outbox (store, error);
  g_autofree char *lower = NULL;
  FnOutboxOp *found = NULL;

  if (!ops)
    return NULL;

  lower = g_ascii_strdown (id, -1);
  for (guint i = 0; i < ops->len; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (ops, i);

      if (!g_str_equal (op->state, "rejected") || !g_str_has_prefix (op->record_id, lower))
        continue;
      if (found && !g_str_equal (found->record_id, op->record_id))
        {
          g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                       _("More than one refused change starts with %s: give more of the id."),
                       lower);
          return NULL;
        }
      found = op;
    }

  if (!found)
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_NOT_FOUND,
                   _("No refused change has the id %s; “field-notes-cli status” lists them."),
                   lower);
      return NULL;
    }

  return fn_outbox_op_copy (found);
}

gboolean
fn_cli_discard_run (FnCli              *cli,
                    const FnCliCommand *command,
                    int                 argc,
                    char              **argv,
                    GError            **error)
{
  const GOptionEntry entries[] = { { NULL } };
  g_auto (GStrv) args = NULL;
  g_autoptr (FnOutboxOp) op = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean removed = FALSE;
  FnStore *store;

  if (!fn_cli_parse (cli, command, entries, argc, argv, 1, 1, &args, error))
    return FALSE;

  /* Never echo something that is not id-shaped: it may be note text. */
  if (!fn_cli_is_id_prefix (args[0]))
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                           _("A record id is a UUID or at least its first 4 characters."));
      return FALSE;
    }

  if (!(store = fn_cli_get_store (cli, error)) || !(op = find_refused (store, args[0], error)))
    return FALSE;

  if (!fn_store_discard_rejected (store, op->record_id, &removed, &local_error))
    {
      /* The store refuses while the change is being sent: invalid now, not
       * a storage failure. */
      if (g_error_matches (local_error, FN_STORE_ERROR, FN_STORE_ERROR_FAILED))
        g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, op->record_id);
      json_builder_set_member_name (builder, "entity");
      json_builder_add_string_value (builder, fn_entity_to_string (op->entity));
      json_builder_set_member_name (builder, "removed");
      json_builder_add_boolean_value (builder, removed);
      json_builder_end_object (builder);
      fn_cli_print_json (json_builder_get_root (builder));
    }
  else if (removed)
    fn_cli_print (_("Discarded the refused change to %s. The office never had it, so it is "
                    "removed from this computer.\n"),
                  op->record_id);
  else
    fn_cli_print (_("Discarded the refused change to %s. Run “field-notes-cli sync” to take "
                    "the office’s version.\n"),
                  op->record_id);

  return TRUE;
}
