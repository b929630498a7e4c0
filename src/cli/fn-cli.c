/* fn-cli.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (fn-cli-error-quark, fn_cli_error)

/* The shortest id prefix we accept, so that a stray short word never picks
 * a record by accident. */
#define MIN_ID_PREFIX 4

/* Later commands (signature, report) slot in here, each with its own
 * fn-cli-<family>.c. */
static const FnCliCommand commands[] = {
  { "patients", "",
    N_("List the patients"), fn_cli_patients_run },
  { "notes", N_("PATIENT_ID"),
    N_("List a patient’s notes, newest visit first"), fn_cli_notes_run },
  { "note add", N_("PATIENT_ID"),
    N_("Write a new note for a patient"), fn_cli_note_add_run },
  { "note edit", N_("NOTE_ID"),
    N_("Change a note’s title, text, kind or status"), fn_cli_note_edit_run },
  { "note delete", N_("NOTE_ID"),
    N_("Delete a note"), fn_cli_note_delete_run },
  { "search", N_("TEXT"),
    N_("Search patient names and note titles and texts"), fn_cli_search_run },
  { "status", "",
    N_("Show the pending changes and the sync state"), fn_cli_status_run },
  { "login", "",
    N_("Sign in to an office server: --server URL --user NAME"), fn_cli_login_run },
  { "logout", "",
    N_("Sign out; waiting changes stay on this computer"), fn_cli_logout_run },
  { "sync", "",
    N_("Send the waiting changes, then fetch the server’s"), fn_cli_sync_run },
  { "discard", N_("RECORD_ID"),
    N_("Give up a change the office refused"), fn_cli_discard_run },
  { "conflicts", "",
    N_("List the note texts that conflict, with both texts"),
    fn_cli_conflicts_run },
  { "resolve", N_("CONFLICT_ID"),
    N_("Keep mine, keep theirs, or use a merged text"),
    fn_cli_resolve_run },
  { "report", "",
    N_("Write the end-of-day report: --day YYYY-MM-DD --pdf FILE"), fn_cli_report_run },
  { "signature export", N_("NOTE_ID"),
    N_("Save a note's signature: --png FILE or --svg FILE"), fn_cli_signature_export_run },
  { "signature verify", N_("NOTE_ID"),
    N_("Check that a signed note is still what was signed"), fn_cli_signature_verify_run },
  { "demo-data", "",
    N_("Fill an empty store with fictional patients and notes"), fn_cli_demo_data_run },
};

static const char *exit_codes =
  N_("Exit status:\n"
     "  0  success\n"
     "  1  usage error: unknown command or option, missing or extra argument\n"
     "  2  login, sync: the network or the server is unavailable or failing;\n"
     "     nothing is lost, try again later\n"
     "  3  login, sync: sign-in required (not signed in, wrong password, sign-in\n"
     "     expired or missing, keyring unusable)\n"
     "  4  sync: synced, but conflicts or rejected changes need a person;\n"
     "     signature verify: the note changed after it was signed\n"
     "  5  not found: no patient, note or conflict has the given id\n"
     "  6  invalid input: a value breaks the rules, or the store refuses the request\n"
     "  7  storage error: the local database could not be opened, read or written,\n"
     "     or the output could not be written\n");

/* gettext ("") is the catalogue header, not an empty string. */
static const char *
parameters_of (const FnCliCommand *command)
{
  return command->parameters[0] ? _(command->parameters) : "";
}

static char *
build_description (void)
{
  GString *s = g_string_new (_("Commands:\n"));
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strdup_printf ("%s %s", commands[i].name,
                                                parameters_of (&commands[i]));

      width = MAX (width, (int)g_utf8_strlen (usage, -1));
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strdup_printf ("%s %s", commands[i].name,
                                                parameters_of (&commands[i]));
      int pad = width - (int)g_utf8_strlen (usage, -1);

      g_string_append_printf (s, "  %s%*s  %s\n", usage, pad, "", _(commands[i].summary));
    }

  g_string_append (s, _("\nRun “field-notes-cli COMMAND --help” for a command’s options.\n"
                        "The data directory is --data-dir, else $FIELD_NOTES_DATA_DIR, "
                        "else $XDG_DATA_HOME/field-notes.\n\n"));
  g_string_append (s, _(exit_codes));

  return g_string_free (s, FALSE);
}

