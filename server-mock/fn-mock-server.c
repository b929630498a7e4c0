/* fn-mock-server.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-server.h"

#include "fn-fields.h"
#include "fn-mock-auth.h"
#include "fn-mock-problem.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#define API "/api/v1"
#define BLOBS_PREFIX API "/blobs/"
#define DEFAULT_PULL_LIMIT 500
#define MAX_PULL_LIMIT 1000
#define PING_INTERVAL_S 30
#define GZIP_MIN_BYTES 1024
#define MAX_LOGIN_STATES 10000

typedef struct
{
  guint failures;
  gint64 locked_until;
} LoginState;

typedef struct
{
  FnMockServer *server;
  SoupWebsocketConnection *connection;
  FnMockUser *user;
  gint64 cursor;
} EventClient;

struct _FnMockServer
{
  GObject parent_instance;

  SoupServer *soup;
  FnMockSync *sync;
  FnMockStorage *storage;
  FnMockServerConfig config;
  GRand *rand;
  GHashTable *logins;
  GPtrArray *event_clients;
  gint64 notified_head;
  guint poll_id;
  guint in_flight;
  char *dummy_hash;
};

G_DEFINE_FINAL_TYPE (FnMockServer, fn_mock_server, G_TYPE_OBJECT)

static void
event_client_free (gpointer data)
{
  EventClient *client = data;

  g_signal_handlers_disconnect_by_data (client->connection, client);
  if (soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (client->connection);
  fn_mock_user_free (client->user);
  g_free (client);
}

static gboolean
login_state_is_idle (gpointer key,
                     gpointer value,
                     gpointer user_data)
{
  LoginState *state = value;

  return state->locked_until <= *(const gint64 *)user_data;
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Responses: JSON, gzip when the client accepts it and it pays off. */

static GBytes *
gzip_bytes (const char *data,
            gsize       length)
{
  g_autoptr (GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize in_pos = 0;

  for (;;)
    {
      guint8 buffer[16384];
      gsize read = 0, written = 0;
      GConverterResult result;

      result = g_converter_convert (G_CONVERTER (compressor), data + in_pos, length - in_pos,
                                    buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END,
                                    &read, &written, NULL);
      if (result == G_CONVERTER_ERROR)
        return NULL;
      in_pos += read;
      g_byte_array_append (out, buffer, written);
      if (result == G_CONVERTER_FINISHED)
        break;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
accepts_gzip (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                     "Accept-Encoding");

  return value && soup_header_contains (value, "gzip");
}

static void
set_json (SoupServerMessage *msg,
          guint              status,
          const char        *content_type,
          JsonNode          *node)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *text = json_to_string (node, FALSE);
  gsize length = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  if (length >= GZIP_MIN_BYTES && accepts_gzip (msg))
    {
      g_autoptr (GBytes) compressed = gzip_bytes (text, length);

      if (compressed)
        {
          gsize size;
          gconstpointer data = g_bytes_get_data (compressed, &size);

          soup_message_headers_replace (headers, "Content-Encoding", "gzip");
          soup_message_headers_append (headers, "Vary", "Accept-Encoding");
          soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, size);
          return;
        }
    }

  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
}

static void
set_problem (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *detail)
{
  g_autoptr (JsonNode) problem = fn_mock_problem_new (status, code, detail);

  if (status == 401)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer");
  set_json (msg, status, "application/problem+json", problem);
}

static void
set_retry_after (SoupServerMessage *msg,
                 gint64             seconds)
{
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (seconds, 1));

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", value);
}

static void
set_storage_problem (SoupServerMessage *msg,
                     GError            *error)
{
  /* Never echo storage details that could carry patient data. */
  g_warning ("storage failure: %s", error->message);
  set_retry_after (msg, 1);
  set_problem (msg, 503, "unavailable", "The server could not store or read data; try again.");
}

static void
set_user (SoupServerMessage *msg,
          FnMockUser        *user)
{
  g_object_set_data_full (G_OBJECT (msg), "fn-user-id", g_strdup (user->id), g_free);
}

/* Requests */

static gboolean
is_json_request (SoupServerMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (msg), NULL);

  return type && g_ascii_strcasecmp (type, "application/json") == 0;
}

