/* main.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-seed.h"
#include "fn-mock-server.h"
#include "fn-mock-sqlite-storage.h"
#include "fn-mock-sync.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRAIN_TIMEOUT_MS 5000

static char *opt_db;
static char *opt_address;
static int opt_port = 8080;
static char *opt_tls_certificate;
static char *opt_tls_key;
static gboolean opt_seed;
static guint opt_seed_patients = FN_MOCK_SEED_PATIENTS;
static guint opt_seed_notes = FN_MOCK_SEED_NOTES;
static gint64 opt_token_ttl = 30 * 24 * 3600;
static int opt_login_max_failures = 5;
static int opt_login_lockout = 60;
static int opt_fault_latency_ms;
static double opt_fault_error_rate;
static double opt_fault_drop_rate;
static char *opt_fault_seed;
static char *opt_role;

static gboolean
parse_seed_cb (const char  *name,
               const char  *value,
               gpointer     data,
               GError     **error)
{
  g_auto (GStrv) parts = NULL;
  guint64 patients, notes;

  opt_seed = TRUE;
  if (!value)
    return TRUE;

  parts = g_strsplit (value, ",", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 10000000, &patients, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 100000000, &notes, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--seed-demo takes PATIENTS,NOTES, for example --seed-demo=10000,100000");
      return FALSE;
    }

  opt_seed_patients = patients;
  opt_seed_notes = notes;
  return TRUE;
}

static const GOptionEntry entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "The SQLite database (created if missing)", "PATH" },
  { "address", 0, 0, G_OPTION_ARG_STRING, &opt_address, "The IP address to listen on (127.0.0.1)", "ADDRESS" },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "The port; 0 picks a free one (8080)", "N" },
  { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_certificate, "Serve HTTPS with this PEM certificate", "FILE" },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key, "The PEM private key of the certificate", "FILE" },
  { "seed-demo", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, parse_seed_cb, "Fill an empty database with demo data", "PATIENTS,NOTES" },
  { "token-ttl", 0, 0, G_OPTION_ARG_INT64, &opt_token_ttl, "Session lifetime in seconds (30 days)", "SECONDS" },
  { "login-max-failures", 0, 0, G_OPTION_ARG_INT, &opt_login_max_failures, "Failed sign-ins before a user is locked out (5)", "N" },
  { "login-lockout", 0, 0, G_OPTION_ARG_INT, &opt_login_lockout, "How long a lockout lasts (60)", "SECONDS" },
  { "fault-latency-ms", 0, 0, G_OPTION_ARG_INT, &opt_fault_latency_ms, "Delay every sync response", "N" },
  { "fault-error-rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt_fault_error_rate, "Answer this fraction of sync requests 503", "P" },
  { "fault-drop-rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt_fault_drop_rate, "Apply, then drop the connection, for this fraction", "P" },
  { "fault-seed", 0, 0, G_OPTION_ARG_STRING, &opt_fault_seed, "Seed for repeatable faults", "N" },
  { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role, "add-user: caregiver or office", "ROLE" },
  { NULL }
};

typedef struct
{
  GMainLoop *loop;
  FnMockServer *server;
  gint64 deadline;
  guint drain_id;
} RunState;

static gboolean
drain_cb (gpointer data)
{
  RunState *state = data;

  if (fn_mock_server_get_in_flight (state->server) > 0 &&
      g_get_monotonic_time () < state->deadline)
    return G_SOURCE_CONTINUE;

  state->drain_id = 0;
  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal_cb (gpointer data)
{
  RunState *state = data;

  if (state->drain_id == 0)
    {
      fprintf (stderr, "Stopping: finishing requests in flight.\n");
      state->deadline = g_get_monotonic_time () + DRAIN_TIMEOUT_MS * 1000;
      state->drain_id = g_timeout_add (20, drain_cb, state);
    }

  return G_SOURCE_CONTINUE;
}

static char *
read_password (void)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0 && text->len < 4096)
    g_string_append_len (text, buffer, n);

  while (text->len > 0 && (text->str[text->len - 1] == '\n' || text->str[text->len - 1] == '\r'))
    g_string_truncate (text, text->len - 1);

  return g_string_free (text, FALSE);
}

static int
run_admin (FnMockStorage  *storage,
           char          **args)
{
  g_autoptr (GError) error = NULL;
  guint n = g_strv_length (args);

  if (strcmp (args[0], "add-user") == 0)
    {
      g_autofree char *password = NULL;

      if (n != 2 || !opt_role)
        {
          fprintf (stderr, "Usage: field-notes-server --db PATH add-user NAME --role caregiver|office"
                           " (password on standard input)\n");
          return 2;
        }

      password = read_password ();
      if (!fn_mock_storage_begin_write (storage, &error) ||
          !fn_mock_add_user (storage, args[1], opt_role, password, &error) ||
          !fn_mock_storage_commit (storage, &error))
        {
          fn_mock_storage_rollback (storage);
          fprintf (stderr, "Cannot add user %s: %s\n", args[1], error->message);
          return 1;
        }

      {
        g_autoptr (FnMockUser) user = fn_mock_storage_find_user (storage, args[1], NULL);

        printf ("%s\n", user->id);
      }
      return 0;
    }

  if (strcmp (args[0], "assign") == 0 || strcmp (args[0], "unassign") == 0)
    {
      gboolean assign = strcmp (args[0], "assign") == 0;
      g_autoptr (FnMockSync) sync = NULL;

      if (n != 3)
        {
          fprintf (stderr, "Usage: field-notes-server --db PATH %s PATIENT_ID USER_NAME\n", args[0]);
          return 2;
        }

      sync = fn_mock_sync_new (storage, "admin", &error);
      if (!sync || !fn_mock_sync_set_assignment (sync, args[1], args[2], assign, &error))
        {
          fprintf (stderr, "Cannot %s: %s\n", args[0], error->message);
          return 1;
        }
      return 0;
    }

  fprintf (stderr, "Unknown command “%s”; commands are add-user, assign and unassign.\n", args[0]);
  return 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnMockStorage) storage = NULL;
  g_autoptr (FnMockSync) sync = NULL;
  g_autoptr (FnMockServer) server = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *url = NULL;
  FnMockServerConfig config = { 0 };
  RunState state = { 0 };
  guint sigint_id, sigterm_id;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("[add-user NAME --role ROLE | assign PATIENT_ID USER | "
                                  "unassign PATIENT_ID USER]");
  g_option_context_set_summary (context, "The Field Notes reference sync server.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }

  if (!opt_db)
    {
      fprintf (stderr, "--db PATH is required.\n");
      return 2;
    }
  if (opt_port < 0 || opt_port > 65535 || opt_token_ttl <= 0 || opt_login_max_failures < 1 ||
      opt_login_lockout < 1 || opt_fault_latency_ms < 0 ||
      opt_fault_error_rate < 0 || opt_fault_error_rate > 1 ||
      opt_fault_drop_rate < 0 || opt_fault_drop_rate > 1 ||
      (!opt_tls_certificate != !opt_tls_key))
    {
      fprintf (stderr, "Invalid option value; see --help.\n");
      return 2;
    }

  storage = fn_mock_sqlite_storage_new (opt_db, &error);
  if (!storage)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  if (argc > 1)
    {
      int status = run_admin (storage, argv + 1);

      fn_mock_storage_close (storage);
      return status;
    }

  sync = fn_mock_sync_new (storage, NULL, &error);
  if (!sync)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  if (opt_seed && !fn_mock_seed_demo (sync, opt_seed_patients, opt_seed_notes, &error))
    {
      fprintf (stderr, "Cannot seed the demo data: %s\n", error->message);
      return 1;
    }

  if (opt_tls_certificate)
    {
      certificate = g_tls_certificate_new_from_files (opt_tls_certificate, opt_tls_key, &error);
      if (!certificate)
        {
          fprintf (stderr, "Cannot load the TLS certificate: %s\n", error->message);
          return 1;
        }
    }

  config.token_ttl_s = opt_token_ttl;
  config.login_max_failures = opt_login_max_failures;
  config.login_lockout_s = opt_login_lockout;
  config.fault_latency_ms = opt_fault_latency_ms;
  config.fault_error_rate = opt_fault_error_rate;
  config.fault_drop_rate = opt_fault_drop_rate;
  if (opt_fault_seed)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (opt_fault_seed, 10, 0, G_MAXUINT32, &seed, NULL))
        {
          fprintf (stderr, "--fault-seed takes a number.\n");
          return 2;
        }
      config.fault_seed_set = TRUE;
      config.fault_seed = seed;
    }

  server = fn_mock_server_new (sync, &config);
  if (!fn_mock_server_listen (server, opt_address ? opt_address : "127.0.0.1", opt_port,
                              certificate, &url, &error))
    {
      fprintf (stderr, "Cannot listen: %s\n", error->message);
      return 1;
    }

  printf ("listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  state.server = server;
  sigint_id = g_unix_signal_add (SIGINT, on_signal_cb, &state);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal_cb, &state);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  fn_mock_server_disconnect (server);
  g_clear_object (&server);
  g_clear_object (&sync);
  fn_mock_storage_close (storage);
  fprintf (stderr, "Stopped; the database is closed.\n");

  return 0;
}
