/* fn-test-server.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-test-server"

#include "config.h"

#include "fn-test-server.h"

#include "fn-clock.h"
#include "fn-fields.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

struct _FnTestServer
{
  char        *dir;
  char        *db_path;
  char        *url;
  GSubprocess *process;
  SoupSession *session;
  guint        n_starts;
};

static char *template_dir;
static gint64 last_hlc_ms;

/* Files */

static void
copy_file_if_exists (const char *from,
                     const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr (GError) error = NULL;

  if (!g_file_test (from, G_FILE_TEST_EXISTS))
    return;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);
}

/* The server process */

/**
 * fn_test_server_binary:
 *
 * Returns: (nullable): the server under test, from $FIELD_NOTES_SERVER
 */
const char *
fn_test_server_binary (void)
{
  const char *path = g_getenv ("FIELD_NOTES_SERVER");

  if (!path || !*path || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return NULL;

  return path;
}

FnTestServer *
fn_test_server_new (void)
{
  FnTestServer *self = g_new0 (FnTestServer, 1);
  g_autoptr (GError) error = NULL;

  self->dir = g_dir_make_tmp ("fn-server-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "field-notes.db", NULL);
  self->session = soup_session_new_with_options ("timeout", FN_TEST_TIMEOUT_S,
                                                 "idle-timeout", FN_TEST_TIMEOUT_S,
                                                 NULL);

  return self;
}

void
fn_test_server_free (FnTestServer *self)
{
  if (!self)
    return;

  if (self->process)
    fn_test_server_kill (self);

  g_clear_object (&self->session);
  fn_test_remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->url);
  g_free (self);
}

const char *
fn_test_server_get_url (FnTestServer *self)
{
  return self->url;
}

const char *
fn_test_server_get_db_path (FnTestServer *self)
{
  return self->db_path;
}

gboolean
fn_test_server_is_running (FnTestServer *self)
{
  return self->process && g_subprocess_get_identifier (self->process);
}

/**
 * fn_test_server_get_log:
 *
 * Returns: (transfer full): everything the server wrote on stderr, over all
 *   its runs in this test
 */
char *
fn_test_server_get_log (FnTestServer *self)
{
  GString *log = g_string_new (NULL);

  for (guint i = 1; i <= self->n_starts; i++)
    {
      g_autofree char *name = g_strdup_printf ("stderr-%u.log", i);
      g_autofree char *path = g_build_filename (self->dir, name, NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, NULL))
        g_string_append_printf (log, "--- run %u ---\n%s", i, contents);
    }

  return g_string_free (log, FALSE);
}

/**
 * fn_test_server_trust_certificate:
 *
 * Makes the requests of fn_test_request() trust the certificates in the
 * PEM file @path (and only those), for a server started with TLS.
 */
void
fn_test_server_trust_certificate (FnTestServer *self,
                                  const char   *path)
{
  g_autoptr (GTlsDatabase) database = NULL;
  g_autoptr (GError) error = NULL;

  database = g_tls_file_database_new (path, &error);
  g_assert_no_error (error);
  soup_session_set_tls_database (self->session, database);
}

void
fn_test_server_copy_db_from (FnTestServer *self,
                             const char   *db_path)
{
  static const char * const suffixes[] = { "", "-wal" };

  g_assert_null (self->process);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (db_path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (self->db_path, suffixes[i], NULL);

      copy_file_if_exists (from, to);
    }
}

static gboolean
read_first_line (const char  *path,
                 char       **line)
{
  g_autofree char *contents = NULL;
  char *newline;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  newline = strchr (contents, '\n');
  if (!newline)
    return FALSE;

  *line = g_strndup (contents, newline - contents);
  return TRUE;
}

