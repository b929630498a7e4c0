/* fn-sync-client.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-sync-client"

#include "config.h"

#include "fn-sync-client.h"

#include "fn-record-json.h"
#include "fn-server-address.h"
#include "fn-store.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

/* The client side of the contract over HTTP: blocking calls, made from the
 * sync engine's worker thread (or the CLI), each bounded by a timeout and
 * a GCancellable. Every answer is validated before anyone acts on it. */

#define REQUEST_TIMEOUT_S 30
#define MAX_RESPONSE_BYTES (64 * 1024 * 1024)

struct _FnSyncClient
{
  GObject parent_instance;

  SoupSession *session;
  GUri *base;
  char *server_url;
  char *token;
  GTlsDatabase *extra_ca;
  guint retry_after;
};

G_DEFINE_FINAL_TYPE (FnSyncClient, fn_sync_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (fn-sync-error-quark, fn_sync_error)

void
fn_sync_login_free (FnSyncLogin *login)
{
  if (!login)
    return;

  /* The token is a secret: do not leave it in freed memory. */
  if (login->token)
    memset (login->token, 0, strlen (login->token));
  g_free (login->token);
  g_free (login->expires_at);
  g_free (login->device_id);
  g_free (login->user_id);
  g_free (login->user_name);
  g_free (login->role);
  g_free (login);
}

void
fn_sync_page_free (FnSyncPage *page)
{
  if (!page)
    return;

  g_clear_pointer (&page->root, json_node_unref);
  g_free (page);
}

/**
 * fn_sync_error_is_transient:
 *
 * Returns: %TRUE for failures that a later retry may get past
 */
gboolean
fn_sync_error_is_transient (const GError *error)
{
  return error && error->domain == FN_SYNC_ERROR &&
         (error->code == FN_SYNC_ERROR_NETWORK || error->code == FN_SYNC_ERROR_UNAVAILABLE);
}

static gboolean
on_accept_certificate_cb (SoupMessage          *msg,
                          GTlsCertificate      *certificate,
                          GTlsCertificateFlags  errors,
                          FnSyncClient         *self)
{
  return fn_server_check_extra_ca (self->extra_ca, msg, certificate);
}

static gboolean
set_network_error (GError  **error,
                   GError   *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return FALSE;
    }

  if (cause->domain == G_TLS_ERROR)
    g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_TLS,
                 _("The server's certificate cannot be trusted, so nothing was sent. "
                   "If your organisation uses its own certificate authority, give Field "
                   "Notes its CA file (the CA file preference, or --ca-file)."));
  else
    g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_NETWORK,
                 _("The office server cannot be reached (%s). Your changes are safe on "
                   "this laptop and will be sent later."),
                 cause->message);

  g_error_free (cause);
  return FALSE;
}

/* A string member of an answer, or NULL when it is missing or anything but
 * a string (json_object_get_string_member_with_default() is critical about
 * objects and arrays, and answers are not to be trusted). */
static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static char *
problem_detail (GBytes *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  gsize size;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;

  if (!data || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return g_strdup (string_member (json_node_get_object (root), "detail"));
}

static gboolean
check_status (FnSyncClient  *self,
              SoupMessage   *msg,
              GBytes        *body,
              GError       **error)
{
  guint status = soup_message_get_status (msg);
  g_autofree char *detail = NULL;

  if (status >= 200 && status < 300)
    return TRUE;

  detail = problem_detail (body);

  if (status == 401)
    {
      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_AUTH,
                   _("The office server asks you to sign in again. Your changes are safe "
                     "on this laptop."));
      return FALSE;
    }

  if (status == 429 || status >= 500)
    {
      const char *retry = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                        "Retry-After");
      guint64 seconds = 0;

      if (retry && g_ascii_string_to_unsigned (retry, 10, 0, 24 * 3600, &seconds, NULL))
        self->retry_after = seconds;

      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_UNAVAILABLE,
                   status == 429
                     ? _("The office server is busy. Field Notes will try again shortly.")
                     : _("The office server has a problem (HTTP %u). Field Notes will try "
                         "again shortly; your changes are safe on this laptop."),
                   status);
      return FALSE;
    }

  g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_REFUSED,
               _("The office server refused the request (HTTP %u): %s"),
               status, detail ? detail : soup_status_get_phrase (status));
  return FALSE;
}

/* Sends one request and returns the body of a 2xx answer; every other
 * status becomes the contract's error. */