/* Only echo a word back if it cannot be a piece of a note. */
static gboolean
is_plain_word (const char *s)
{
  gsize len = strlen (s);

  if (len == 0 || len > 32)
    return FALSE;

  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

static const FnCliCommand *
find_command (int      argc,
              char   **argv,
              int     *n_words,
              GError **error)
{
  gboolean is_family = FALSE;

  g_assert (argc >= 1);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *name = commands[i].name;
      const char *space = strchr (name, ' ');

      if (!space)
        {
          if (strcmp (name, argv[0]) == 0)
            {
              *n_words = 1;
              return &commands[i];
            }
          continue;
        }

      if (strncmp (name, argv[0], space - name) != 0 || argv[0][space - name] != '\0')
        continue;

      is_family = TRUE;
      if (argc >= 2 && strcmp (space + 1, argv[1]) == 0)
        {
          *n_words = 2;
          return &commands[i];
        }
    }

  if (is_family)
    {
      GString *names = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        if (g_str_has_prefix (commands[i].name, argv[0]) &&
            commands[i].name[strlen (argv[0])] == ' ')
          g_string_append_printf (names, "%s“%s”", names->len ? ", " : "", commands[i].name);

      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                   _("“%s” needs a subcommand: %s."), argv[0], names->str);
      g_string_free (names, TRUE);
    }
  else if (is_plain_word (argv[0]))
    g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                 _("“%s” is not a command; run “field-notes-cli --help” to see the commands."),
                 argv[0]);
  else
    g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                         _("The command is not known; "
                           "run “field-notes-cli --help” to see the commands."));

  return NULL;
}

static void
print_error (const GError *error)
{
  g_autofree char *message = g_strstrip (g_strdup (error->message));
  gsize len = strlen (message);

  /* One line on stderr, whatever the message was made of. */
  g_strdelimit (message, "\r\n", ' ');

  /* GOptionContext's messages are fragments; make each a sentence that
   * says what to do. */
  if (error->domain == G_OPTION_ERROR)
    /* Translators: %s is GLib's message about a wrong option. */
    fprintf (stderr, _("field-notes-cli: %s; run “field-notes-cli --help” for usage.\n"), message);
  else if (len > 0 && strchr (".!?", message[len - 1]))
    fprintf (stderr, "field-notes-cli: %s\n", message);
  else
    fprintf (stderr, "field-notes-cli: %s.\n", message);
}

/**
 * fn_cli_exit_code:
 *
 * Maps an error from the client or from core to the documented exit status.
 */