static GBytes *
get_body (SoupServerMessage *msg)
{
  return soup_message_body_flatten (soup_server_message_get_request_body (msg));
}

/* Parses a JSON request body; on failure the response is already set. */
static JsonNode *
parse_json_body (SoupServerMessage *msg)
{
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gconstpointer data;
  gsize size;

  if (!is_json_request (msg))
    {
      set_problem (msg, 415, "unsupported_media_type", "Send the request as application/json.");
      return NULL;
    }

  body = get_body (msg);
  data = g_bytes_get_data (body, &size);
  if (size > FN_MAX_REQUEST_BYTES)
    {
      set_problem (msg, 413, "too_large", "The request body is larger than 8 MiB.");
      return NULL;
    }
  if (size == 0 || !g_utf8_validate (data, size, NULL) || memchr (data, '\0', size))
    {
      set_problem (msg, 400, "invalid_json", "The request body is not JSON text in UTF-8.");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, size, &error) || !json_parser_get_root (parser))
    {
      set_problem (msg, 400, "invalid_json", "The request body is not valid JSON.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      set_problem (msg, 400, "invalid_json", "The request body must be a JSON object.");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/* Looks up the bearer token; on failure the 401 is already set. */
static FnMockUser *
authenticate (FnMockServer      *self,
              SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  g_autofree char *hash = NULL;
  FnMockUser *user;

  if (!header || g_ascii_strncasecmp (header, "Bearer ", 7) != 0 || !header[7])
    {
      set_problem (msg, 401, "unauthorized", "Sign in first: this request needs a token.");
      return NULL;
    }

  hash = fn_mock_token_hash (header + 7);
  user = fn_mock_storage_find_session (self->storage, hash, now_s ());
  if (!user)
    {
      set_problem (msg, 401, "unauthorized",
                   "The token is unknown, expired or signed out; sign in again.");
      return NULL;
    }

  set_user (msg, user);
  return user;
}

/* Endpoints */

static void
handle_health (FnMockServer      *self,
               SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  set_json (msg, 200, "application/json", root);
}

static void
handle_sign_in (FnMockServer      *self,
                SoupServerMessage *msg)
{
  g_autoptr (JsonNode) root = parse_json_body (msg);
  g_autoptr (FnMockUser) user = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GDateTime) expires = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *expires_text = NULL;
  g_autofree char *device_owner = NULL;
  JsonObject *object;
  JsonNode *node;
  const char *username, *password, *device_name = NULL, *wanted_device = NULL;
  LoginState *state;
  gint64 now = now_s ();
  gboolean ok;

  if (!root)
    return;
  object = json_node_get_object (root);

  node = json_object_get_member (object, "username");
  username = node && JSON_NODE_HOLDS_VALUE (node) &&
             json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
  node = json_object_get_member (object, "password");
  password = node && JSON_NODE_HOLDS_VALUE (node) &&
             json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
  if (!username || !password || !*username || strlen (username) > FN_STRING_MAX_BYTES ||
      strlen (password) > FN_STRING_MAX_BYTES)
    {
      set_problem (msg, 400, "invalid_parameter", "Send a username and a password as strings.");
      return;
    }

  node = json_object_get_member (object, "device_name");
  if (node && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          strlen (json_node_get_string (node)) > FN_STRING_MAX_BYTES)
        {
          set_problem (msg, 400, "invalid_parameter", "device_name must be a short string.");
          return;
        }
      device_name = json_node_get_string (node);
    }

  /* Optional: a device that signs in again keeps its id, so that its ops'
   * idempotency keys stay valid. */
  node = json_object_get_member (object, "device_id");
  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      fn_validate_uuid (json_node_get_string (node)))
    wanted_device = json_node_get_string (node);

  state = g_hash_table_lookup (self->logins, username);
  if (state && state->locked_until > now)
    {
      set_retry_after (msg, state->locked_until - now);
      set_problem (msg, 429, "too_many_attempts",
                   "Too many failed sign-ins for this user; wait and try again.");
      return;
    }

  user = fn_mock_storage_find_user (self->storage, username, NULL);
  /* Hash even for unknown users so that timing does not tell who exists. */
  ok = fn_mock_password_verify (password, user ? user->password_hash : self->dummy_hash);
  if (!user || !ok)
    {
      if (!state)
        {
          /* Bound the memory that guessing many names can take. */
          if (g_hash_table_size (self->logins) >= MAX_LOGIN_STATES)
            g_hash_table_foreach_remove (self->logins, login_state_is_idle, &now);
          state = g_new0 (LoginState, 1);
          g_hash_table_insert (self->logins, g_strdup (username), state);
        }
      if (++state->failures >= self->config.login_max_failures)
        {
          state->failures = 0;
          state->locked_until = now + self->config.login_lockout_s;
        }
      set_problem (msg, 401, "invalid_credentials", "The user name or password is wrong.");
      return;
    }
  g_hash_table_remove (self->logins, username);

  if (wanted_device)
    device_owner = fn_mock_storage_get_device_user (self->storage, wanted_device);
  device_id = device_owner && strcmp (device_owner, user->id) == 0
                ? g_ascii_strdown (wanted_device, -1)
                : fn_uuid_new ();

  token = fn_mock_token_new (&error);
  if (!token)
    {
      set_storage_problem (msg, error);
      return;
    }
  token_hash = fn_mock_token_hash (token);

  if (!fn_mock_storage_begin_write (self->storage, &error) ||
      !fn_mock_storage_add_device (self->storage, device_id, user->id, device_name, &error) ||
      !fn_mock_storage_add_session (self->storage, token_hash, user->id, device_id,
                                    now + self->config.token_ttl_s, &error) ||
      !fn_mock_storage_commit (self->storage, &error))
    {
      fn_mock_storage_rollback (self->storage);
      set_storage_problem (msg, error);
      return;
    }

  set_user (msg, user);

  expires = g_date_time_new_from_unix_utc (now + self->config.token_ttl_s);
  expires_text = g_date_time_format (expires, "%Y-%m-%dT%H:%M:%SZ");

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires_text);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, device_id);
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, user->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, user->name);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, user->role);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  response = json_builder_get_root (builder);

  set_json (msg, 201, "application/json", response);
}