static GBytes *
send_message (FnSyncClient  *self,
              const char    *method,
              const char    *path,
              const char    *accept,
              GBytes        *body,
              const char    *body_type,
              char         **content_type,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GError) local_error = NULL;

  uri = g_uri_parse_relative (self->base, path, G_URI_FLAGS_ENCODED, error);
  if (!uri)
    return NULL;

  msg = soup_message_new_from_uri (method, uri);
  soup_message_headers_append (soup_message_get_request_headers (msg), "Accept",
                               accept);
  if (self->token)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                                   bearer);
      memset (bearer, 0, strlen (bearer));
    }
  if (body)
    soup_message_set_request_body_from_bytes (msg, body_type, body);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate_cb), self);

  self->retry_after = 0;
  g_debug ("%s %s", method, path);

  response = soup_session_send_and_read (self->session, msg, cancellable, &local_error);
  if (!response)
    return set_network_error (error, g_steal_pointer (&local_error)), NULL;

  if (!check_status (self, msg, response, error))
    return NULL;

  if (content_type)
    *content_type = g_strdup (soup_message_headers_get_content_type (
      soup_message_get_response_headers (msg), NULL));

  return g_steal_pointer (&response);
}

static JsonNode *
request (FnSyncClient  *self,
         const char    *method,
         const char    *path,
         JsonNode      *body,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr (GBytes) request_body = NULL;
  g_autoptr (GBytes) response = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autofree char *content_type = NULL;
  const char *data;
  gsize size;

  if (body)
    {
      g_autofree char *json = json_to_string (body, FALSE);

      request_body = g_bytes_new (json, strlen (json));
      /* The sign-in body holds the password: leave no copy behind. */
      memset (json, 0, strlen (json));
    }

  response = send_message (self, method, path, "application/json", request_body,
                           "application/json", &content_type, cancellable, error);
  if (!response)
    return NULL;

  data = g_bytes_get_data (response, &size);
  if (size == 0)
    return json_node_new (JSON_NODE_NULL);

  if (size > MAX_RESPONSE_BYTES)
    {
      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL,
                   _("The office server sent an answer that is too large (%u MB), so nothing "
                     "was changed."),
                   (guint)(size / (1024 * 1024)));
      return NULL;
    }
  if (g_strcmp0 (content_type, "application/json") != 0)
    {
      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL,
                   _("The server at %s did not answer like a Field Notes server "
                     "(it sent %s). Check the server address."),
                   self->server_url, content_type ? content_type : _("no content type"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, NULL) || !json_parser_get_root (parser))
    {
      g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL,
                   _("The office server sent an answer that is not valid JSON, so nothing "
                     "was changed."));
      return NULL;
    }

  return json_node_ref (json_parser_get_root (parser));
}

static gboolean
protocol_error (GError     **error,
                const char  *what)
{
  g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL,
               _("The office server's answer is not valid (%s), so nothing was changed."),
               what);
  return FALSE;
}

static void
fn_sync_client_finalize (GObject *object)
{
  FnSyncClient *self = (FnSyncClient *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->extra_ca);
  g_clear_pointer (&self->base, g_uri_unref);
  g_clear_pointer (&self->server_url, g_free);
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (fn_sync_client_parent_class)->finalize (object);
}

static void
fn_sync_client_class_init (FnSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fn_sync_client_finalize;
}

static void
fn_sync_client_init (FnSyncClient *self)
{
}

/**
 * fn_sync_client_new:
 * @server_url: the server's address, e.g. https://office.example.org
 * @ca_file: (nullable): an organisation's CA certificate(s), trusted in
 *   addition to the system's
 *
 * Returns: (transfer full): the client, or %NULL with @error set
 */
FnSyncClient *
fn_sync_client_new (const char  *server_url,
                    const char  *ca_file,
                    GError     **error)
{
  g_autoptr (FnSyncClient) self = g_object_new (FN_TYPE_SYNC_CLIENT, NULL);

  g_return_val_if_fail (server_url, NULL);

  self->base = fn_server_api_uri (server_url, "", error);
  if (!self->base)
    return NULL;

  if (ca_file && *ca_file)
    {
      self->extra_ca = g_tls_file_database_new (ca_file, error);
      if (!self->extra_ca)
        return NULL;
    }

  self->server_url = g_strdup (server_url);

  self->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S,
                                                 "idle-timeout", 60,
                                                 "user-agent", "FieldNotes/" PACKAGE_VERSION,
                                                 NULL);

  return g_steal_pointer (&self);
}

