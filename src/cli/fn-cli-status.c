/* fn-cli-status.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  const char *state;
  guint       pending;
  guint       conflicts;
  guint       rejected;
  char       *last_sync;
  char       *cursor;
  char       *server;
  char       *user;
  gboolean    demo;
} Status;

static void
status_clear (Status *status)
{
  g_clear_pointer (&status->last_sync, g_free);
  g_clear_pointer (&status->cursor, g_free);
  g_clear_pointer (&status->server, g_free);
  g_clear_pointer (&status->user, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Status, status_clear)

/* The store keeps the last sync as Unix milliseconds, 0 for never. */
static char *
format_last_sync (gint64 ms)
{
  g_autoptr (GDateTime) time = NULL;

  if (ms <= 0)
    return NULL;

  time = g_date_time_new_from_unix_utc (ms / 1000);
  if (!time)
    return NULL;

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* Whether the token store still holds the sign-in. A keyring that cannot
 * be asked is reported on stderr and taken as holding it: the next sync
 * says what is wrong. */
static gboolean
has_token (FnCli        *cli,
           FnTokenStore *tokens,
           const char   *server,
           const char   *user)
{
  g_autoptr (FnTokenStore) owned = NULL;
  g_autoptr (GError) error = NULL;
  char *token;

  if (!tokens)
    {
      owned = fn_cli_get_tokens (cli, NULL, &error);
      if (!owned)
        goto failed;
      tokens = owned;
    }

  token = fn_token_store_lookup (tokens, server, user, NULL, &error);
  if (!token)
    {
      if (error)
        goto failed;
      return FALSE;
    }

  memset (token, 0, strlen (token));
  g_free (token);
  return TRUE;

failed:
  {
    g_autofree char *message = g_strdup (error->message);

    g_strdelimit (message, "\r\n", ' ');
    fprintf (stderr, _("field-notes-cli: warning: %s\n"), message);
    return TRUE;
  }
}

static void
read_status (FnCli        *cli,
             FnTokenStore *tokens,
             FnStore      *store,
             Status       *status)
{
  g_autofree char *signed_in = fn_store_get_meta (store, "signed_in");

  status->pending = fn_store_count_pending (store);
  status->conflicts = fn_store_count_conflicts (store);
  status->rejected = fn_store_count_rejected (store);
  status->last_sync = format_last_sync (fn_store_get_last_sync (store));
  status->cursor = fn_store_get_cursor (store);
  status->server = fn_store_get_meta (store, "server_url");
  status->user = fn_store_get_meta (store, "username");
  status->demo = fn_store_is_demo (store);

  /* What the store knows, first match wins. The engine's live states
   * (syncing, offline, backing-off) belong to a running app; `sync`
   * reports what happened through its exit status. */
  if (!fn_store_has_been_connected (store))
    status->state = "never-synced";
  else if (status->server && g_strcmp0 (signed_in, "true") != 0)
    status->state = "signed-out";
  else if (status->server && !has_token (cli, tokens, status->server, status->user))
    status->state = "auth-required";
  else if (!status->last_sync)
    status->state = "never-synced";
  else if (status->conflicts > 0 || status->rejected > 0)
    status->state = "attention";
  else if (status->pending > 0)
    status->state = "pending";
  else
    status->state = "up-to-date";
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
print_status_json (Status *status)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, status->state);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, status->pending);
  json_builder_set_member_name (builder, "conflicts");
  json_builder_add_int_value (builder, status->conflicts);
  json_builder_set_member_name (builder, "rejected");
  json_builder_add_int_value (builder, status->rejected);
  add_nullable_string (builder, "last_sync", status->last_sync);
  add_nullable_string (builder, "cursor", status->cursor);
  add_nullable_string (builder, "server", status->server);
  add_nullable_string (builder, "user", status->user);
  json_builder_set_member_name (builder, "demo");
  json_builder_add_boolean_value (builder, status->demo);
  json_builder_end_object (builder);

  fn_cli_print_json (json_builder_get_root (builder));
}

static const char *
describe_state (const char *state)
{
  if (strcmp (state, "never-synced") == 0)
    return _("never synced: this store has not been synced with a server yet");
  if (strcmp (state, "signed-out") == 0)
    return _("signed out: changes are kept until you sign in again");
  if (strcmp (state, "auth-required") == 0)
    return _("sign-in required: the sign-in is missing; run “field-notes-cli login”");
  if (strcmp (state, "attention") == 0)
    return _("attention needed: some changes conflict or were rejected");
  if (strcmp (state, "pending") == 0)
    return _("changes waiting to be sent");
  return _("up to date as of the last sync");
}

