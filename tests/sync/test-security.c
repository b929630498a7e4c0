/* test-security.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Security of the client side against the real server:
 * - HTTPS with a throwaway CA made here with openssl: the engine refuses a
 *   server it cannot verify (no CA, the wrong CA, a certificate for another
 *   name) with FN_SYNC_ERROR_TLS and accepts it with the organisation's CA;
 * - the session token never appears in the laptop's database files, the
 *   server's log or database, the command lines or environments of the CLI
 *   and the server, or what the CLI prints (with every debug message on,
 *   and when it crashes in the middle of a sync);
 * - the data folder is 0700 and every database file 0600, even with a
 *   umask of 0. */

#define _GNU_SOURCE

#include "config.h"

#include "fn-core.h"
#include "fn-store-private.h"
#include "fn-test-engine.h"
#include "fn-test-server.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

static char *openssl;

/* ---- certificates ---- */

typedef struct
{
  char *dir;
  char *ca;          /* the organisation's CA */
  char *cert;        /* for 127.0.0.1, signed by ca */
  char *key;
  char *other_ca;    /* an unrelated CA */
  char *named_cert;  /* signed by ca, but for office.example.org only */
  char *named_key;
} Certificates;

static void
run_openssl (const char *first,
             ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;
  va_list ap;

  g_ptr_array_add (argv, openssl);
  va_start (ap, first);
  for (const char *arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed: %s", first, err);
}

static char *
file_in (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
make_ca (const char *dir,
         const char *name,
         char      **ca,
         char      **ca_key)
{
  g_autofree char *subject = g_strdup_printf ("/CN=%s", name);
  g_autofree char *pem = g_strconcat (name, ".pem", NULL);
  g_autofree char *key = g_strconcat (name, ".key", NULL);

  *ca = file_in (dir, pem);
  *ca_key = file_in (dir, key);
  run_openssl ("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
               "-nodes", "-days", "2", "-subj", subject,
               "-addext", "basicConstraints=critical,CA:TRUE",
               "-addext", "keyUsage=critical,keyCertSign,cRLSign",
               "-keyout", *ca_key, "-out", *ca, NULL);
}

static void
make_leaf (const char  *dir,
           const char  *name,
           const char  *alt_name,
           const char  *ca,
           const char  *ca_key,
           char       **cert,
           char       **key)
{
  g_autofree char *csr_name = g_strconcat (name, ".csr", NULL);
  g_autofree char *ext_name = g_strconcat (name, ".ext", NULL);
  g_autofree char *pem_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);
  g_autofree char *csr = file_in (dir, csr_name);
  g_autofree char *ext = file_in (dir, ext_name);
  g_autofree char *ext_text = g_strdup_printf ("subjectAltName=%s\nbasicConstraints=CA:FALSE\n"
                                               "extendedKeyUsage=serverAuth\n", alt_name);
  g_autofree char *serial = file_in (dir, "ca.srl");

  *cert = file_in (dir, pem_name);
  *key = file_in (dir, key_name);
  g_assert_true (g_file_set_contents (ext, ext_text, -1, NULL));
  run_openssl ("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-subj", "/CN=Field Notes test server", "-keyout", *key, "-out", csr, NULL);
  run_openssl ("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAserial", serial,
               "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", *cert, NULL);
}

static void
certificates_make (Certificates *c)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *other_key = NULL;

  c->dir = g_dir_make_tmp ("fn-security-tls-XXXXXX", &error);
  g_assert_no_error (error);
  make_ca (c->dir, "org-ca", &c->ca, &ca_key);
  make_ca (c->dir, "other-ca", &c->other_ca, &other_key);
  make_leaf (c->dir, "server", "IP:127.0.0.1", c->ca, ca_key, &c->cert, &c->key);
  make_leaf (c->dir, "named", "DNS:office.example.org", c->ca, ca_key, &c->named_cert,
             &c->named_key);
}

static void
certificates_clear (Certificates *c)
{
  fn_test_remove_tree (c->dir);
  g_free (c->dir);
  g_free (c->ca);
  g_free (c->cert);
  g_free (c->key);
  g_free (c->other_ca);
  g_free (c->named_cert);
  g_free (c->named_key);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Certificates, certificates_clear)

/* ---- the engine ---- */

static guint
count_patients (FnStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) patients = fn_store_list_patients (store, NULL, &error);

  g_assert_no_error (error);
  return patients->len;
}

static void
assert_tls_refused (const GError *error)
{
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "certificate"));
}