void
fn_test_server_start_argv (FnTestServer  *self,
                           const char   **args)
{
  const char *binary = fn_test_server_binary ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *stdout_name = NULL;
  g_autofree char *stdout_path = NULL;
  g_autofree char *stderr_name = NULL;
  g_autofree char *stderr_path = NULL;
  g_autofree char *line = NULL;
  gint64 deadline;
  gboolean has_port = FALSE;

  g_assert_nonnull (binary);
  g_assert_null (self->process);

  self->n_starts++;
  stdout_name = g_strdup_printf ("stdout-%u.log", self->n_starts);
  stdout_path = g_build_filename (self->dir, stdout_name, NULL);
  stderr_name = g_strdup_printf ("stderr-%u.log", self->n_starts);
  stderr_path = g_build_filename (self->dir, stderr_name, NULL);

  for (guint i = 0; args && args[i]; i++)
    has_port |= g_str_equal (args[i], "--port");

  g_ptr_array_add (argv, (char *)binary);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, self->db_path);
  g_ptr_array_add (argv, "--address");
  g_ptr_array_add (argv, "127.0.0.1");
  if (!has_port)
    {
      g_ptr_array_add (argv, "--port");
      g_ptr_array_add (argv, "0");
    }
  for (guint i = 0; args && args[i]; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  for (guint i = 0; args && args[i]; i++)
    if (g_str_equal (args[i], "--tls-certificate"))
      {
        /* LeakSanitizer's tracer crashes at exit on the TLS backend's
         * threads (glib-networking with GnuTLS, Debian 12) after a TLS
         * request; leaks stay checked in every other server run. */
        const char *asan = g_getenv ("ASAN_OPTIONS");
        g_autofree char *options = g_strconcat (asan ? asan : "", asan ? ":" : "",
                                                "detect_leaks=0", NULL);

        g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
      }
  g_subprocess_launcher_set_stdout_file_path (launcher, stdout_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  self->process = g_subprocess_launcher_spawnv (launcher,
                                                (const char * const *)argv->pdata,
                                                &error);
  g_assert_no_error (error);

  /* The first line on stdout names the address; poll the file for it. */
  deadline = g_get_monotonic_time () + FN_TEST_TIMEOUT_S * G_USEC_PER_SEC;
  while (!read_first_line (stdout_path, &line))
    {
      if (!g_subprocess_get_identifier (self->process) ||
          g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = fn_test_server_get_log (self);

          g_test_message ("server did not start; its stderr:\n%s", log);
          g_assert_not_reached ();
        }
      g_usleep (2000);
    }

  g_test_message ("server: %s", line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  g_free (self->url);
  self->url = g_strdup (line + strlen ("listening on "));
  g_assert_true (g_str_has_prefix (self->url, "http://127.0.0.1:") ||
                 g_str_has_prefix (self->url, "https://127.0.0.1:"));
}

void
fn_test_server_start (FnTestServer *self,
                      const char   *first_arg,
                      ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  fn_test_server_start_argv (self, (const char **)args->pdata);
}

static gboolean
wait_process (FnTestServer *self)
{
  g_autoptr (GAsyncResult) result = NULL;
  gboolean done;

  g_subprocess_wait_async (self->process, NULL, fn_test_store_result_cb, &result);
  done = fn_test_spin_until (fn_test_pointer_is_set, &result, FN_TEST_TIMEOUT_S * 1000);
  if (!done)
    {
      /* The wait stays pending until the process is reaped. */
      g_subprocess_force_exit (self->process);
      fn_test_spin_until (fn_test_pointer_is_set, &result, FN_TEST_TIMEOUT_S * 1000);
    }

  return done;
}

/**
 * fn_test_server_stop:
 *
 * Sends SIGTERM and waits for the server to exit. A server that does not
 * exit in time is killed, and the test fails.
 *
 * Returns: whether the server exited with status 0
 */
gboolean
fn_test_server_stop (FnTestServer *self)
{
  gboolean in_time;
  gboolean clean = FALSE;

  g_assert_nonnull (self->process);

  g_subprocess_send_signal (self->process, SIGTERM);
  in_time = wait_process (self);
  if (!in_time)
    g_test_message ("server did not exit within %d s of SIGTERM", FN_TEST_TIMEOUT_S);
  else if (g_subprocess_get_if_exited (self->process) &&
           g_subprocess_get_exit_status (self->process) == 0)
    clean = TRUE;
  else
    g_test_message ("server did not exit with status 0 on SIGTERM");

  g_clear_object (&self->process);
  g_assert_true (in_time);

  return clean;
}

void
fn_test_server_kill (FnTestServer *self)
{
  g_assert_nonnull (self->process);

  g_subprocess_force_exit (self->process);
  wait_process (self);
  g_clear_object (&self->process);
}

/**
 * fn_test_server_admin:
 *
 * Runs `field-notes-server --db PATH ARGS...` to completion, with
 * @stdin_text on its standard input.
 *
 * Returns: the exit status, or -1 if it did not exit normally
 */
int
fn_test_server_admin (FnTestServer  *self,
                      const char    *stdin_text,
                      char         **out_stdout,
                      char         **out_stderr,
                      const char    *first_arg,
                      ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list ap;

  g_assert_nonnull (fn_test_server_binary ());

  g_ptr_array_add (argv, (char *)fn_test_server_binary ());
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, self->db_path);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE |
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, stdin_text ? stdin_text : "",
                                       NULL, fn_test_store_result_cb, &result);
  if (!fn_test_spin_until (fn_test_pointer_is_set, &result, FN_TEST_TIMEOUT_S * 1000))
    {
      g_subprocess_force_exit (process);
      fn_test_spin_until (fn_test_pointer_is_set, &result, FN_TEST_TIMEOUT_S * 1000);
      g_test_message ("admin command did not finish in time");
      g_assert_not_reached ();
    }

  g_subprocess_communicate_utf8_finish (process, result, &out, &err, &error);
  g_assert_no_error (error);

  /* communicate returns when the pipes close; the exit may come a bit later. */
  g_clear_object (&result);
  g_subprocess_wait_async (process, NULL, fn_test_store_result_cb, &result);
  g_assert_true (fn_test_spin_until (fn_test_pointer_is_set, &result, FN_TEST_TIMEOUT_S * 1000));

  if (out_stdout)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr)
    *out_stderr = g_steal_pointer (&err);

  if (!g_subprocess_get_if_exited (process))
    return -1;

  return g_subprocess_get_exit_status (process);
}

