/* main.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "fn-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (FnApplication) app = NULL;
  const char *localedir;

  setlocale (LC_ALL, "");
  /* Tests point at the translations of an uninstalled build. */
  localedir = g_getenv ("FIELD_NOTES_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Field Notes"));

  app = fn_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