static void
handle_sign_out (FnMockServer      *self,
                 SoupServerMessage *msg)
{
  g_autoptr (FnMockUser) user = authenticate (self, msg);
  g_autoptr (GError) error = NULL;

  if (!user)
    return;

  if (!fn_mock_storage_revoke_session (self->storage, user->token_hash, &error))
    {
      set_storage_problem (msg, error);
      return;
    }

  soup_server_message_set_status (msg, 204, NULL);
}

static gboolean
parse_int_param (GHashTable *query,
                 const char *name,
                 gint64      min,
                 gint64      max,
                 gint64     *out)
{
  const char *text = query ? g_hash_table_lookup (query, name) : NULL;
  guint64 value;

  if (!text)
    return TRUE;
  if (!*text)
    {
      *out = min;
      return TRUE;
    }
  if (strlen (text) > 18 || !g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    return FALSE;

  *out = (gint64)value;
  return TRUE;
}

/* libsoup's form decoding silently drops pairs it cannot decode; a
 * parameter that is in the raw query but not in @query was malformed. */
static gboolean
has_undecodable_param (SoupServerMessage *msg,
                       GHashTable        *query)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));
  g_auto (GStrv) pairs = NULL;

  if (!raw)
    return FALSE;

  pairs = g_strsplit (raw, "&", -1);
  for (guint i = 0; pairs[i]; i++)
    {
      g_autofree char *name = g_strndup (pairs[i], strcspn (pairs[i], "="));

      if ((strcmp (name, "since") == 0 || strcmp (name, "limit") == 0) &&
          (!query || !g_hash_table_contains (query, name)))
        return TRUE;
    }

  return FALSE;
}