void
fn_test_server_add_user (FnTestServer *self,
                         const char   *name,
                         const char   *role,
                         const char   *password)
{
  g_autofree char *input = g_strdup_printf ("%s\n", password);
  g_autofree char *err = NULL;
  int status;

  status = fn_test_server_admin (self, input, NULL, &err,
                                 "add-user", name, "--role", role, NULL);
  if (status != 0)
    g_test_message ("add-user %s failed: %s", name, err);
  g_assert_cmpint (status, ==, 0);
}

/* HTTP */

static void
parse_body (FnTestResponse *response)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data;

  if (!response->body)
    return;

  data = g_bytes_get_data (response->body, &size);
  if (size == 0)
    return;

  if (json_parser_load_from_data (parser, data, size, NULL) &&
      json_parser_get_root (parser))
    response->json = json_node_copy (json_parser_get_root (parser));
}

static FnTestResponse *
send_request (FnTestServer  *server,
              SoupSession   *session,
              const char    *token,
              const char    *method,
              const char    *path,
              const char    *content_type,
              gconstpointer  body,
              gssize         length)
{
  FnTestResponse *response = g_new0 (FnTestResponse, 1);
  g_autofree char *uri = g_strconcat (server->url, path, NULL);
  g_autoptr (SoupMessage) msg = NULL;

  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);

  if (token)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", value);
    }

  if (body)
    {
      g_autoptr (GBytes) bytes = NULL;

      bytes = g_bytes_new (body, length < 0 ? strlen (body) : (gsize)length);
      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  response->body = soup_session_send_and_read (session, msg, NULL,
                                               &response->error);
  response->status = response->error ? 0 : soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  parse_body (response);

  return response;
}

/**
 * fn_test_request:
 * @token: (nullable): sent as a bearer token
 * @body: (nullable): the request body
 * @length: the body's length, or -1 if it is a string
 *
 * Sends one request to the server and reads the whole response. A transport
 * failure (such as a dropped connection) gives status 0 and sets the error.
 *
 * Returns: (transfer full): the response
 */
FnTestResponse *
fn_test_request (FnTestServer  *server,
                 const char    *token,
                 const char    *method,
                 const char    *path,
                 const char    *content_type,
                 gconstpointer  body,
                 gssize         length)
{
  FnTestResponse *response;

  g_assert_nonnull (server->url);

  response = send_request (server, server->session, token, method, path,
                           content_type, body, length);

  /* A kept-alive connection that the server closed just as it was reused
   * ends with no answer at all; pushes are idempotent by op id, so send it
   * once more on a connection of its own. Tests that want to see a dropped
   * connection use fn_test_request_fresh(). */
  if (response->status == 0 && response->error &&
      !g_error_matches (response->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_test_message ("retrying %s %s on a new connection: %s", method, path,
                      response->error->message);
      fn_test_response_free (response);
      response = fn_test_request_fresh (server, token, method, path, content_type, body, length);

      /* No answer twice: the server may have died (a crash, a sanitizer
       * report); its log says why, and goes with the test's directory. */
      if (response->status == 0)
        {
          g_autofree char *log = fn_test_server_get_log (server);
          gsize log_length = strlen (log);

          g_test_message ("no answer again (the server %s); the end of its log:\n%s",
                          fn_test_server_is_running (server) ? "runs" : "is gone",
                          log + (log_length > 8000 ? log_length - 8000 : 0));
        }
    }

  return response;
}

/**
 * fn_test_request_fresh:
 *
 * Like fn_test_request(), on a new connection that is used only once, so
 * that the client does not retry the request on a dropped keep-alive
 * connection.
 */
FnTestResponse *
fn_test_request_fresh (FnTestServer  *server,
                       const char    *token,
                       const char    *method,
                       const char    *path,
                       const char    *content_type,
                       gconstpointer  body,
                       gssize         length)
{
  g_autoptr (SoupSession) session = NULL;

  session = soup_session_new_with_options ("timeout", FN_TEST_TIMEOUT_S, NULL);

  return send_request (server, session, token, method, path,
                       content_type, body, length);
}

FnTestResponse *
fn_test_request_json (FnTestServer *server,
                      const char   *token,
                      const char   *method,
                      const char   *path,
                      JsonNode     *body)
{
  g_autofree char *text = NULL;

  if (body)
    text = json_to_string (body, FALSE);

  return fn_test_request (server, token, method, path,
                          text ? "application/json" : NULL, text, -1);
}

/**
 * fn_test_raw_request:
 *
 * Writes @request as it is to a new connection and reads until the server
 * closes it, for requests that an HTTP client would rewrite (such as paths
 * with dot segments). The request should say "Connection: close".
 *
 * Returns: (transfer full): the raw response
 */
char *
fn_test_raw_request (FnTestServer *server,
                     const char   *request,
                     gsize         length,
                     guint        *status)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) data = g_byte_array_new ();
  const char *host_port = strstr (server->url, "://") + 3;
  GInputStream *input;
  GOutputStream *output;
  char buffer[4096];
  gssize n;
  unsigned int code = 0;

  g_socket_client_set_timeout (client, FN_TEST_TIMEOUT_S);
  connection = g_socket_client_connect_to_host (client, host_port, 80, NULL, &error);
  g_assert_no_error (error);

  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_output_stream_write_all (output, request, length, NULL, NULL, &error);
  g_assert_no_error (error);

  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (data, (const guint8 *)buffer, n);
  /* A reset after the response is as good as a close here. */
  if (error && data->len == 0)
    g_assert_no_error (error);

  g_byte_array_append (data, (const guint8 *)"", 1);
  if (sscanf ((const char *)data->data, "HTTP/1.%*d %u", &code) != 1)
    code = 0;
  if (status)
    *status = code;

  return (char *)g_byte_array_free (g_steal_pointer (&data), FALSE);
}

