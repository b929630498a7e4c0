/* fn-cli-report.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>
#include <stdio.h>

gboolean
fn_cli_report_run (FnCli              *cli,
                   const FnCliCommand *command,
                   int                 argc,
                   char              **argv,
                   GError            **error)
{
  g_autofree char *day_text = NULL;
  g_autofree char *pdf = NULL;
  const GOptionEntry entries[] = {
    { "day", 0, 0, G_OPTION_ARG_STRING, &day_text,
      N_("The day of the visits, YYYY-MM-DD (default: today)"), N_("DAY") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the report to FILE"), N_("FILE") },
    { NULL }
  };
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDate) day = g_date_new ();
  FnStore *store;

  if (!fn_cli_parse (cli, command, entries, argc, argv, 0, 0, &args, error))
    return FALSE;

  if (!pdf)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("Say where to write the report with --pdf FILE."));
      return FALSE;
    }

  if (day_text)
    {
      int y, m, d;

      if (!fn_validate_date (day_text) || sscanf (day_text, "%d-%d-%d", &y, &m, &d) != 3)
        {
          g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                               _("The day must be a date written as YYYY-MM-DD."));
          return FALSE;
        }
      g_date_set_dmy (day, d, m, y);
    }
  else
    {
      g_date_set_time_t (day, time (NULL));
    }

  if (!(store = fn_cli_get_store (cli, error)))
    return FALSE;

  if (!fn_report_write_day_pdf (store, day, pdf, &local_error))
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_STORAGE, local_error->message);
      return FALSE;
    }

  return TRUE;
}