static void
handle_pull (FnMockServer      *self,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  g_autoptr (FnMockUser) user = authenticate (self, msg);
  g_autoptr (JsonNode) page = NULL;
  g_autoptr (GError) error = NULL;
  gint64 since = 0, limit = DEFAULT_PULL_LIMIT;

  if (!user)
    return;

  if (has_undecodable_param (msg, query))
    {
      set_problem (msg, 400, "invalid_parameter", "A query parameter is not valid.");
      return;
    }
  if (!parse_int_param (query, "since", 0, G_MAXINT64, &since) ||
      (query && g_hash_table_contains (query, "since") &&
       !*(const char *)g_hash_table_lookup (query, "since")))
    {
      set_problem (msg, 400, "invalid_parameter", "since must be a cursor from an earlier pull.");
      return;
    }
  if (!parse_int_param (query, "limit", 1, MAX_PULL_LIMIT, &limit) ||
      (query && g_hash_table_contains (query, "limit") &&
       !*(const char *)g_hash_table_lookup (query, "limit")))
    {
      set_problem (msg, 400, "invalid_parameter", "limit must be a whole number from 1 to 1000.");
      return;
    }

  page = fn_mock_sync_pull (self->sync, user, since, limit, &error);
  if (!page)
    {
      set_storage_problem (msg, error);
      return;
    }

  set_json (msg, 200, "application/json", page);
}

static void notify_event_clients (FnMockServer *self);

static void
handle_push (FnMockServer      *self,
             SoupServerMessage *msg)
{
  g_autoptr (FnMockUser) user = authenticate (self, msg);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *owner = NULL;
  JsonObject *object;
  JsonNode *node;
  const char *device_id;

  if (!user)
    return;

  root = parse_json_body (msg);
  if (!root)
    return;
  object = json_node_get_object (root);

  device_id = user->device_id;
  node = json_object_get_member (object, "device_id");
  if (node && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          !fn_validate_uuid (json_node_get_string (node)))
        {
          set_problem (msg, 400, "invalid_parameter", "device_id must be the id from sign-in.");
          return;
        }
      device_id = json_node_get_string (node);
      owner = fn_mock_storage_get_device_user (self->storage, device_id);
      if (!owner)
        {
          set_problem (msg, 422, "unknown_device", "device_id is not a device that signed in.");
          return;
        }
      if (strcmp (owner, user->id) != 0)
        {
          set_problem (msg, 403, "forbidden", "device_id belongs to another user.");
          return;
        }
    }

  node = json_object_get_member (object, "ops");
  if (!node || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_problem (msg, 400, "invalid_parameter", "ops must be an array of ops.");
      return;
    }
  if (json_array_get_length (json_node_get_array (node)) > FN_MAX_OPS_PER_PUSH)
    {
      set_problem (msg, 413, "too_many_ops", "A push may carry at most 500 ops.");
      return;
    }

  response = fn_mock_sync_push (self->sync, user, device_id, json_node_get_array (node), &error);
  if (!response)
    {
      set_storage_problem (msg, error);
      return;
    }

  set_json (msg, 200, "application/json", response);
  notify_event_clients (self);
}

static void
handle_blob (FnMockServer      *self,
             SoupServerMessage *msg,
             const char        *method,
             const char        *name)
{
  g_autoptr (FnMockUser) user = authenticate (self, msg);
  g_autoptr (GError) error = NULL;

  if (!user)
    return;

  if (!fn_validate_sha256 (name))
    {
      set_problem (msg, 400, "invalid_blob_name",
                   "A blob is named by the lower-case hex SHA-256 of its bytes.");
      return;
    }

  if (strcmp (method, "GET") == 0)
    {
      g_autoptr (GBytes) data = NULL;

      if (!fn_mock_storage_has_blob (self->storage, name))
        {
          set_problem (msg, 404, "not_found", "There is no such blob.");
          return;
        }
      if (!fn_mock_user_is_office (user) &&
          !fn_mock_storage_can_read_blob (self->storage, name, user->id))
        {
          set_problem (msg, 403, "out_of_scope", "This blob is not in your scope.");
          return;
        }

      data = fn_mock_storage_get_blob (self->storage, name, &error);
      if (!data)
        {
          set_storage_problem (msg, error);
          return;
        }

      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Cache-Control", "private, max-age=31536000, immutable");
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (data, NULL), g_bytes_get_size (data));
    }
  else if (strcmp (method, "PUT") == 0)
    {
      g_autoptr (GBytes) body = get_body (msg);
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) response = NULL;
      g_autofree char *hash = NULL;
      gboolean created = FALSE;

      if (g_bytes_get_size (body) > FN_MAX_BLOB_BYTES)
        {
          set_problem (msg, 413, "too_large", "A blob may be at most 2 MiB.");
          return;
        }

      hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
      if (strcmp (hash, name) != 0)
        {
          set_problem (msg, 422, "hash_mismatch", "The bytes do not hash to the blob's name.");
          return;
        }

      if (!fn_mock_storage_begin_write (self->storage, &error) ||
          !fn_mock_storage_put_blob (self->storage, name, body, user->id, &created, &error) ||
          !fn_mock_storage_commit (self->storage, &error))
        {
          fn_mock_storage_rollback (self->storage);
          set_storage_problem (msg, error);
          return;
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, g_bytes_get_size (body));
      json_builder_end_object (builder);
      response = json_builder_get_root (builder);
      set_json (msg, created ? 201 : 200, "application/json", response);
    }
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, PUT");
      set_problem (msg, 405, "method_not_allowed", "Blobs support GET and PUT.");
    }
}