void
fn_test_response_free (FnTestResponse *response)
{
  if (!response)
    return;

  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_error (&response->error);
  g_free (response);
}

/**
 * fn_test_response_object:
 *
 * Returns: (transfer none): the response's JSON object; the test fails if
 *   there is none
 */
JsonObject *
fn_test_response_object (FnTestResponse *response)
{
  if (!response->json || !JSON_NODE_HOLDS_OBJECT (response->json))
    {
      g_autofree char *text = NULL;

      if (response->body)
        text = g_strndup (g_bytes_get_data (response->body, NULL),
                          MIN (g_bytes_get_size (response->body), 2000));
      g_test_message ("status %u, error %s, body: %s", response->status,
                      response->error ? response->error->message : "none",
                      text ? text : "(none)");
    }
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));

  return json_node_get_object (response->json);
}

const char *
fn_test_response_header (FnTestResponse *response,
                         const char     *name)
{
  return soup_message_headers_get_one (response->headers, name);
}

void
fn_test_assert_problem_object_real (JsonObject *problem,
                                    guint       status,
                                    const char *file,
                                    int         line)
{
  g_autofree char *where = g_strdup_printf ("%s:%d", file, line);

  g_test_message ("checking problem object for %u (%s)", status, where);
  g_assert_nonnull (problem);
  g_assert_true (json_object_has_member (problem, "type"));
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (problem, "type")));
  g_assert_nonnull (json_object_get_string_member (problem, "type"));
  g_assert_true (json_object_has_member (problem, "title"));
  g_assert_nonnull (json_object_get_string_member (problem, "title"));
  g_assert_cmpstr (json_object_get_string_member (problem, "title"), !=, "");
  g_assert_true (json_object_has_member (problem, "status"));
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, status);
  g_assert_true (json_object_has_member (problem, "code"));
  g_assert_nonnull (json_object_get_string_member (problem, "code"));
  g_assert_cmpstr (json_object_get_string_member (problem, "code"), !=, "");
}

/**
 * fn_test_assert_problem:
 *
 * Checks that @response has @status and an application/problem+json body
 * with type, title, status and code.
 */
void
fn_test_assert_problem_real (FnTestResponse *response,
                             guint           status,
                             const char     *file,
                             int             line)
{
  const char *content_type;

  if (response->status != status)
    {
      g_autofree char *text = NULL;

      if (response->body)
        text = g_strndup (g_bytes_get_data (response->body, NULL),
                          MIN (g_bytes_get_size (response->body), 2000));
      g_test_message ("%s:%d: expected %u, got %u (%s), body: %s", file, line,
                      status, response->status,
                      response->error ? response->error->message : "no error",
                      text ? text : "(none)");
    }
  g_assert_cmpuint (response->status, ==, status);

  content_type = soup_message_headers_get_content_type (response->headers, NULL);
  g_assert_cmpstr (content_type, ==, "application/problem+json");
  fn_test_assert_problem_object_real (fn_test_response_object (response),
                                      status, file, line);
}

/* JSON */

/**
 * fn_test_json_parse:
 *
 * Returns: (transfer full): @text parsed; the test fails if it is not JSON
 */
JsonNode *
fn_test_json_parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

JsonNode *
fn_test_str (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

JsonNode *
fn_test_ids (const char *first_id,
             ...)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  va_list ap;

  va_start (ap, first_id);
  for (const char *id = first_id; id; id = va_arg (ap, const char *))
    json_array_add_string_element (array, id);
  va_end (ap);

  json_node_take_array (node, array);
  return node;
}