const char *
fn_sync_client_get_server_url (FnSyncClient *self)
{
  g_return_val_if_fail (FN_IS_SYNC_CLIENT (self), NULL);

  return self->server_url;
}

void
fn_sync_client_set_token (FnSyncClient *self,
                          const char   *token)
{
  g_return_if_fail (FN_IS_SYNC_CLIENT (self));

  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
}

/**
 * fn_sync_client_get_retry_after:
 *
 * Returns: the seconds the server asked to wait in its last answer, or 0
 */
guint
fn_sync_client_get_retry_after (FnSyncClient *self)
{
  g_return_val_if_fail (FN_IS_SYNC_CLIENT (self), 0);

  return self->retry_after;
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  const char *value = string_member (object, name);

  return value && *value && g_utf8_validate (value, -1, NULL) ? g_strdup (value) : NULL;
}

/**
 * fn_sync_client_login:
 * @device_id: (nullable): this laptop's device id from an earlier sign-in
 *
 * Signs in and returns the session; the token is set on the client too.
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
FnSyncLogin *
fn_sync_client_login (FnSyncClient  *self,
                      const char    *username,
                      const char    *password,
                      const char    *device_name,
                      const char    *device_id,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (FnSyncLogin) login = g_new0 (FnSyncLogin, 1);
  g_autoptr (GError) local_error = NULL;
  JsonObject *object;
  JsonNode *user;

  g_return_val_if_fail (FN_IS_SYNC_CLIENT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "device_name");
  json_builder_add_string_value (builder, device_name);
  /* Keeping the device id keeps ops sent before a new sign-in recognised
   * as duplicates. */
  if (device_id)
    {
      json_builder_set_member_name (builder, "device_id");
      json_builder_add_string_value (builder, device_id);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  fn_sync_client_set_token (self, NULL);
  answer = request (self, "POST", "session", body, cancellable, &local_error);
  if (!answer)
    {
      if (g_error_matches (local_error, FN_SYNC_ERROR, FN_SYNC_ERROR_AUTH))
        {
          g_set_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_AUTH,
                       _("The user name or password is wrong."));
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (answer))
    return protocol_error (error, "sign-in answer"), NULL;

  object = json_node_get_object (answer);
  user = json_object_get_member (object, "user");
  login->token = dup_member (object, "token");
  login->expires_at = dup_member (object, "expires_at");
  login->device_id = dup_member (object, "device_id");
  if (user && JSON_NODE_HOLDS_OBJECT (user))
    {
      login->user_id = dup_member (json_node_get_object (user), "id");
      login->user_name = dup_member (json_node_get_object (user), "name");
      login->role = dup_member (json_node_get_object (user), "role");
    }

  if (!login->token || !login->device_id || !login->user_id)
    return protocol_error (error, "sign-in answer lacks a token, device or user"), NULL;

  fn_sync_client_set_token (self, login->token);
  return g_steal_pointer (&login);
}

gboolean
fn_sync_client_logout (FnSyncClient  *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr (JsonNode) answer = NULL;

  g_return_val_if_fail (FN_IS_SYNC_CLIENT (self), FALSE);

  answer = request (self, "DELETE", "session", NULL, cancellable, error);
  return answer != NULL;
}

/**
 * fn_sync_client_push:
 * @ops: (element-type FnOutboxOp): at most 500 ops
 *
 * Returns: (transfer full): the "results" array, one per op in order
 */