/* Faults */

static gboolean
is_faultable (const char *path)
{
  return strcmp (path, API "/changes") == 0 || g_str_has_prefix (path, BLOBS_PREFIX);
}

/* Counts a request out once, however it ended. */
static void
request_done (FnMockServer      *self,
              SoupServerMessage *msg)
{
  if (g_object_get_data (G_OBJECT (msg), "fn-done") ||
      !g_object_get_data (G_OBJECT (msg), "fn-counted"))
    return;

  g_object_set_data (G_OBJECT (msg), "fn-done", GINT_TO_POINTER (1));
  if (self->in_flight > 0)
    self->in_flight--;
}

static void
drop_connection (FnMockServer      *self,
                 SoupServerMessage *msg)
{
  g_autoptr (GIOStream) stream = NULL;
  gint64 start = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "fn-start-ms"));
  const char *user_id = g_object_get_data (G_OBJECT (msg), "fn-user-id");

  fprintf (stderr, "%s %s %u %" G_GINT64_FORMAT " ms user=%s (fault: connection dropped)\n",
           soup_server_message_get_method (msg),
           g_uri_get_path (soup_server_message_get_uri (msg)),
           soup_server_message_get_status (msg),
           g_get_monotonic_time () / 1000 - start,
           user_id ? user_id : "-");
  g_object_set_data (G_OBJECT (msg), "fn-logged", GINT_TO_POINTER (1));
  request_done (self, msg);

  stream = soup_server_message_steal_connection (msg);
  if (stream)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
unpause_cb (gpointer data)
{
  SoupServerMessage *msg = data;
  FnMockServer *self = g_object_get_data (G_OBJECT (msg), "fn-server");

  soup_server_message_unpause (msg);
  if (self && g_object_get_data (G_OBJECT (msg), "fn-drop"))
    drop_connection (self, msg);

  return G_SOURCE_REMOVE;
}

/* The main handler */

static void
handle_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  FnMockServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean faultable = is_faultable (path);

  if (faultable && self->config.fault_error_rate > 0 &&
      g_rand_double (self->rand) < self->config.fault_error_rate)
    {
      set_retry_after (msg, 1);
      set_problem (msg, 503, "unavailable", "Injected fault: the server is unavailable.");
      goto done;
    }

  if (strcmp (path, "/health") == 0 || strcmp (path, API "/health") == 0)
    {
      if (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0)
        handle_health (self, msg);
      else
        set_problem (msg, 405, "method_not_allowed", "Use GET.");
    }
  else if (strcmp (path, API "/session") == 0)
    {
      if (strcmp (method, "POST") == 0)
        handle_sign_in (self, msg);
      else if (strcmp (method, "DELETE") == 0)
        handle_sign_out (self, msg);
      else
        set_problem (msg, 405, "method_not_allowed", "Use POST to sign in, DELETE to sign out.");
    }
  else if (strcmp (path, API "/changes") == 0)
    {
      if (strcmp (method, "GET") == 0)
        handle_pull (self, msg, query);
      else if (strcmp (method, "POST") == 0)
        handle_push (self, msg);
      else
        set_problem (msg, 405, "method_not_allowed", "Use GET to pull, POST to push.");
    }
  else if (g_str_has_prefix (path, BLOBS_PREFIX))
    {
      handle_blob (self, msg, method, path + strlen (BLOBS_PREFIX));
    }
  else
    {
      set_problem (msg, 404, "not_found", "There is nothing at this address.");
    }

  /* The request has been applied; now the client never hears of it. */
  if (faultable && self->config.fault_drop_rate > 0 &&
      g_rand_double (self->rand) < self->config.fault_drop_rate)
    {
      if (self->config.fault_latency_ms == 0)
        {
          drop_connection (self, msg);
          return;
        }
      g_object_set_data (G_OBJECT (msg), "fn-drop", GINT_TO_POINTER (1));
    }

