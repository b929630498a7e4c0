/* fn-cli-sync.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* A password longer than this is a pasted file, not a password. */
#define PASSWORD_MAX_BYTES 1024

/* Store meta keys the client owns: what `login` was told, so that `sync`
 * and `logout` find the sign-in again without being told twice. */
#define META_TOKEN_STORE "cli_token_store"
#define META_CA_FILE     "cli_ca_file"

/* ---- the token store ---- */

static const char *
token_store_name (FnTokenStoreKind kind)
{
  return kind == FN_TOKEN_STORE_FILE ? "file" : "secret-service";
}

/**
 * fn_cli_get_tokens:
 * @name: (nullable): the --token-store option
 *
 * Opens the token store named by --token-store, else by
 * $FIELD_NOTES_TOKEN_STORE, else the one `login` used for this data
 * directory, else the Secret Service. The file store gets a warning on
 * stderr, once per run.
 *
 * Returns: (transfer full) (nullable): the token store
 */
FnTokenStore *
fn_cli_get_tokens (FnCli       *cli,
                   const char  *name,
                   GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *remembered = NULL;
  g_autofree char *dir = NULL;
  const char *env = g_getenv ("FIELD_NOTES_TOKEN_STORE");
  FnTokenStoreKind kind;
  FnStore *store;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return NULL;

  if (!name && (!env || !*env))
    name = remembered = fn_store_get_meta (store, META_TOKEN_STORE);

  if (!fn_token_store_kind_parse (name, &kind, &local_error))
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE, local_error->message);
      return NULL;
    }

  if (kind == FN_TOKEN_STORE_FILE && !cli->warned_token_file)
    {
      dir = g_filename_display_name (fn_store_get_data_dir (store));
      /* One line, like every other message of the client. */
      fprintf (stderr,
               _("field-notes-cli: warning: the sign-in is kept in a file in %s, not in the "
                 "keyring; anyone who can read your files can use it.\n"),
               dir);
      cli->warned_token_file = TRUE;
    }

  return fn_token_store_new (kind, fn_store_get_data_dir (store));
}

/* An organisation's CA file is checked here, so that a typo is an input
 * error and not a failed sync. */
static char *
check_ca_file (const char  *arg,
               GError     **error)
{
  g_autoptr (GTlsDatabase) database = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *display = NULL;

  if (!arg || !*arg)
    return NULL;

  path = g_canonicalize_filename (arg, NULL);
  database = g_tls_file_database_new (path, &local_error);
  if (!database)
    {
      display = g_filename_display_name (arg);
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                   _("The CA file “%s” cannot be used: %s"), display, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&path);
}

/* ---- the password ---- */

/* Reads one line into memory we wipe afterwards; the newline is dropped.
 * Returns %NULL with @error set, never a partial password. */
static char *
read_password_line (int      fd,
                    GError **error)
{
  char *buffer = g_malloc0 (PASSWORD_MAX_BYTES + 2);
  gsize len = 0;
  gboolean too_long = FALSE;

  for (;;)
    {
      char c;
      gssize n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_free (buffer);
          g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                       _("The password could not be read: %s."), g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0 || c == '\n')
        break;
      if (len < PASSWORD_MAX_BYTES + 1)
        buffer[len++] = c;
      else
        too_long = TRUE;
    }

  if (len > 0 && buffer[len - 1] == '\r')
    buffer[--len] = '\0';

  if (too_long || len > PASSWORD_MAX_BYTES)
    {
      memset (buffer, 0, PASSWORD_MAX_BYTES + 2);
      g_free (buffer);
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                   _("The password is too long: at most %u bytes are allowed."),
                   (guint)PASSWORD_MAX_BYTES);
      return NULL;
    }

  if (len == 0 || memchr (buffer, '\0', len) || !g_utf8_validate (buffer, len, NULL))
    {
      memset (buffer, 0, PASSWORD_MAX_BYTES + 2);
      g_free (buffer);
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                           len == 0 ? _("No password was given.")
                                    : _("The password contains characters that are not "
                                        "valid text."));
      return NULL;
    }

  return buffer;
}

static void
free_password (char *password)
{
  if (!password)
    return;

  memset (password, 0, strlen (password));
  g_free (password);
}