JsonArray *
fn_sync_client_push (FnSyncClient  *self,
                     const char    *device_id,
                     GPtrArray     *ops,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) answer = NULL;

  g_return_val_if_fail (FN_IS_SYNC_CLIENT (self), NULL);
  g_return_val_if_fail (ops->len <= FN_MAX_OPS_PER_PUSH, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, device_id);
  json_builder_set_member_name (builder, "ops");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ops->len; i++)
    json_builder_add_value (builder, fn_outbox_op_to_json (g_ptr_array_index (ops, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  answer = request (self, "POST", "changes", body, cancellable, error);
  if (!answer)
    return NULL;

  return fn_sync_push_results_from_json (answer, ops->len, error);
}

/**
 * fn_sync_push_results_from_json:
 * @answer: the parsed body of a push answer
 * @n_ops: how many ops the push carried
 *
 * Checks the shape of a push answer; each result is validated later by
 * fn_store_finish_push().
 *
 * Returns: (transfer full) (nullable): the "results" array
 */
JsonArray *
fn_sync_push_results_from_json (JsonNode  *answer,
                                guint      n_ops,
                                GError   **error)
{
  JsonNode *results;

  g_return_val_if_fail (answer != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (answer) ||
      !(results = json_object_get_member (json_node_get_object (answer), "results")) ||
      !JSON_NODE_HOLDS_ARRAY (results))
    return protocol_error (error, "push answer without results"), NULL;

  if (json_array_get_length (json_node_get_array (results)) != n_ops)
    return protocol_error (error, "push answer with a result count that does not match"), NULL;

  return json_array_ref (json_node_get_array (results));
}

/**
 * fn_sync_client_pull:
 * @cursor: (nullable): where the last page ended, %NULL for the start
 *
 * Returns: (transfer full): one page of changes
 */
FnSyncPage *
fn_sync_client_pull (FnSyncClient  *self,
                     const char    *cursor,
                     guint          limit,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (FN_IS_SYNC_CLIENT (self), NULL);
  g_return_val_if_fail (limit >= 1 && limit <= 1000, NULL);

  if (cursor)
    {
      escaped = g_uri_escape_string (cursor, NULL, FALSE);
      path = g_strdup_printf ("changes?since=%s&limit=%u", escaped, limit);
    }
  else
    {
      path = g_strdup_printf ("changes?limit=%u", limit);
    }

  root = request (self, "GET", path, NULL, cancellable, error);
  if (!root)
    return NULL;

  return fn_sync_page_new_from_json (root, limit, error);
}

/**
 * fn_sync_page_new_from_json:
 * @root: the parsed body of a pull answer
 * @limit: the page size that was asked for
 *
 * Checks the shape of a pull answer; the records are validated later by
 * fn_store_apply_pull().
 *
 * Returns: (transfer full) (nullable): the page, holding a reference to @root
 */
FnSyncPage *
fn_sync_page_new_from_json (JsonNode  *root,
                            guint      limit,
                            GError   **error)
{
  g_autoptr (FnSyncPage) page = g_new0 (FnSyncPage, 1);
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (root != NULL, NULL);

  page->root = json_node_ref (root);
  if (!JSON_NODE_HOLDS_OBJECT (page->root))
    return protocol_error (error, "pull answer is not an object"), NULL;
  object = json_node_get_object (page->root);

  member = json_object_get_member (object, "changes");
  if (!member || !JSON_NODE_HOLDS_ARRAY (member))
    return protocol_error (error, "pull answer without changes"), NULL;
  page->changes = json_node_get_array (member);
  if (json_array_get_length (page->changes) > limit)
    return protocol_error (error, "pull answer larger than asked for"), NULL;

  page->cursor = string_member (object, "cursor");
  if (!page->cursor || !*page->cursor)
    return protocol_error (error, "pull answer without a cursor"), NULL;

  member = json_object_get_member (object, "has_more");
  if (!member || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    return protocol_error (error, "pull answer without has_more"), NULL;
  page->has_more = json_node_get_boolean (member);

  member = json_object_get_member (object, "remaining");
  if (member && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_INT64)
    page->remaining = MAX (0, json_node_get_int (member));

  return g_steal_pointer (&page);
}

/**
 * fn_sync_client_put_blob:
 *
 * Uploads a signature blob under its SHA-256 (a repeat is a no-op).
 */
gboolean
fn_sync_client_put_blob (FnSyncClient  *self,
                         const char    *sha256,
                         GBytes        *data,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) response = NULL;

  g_return_val_if_fail (FN_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (fn_validate_sha256 (sha256), FALSE);

  path = g_strconcat ("blobs/", sha256, NULL);
  response = send_message (self, "PUT", path, "application/json", data,
                           "application/octet-stream", NULL, cancellable, error);
  return response != NULL;
}

/**
 * fn_sync_client_get_blob:
 *
 * Downloads a blob and checks that it hashes to its name.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
fn_sync_client_get_blob (FnSyncClient  *self,
                         const char    *sha256,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *actual = NULL;
  g_autoptr (GBytes) response = NULL;

  g_return_val_if_fail (FN_IS_SYNC_CLIENT (self), NULL);
  g_return_val_if_fail (fn_validate_sha256 (sha256), NULL);

  path = g_strconcat ("blobs/", sha256, NULL);
  response = send_message (self, "GET", path, "application/octet-stream", NULL, NULL, NULL,
                           cancellable, error);
  if (!response)
    return NULL;

  actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, response);
  if (g_strcmp0 (actual, sha256) != 0)
    return protocol_error (error, "a signature blob does not match its hash"), NULL;

  return g_steal_pointer (&response);
}