done:
  if (faultable && self->config.fault_latency_ms > 0)
    {
      g_object_set_data (G_OBJECT (msg), "fn-server", self);
      soup_server_message_pause (msg);
      g_timeout_add_full (G_PRIORITY_DEFAULT, self->config.fault_latency_ms, unpause_cb,
                          g_object_ref (msg), g_object_unref);
    }
}

/* Rejects bodies that are too large from their Content-Length alone,
 * before reading them. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  goffset length = soup_message_headers_get_content_length (
    soup_server_message_get_request_headers (msg));
  goffset max = g_str_has_prefix (path, BLOBS_PREFIX) ? FN_MAX_BLOB_BYTES : FN_MAX_REQUEST_BYTES;

  if (length > max)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      set_problem (msg, 413, "too_large",
                   max == FN_MAX_BLOB_BYTES ? "A blob may be at most 2 MiB."
                                            : "The request body is larger than 8 MiB.");
    }
}

/* Events */

static void
on_event_connection_closed_cb (SoupWebsocketConnection *connection,
                               gpointer                 user_data)
{
  EventClient *client = user_data;

  g_ptr_array_remove (client->server->event_clients, client);
}

static void
notify_event_clients (FnMockServer *self)
{
  gint64 head = fn_mock_storage_get_head (self->storage);
  g_autofree char *cursor = NULL;

  if (head == self->notified_head)
    return;
  self->notified_head = head;
  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, head);

  for (guint i = 0; i < self->event_clients->len; i++)
    {
      EventClient *client = g_ptr_array_index (self->event_clients, i);

      /* A client that began to close its socket gets nothing more; libsoup
       * refuses to send on it (a critical, fatal under G_DEBUG). */
      if (soup_websocket_connection_get_state (client->connection) != SOUP_WEBSOCKET_STATE_OPEN)
        continue;

      if (fn_mock_sync_has_changes (self->sync, client->user, client->cursor))
        {
          g_autofree char *message = g_strdup_printf ("{\"type\":\"changed\",\"cursor\":\"%s\"}",
                                                      cursor);

          soup_websocket_connection_send_text (client->connection, message);
        }
      client->cursor = head;
    }
}

/* A revoked or expired session loses its socket too. The sockets are closed
 * after the loop, which must not see the array change. */
static void
close_ended_sessions (FnMockServer *self)
{
  g_autoptr (GPtrArray) ended = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->event_clients->len; i++)
    {
      EventClient *client = g_ptr_array_index (self->event_clients, i);
      g_autoptr (FnMockUser) still = NULL;

      still = fn_mock_storage_find_session (self->storage, client->user->token_hash, now_s ());
      if (!still)
        g_ptr_array_add (ended, g_object_ref (client->connection));
    }

  for (guint i = 0; i < ended->len; i++)
    soup_websocket_connection_close (g_ptr_array_index (ended, i),
                                     SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "session ended");
}

static gboolean
poll_cb (gpointer user_data)
{
  /* Catches writes by other processes (the admin subcommands). */
  close_ended_sessions (user_data);
  notify_event_clients (user_data);
  return G_SOURCE_CONTINUE;
}

