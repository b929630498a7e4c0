/* fn-cli-notes.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

/* What `note add` and `note edit` were given, as raw bytes. */
typedef struct
{
  char *title;
  char *body;
  char *body_file;
  char *kind;
  char *status;
} NoteOptions;

static void
note_options_clear (NoteOptions *options)
{
  g_clear_pointer (&options->title, g_free);
  g_clear_pointer (&options->body, g_free);
  g_clear_pointer (&options->body_file, g_free);
  g_clear_pointer (&options->kind, g_free);
  g_clear_pointer (&options->status, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NoteOptions, note_options_clear)

static void
print_notes (GPtrArray *notes)
{
  g_autoptr (FnCliTable) table = NULL;

  if (notes->len == 0)
    {
      fn_cli_print ("%s\n", _("No notes."));
      return;
    }

  /* Translators: column headers of a patient's notes. */
  table = fn_cli_table_new (6, _("ID"), _("VISIT"), _("KIND"), _("STATUS"), _("SYNC"),
                            _("TITLE"));
  for (guint i = 0; i < notes->len; i++)
    {
      FnNote *note = g_ptr_array_index (notes, i);
      FnRecord *record = FN_RECORD (note);
      g_autofree char *id = fn_cli_short_id (fn_record_get_id (record));
      g_autofree char *visit = fn_cli_format_time (fn_note_get_visit_at (note));

      fn_cli_table_add_row (table, id, visit, fn_note_get_kind (note),
                            fn_note_get_status (note),
                            fn_cli_sync_state_to_string (fn_record_get_sync_state (record)),
                            fn_note_get_title (note));
    }
  fn_cli_table_print (table);
}

gboolean
fn_cli_notes_run (FnCli              *cli,
                  const FnCliCommand *command,
                  int                 argc,
                  char              **argv,
                  GError            **error)
{
  g_autoptr (FnRecord) patient = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  g_auto (GStrv) args = NULL;

  if (!fn_cli_parse (cli, command, NULL, argc, argv, 1, 1, &args, error))
    return FALSE;

  patient = fn_cli_find_record (cli, FN_ENTITY_PATIENT, args[0], error);
  if (!patient)
    return FALSE;

  notes = fn_store_list_notes (cli->store, fn_record_get_id (patient), error);
  if (!notes)
    return FALSE;

  if (cli->json)
    fn_cli_print_records (notes);
  else
    print_notes (notes);

  return TRUE;
}

/**
 * fn_cli_read_body_file:
 * @path: a file name, or "-" for standard input
 *
 * Reads at most one byte more than a note text may have, so that a huge
 * file is refused without being read whole.
 *
 * Returns: (transfer full) (nullable): the text, without NUL bytes
 */
char *
fn_cli_read_body_file (const char  *path,
                       GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  const FnFieldSpec *spec = fn_entity_find_field (FN_ENTITY_NOTE, "body");
  gboolean is_stdin = strcmp (path, "-") == 0;
  g_autofree char *data = g_malloc (FN_BODY_MAX_BYTES + 2);
  gsize len = 0;
  FILE *file;
  int saved_errno = 0;

  file = is_stdin ? stdin : g_fopen (path, "rb");
  if (!file)
    {
      saved_errno = errno;
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                   _("The body file “%s” could not be opened: %s."),
                   display, g_strerror (saved_errno));
      return NULL;
    }

  while (len < FN_BODY_MAX_BYTES + 1)
    {
      size_t n = fread (data + len, 1, FN_BODY_MAX_BYTES + 1 - len, file);

      if (n == 0)
        break;
      len += n;
    }

  if (ferror (file))
    saved_errno = errno ? errno : EIO;
  if (!is_stdin)
    fclose (file);

  if (saved_errno)
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                   _("The body file “%s” could not be read: %s."),
                   display, g_strerror (saved_errno));
      return NULL;
    }

  if (len > FN_BODY_MAX_BYTES)
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                   _("%s is too long: at most %u KiB is allowed."),
                   fn_field_get_label (spec), (guint)(FN_BODY_MAX_BYTES / 1024));
      return NULL;
    }

  /* A NUL byte would silently cut the text short; invalid UTF-8 is left
   * to the store's validation, which says the same thing. */
  if (memchr (data, '\0', len))
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                   _("%s contains characters that are not valid text."),
                   fn_field_get_label (spec));
      return NULL;
    }

  data[len] = '\0';
  return g_steal_pointer (&data);
}

/* Sets @field from a raw argument; %NULL leaves the field as it is. */
static gboolean
set_field_from_arg (FnRecord    *record,
                    const char  *field,
                    const char  *arg,
                    GError     **error)
{
  g_autofree char *value = NULL;

  if (!arg)
    return TRUE;

  value = fn_cli_arg_to_utf8 (arg, fn_field_get_label (fn_entity_find_field (FN_ENTITY_NOTE,
                                                                             field)),
                              error);
  if (!value)
    return FALSE;

  fn_record_set_field (record, field, value);
  return TRUE;
}

static gboolean
apply_note_options (FnRecord     *note,
                    NoteOptions  *options,
                    GError      **error)
{
  if (options->body && options->body_file)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("Give the text with --body or with --body-file, not both."));
      return FALSE;
    }

  if (options->body_file)
    {
      g_autofree char *body = fn_cli_read_body_file (options->body_file, error);

      if (!body)
        return FALSE;
      fn_record_set_field (note, "body", body);
    }

  return set_field_from_arg (note, "title", options->title, error) &&
         set_field_from_arg (note, "body", options->body, error) &&
         set_field_from_arg (note, "kind", options->kind, error) &&
         set_field_from_arg (note, "status", options->status, error);
}