int
fn_cli_exit_code (const GError *error)
{
  g_assert (error);

  if (error->domain == FN_CLI_ERROR)
    return error->code;
  if (error->domain == G_OPTION_ERROR)
    return FN_CLI_ERROR_USAGE;
  if (error->domain == FN_VALIDATION_ERROR)
    return FN_CLI_ERROR_INVALID;
  if (error->domain == FN_SYNC_ERROR)
    {
      switch ((FnSyncErrorCode)error->code)
        {
        case FN_SYNC_ERROR_NETWORK:
        case FN_SYNC_ERROR_UNAVAILABLE:
        case FN_SYNC_ERROR_PROTOCOL:
        case FN_SYNC_ERROR_TLS:
          return FN_CLI_ERROR_NETWORK;
        case FN_SYNC_ERROR_AUTH:
        case FN_SYNC_ERROR_NOT_SIGNED_IN:
          return FN_CLI_ERROR_SIGN_IN;
        case FN_SYNC_ERROR_REFUSED:
        case FN_SYNC_ERROR_DEMO_STORE:
        case FN_SYNC_ERROR_INSECURE:
        default:
          return FN_CLI_ERROR_INVALID;
        }
    }
  /* The keyring is locked or missing: the sign-in cannot be kept or read. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return FN_CLI_ERROR_SIGN_IN;
  if (error->domain == FN_STORE_ERROR)
    {
      switch ((FnStoreError)error->code)
        {
        case FN_STORE_ERROR_NOT_FOUND:
          return FN_CLI_ERROR_NOT_FOUND;
        case FN_STORE_ERROR_CONNECTED:
        case FN_STORE_ERROR_NOT_EMPTY:
          return FN_CLI_ERROR_INVALID;
        case FN_STORE_ERROR_FAILED:
        case FN_STORE_ERROR_READ_ONLY:
        case FN_STORE_ERROR_NO_SPACE:
        case FN_STORE_ERROR_CORRUPT:
        case FN_STORE_ERROR_NEWER_SCHEMA:
        default:
          return FN_CLI_ERROR_STORAGE;
        }
    }

  return FN_CLI_ERROR_STORAGE;
}

/**
 * fn_cli_run:
 *
 * Parses the global options, finds the command and runs it.
 *
 * Returns: the exit status
 */
int
fn_cli_run (int    argc,
            char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  const FnCliCommand *command;
  gboolean version = FALSE;
  FnCli cli = { 0 };
  int n_words = 0;
  int status = 0;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &cli.data_dir,
      N_("Use the store in DIR"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json,
      N_("Print machine-readable JSON"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Read and write Field Notes visit notes from a terminal."));
  description = build_description ();
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Stop at the command: what follows belongs to it. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto out;

  if (version)
    {
      fn_cli_print ("field-notes-cli %s\n", PACKAGE_VERSION);
      goto out;
    }

  if (argc < 2)
    {
      g_set_error_literal (&error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("No command given; "
                             "run “field-notes-cli --help” to see the commands."));
      goto out;
    }

  command = find_command (argc - 1, argv + 1, &n_words, &error);
  if (!command)
    goto out;

  g_debug ("Running “%s”", command->name);

  /* The command parses its own options; argv[0] is its last word. */
  command->run (&cli, command, argc - n_words, argv + n_words, &error);

out:
  /* A script must not take a full disk or a closed pipe for success. */
  if ((fflush (stdout) != 0 || ferror (stdout)) && !error)
    {
      int saved_errno = errno ? errno : EIO;

      g_set_error (&error, FN_CLI_ERROR, FN_CLI_ERROR_STORAGE,
                   _("The output could not be written: %s."), g_strerror (saved_errno));
    }

  if (error)
    {
      print_error (error);
      status = fn_cli_exit_code (error);
    }

  g_clear_object (&cli.store);
  g_free (cli.data_dir);

  return status;
}

/**
 * fn_cli_get_store:
 *
 * Opens the store on first use: the signed-in account's folder inside the
 * data directory chosen by --data-dir, $FIELD_NOTES_DATA_DIR or the
 * default, else that data directory itself.
 *
 * Returns: (transfer none) (nullable): the store
 */
FnStore *
fn_cli_get_store (FnCli   *cli,
                  GError **error)
{
  if (!cli->store)
    {
      g_autofree char *dir = fn_accounts_get_current_dir (cli->data_dir);

      cli->store = fn_store_new (dir, error);
    }

  return cli->store;
}

/**
 * fn_cli_open_store:
 *
 * Makes @dir's store the one later commands use.
 *
 * Returns: (transfer none) (nullable): the store
 */
FnStore *
fn_cli_open_store (FnCli       *cli,
                   const char  *dir,
                   GError     **error)
{
  g_clear_object (&cli->store);
  cli->store = fn_store_new (dir, error);

  return cli->store;
}

/**
 * fn_cli_parse:
 * @args: (out) (transfer full): the positional arguments, raw bytes
 *
 * Parses a command's options together with the global ones, so that
 * `--json` and `--data-dir` work after the command too.
 */
gboolean
fn_cli_parse (FnCli               *cli,
              const FnCliCommand  *command,
              const GOptionEntry  *entries,
              int                  argc,
              char               **argv,
              guint                min_args,
              guint                max_args,
              GStrv               *args,
              GError             **error)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *parameters = NULL;
  g_auto (GStrv) remaining = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *data_dir = NULL;
  gboolean json = FALSE;
  guint n_args;
  const GOptionEntry global_entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Use the store in DIR"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print machine-readable JSON"), NULL },
    { G_OPTION_REMAINING, 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME_ARRAY, &remaining,
      NULL, NULL },
    { NULL }
  };

  parameters = g_strdup_printf ("%s %s", command->name, parameters_of (command));
  context = g_option_context_new (g_strstrip (parameters));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_description (context, _(exit_codes));
  if (entries)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &local_error))
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                   _("%s; run “field-notes-cli %s --help” for usage."),
                   local_error->message, command->name);
      return FALSE;
    }

  if (data_dir)
    {
      g_free (cli->data_dir);
      cli->data_dir = g_steal_pointer (&data_dir);
    }
  cli->json |= json;

  n_args = remaining ? g_strv_length (remaining) : 0;
  if (n_args < min_args)
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                   _("“%s” needs %s; run “field-notes-cli %s --help” for usage."),
                   command->name, parameters_of (command), command->name);
      return FALSE;
    }
  if (n_args > max_args)
    {
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                   _("“%s” got too many arguments; run “field-notes-cli %s --help” for usage."),
                   command->name, command->name);
      return FALSE;
    }

  *args = remaining ? g_steal_pointer (&remaining) : g_new0 (char *, 1);
  return TRUE;
}