char *
fn_test_sha256_hex (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* Records */

/**
 * fn_test_hlc_at:
 *
 * Returns: (transfer full): a clock value of @client at @ms
 */
char *
fn_test_hlc_at (FnTestClient *client,
                gint64        ms)
{
  return fn_hlc_format (ms, 0, client->node_id);
}

/**
 * fn_test_client_tick:
 *
 * Issues a clock value for a write by @client that sorts after every value
 * any client of this test program issued before, so that the order of
 * writes in a test is the order of their clocks.
 *
 * Returns: (transfer full): the value
 */
char *
fn_test_client_tick (FnTestClient *client)
{
  gint64 now = g_get_real_time () / 1000;

  last_hlc_ms = MAX (now, last_hlc_ms + 1);
  return fn_test_hlc_at (client, last_hlc_ms);
}

static JsonObject *
new_op (FnTestClient *client,
        const char   *entity,
        const char   *id,
        gint64        base_version,
        gboolean      deleted)
{
  JsonObject *op = json_object_new ();
  g_autofree char *op_id = fn_uuid_new ();

  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "entity", entity);
  json_object_set_string_member (op, "id", id);
  json_object_set_int_member (op, "base_version", base_version);
  json_object_set_boolean_member (op, "deleted", deleted);
  json_object_set_object_member (op, "fields", json_object_new ());
  json_object_set_object_member (op, "clock", json_object_new ());

  return op;
}

/**
 * fn_test_op_new:
 * @first_field: the first field name, followed by its value as a
 *   (transfer full) #JsonNode, then more pairs, ending with %NULL
 *
 * Returns: (transfer full): a push op that sets the fields, all with one
 *   new clock value of @client
 */
JsonObject *
fn_test_op_new (FnTestClient *client,
                const char   *entity,
                const char   *id,
                gint64        base_version,
                const char   *first_field,
                ...)
{
  JsonObject *op = new_op (client, entity, id, base_version, FALSE);
  JsonObject *fields = json_object_get_object_member (op, "fields");
  g_autofree char *hlc = fn_test_client_tick (client);
  va_list ap;

  va_start (ap, first_field);
  for (const char *name = first_field; name; name = va_arg (ap, const char *))
    json_object_set_member (fields, name, va_arg (ap, JsonNode *));
  va_end (ap);

  fn_test_op_set_hlc (op, hlc);
  return op;
}

/**
 * fn_test_op_new_delete:
 *
 * Returns: (transfer full): an op that deletes the record, with a new clock
 *   value of @client under "deleted" in its clock
 */
JsonObject *
fn_test_op_new_delete (FnTestClient *client,
                       const char   *entity,
                       const char   *id,
                       gint64        base_version)
{
  JsonObject *op = new_op (client, entity, id, base_version, TRUE);
  g_autofree char *hlc = fn_test_client_tick (client);

  fn_test_op_set_hlc (op, hlc);
  return op;
}

/**
 * fn_test_op_set_hlc:
 *
 * Gives every field of @op (and its deletion, for a delete op) the clock
 * value @hlc.
 */
void
fn_test_op_set_hlc (JsonObject *op,
                    const char *hlc)
{
  JsonObject *fields = json_object_get_object_member (op, "fields");
  JsonObject *clock = json_object_new ();
  g_autoptr (GList) names = json_object_get_members (fields);

  for (GList *l = names; l; l = l->next)
    json_object_set_string_member (clock, l->data, hlc);
  if (json_object_get_boolean_member (op, "deleted"))
    json_object_set_string_member (clock, "deleted", hlc);

  json_object_set_object_member (op, "clock", clock);
}

/**
 * fn_test_find_change:
 *
 * Returns: (transfer none) (nullable): the last change in @changes for the
 *   record
 */
JsonObject *
fn_test_find_change (JsonArray  *changes,
                     const char *entity,
                     const char *id)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (change, "entity", ""), entity) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (change, "id", ""), id) == 0)
        found = change;
    }

  return found;
}

guint
fn_test_count_changes (JsonArray  *changes,
                       const char *entity)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (!entity ||
          g_strcmp0 (json_object_get_string_member_with_default (change, "entity", ""), entity) == 0)
        n++;
    }

  return n;
}

/**
 * fn_test_record_field:
 *
 * Returns: (transfer none) (nullable): a string field of @record
 */
