/* fn-cli-signature.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>
#include <stdio.h>

static FnSignature *
load_signature (FnCli       *cli,
                const char  *note_arg,
                char       **note_id,
                FnSignatureCheck *check,
                GError     **error)
{
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (GError) local_error = NULL;
  FnStore *store = fn_cli_get_store (cli, error);

  if (!store)
    return NULL;

  note = fn_cli_find_record (cli, FN_ENTITY_NOTE, note_arg, error);
  if (!note)
    return NULL;

  *check = fn_store_check_signature (store, fn_record_get_id (note), &signature, &local_error);
  if (local_error)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_STORAGE, local_error->message);
      return NULL;
    }
  if (!signature)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_NOT_FOUND,
                           _("This note has not been signed."));
      return NULL;
    }

  *note_id = g_strdup (fn_record_get_id (note));
  return g_steal_pointer (&signature);
}

gboolean
fn_cli_signature_export_run (FnCli              *cli,
                             const FnCliCommand *command,
                             int                 argc,
                             char              **argv,
                             GError            **error)
{
  g_autofree char *png = NULL;
  g_autofree char *svg = NULL;
  const GOptionEntry entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png, N_("Write the signature image to FILE"),
      N_("FILE") },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg,
      N_("Write the signature as a vector drawing to FILE"), N_("FILE") },
    { NULL }
  };
  g_auto (GStrv) args = NULL;
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *note_id = NULL;
  g_autofree char *contents = NULL;
  FnSignatureCheck check;
  const char *path;
  const char *blob;
  gsize size;
  gconstpointer bytes;

  if (!fn_cli_parse (cli, command, entries, argc, argv, 1, 1, &args, error))
    return FALSE;

  if (!!png == !!svg)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("Give exactly one of --png FILE or --svg FILE."));
      return FALSE;
    }

  signature = load_signature (cli, args[0], &note_id, &check, error);
  if (!signature)
    return FALSE;

  /* The PNG is the one stored at signing time; the SVG is drawn from the
   * stored strokes. */
  blob = fn_record_get_field (FN_RECORD (signature), png ? "image_blob" : "strokes_blob");
  data = fn_store_get_blob (fn_cli_get_store (cli, NULL), blob, &local_error);
  if (!data)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_NOT_FOUND, local_error->message);
      return FALSE;
    }

  if (svg)
    {
      g_autoptr (FnStrokes) strokes = fn_strokes_parse (data, &local_error);

      if (!strokes)
        {
          g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID, local_error->message);
          return FALSE;
        }
      contents = fn_strokes_to_svg (strokes);
      bytes = contents;
      size = strlen (contents);
    }
  else
    {
      bytes = g_bytes_get_data (data, &size);
    }

  path = png ? png : svg;
  if (!g_file_set_contents (path, bytes, size, &local_error))
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_STORAGE,
                   _("Could not write %s: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

gboolean
fn_cli_signature_verify_run (FnCli              *cli,
                             const FnCliCommand *command,
                             int                 argc,
                             char              **argv,
                             GError            **error)
{
  const GOptionEntry entries[] = { { NULL } };
  g_auto (GStrv) args = NULL;
  g_autoptr (FnSignature) signature = NULL;
  g_autofree char *note_id = NULL;
  FnSignatureCheck check;
  const char *verdict;

  if (!fn_cli_parse (cli, command, entries, argc, argv, 1, 1, &args, error))
    return FALSE;

  signature = load_signature (cli, args[0], &note_id, &check, error);
  if (!signature)
    return FALSE;

  switch (check)
    {
    case FN_SIGNATURE_CHECK_VALID:
      verdict = "valid";
      break;

    case FN_SIGNATURE_CHECK_NOTE_CHANGED:
      verdict = "note-changed";
      break;

    case FN_SIGNATURE_CHECK_BLOBS_MISSING:
      verdict = "not-downloaded";
      break;

    case FN_SIGNATURE_CHECK_UNSIGNED:
    default:
      verdict = "unsigned";
      break;
    }

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "note_id");
      json_builder_add_string_value (builder, note_id);
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, verdict);
      json_builder_set_member_name (builder, "signature");
      json_builder_add_value (builder, fn_cli_record_to_json (FN_RECORD (signature)));
      json_builder_end_object (builder);
      fn_cli_print_json (json_builder_get_root (builder));
    }
  else
    {
      /* Translators: signer name, role, date */
      g_print (_("Signed by %s (%s) on %s.\n"), fn_signature_get_signer_name (signature),
               fn_signature_get_signer_role (signature),
               fn_signature_get_captured_at (signature));
    }

  switch (check)
    {
    case FN_SIGNATURE_CHECK_VALID:
      if (!cli->json)
        g_print (_("The note is exactly what was signed.\n"));
      return TRUE;

    case FN_SIGNATURE_CHECK_NOTE_CHANGED:
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_ATTENTION,
                           _("The note was changed after it was signed: the signature covers "
                             "an earlier version."));
      return FALSE;

    case FN_SIGNATURE_CHECK_BLOBS_MISSING:
    case FN_SIGNATURE_CHECK_UNSIGNED:
    default:
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_NETWORK,
                           _("The note matches what was signed, but the signature drawing has "
                             "not reached this computer yet; sync and try again."));
      return FALSE;
    }
}