/**
 * fn_cli_arg_to_utf8:
 * @label: what the argument is, as a sentence starts ("The title")
 *
 * Arguments arrive as bytes. UTF-8 is taken as is; anything else is
 * converted from the locale's character set if it can be.
 *
 * Returns: (transfer full) (nullable): the argument as UTF-8
 */
char *
fn_cli_arg_to_utf8 (const char  *arg,
                    const char  *label,
                    GError     **error)
{
  char *utf8;

  if (g_utf8_validate (arg, -1, NULL))
    return g_strdup (arg);

  utf8 = g_locale_to_utf8 (arg, -1, NULL, NULL, NULL);
  if (!utf8)
    g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                 _("%s contains characters that are not valid text."), label);

  return utf8;
}

/* Whether @id looks like a record id or the start of one (at least four
 * characters): only such arguments are ever echoed back. */
gboolean
fn_cli_is_id_prefix (const char *id)
{
  gsize len = strlen (id);

  if (len < MIN_ID_PREFIX || len > 36)
    return FALSE;

  for (const char *p = id; *p; p++)
    if (!g_ascii_isxdigit (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

static void
collect_matches (GPtrArray  *records,
                 const char *prefix,
                 GPtrArray  *matches)
{
  for (guint i = 0; i < records->len; i++)
    {
      FnRecord *record = g_ptr_array_index (records, i);

      if (!fn_record_get_deleted (record) &&
          g_str_has_prefix (fn_record_get_id (record), prefix))
        g_ptr_array_add (matches, g_object_ref (record));
    }
}

static void
set_not_found (GError     **error,
               FnEntity     entity,
               const char  *id)
{
  if (entity == FN_ENTITY_PATIENT)
    g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_NOT_FOUND,
                 _("No patient has the id “%s”."), id);
  else
    g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_NOT_FOUND,
                 _("No note has the id “%s”."), id);
}

/**
 * fn_cli_find_record:
 * @id: a full id, or the first characters of one
 *
 * Finds the live (not deleted) patient or note that @id names. A prefix must
 * have at least four characters and name exactly one record.
 *
 * Returns: (transfer full) (nullable): the record
 */
FnRecord *
fn_cli_find_record (FnCli       *cli,
                    FnEntity     entity,
                    const char  *id,
                    GError     **error)
{
  g_autoptr (GPtrArray) matches = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autofree char *lower = NULL;
  FnStore *store;

  g_assert (entity == FN_ENTITY_PATIENT || entity == FN_ENTITY_NOTE);

  /* Never echo something that is not id-shaped: it may be note text. */
  if (!fn_cli_is_id_prefix (id))
    {
      if (entity == FN_ENTITY_PATIENT)
        g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                             _("A patient id is a UUID or at least its first 4 characters."));
      else
        g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                             _("A note id is a UUID or at least its first 4 characters."));
      return NULL;
    }

  store = fn_cli_get_store (cli, error);
  if (!store)
    return NULL;

  lower = g_ascii_strdown (id, -1);

  if (fn_validate_uuid (lower))
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (FnRecord) record = fn_store_get (store, entity, lower, &local_error);

      if (!record && !g_error_matches (local_error, FN_STORE_ERROR, FN_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!record || fn_record_get_deleted (record))
        {
          set_not_found (error, entity, lower);
          return NULL;
        }
      return g_steal_pointer (&record);
    }

  /* A prefix: look through every live record of the entity. There is no
   * index for this, but a person types it, so one pass is fast enough. */
  matches = g_ptr_array_new_with_free_func (g_object_unref);
  patients = fn_store_list_patients (store, NULL, error);
  if (!patients)
    return NULL;

  if (entity == FN_ENTITY_PATIENT)
    collect_matches (patients, lower, matches);
  else
    for (guint i = 0; i < patients->len; i++)
      {
        FnRecord *patient = g_ptr_array_index (patients, i);
        g_autoptr (GPtrArray) notes = NULL;

        notes = fn_store_list_notes (store, fn_record_get_id (patient), error);
        if (!notes)
          return NULL;
        collect_matches (notes, lower, matches);
      }

  if (matches->len == 0)
    {
      set_not_found (error, entity, lower);
      return NULL;
    }
  if (matches->len > 1)
    {
      if (entity == FN_ENTITY_PATIENT)
        g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                     _("The id “%s” matches %u patients; give more of it."),
                     lower, matches->len);
      else
        g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                     _("The id “%s” matches %u notes; give more of it."),
                     lower, matches->len);
      return NULL;
    }

  return g_object_ref (g_ptr_array_index (matches, 0));
}