static void
print_saved_note (FnCli      *cli,
                  FnRecord   *note,
                  const char *message)
{
  g_autoptr (FnRecord) saved = NULL;

  if (!cli->json)
    {
      fn_cli_print ("%s\n", message);
      return;
    }

  /* Print the note as the store now has it (version, sync state). */
  saved = fn_store_get (cli->store, FN_ENTITY_NOTE, fn_record_get_id (note), NULL);
  fn_cli_print_json (fn_cli_record_to_json (saved ? saved : note));
}

#define NOTE_OPTION_ENTRIES(o) \
  { "title", 't', 0, G_OPTION_ARG_FILENAME, &(o).title, \
    N_("The note’s title (up to 1 KiB)"), N_("TITLE") }, \
  { "body", 'b', 0, G_OPTION_ARG_FILENAME, &(o).body, \
    N_("The note’s text (up to 64 KiB)"), N_("TEXT") }, \
  { "body-file", 'f', 0, G_OPTION_ARG_FILENAME, &(o).body_file, \
    N_("Read the note’s text from FILE (- for standard input)"), N_("FILE") }, \
  { "kind", 'k', 0, G_OPTION_ARG_FILENAME, &(o).kind, \
    N_("visit, observation, medication or incident"), N_("KIND") }, \
  { "status", 's', 0, G_OPTION_ARG_FILENAME, &(o).status, \
    N_("draft or final"), N_("STATUS") }

gboolean
fn_cli_note_add_run (FnCli              *cli,
                     const FnCliCommand *command,
                     int                 argc,
                     char              **argv,
                     GError            **error)
{
  g_auto (NoteOptions) options = { 0 };
  g_autoptr (FnRecord) patient = NULL;
  g_autoptr (FnNote) note = NULL;
  g_auto (GStrv) args = NULL;
  g_autofree char *message = NULL;
  const GOptionEntry entries[] = {
    NOTE_OPTION_ENTRIES (options),
    { NULL }
  };

  if (!fn_cli_parse (cli, command, entries, argc, argv, 1, 1, &args, error))
    return FALSE;

  if (!options.title)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("A new note needs a title: give --title."));
      return FALSE;
    }
  if (!options.body && !options.body_file)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("A new note needs its text: give --body or --body-file."));
      return FALSE;
    }

  patient = fn_cli_find_record (cli, FN_ENTITY_PATIENT, args[0], error);
  if (!patient)
    return FALSE;

  note = fn_note_new (fn_record_get_id (patient));
  if (!apply_note_options (FN_RECORD (note), &options, error))
    return FALSE;

  if (!fn_store_save (cli->store, FN_RECORD (note), error))
    return FALSE;

  g_debug ("Added note %s", fn_record_get_id (FN_RECORD (note)));
  /* Translators: %s is the new note's id. */
  message = g_strdup_printf (_("Added note %s."), fn_record_get_id (FN_RECORD (note)));
  print_saved_note (cli, FN_RECORD (note), message);

  return TRUE;
}

gboolean
fn_cli_note_edit_run (FnCli              *cli,
                      const FnCliCommand *command,
                      int                 argc,
                      char              **argv,
                      GError            **error)
{
  g_auto (NoteOptions) options = { 0 };
  g_autoptr (FnRecord) note = NULL;
  g_auto (GStrv) args = NULL;
  g_autofree char *message = NULL;
  const GOptionEntry entries[] = {
    NOTE_OPTION_ENTRIES (options),
    { NULL }
  };

  if (!fn_cli_parse (cli, command, entries, argc, argv, 1, 1, &args, error))
    return FALSE;

  if (!options.title && !options.body && !options.body_file && !options.kind && !options.status)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("Nothing to change: "
                             "give --title, --body, --body-file, --kind or --status."));
      return FALSE;
    }

  note = fn_cli_find_record (cli, FN_ENTITY_NOTE, args[0], error);
  if (!note)
    return FALSE;

  if (!apply_note_options (note, &options, error))
    return FALSE;

  if (!fn_store_save (cli->store, note, error))
    return FALSE;

  g_debug ("Edited note %s", fn_record_get_id (note));
  /* Translators: %s is the note's id. */
  message = g_strdup_printf (_("Saved note %s."), fn_record_get_id (note));
  print_saved_note (cli, note, message);

  return TRUE;
}

gboolean
fn_cli_note_delete_run (FnCli              *cli,
                        const FnCliCommand *command,
                        int                 argc,
                        char              **argv,
                        GError            **error)
{
  g_autoptr (FnRecord) note = NULL;
  g_auto (GStrv) args = NULL;
  g_autofree char *message = NULL;

  if (!fn_cli_parse (cli, command, NULL, argc, argv, 1, 1, &args, error))
    return FALSE;

  note = fn_cli_find_record (cli, FN_ENTITY_NOTE, args[0], error);
  if (!note)
    return FALSE;

  if (!fn_store_delete (cli->store, FN_ENTITY_NOTE, fn_record_get_id (note), error))
    return FALSE;

  g_debug ("Deleted note %s", fn_record_get_id (note));
  /* Translators: %s is the note's id. */
  message = g_strdup_printf (_("Deleted note %s."), fn_record_get_id (note));
  print_saved_note (cli, note, message);

  return TRUE;
}