static void
test_https (void)
{
  g_auto (Certificates) certs = { 0 };
  g_autoptr (FnTestServer) server = NULL;
  g_autoptr (FnTestServer) named = NULL;
  g_autoptr (FnTestClient) office = NULL;
  g_autoptr (FnTestClient) alice = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *office_password = fn_test_password_for ("office");
  g_autofree char *alice_password = fn_test_password_for ("alice");
  g_autofree char *dir = NULL;
  g_autofree char *token = NULL;
  g_autofree char *patient = NULL;
  FnStore *store;
  FnTokenStore *tokens;
  FnSyncEngine *engine;

  if (!openssl)
    {
      g_test_skip ("openssl is not installed to make a throwaway CA");
      return;
    }
  certificates_make (&certs);

  server = fn_test_server_new ();
  fn_test_server_add_user (server, "office", "office", office_password);
  fn_test_server_add_user (server, "alice", "caregiver", alice_password);
  fn_test_server_start (server, "--tls-certificate", certs.cert, "--tls-key", certs.key, NULL);
  g_assert_true (g_str_has_prefix (fn_test_server_get_url (server), "https://127.0.0.1:"));
  fn_test_server_trust_certificate (server, certs.ca);
  office = fn_test_sign_in (server, "office", office_password, "office desk");
  alice = fn_test_sign_in (server, "alice", alice_password, "alice's phone");
  patient = fn_test_create_patient (office, "Tlsmann", alice->user_id, NULL);

  dir = g_dir_make_tmp ("fn-security-XXXXXX", &error);
  g_assert_no_error (error);
  store = fn_store_new (dir, &error);
  g_assert_no_error (error);
  tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, dir);

  /* Without the organisation's CA, or with another CA: refused, nothing
   * sent (so no token), nothing stored. */
  g_assert_false (fn_sync_sign_in (store, tokens, fn_test_server_get_url (server), "alice",
                                   alice_password, NULL, NULL, &error));
  assert_tls_refused (error);
  g_clear_error (&error);
  g_assert_false (fn_sync_sign_in (store, tokens, fn_test_server_get_url (server), "alice",
                                   alice_password, certs.other_ca, NULL, &error));
  assert_tls_refused (error);
  g_clear_error (&error);
  g_assert_false (fn_store_has_been_connected (store));
  {
    g_autofree char *token_file = g_build_filename (dir, "token.json", NULL);

    g_assert_false (g_file_test (token_file, G_FILE_TEST_EXISTS));
  }

  /* With it: signed in. */
  g_assert_true (fn_sync_sign_in (store, tokens, fn_test_server_get_url (server), "alice",
                                  alice_password, certs.ca, NULL, &error));
  g_assert_no_error (error);

  /* The engine with the wrong CA: refused, state "error", nothing pulled. */
  engine = fn_sync_engine_new (store, tokens);
  fn_sync_engine_set_ca_file (engine, certs.other_ca);
  g_assert_false (fn_test_engine_sync (engine, &error));
  assert_tls_refused (error);
  g_clear_error (&error);
  g_assert_cmpint (fn_sync_engine_get_state (engine), ==, FN_SYNC_ENGINE_ERROR);
  g_assert_cmpstr (fn_sync_engine_get_last_error (engine), !=, NULL);
  g_assert_cmpuint (count_patients (store), ==, 0);

  /* A laptop that forgot the CA (no setting, none kept from sign-in). */
  fn_sync_engine_set_ca_file (engine, NULL);
  g_assert_true (fn_store_set_meta (store, "ca_file", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (fn_test_engine_sync (engine, &error));
  assert_tls_refused (error);
  g_clear_error (&error);
  g_assert_cmpuint (count_patients (store), ==, 0);

  /* fn_sync_engine_set_ca_file: accepted, the patient arrives. */
  fn_sync_engine_set_ca_file (engine, certs.ca);
  g_assert_true (fn_test_engine_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fn_sync_engine_get_state (engine), ==, FN_SYNC_ENGINE_IDLE);
  g_assert_cmpuint (count_patients (store), ==, 1);

  /* A certificate from the right CA but for another name: refused. */
  named = fn_test_server_new ();
  fn_test_server_add_user (named, "alice", "caregiver", alice_password);
  fn_test_server_start (named, "--tls-certificate", certs.named_cert, "--tls-key",
                        certs.named_key, NULL);
  {
    g_autofree char *named_dir = g_dir_make_tmp ("fn-security-named-XXXXXX", &error);
    g_autoptr (FnStore) named_store = fn_store_new (named_dir, &error);
    g_autoptr (FnTokenStore) named_tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, named_dir);

    g_assert_no_error (error);
    g_assert_false (fn_sync_sign_in (named_store, named_tokens, fn_test_server_get_url (named),
                                     "alice", alice_password, certs.ca, NULL, &error));
    assert_tls_refused (error);
    g_clear_error (&error);
    g_clear_object (&named_store);
    fn_test_remove_tree (named_dir);
  }

  fn_sync_engine_shutdown (engine);
  fn_test_wait_finalized (engine);
  g_assert_finalize_object (tokens);
  g_assert_finalize_object (store);
  fn_test_remove_tree (dir);
  fn_test_server_stop (named);
  fn_test_server_stop (server);
}