const char *
fn_test_record_field (JsonObject *record,
                      const char *field)
{
  JsonObject *fields;
  JsonNode *node;

  g_assert_nonnull (record);
  g_assert_true (json_object_has_member (record, "fields"));
  fields = json_object_get_object_member (record, "fields");
  g_assert_nonnull (fields);

  node = json_object_get_member (fields, field);
  if (!node || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gint64
fn_test_record_version (JsonObject *record)
{
  g_assert_nonnull (record);
  g_assert_true (json_object_has_member (record, "version"));

  return json_object_get_int_member (record, "version");
}

/* Clients */

char *
fn_test_password_for (const char *name)
{
  return g_strdup_printf ("%s-Test-Passw0rd", name);
}

/**
 * fn_test_sign_in_body:
 *
 * Returns: (transfer full): the body of a sign-in request
 */
JsonNode *
fn_test_sign_in_body (const char *name,
                      const char *password,
                      const char *device_name)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "device_name");
  json_builder_add_string_value (builder, device_name);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

FnTestClient *
fn_test_sign_in (FnTestServer *server,
                 const char   *name,
                 const char   *password,
                 const char   *device_name)
{
  g_autoptr (JsonNode) body = fn_test_sign_in_body (name, password, device_name);
  g_autoptr (FnTestResponse) response = NULL;
  FnTestClient *client;
  JsonObject *object;
  JsonObject *user;

  response = fn_test_request_json (server, NULL, "POST", "/api/v1/session", body);
  object = fn_test_response_object (response);
  g_assert_cmpuint (response->status, ==, 201);

  user = json_object_get_object_member (object, "user");
  g_assert_nonnull (user);

  client = g_new0 (FnTestClient, 1);
  client->server = server;
  client->name = g_strdup (name);
  client->password = g_strdup (password);
  client->token = g_strdup (json_object_get_string_member (object, "token"));
  client->device_id = g_strdup (json_object_get_string_member (object, "device_id"));
  client->user_id = g_strdup (json_object_get_string_member (user, "id"));
  client->role = g_strdup (json_object_get_string_member (user, "role"));
  client->node_id = fn_hlc_new_node_id ();
  g_assert_nonnull (client->token);
  g_assert_nonnull (client->device_id);
  g_assert_nonnull (client->user_id);

  return client;
}

/**
 * fn_test_client_new_device:
 *
 * Returns: (transfer full): the same user signed in again, as another
 *   device
 */
FnTestClient *
fn_test_client_new_device (FnTestClient *client,
                           const char   *device_name)
{
  return fn_test_sign_in (client->server, client->name, client->password,
                          device_name);
}

void
fn_test_client_free (FnTestClient *client)
{
  if (!client)
    return;

  g_free (client->name);
  g_free (client->password);
  g_free (client->token);
  g_free (client->device_id);
  g_free (client->user_id);
  g_free (client->role);
  g_free (client->node_id);
  g_free (client);
}

FnTestResponse *
fn_test_client_request (FnTestClient *client,
                        const char   *method,
                        const char   *path,
                        JsonNode     *body)
{
  return fn_test_request_json (client->server, client->token, method, path, body);
}

/**
 * fn_test_client_push:
 * @ops: (transfer full): the ops
 *
 * Returns: (transfer full): the response to POST /changes
 */
FnTestResponse *
fn_test_client_push (FnTestClient *client,
                     JsonArray    *ops)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "device_id", client->device_id);
  json_object_set_array_member (object, "ops", ops);
  json_node_take_object (body, object);

  return fn_test_client_request (client, "POST", "/api/v1/changes", body);
}

/**
 * fn_test_client_push_ops:
 * @ops: (transfer full): the ops
 *
 * Pushes the ops and checks the response's shape: 200, one result per op,
 * in order.
 *
 * Returns: (transfer full): the results
 */
JsonArray *
fn_test_client_push_ops (FnTestClient *client,
                         JsonArray    *ops)
{
  g_autoptr (GPtrArray) op_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (FnTestResponse) response = NULL;
  JsonObject *object;
  JsonArray *results;

  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonObject *op = json_array_get_object_element (ops, i);

      g_ptr_array_add (op_ids, g_strdup (json_object_get_string_member (op, "op_id")));
    }

  response = fn_test_client_push (client, ops);
  object = fn_test_response_object (response);
  g_assert_cmpuint (response->status, ==, 200);

  results = json_object_get_array_member (object, "results");
  g_assert_nonnull (results);
  g_assert_cmpuint (json_array_get_length (results), ==, op_ids->len);
  for (guint i = 0; i < op_ids->len; i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);

      g_assert_nonnull (result);
      g_assert_cmpstr (json_object_get_string_member (result, "op_id"), ==,
                       g_ptr_array_index (op_ids, i));
      g_assert_nonnull (fn_test_result_status (result));
    }

  return json_array_ref (results);
}

/**
 * fn_test_client_push_op:
 * @op: (transfer full): the op
 *
 * Returns: (transfer full): the result of pushing @op alone
 */
JsonObject *
fn_test_client_push_op (FnTestClient *client,
                        JsonObject   *op)
{
  JsonArray *ops = json_array_new ();
  g_autoptr (JsonArray) results = NULL;

  json_array_add_object_element (ops, op);
  results = fn_test_client_push_ops (client, ops);

  return json_object_ref (json_array_get_object_element (results, 0));
}