/* The terminal as it was before echo was turned off, for a signal that
 * arrives while the password is typed. */
static struct termios saved_termios;

static void
restore_terminal_on_signal (int signum)
{
  tcsetattr (STDIN_FILENO, TCSANOW, &saved_termios);
  signal (signum, SIG_DFL);
  raise (signum);
}

static char *
prompt_password (const char  *server,
                 const char  *user,
                 GError     **error)
{
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  struct sigaction old_actions[G_N_ELEMENTS (signals)];
  struct sigaction action = { 0 };
  struct termios quiet;
  char *password;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &saved_termios) != 0)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("Standard input is not a terminal, so the password cannot be "
                             "asked for; pass it on standard input with --password-stdin."));
      return NULL;
    }

  action.sa_handler = restore_terminal_on_signal;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, &old_actions[i]);

  quiet = saved_termios;
  quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
  quiet.c_lflag |= ICANON;

  /* Echo goes off before the prompt shows, so that nothing typed after
   * it can appear on the screen. */
  if (tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
    {
      int saved_errno = errno;

      for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
        sigaction (signals[i], &old_actions[i], NULL);
      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                   _("The terminal could not stop showing what is typed: %s."),
                   g_strerror (saved_errno));
      return NULL;
    }

  fprintf (stderr, _("Password for %s at %s: "), user, server);
  fflush (stderr);

  password = read_password_line (STDIN_FILENO, error);

  tcsetattr (STDIN_FILENO, TCSANOW, &saved_termios);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &old_actions[i], NULL);

  /* The newline the person typed was not echoed. */
  fputc ('\n', stderr);

  return password;
}

/* ---- login ---- */

gboolean
fn_cli_login_run (FnCli              *cli,
                  const FnCliCommand *command,
                  int                 argc,
                  char              **argv,
                  GError            **error)
{
  g_autofree char *server_arg = NULL;
  g_autofree char *user_arg = NULL;
  g_autofree char *token_store = NULL;
  g_autofree char *ca_file_arg = NULL;
  gboolean password_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_arg,
      N_("The office server, e.g. https://office.example.org (required)"), N_("URL") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user_arg,
      N_("Your user name on that server (required)"), N_("NAME") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from standard input instead of asking on the terminal"), NULL },
    { "token-store", 0, 0, G_OPTION_ARG_STRING, &token_store,
      N_("Keep the sign-in in the keyring (secret-service, the default) or in a 0600 file "
         "in the data directory (file)"), N_("STORE") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file_arg,
      N_("Also trust the CA certificates in FILE (an organisation’s own CA)"), N_("FILE") },
    { NULL }
  };
  g_autoptr (FnTokenStore) tokens = NULL;
  g_auto (GStrv) args = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *ca_file = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *signed_in_dir = NULL;
  char *password = NULL;
  FnStore *store;

  if (!fn_cli_parse (cli, command, entries, argc, argv, 0, 0, &args, error))
    return FALSE;

  if (!server_arg || !user_arg)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_USAGE,
                           _("“login” needs --server and --user; "
                             "run “field-notes-cli login --help” for usage."));
      return FALSE;
    }

  if (!(server = fn_cli_arg_to_utf8 (server_arg, _("The server address"), error)) ||
      !(user = fn_cli_arg_to_utf8 (user_arg, _("The user name"), error)))
    return FALSE;
  g_strstrip (server);
  g_strstrip (user);
  if (!*server || !*user)
    {
      g_set_error_literal (error, FN_CLI_ERROR, FN_CLI_ERROR_INVALID,
                           _("The server address and the user name must not be empty."));
      return FALSE;
    }

  if (ca_file_arg && !(ca_file = check_ca_file (ca_file_arg, error)))
    return FALSE;

  /* Each account has a folder of its own (demo data and other people's
   * notes stay where they are); the token store it used last is there. */
  if (!(dir = fn_accounts_dir_for (cli->data_dir, server, user, error)) ||
      !(store = fn_cli_open_store (cli, dir, error)))
    return FALSE;

  tokens = fn_cli_get_tokens (cli, token_store, error);
  if (!tokens)
    return FALSE;

  if (password_stdin)
    password = read_password_line (STDIN_FILENO, error);
  else
    password = prompt_password (server, user, error);
  if (!password)
    return FALSE;

  signed_in_dir = fn_accounts_sign_in (cli->data_dir, fn_token_store_get_kind (tokens), server,
                                       user, password, ca_file, NULL, &local_error);
  free_password (password);

  if (!signed_in_dir)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Later commands use the same token store and CA without being told. */
  if (!fn_store_set_meta (store, META_TOKEN_STORE,
                          token_store_name (fn_token_store_get_kind (tokens)), error) ||
      !fn_store_set_meta (store, META_CA_FILE, ca_file, error))
    return FALSE;

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "server");
      json_builder_add_string_value (builder, server);
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, user);
      json_builder_set_member_name (builder, "token_store");
      json_builder_add_string_value (builder,
                                     token_store_name (fn_token_store_get_kind (tokens)));
      json_builder_set_member_name (builder, "data_dir");
      json_builder_add_string_value (builder, signed_in_dir);
      json_builder_end_object (builder);
      fn_cli_print_json (json_builder_get_root (builder));
    }
  else
    {
      fn_cli_print (_("Signed in to %s as %s. Run “field-notes-cli sync” to sync.\n"),
                    server, user);
    }

  return TRUE;
}

