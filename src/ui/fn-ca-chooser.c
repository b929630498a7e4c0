/* fn-ca-chooser.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-ca-chooser"

#include "config.h"

#include "fn-ca-chooser.h"

#include <glib/gi18n.h>

/**
 * fn_ca_chooser_new:
 *
 * The file chooser for an organisation's own CA certificate, as the
 * welcome window (after a certificate error) and Preferences offer it.
 * The caller connects to "response" and shows it.
 *
 * Returns: (transfer full): the chooser
 */
GtkFileChooserNative *
fn_ca_chooser_new (GtkWindow *parent)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");

  chooser = gtk_file_chooser_native_new (_("Choose the Certificate of Your Organisation"),
                                         parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Trust"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  return chooser;
}