static void
print_status (FnStore *store,
              Status  *status)
{
  g_autofree char *pending = g_strdup_printf ("%u", status->pending);
  g_autofree char *conflicts = g_strdup_printf ("%u", status->conflicts);
  g_autofree char *rejected = g_strdup_printf ("%u", status->rejected);
  g_autofree char *last_sync = NULL;
  g_autofree char *dir = g_filename_display_name (fn_store_get_data_dir (store));
  g_autofree char *account = NULL;
  const char *lines[][2] = {
    { _("State:"), describe_state (status->state) },
    { _("Pending changes:"), pending },
    { _("Conflicts:"), conflicts },
    { _("Rejected changes:"), rejected },
    { _("Last sync:"), NULL },
    { _("Server:"), NULL },
    { _("Demo data:"), status->demo ? _("yes") : _("no") },
    { _("Data directory:"), dir },
  };
  glong width = 0;

  if (status->last_sync)
    last_sync = fn_cli_format_time (status->last_sync);
  else
    last_sync = g_strdup (_("never"));
  lines[4][1] = last_sync;

  if (status->server)
    /* Translators: the server's address, then the user name on it. */
    account = g_strdup_printf (_("%s as %s"), status->server,
                               status->user ? status->user : "?");
  else
    account = g_strdup (_("none"));
  lines[5][1] = account;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    width = MAX (width, g_utf8_strlen (lines[i][0], -1));

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    fn_cli_print ("%s%*s  %s\n", lines[i][0],
                  (int)(width - g_utf8_strlen (lines[i][0], -1)), "", lines[i][1]);
}

/* Text from the server or a note, on one line of a terminal. */
static char *
one_line (const char *text)
{
  GString *s = g_string_new (NULL);

  if (!text || !g_utf8_validate (text, -1, NULL))
    return g_string_free (s, FALSE);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (s, ' ');
      else
        g_string_append_unichar (s, c);
    }

  return g_string_free (s, FALSE);
}

/* Rejected changes need a person, who needs to know which and why. */
static gboolean
print_rejected (FnStore  *store,
                GError  **error)
{
  g_autoptr (GPtrArray) ops = fn_store_list_outbox (store, error);

  if (!ops)
    return FALSE;

  fn_cli_print ("\n%s\n", _("Rejected changes (kept on this computer, not sent again):"));
  for (guint i = 0; i < ops->len; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (ops, i);
      g_autoptr (FnRecord) record = NULL;
      g_autofree char *id = NULL;
      g_autofree char *what = NULL;
      g_autofree char *reason = NULL;

      if (g_strcmp0 (op->state, "rejected") != 0)
        continue;

      id = fn_cli_short_id (op->record_id);
      record = fn_store_get (store, op->entity, op->record_id, NULL);
      if (record && FN_IS_NOTE (record))
        what = one_line (fn_note_get_title (FN_NOTE (record)));
      else if (record && FN_IS_PATIENT (record))
        what = g_strdup_printf ("%s %s", fn_patient_get_given_name (FN_PATIENT (record)),
                                fn_patient_get_family_name (FN_PATIENT (record)));
      reason = one_line (op->last_error);

      /* Translators: entity, short id, the record's title or name, then the
       * server's reason. */
      fn_cli_print (_("  %s %s “%s”: %s\n"), fn_entity_to_string (op->entity), id,
                    what ? what : "", reason && *reason ? reason : _("no reason given"));
    }

  return TRUE;
}

/**
 * fn_cli_status_show:
 * @tokens: (nullable): the token store, if the command has one open
 *
 * Prints the status as `status` does, as a table or as JSON.
 */
gboolean
fn_cli_status_show (FnCli         *cli,
                    FnTokenStore  *tokens,
                    GError       **error)
{
  g_auto (Status) status = { 0 };
  FnStore *store;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return FALSE;

  read_status (cli, tokens, store, &status);

  if (cli->json)
    print_status_json (&status);
  else
    {
      print_status (store, &status);
      if (status.rejected > 0 && !print_rejected (store, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
fn_cli_status_run (FnCli              *cli,
                   const FnCliCommand *command,
                   int                 argc,
                   char              **argv,
                   GError            **error)
{
  g_auto (GStrv) args = NULL;

  if (!fn_cli_parse (cli, command, NULL, argc, argv, 0, 0, &args, error))
    return FALSE;

  return fn_cli_status_show (cli, NULL, error);
}