/* ---- logout ---- */

gboolean
fn_cli_logout_run (FnCli              *cli,
                   const FnCliCommand *command,
                   int                 argc,
                   char              **argv,
                   GError            **error)
{
  g_autofree char *token_store = NULL;
  const GOptionEntry entries[] = {
    { "token-store", 0, 0, G_OPTION_ARG_STRING, &token_store,
      N_("Where the sign-in is kept: secret-service or file (default: where login put it)"),
      N_("STORE") },
    { NULL }
  };
  g_autoptr (FnTokenStore) tokens = NULL;
  g_auto (GStrv) args = NULL;
  g_autofree char *signed_in = NULL;
  gboolean was_signed_in;
  guint pending;
  FnStore *store;

  if (!fn_cli_parse (cli, command, entries, argc, argv, 0, 0, &args, error))
    return FALSE;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return FALSE;

  signed_in = fn_store_get_meta (store, "signed_in");
  was_signed_in = g_strcmp0 (signed_in, "true") == 0;

  tokens = fn_cli_get_tokens (cli, token_store, error);
  if (!tokens)
    return FALSE;

  /* Revokes the session when the server can be reached, and forgets the
   * token either way; waiting changes stay for the next sign-in. */
  if (!fn_accounts_sign_out (store, tokens, NULL, error))
    return FALSE;

  pending = fn_store_count_pending (store);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "was_signed_in");
      json_builder_add_boolean_value (builder, was_signed_in);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, pending);
      json_builder_end_object (builder);
      fn_cli_print_json (json_builder_get_root (builder));
    }
  else if (!was_signed_in)
    fn_cli_print ("%s\n", _("Not signed in; nothing to do."));
  else if (pending > 0)
    fn_cli_print (g_dngettext (GETTEXT_PACKAGE,
                               "Signed out. %u change waits on this computer for the next "
                               "sign-in.\n",
                               "Signed out. %u changes wait on this computer for the next "
                               "sign-in.\n",
                               pending),
                  pending);
  else
    fn_cli_print ("%s\n", _("Signed out."));

  return TRUE;
}

/* ---- sync ---- */

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  gboolean   ok;
} SyncWait;