static void
events_http_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  FnMockServer *self = user_data;
  FnMockUser *user;

  if (strcmp (soup_server_message_get_method (msg), "GET") != 0)
    {
      set_problem (msg, 405, "method_not_allowed", "Open the events socket with GET.");
      return;
    }

  user = authenticate (self, msg);
  if (!user)
    return;

  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, NULL))
    {
      fn_mock_user_free (user);
      set_problem (msg, 400, "not_websocket", "This address takes a WebSocket connection.");
      return;
    }

  /* Leave the status unset: libsoup then completes the handshake. */
  g_object_set_data_full (G_OBJECT (msg), "fn-user", user, (GDestroyNotify)fn_mock_user_free);
}

static void
events_websocket_cb (SoupServer              *server,
                     SoupServerMessage       *msg,
                     const char              *path,
                     SoupWebsocketConnection *connection,
                     gpointer                 user_data)
{
  FnMockServer *self = user_data;
  FnMockUser *user = g_object_steal_data (G_OBJECT (msg), "fn-user");
  EventClient *client;

  if (!user)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }

  client = g_new0 (EventClient, 1);
  client->server = self;
  client->connection = g_object_ref (connection);
  client->user = user;
  client->cursor = fn_mock_storage_get_head (self->storage);

  soup_websocket_connection_set_keepalive_interval (connection, PING_INTERVAL_S);
  g_signal_connect (connection, "closed", G_CALLBACK (on_event_connection_closed_cb), client);
  g_ptr_array_add (self->event_clients, client);
}

/* Logging: one line per request, never a token, password or record text. */

/* libsoup answers some requests itself while reading the headers (for
 * example 400 for a path with an encoded "/" or ".."); give those a
 * problem body like every other error. */
static void
on_message_got_headers_cb (SoupServerMessage *msg,
                           gpointer           user_data)
{
  guint status = soup_server_message_get_status (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (status >= 400 && !soup_message_headers_get_content_type (headers, NULL))
    set_problem (msg, status, status == 400 ? "invalid_request" : "error",
                 "The request could not be understood.");
}

static void
count_in_flight (SoupServerMessage *msg,
                 FnMockServer      *self)
{
  if (g_object_get_data (G_OBJECT (msg), "fn-counted"))
    return;

  g_object_set_data (G_OBJECT (msg), "fn-counted", GINT_TO_POINTER (1));
  self->in_flight++;
}

static void
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  FnMockServer *self = user_data;

  g_signal_connect_after (msg, "got-headers", G_CALLBACK (on_message_got_headers_cb), self);

  /* A connection that never sends a request (say, plain HTTP on the TLS
   * port, whose handshake fails) gets no "finished" signal from libsoup 3.2:
   * count a request in flight only once its headers arrived. */
  g_signal_connect (msg, "got-headers", G_CALLBACK (count_in_flight), self);
  g_object_set_data (G_OBJECT (msg), "fn-start-ms",
                     GSIZE_TO_POINTER ((gsize)(g_get_monotonic_time () / 1000)));
}

static void
log_request (FnMockServer      *self,
             SoupServerMessage *msg,
             const char        *note)
{
  gint64 start = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "fn-start-ms"));
  const char *user_id = g_object_get_data (G_OBJECT (msg), "fn-user-id");
  GUri *uri = soup_server_message_get_uri (msg);

  request_done (self, msg);

  if (g_object_get_data (G_OBJECT (msg), "fn-logged"))
    return;

  fprintf (stderr, "%s %s %u %" G_GINT64_FORMAT " ms user=%s%s\n",
           soup_server_message_get_method (msg),
           uri ? g_uri_get_path (uri) : "-",
           soup_server_message_get_status (msg),
           g_get_monotonic_time () / 1000 - start,
           user_id ? user_id : "-",
           note);
  fflush (stderr);
}

static void
on_request_finished_cb (SoupServer        *server,
                        SoupServerMessage *msg,
                        gpointer           user_data)
{
  log_request (user_data, msg, "");
}

static void
on_request_aborted_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  log_request (user_data, msg, " (aborted)");
}

static void
fn_mock_server_dispose (GObject *object)
{
  FnMockServer *self = (FnMockServer *)object;

  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->event_clients)
    g_ptr_array_set_size (self->event_clients, 0);
  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->sync);
  g_clear_object (&self->storage);

  G_OBJECT_CLASS (fn_mock_server_parent_class)->dispose (object);
}