/* ---- the token ---- */

typedef struct
{
  int status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

static char *
read_proc (GPid        pid,
           const char *what)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/%s", (int)pid, what);
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;

  /* Arguments and variables are separated by NULs. */
  for (gsize i = 0; i < length; i++)
    if (contents[i] == '\0')
      contents[i] = ' ';

  return contents;
}

static GPid
subprocess_pid (GSubprocess *process)
{
  const char *id = g_subprocess_get_identifier (process);

  return id ? (GPid)g_ascii_strtoll (id, NULL, 10) : 0;
}

/* The server's process, found by its database path. */
static GPid
find_server_pid (FnTestServer *server)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *db = fn_test_server_get_db_path (server);
  const char *name;

  while (proc && (name = g_dir_read_name (proc)))
    {
      g_autofree char *cmdline = NULL;
      GPid pid = (GPid)g_ascii_strtoll (name, NULL, 10);

      if (pid <= 0 || pid == getpid ())
        continue;
      cmdline = read_proc (pid, "cmdline");
      if (cmdline && strstr (cmdline, db) && strstr (cmdline, "field-notes-server") &&
          !strstr (cmdline, "add-user"))
        return pid;
    }

  return 0;
}

static void
assert_no_secret (const char *where,
                  const char *text,
                  gsize       length,
                  const char *secret)
{
  if (!text)
    return;
  if (memmem (text, length, secret, strlen (secret)))
    g_error ("the secret was found in %s", where);
}

static void
assert_file_has_no_secret (const char *path,
                           const char *secret)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return;
  g_test_message ("searched %s (%" G_GSIZE_FORMAT " bytes)", path, length);
  assert_no_secret (path, contents, length, secret);
}

/* Runs the CLI; when @watch is set, looks at its /proc entries (and the
 * server's) while it waits for the slow server, and sends it @signal then
 * if that is not 0. */
static void
run_cli (const char    *data_dir,
         const char    *stdin_text,
         const char    *secret,
         GPid           server_pid,
         int            signal_number,
         CliRun        *run,
         const char    *first_arg,
         ...)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) stdin_bytes = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;
  const char *cli = g_getenv ("FIELD_NOTES_CLI");
  GPid pid;
  va_list ap;

  g_ptr_array_add (argv, (char *)cli);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (char *)data_dir);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "FIELD_NOTES_TOKEN_STORE", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  pid = subprocess_pid (process);

  /* While it waits for the server (which delays every sync answer), its
   * command line and environment, and the server's, hold no token. */
  if (secret)
    {
      g_usleep (400 * 1000);
      for (guint i = 0; i < 2; i++)
        {
          GPid who = i == 0 ? pid : server_pid;
          g_autofree char *cmdline = who ? read_proc (who, "cmdline") : NULL;
          g_autofree char *environ_text = who ? read_proc (who, "environ") : NULL;

          if (!who)
            continue;
          g_assert_nonnull (cmdline);
          assert_no_secret ("a command line", cmdline, strlen (cmdline), secret);
          if (environ_text)
            assert_no_secret ("an environment", environ_text, strlen (environ_text), secret);
        }
    }
  if (signal_number)
    g_subprocess_send_signal (process, signal_number);

  stdin_bytes = g_bytes_new (stdin_text ? stdin_text : "", stdin_text ? strlen (stdin_text) : 0);
  g_subprocess_communicate (process, stdin_bytes, NULL, &out, &err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                     : -g_subprocess_get_term_sig (process);
  run->out = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  run->err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
}

static void
assert_mode (const char *path,
             guint       mode)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return;
  g_test_message ("%s: %o", path, (guint)st.st_mode & 0777);
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

static const char *slow_args[] = { "--fault-latency-ms", "1000", NULL };