const char *
fn_test_result_status (JsonObject *result)
{
  g_assert_true (json_object_has_member (result, "status"));

  return json_object_get_string_member (result, "status");
}

/**
 * fn_test_result_record:
 *
 * Returns: (transfer none): the record of an applied, conflict or duplicate
 *   result
 */
JsonObject *
fn_test_result_record (JsonObject *result)
{
  JsonNode *node = json_object_get_member (result, "record");

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return json_node_get_object (node);
}

/**
 * fn_test_assert_rejected:
 *
 * Checks that @result is a rejection whose error is a problem object with
 * @status.
 */
void
fn_test_assert_rejected_real (JsonObject *result,
                              guint       status,
                              const char *file,
                              int         line)
{
  JsonNode *error;

  if (g_strcmp0 (fn_test_result_status (result), "rejected") != 0)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *text = NULL;

      json_node_set_object (node, result);
      text = json_to_string (node, FALSE);
      g_test_message ("%s:%d: expected a rejection with %u, got %s", file, line,
                      status, text);
    }
  g_assert_cmpstr (fn_test_result_status (result), ==, "rejected");

  error = json_object_get_member (result, "error");
  g_assert_nonnull (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (error));
  fn_test_assert_problem_object_real (json_node_get_object (error), status,
                                      file, line);
}

/**
 * fn_test_assert_retry_after:
 *
 * Checks that @response says after how many seconds to retry.
 */
void
fn_test_assert_retry_after (FnTestResponse *response)
{
  const char *value = fn_test_response_header (response, "Retry-After");
  guint64 seconds = 0;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (value);
  g_ascii_string_to_unsigned (value, 10, 0, 24 * 3600, &seconds, &error);
  g_assert_no_error (error);
}

/**
 * fn_test_client_pull_all:
 * @since: (nullable): the cursor to start from
 * @cursor: (inout) (optional): %NULL or a string it owns, replaced by
 *   the cursor after the last page; it may be @since
 *
 * Returns: (transfer full): every change after @since, all pages
 */
JsonArray *
fn_test_client_pull_all (FnTestClient  *client,
                         const char    *since,
                         char         **cursor)
{
  JsonArray *all = json_array_new ();
  g_autofree char *next = g_strdup (since);

  for (guint page = 0;; page++)
    {
      g_autoptr (FnTestResponse) response = NULL;
      g_autofree char *path = NULL;
      JsonObject *object;
      JsonArray *changes;
      gboolean has_more;

      g_assert_cmpuint (page, <, 1000);

      if (next)
        {
          g_autofree char *escaped = g_uri_escape_string (next, NULL, FALSE);

          path = g_strdup_printf ("/api/v1/changes?limit=1000&since=%s", escaped);
        }
      else
        {
          path = g_strdup ("/api/v1/changes?limit=1000");
        }

      response = fn_test_client_request (client, "GET", path, NULL);
      object = fn_test_response_object (response);
      g_assert_cmpuint (response->status, ==, 200);

      changes = json_object_get_array_member (object, "changes");
      g_assert_nonnull (changes);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (changes, i)));

      g_assert_true (json_object_has_member (object, "cursor"));
      g_free (next);
      next = g_strdup (json_object_get_string_member (object, "cursor"));
      g_assert_nonnull (next);
      has_more = json_object_get_boolean_member (object, "has_more");
      if (!has_more)
        break;
    }

  if (cursor)
    {
      g_free (*cursor);
      *cursor = g_steal_pointer (&next);
    }

  return all;
}

/**
 * fn_test_client_get_record:
 *
 * Pulls everything from the start and finds the record's latest state.
 *
 * Returns: (transfer full) (nullable): the record as @client sees it
 */
JsonObject *
fn_test_client_get_record (FnTestClient *client,
                           const char   *entity,
                           const char   *id)
{
  g_autoptr (JsonArray) changes = fn_test_client_pull_all (client, NULL, NULL);
  JsonObject *record = fn_test_find_change (changes, entity, id);

  if (!record || json_object_get_boolean_member_with_default (record, "removed", FALSE))
    return NULL;

  return json_object_ref (record);
}

/**
 * fn_test_client_snapshot:
 *
 * Returns: (transfer full): everything @client pulls from the start, as
 *   JSON text, to compare the server's state before and after a request
 */
char *
fn_test_client_snapshot (FnTestClient *client)
{
  g_autoptr (JsonArray) changes = fn_test_client_pull_all (client, NULL, NULL);
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, changes);
  return json_to_string (node, FALSE);
}