static void
fn_mock_server_finalize (GObject *object)
{
  FnMockServer *self = (FnMockServer *)object;

  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->dummy_hash, g_free);
  g_clear_pointer (&self->logins, g_hash_table_unref);
  g_clear_pointer (&self->event_clients, g_ptr_array_unref);

  G_OBJECT_CLASS (fn_mock_server_parent_class)->finalize (object);
}

static void
fn_mock_server_class_init (FnMockServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fn_mock_server_dispose;
  object_class->finalize = fn_mock_server_finalize;
}

static void
fn_mock_server_init (FnMockServer *self)
{
  self->logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->event_clients = g_ptr_array_new_with_free_func (event_client_free);
}

FnMockServer *
fn_mock_server_new (FnMockSync               *sync,
                    const FnMockServerConfig *config)
{
  FnMockServer *self;

  g_return_val_if_fail (FN_MOCK_IS_SYNC (sync), NULL);
  g_return_val_if_fail (config, NULL);

  self = g_object_new (FN_MOCK_TYPE_SERVER, NULL);
  self->sync = g_object_ref (sync);
  self->storage = g_object_ref (fn_mock_sync_get_storage (sync));
  self->config = *config;
  if (self->config.login_max_failures == 0)
    self->config.login_max_failures = 5;
  self->rand = config->fault_seed_set ? g_rand_new_with_seed (config->fault_seed) : g_rand_new ();
  self->notified_head = fn_mock_storage_get_head (self->storage);
  self->dummy_hash = fn_mock_password_hash ("not a password of anyone", NULL);

  return self;
}

/**
 * fn_mock_server_listen:
 * @certificate: (nullable): serve HTTPS with this certificate
 * @url: (out): the base URL, with the port that was picked
 */
gboolean
fn_mock_server_listen (FnMockServer     *self,
                       const char       *address,
                       guint             port,
                       GTlsCertificate  *certificate,
                       char            **url,
                       GError          **error)
{
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GInetAddress) inet = NULL;
  GSList *listeners;
  guint bound_port;
  gboolean v6;

  g_return_val_if_fail (FN_MOCK_IS_SERVER (self), FALSE);
  g_return_val_if_fail (!self->soup, FALSE);

  inet = g_inet_address_new_from_string (address);
  if (!inet)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", address);
      return FALSE;
    }
  v6 = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6;
  socket_address = g_inet_socket_address_new (inet, port);

  self->soup = soup_server_new ("server-header", "field-notes-server/" PACKAGE_VERSION " ",
                                "tls-certificate", certificate,
                                NULL);

  soup_server_add_early_handler (self->soup, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_request_cb, self, NULL);
  soup_server_add_handler (self->soup, API "/events", events_http_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup, API "/events", NULL, NULL,
                                     events_websocket_cb, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_aborted_cb), self);

  if (!soup_server_listen (self->soup, socket_address,
                           certificate ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;

  /* Read the port from the socket: --port 0 lets the kernel pick one.
   * (soup_server_get_uris() leaks an address in libsoup 3.2.) */
  bound_port = port;
  listeners = soup_server_get_listeners (self->soup);
  if (listeners)
    {
      g_autoptr (GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);

      if (local && G_IS_INET_SOCKET_ADDRESS (local))
        bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);

  *url = g_strdup_printf ("%s://%s%s%s:%u", certificate ? "https" : "http",
                          v6 ? "[" : "", address, v6 ? "]" : "", bound_port);

  self->poll_id = g_timeout_add_seconds (1, poll_cb, self);

  return TRUE;
}

guint
fn_mock_server_get_in_flight (FnMockServer *self)
{
  g_return_val_if_fail (FN_MOCK_IS_SERVER (self), 0);

  return self->in_flight;
}

void
fn_mock_server_disconnect (FnMockServer *self)
{
  g_return_if_fail (FN_MOCK_IS_SERVER (self));

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_ptr_array_set_size (self->event_clients, 0);
  if (self->soup)
    soup_server_disconnect (self->soup);
}