static void
test_token_secrecy (FnTestFixture *fx,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *token_path = NULL;
  g_autofree char *token_json = NULL;
  g_autofree char *token = NULL;
  g_autofree char *password = fn_test_password_for ("alice");
  g_autofree char *password_line = g_strconcat (password, "\n", NULL);
  g_autofree char *patient = NULL;
  g_autofree char *log = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (CliRun) login = { 0 };
  g_auto (CliRun) sync = { 0 };
  g_auto (CliRun) crash = { 0 };
  g_auto (CliRun) again = { 0 };
  const char *names[] = { FN_STORE_DB_NAME, FN_STORE_DB_NAME "-wal", FN_STORE_DB_NAME "-shm" };
  GPid server_pid;
  mode_t old_umask;

  if (!g_getenv ("FIELD_NOTES_CLI"))
    {
      g_test_skip ("$FIELD_NOTES_CLI does not name the command-line client");
      return;
    }

  patient = fn_test_create_patient (fn_test_fixture_user (fx, "office"), "Geheimrat",
                                    fn_test_fixture_user (fx, "alice")->user_id, NULL);
  g_free (fn_test_create_note (fn_test_fixture_user (fx, "alice"), patient, "Visit", "Text"));
  server_pid = find_server_pid (fx->server);
  g_assert_cmpint (server_pid, >, 0);

  root = g_dir_make_tmp ("fn-security-cli-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (root, "data", NULL);

  /* Even a careless umask gives a private folder and private files. */
  old_umask = umask (0);

  run_cli (data_dir, password_line, NULL, 0, 0, &login, "login", "--server",
           fn_test_server_get_url (fx->server), "--user", "alice", "--password-stdin", NULL);
  g_assert_cmpint (login.status, ==, 0);

  token_path = g_build_filename (data_dir, "token.json", NULL);
  g_assert_true (g_file_get_contents (token_path, &token_json, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, token_json, -1, &error));
  {
    JsonObject *object = json_node_get_object (json_parser_get_root (parser));

    token = g_strdup (json_object_get_string_member (object, "token"));
  }
  g_assert_cmpuint (strlen (token), >=, 20);

  /* A sync (slowed down by the server, so that /proc can be read during
   * it), then one that crashes in the middle, then one more. */
  run_cli (data_dir, NULL, token, server_pid, 0, &sync, "sync", NULL);
  g_assert_cmpint (sync.status, ==, 0);
  run_cli (data_dir, NULL, token, server_pid, SIGSEGV, &crash, "sync", NULL);
  g_test_message ("the crashed sync ended with %d; it printed %" G_GSIZE_FORMAT " bytes",
                  crash.status, strlen (crash.err));
  g_assert_cmpint (crash.status, !=, 0);
  run_cli (data_dir, NULL, NULL, 0, 0, &again, "sync", NULL);
  g_assert_cmpint (again.status, ==, 0);

  umask (old_umask);

  /* What the CLI printed, debug messages and the crash included. */
  {
    CliRun *runs[] = { &login, &sync, &crash, &again };

    /* The debug messages were on, so there was something to search. */
    g_assert_true (strstr (sync.out, "fn-sync") || strstr (sync.err, "fn-sync"));

    for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
      {
        assert_no_secret ("the CLI's output", runs[i]->out, strlen (runs[i]->out), token);
        assert_no_secret ("the CLI's errors", runs[i]->err, strlen (runs[i]->err), token);
        assert_no_secret ("the CLI's output", runs[i]->out, strlen (runs[i]->out), password);
        assert_no_secret ("the CLI's errors", runs[i]->err, strlen (runs[i]->err), password);
      }
  }

  /* The laptop's database files. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (data_dir, names[i], NULL);

      assert_file_has_no_secret (path, token);
      assert_file_has_no_secret (path, password);
      assert_mode (path, 0600);
    }
  assert_mode (data_dir, 0700);
  assert_mode (token_path, 0600);

  /* The server's log and database. */
  log = fn_test_server_get_log (fx->server);
  g_assert_nonnull (strstr (log, "GET /api/v1/changes 200"));
  assert_no_secret ("the server's log", log, strlen (log), token);
  assert_no_secret ("the server's log", log, strlen (log), password);
  {
    g_autofree char *wal = g_strconcat (fn_test_server_get_db_path (fx->server), "-wal", NULL);

    assert_file_has_no_secret (fn_test_server_get_db_path (fx->server), token);
    assert_file_has_no_secret (wal, token);
  }

  fn_test_remove_tree (root);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fn_test_init (&argc, &argv);
  openssl = g_find_program_in_path ("openssl");

  g_test_add_func ("/sync/security/https", test_https);
  g_test_add ("/sync/security/token-secrecy", FnTestFixture, slow_args, fn_test_fixture_setup,
              test_token_secrecy, fn_test_fixture_teardown);

  status = fn_test_run ();
  g_free (openssl);
  return status;
}