char *
fn_test_create_patient (FnTestClient *office,
                        const char   *family_name,
                        const char   *assigned_first,
                        ...)
{
  g_autofree char *id = fn_uuid_new ();
  JsonArray *assigned = json_array_new ();
  JsonNode *assigned_node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr (JsonObject) result = NULL;
  va_list ap;

  va_start (ap, assigned_first);
  for (const char *user = assigned_first; user; user = va_arg (ap, const char *))
    json_array_add_string_element (assigned, user);
  va_end (ap);
  json_node_take_array (assigned_node, assigned);

  result = fn_test_client_push_op (office,
                                   fn_test_op_new (office, "patient", id, 0,
                                                   "family_name", fn_test_str (family_name),
                                                   "given_name", fn_test_str ("Test"),
                                                   "assigned_to", assigned_node,
                                                   NULL));
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");

  return g_steal_pointer (&id);
}

char *
fn_test_create_note (FnTestClient *client,
                     const char   *patient_id,
                     const char   *title,
                     const char   *body)
{
  g_autofree char *id = fn_uuid_new ();
  g_autoptr (JsonObject) result = NULL;

  result = fn_test_client_push_op (client,
                                   fn_test_op_new (client, "note", id, 0,
                                                   "patient_id", fn_test_str (patient_id),
                                                   "kind", fn_test_str ("visit"),
                                                   "visit_at", fn_test_str ("2026-11-27T10:00:00Z"),
                                                   "title", fn_test_str (title),
                                                   "body", fn_test_str (body),
                                                   "status", fn_test_str ("draft"),
                                                   NULL));
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");

  return g_steal_pointer (&id);
}

/* Fixture */

static const char * const fixture_users[][2] = {
  { "office", "office" },
  { "alice", "caregiver" },
  { "bob", "caregiver" },
};

static const char *
ensure_template (void)
{
  g_autoptr (GError) error = NULL;
  FnTestServer *server;

  if (template_dir)
    return template_dir;

  /* Adding users hashes passwords slowly on purpose: do it once per test
   * program and copy the database for each test. */
  server = fn_test_server_new ();
  for (guint i = 0; i < G_N_ELEMENTS (fixture_users); i++)
    {
      g_autofree char *password = fn_test_password_for (fixture_users[i][0]);

      fn_test_server_add_user (server, fixture_users[i][0], fixture_users[i][1],
                               password);
    }

  template_dir = g_dir_make_tmp ("fn-server-template-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *to = g_build_filename (template_dir, "field-notes.db", NULL);
    g_autofree char *wal_from = g_strconcat (fn_test_server_get_db_path (server), "-wal", NULL);
    g_autofree char *wal_to = g_strconcat (to, "-wal", NULL);

    copy_file_if_exists (fn_test_server_get_db_path (server), to);
    copy_file_if_exists (wal_from, wal_to);
  }
  fn_test_server_free (server);

  return template_dir;
}

void
fn_test_fixture_setup (FnTestFixture *fixture,
                       gconstpointer  data)
{
  g_autofree char *template_db = NULL;

  template_db = g_build_filename (ensure_template (), "field-notes.db", NULL);

  fixture->server = fn_test_server_new ();
  fn_test_server_copy_db_from (fixture->server, template_db);
  fn_test_server_start_argv (fixture->server, (const char **)data);
}

void
fn_test_fixture_teardown (FnTestFixture *fixture,
                          gconstpointer  data)
{
  if (g_test_failed () && fixture->server)
    {
      g_autofree char *log = fn_test_server_get_log (fixture->server);

      g_test_message ("server log:\n%s", log);
    }

  g_clear_pointer (&fixture->office, fn_test_client_free);
  g_clear_pointer (&fixture->alice, fn_test_client_free);
  g_clear_pointer (&fixture->bob, fn_test_client_free);
  g_clear_pointer (&fixture->server, fn_test_server_free);
}

/**
 * fn_test_fixture_user:
 *
 * Returns: (transfer none): "office", "alice" or "bob", signed in on first use
 */
FnTestClient *
fn_test_fixture_user (FnTestFixture *fixture,
                      const char    *name)
{
  FnTestClient **slot;
  g_autofree char *password = fn_test_password_for (name);
  g_autofree char *device = g_strdup_printf ("%s's test laptop", name);

  if (g_str_equal (name, "office"))
    slot = &fixture->office;
  else if (g_str_equal (name, "alice"))
    slot = &fixture->alice;
  else if (g_str_equal (name, "bob"))
    slot = &fixture->bob;
  else
    g_assert_not_reached ();

  if (!*slot)
    *slot = fn_test_sign_in (fixture->server, name, password, device);

  return *slot;
}

void
fn_test_init (int    *argc,
              char ***argv)
{
  g_test_init (argc, argv, NULL);
}

int
fn_test_run (void)
{
  int status;

  if (!fn_test_server_binary ())
    {
      g_print ("1..0 # SKIP $FIELD_NOTES_SERVER does not name the server binary\n");
      return 0;
    }

  status = g_test_run ();

  if (template_dir)
    {
      fn_test_remove_tree (template_dir);
      g_clear_pointer (&template_dir, g_free);
    }

  return status;
}