static void
sync_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SyncWait *wait = user_data;

  wait->ok = fn_sync_engine_sync_finish (FN_SYNC_ENGINE (source), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

/* The exit status of `sync` is its contract with scripts: 2 means "try
 * again later, nothing is lost", 3 "a person must sign in". */
static int
sync_error_code (const GError *error)
{
  if (error->domain == FN_SYNC_ERROR)
    {
      switch ((FnSyncErrorCode)error->code)
        {
        case FN_SYNC_ERROR_AUTH:
        case FN_SYNC_ERROR_NOT_SIGNED_IN:
          return FN_CLI_ERROR_SIGN_IN;
        case FN_SYNC_ERROR_NETWORK:
        case FN_SYNC_ERROR_UNAVAILABLE:
        case FN_SYNC_ERROR_REFUSED:
        case FN_SYNC_ERROR_PROTOCOL:
        case FN_SYNC_ERROR_TLS:
        case FN_SYNC_ERROR_DEMO_STORE:
        case FN_SYNC_ERROR_INSECURE:
        default:
          return FN_CLI_ERROR_NETWORK;
        }
    }

  return fn_cli_exit_code (error);
}

gboolean
fn_cli_sync_run (FnCli              *cli,
                 const FnCliCommand *command,
                 int                 argc,
                 char              **argv,
                 GError            **error)
{
  g_autofree char *token_store = NULL;
  g_autofree char *ca_file_arg = NULL;
  const GOptionEntry entries[] = {
    { "token-store", 0, 0, G_OPTION_ARG_STRING, &token_store,
      N_("Where the sign-in is kept: secret-service or file (default: where login put it)"),
      N_("STORE") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file_arg,
      N_("Also trust the CA certificates in FILE (default: the one given to login)"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr (FnTokenStore) tokens = NULL;
  g_autoptr (FnSyncEngine) engine = NULL;
  g_autoptr (GMainContext) context = NULL;
  g_auto (GStrv) args = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *server = NULL;
  SyncWait wait = { 0 };
  guint conflicts;
  guint rejected;
  FnStore *store;

  if (!fn_cli_parse (cli, command, entries, argc, argv, 0, 0, &args, error))
    return FALSE;

  if (ca_file_arg && !(ca_file = check_ca_file (ca_file_arg, error)))
    return FALSE;

  store = fn_cli_get_store (cli, error);
  if (!store)
    return FALSE;

  if (!ca_file)
    ca_file = fn_store_get_meta (store, META_CA_FILE);

  tokens = fn_cli_get_tokens (cli, token_store, error);
  if (!tokens)
    return FALSE;

  /* One run on a private main context: push the outbox, then pull every
   * page. The engine's worker has its own database connection. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  engine = fn_sync_engine_new (store, tokens);
  fn_sync_engine_set_ca_file (engine, ca_file);

  wait.loop = g_main_loop_new (context, FALSE);
  fn_sync_engine_sync_async (engine, NULL, sync_cb, &wait);
  g_main_loop_run (wait.loop);

  fn_sync_engine_shutdown (engine);
  g_clear_object (&engine);
  /* Let the engine's last idle callbacks run before the context goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_loop_unref (wait.loop);
  g_main_context_pop_thread_default (context);

  if (!wait.ok)
    {
      int code = sync_error_code (wait.error);

      g_set_error_literal (error, FN_CLI_ERROR, code, wait.error->message);
      g_error_free (wait.error);
      return FALSE;
    }

  server = fn_store_get_meta (store, "server_url");
  conflicts = fn_store_count_conflicts (store);
  rejected = fn_store_count_rejected (store);

  if (cli->json)
    {
      if (!fn_cli_status_show (cli, tokens, error))
        return FALSE;
    }
  else
    fn_cli_print (_("Synced with %s.\n"), server ? server : "");

  if (conflicts > 0 || rejected > 0)
    {
      g_autofree char *what = NULL;

      if (conflicts > 0 && rejected > 0)
        what = g_strdup_printf (_("%u note texts conflict and %u changes were rejected; "
                                  "see “field-notes-cli conflicts” and "
                                  "“field-notes-cli status”"),
                                conflicts, rejected);
      else if (conflicts > 0)
        what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u note text conflicts; "
                                             "see “field-notes-cli conflicts”",
                                             "%u note texts conflict; "
                                             "see “field-notes-cli conflicts”",
                                             conflicts),
                                conflicts);
      else
        what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u change was rejected by the server; "
                                             "see “field-notes-cli status”",
                                             "%u changes were rejected by the server; "
                                             "see “field-notes-cli status”",
                                             rejected),
                                rejected);

      g_set_error (error, FN_CLI_ERROR, FN_CLI_ERROR_ATTENTION, _("Synced, but %s."), what);
      return FALSE;
    }

  return TRUE;
}
