/* fn-event-socket.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-event-socket"

#include "config.h"

#include "fn-event-socket.h"

#include "fn-server-address.h"

#include "fn-sync-client.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

/* The server's /events WebSocket: a hint that something in our scope
 * changed, so the engine pulls without waiting for its timer. The socket
 * is only a hint, so nothing here is an error a caregiver sees: a socket
 * that fails reconnects with exponential backoff and jitter, and the
 * engine converges without it. Everything runs on the main context the
 * object was created on. */

#define HANDSHAKE_TIMEOUT_S 30
#define KEEPALIVE_S 30
#define SILENCE_LIMIT_S 95
#define STABLE_S 30
#define BACKOFF_BASE_MS 1000
#define BACKOFF_CAP_MS (5 * 60 * 1000)
#define MAX_MESSAGE_BYTES (64 * 1024)
#define MAX_CURSOR_BYTES 1024

struct _FnEventSocket
{
  GObject parent_instance;

  /* owned */
  SoupSession *session;
  GUri *uri;
  char *token;
  GTlsDatabase *extra_ca;
  GCancellable *cancellable;
  SoupWebsocketConnection *connection;

  guint generation;
  guint attempt;
  gint64 opened_at;
  gint64 last_heard;

  guint retry_id;
  guint handshake_id;
  guint watchdog_id;

  guint running : 1;
  guint connected : 1;
};

enum {
  PROP_0,
  PROP_CONNECTED,
  PROP_RUNNING,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (FnEventSocket, fn_event_socket, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_now (FnEventSocket *self);

static void
set_connected (FnEventSocket *self,
               gboolean       connected)
{
  connected = !!connected;
  if (self->connected == connected)
    return;

  g_debug ("%s", connected ? "connected" : "disconnected");
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
set_running (FnEventSocket *self,
             gboolean       running)
{
  running = !!running;
  if (self->running == running)
    return;

  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* A cursor the engine may log or compare; nothing else is accepted. */
static char *
parse_changed (GBytes *message)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *root;
  JsonNode *type;
  JsonNode *cursor;
  const char *text;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (!data || size == 0 || size > MAX_MESSAGE_BYTES ||
      !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  type = json_object_get_member (object, "type");
  cursor = json_object_get_member (object, "cursor");
  if (!type || !JSON_NODE_HOLDS_VALUE (type) ||
      json_node_get_value_type (type) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (type), "changed") != 0)
    return NULL;
  if (!cursor || !JSON_NODE_HOLDS_VALUE (cursor) ||
      json_node_get_value_type (cursor) != G_TYPE_STRING)
    return NULL;

  text = json_node_get_string (cursor);
  if (!text || !*text || strlen (text) > MAX_CURSOR_BYTES || !g_utf8_validate (text, -1, NULL))
    return NULL;

  return g_strdup (text);
}

static gboolean
release_connection_cb (gpointer data)
{
  g_object_unref (data);

  return G_SOURCE_REMOVE;
}

/* The connection may be in the middle of emitting one of its signals, so
 * its last reference goes from an idle. */
static void
drop_connection (FnEventSocket *self)
{
  SoupWebsocketConnection *connection = g_steal_pointer (&self->connection);

  g_clear_handle_id (&self->watchdog_id, g_source_remove);

  if (!connection)
    return;

  g_signal_handlers_disconnect_by_data (connection, self);
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_idle_add_full (G_PRIORITY_DEFAULT, release_connection_cb, connection, NULL);
}

static gboolean
retry_cb (gpointer data)
{
  FnEventSocket *self = data;

  self->retry_id = 0;
  connect_now (self);

  return G_SOURCE_REMOVE;
}

/* Equal jitter: between half and all of 1 s, 2 s, 4 s … 5 min, so that
 * laptops that lost the same server do not all come back at once, and
 * none comes back sooner than half a second. */
static void
schedule_retry (FnEventSocket *self)
{
  guint64 ceiling = BACKOFF_BASE_MS;
  guint delay;

  g_assert (self->running);
  g_assert (!self->connection);

  for (guint i = 0; i < self->attempt && ceiling < BACKOFF_CAP_MS; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, BACKOFF_CAP_MS);
  delay = ceiling / 2 + g_random_int_range (0, ceiling / 2 + 1);

  if (self->attempt < G_MAXUINT)
    self->attempt++;

  g_debug ("reconnecting in %u ms", delay);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (delay, retry_cb, self);
}

static void
lost (FnEventSocket *self)
{
  /* A connection that held for a while was a success: start the backoff
   * over. One the server drops at once keeps backing off. */
  if (self->opened_at &&
      g_get_monotonic_time () - self->opened_at >= STABLE_S * G_USEC_PER_SEC)
    self->attempt = 0;
  self->opened_at = 0;

  drop_connection (self);
  set_connected (self, FALSE);
  if (self->running)
    schedule_retry (self);
}

static void
on_connection_message_cb (SoupWebsocketConnection *connection,
                          int                      type,
                          GBytes                  *message,
                          FnEventSocket           *self)
{
  g_autoptr (FnEventSocket) keep = g_object_ref (self);
  g_autofree char *cursor = NULL;

  self->last_heard = g_get_monotonic_time ();

  if (type != SOUP_WEBSOCKET_DATA_TEXT || !(cursor = parse_changed (message)))
    {
      g_debug ("ignoring a message that is not a \"changed\" event");
      return;
    }

  g_debug ("changed");
  g_signal_emit (self, signals[CHANGED], 0, cursor);
}

static void
on_connection_pong_cb (SoupWebsocketConnection *connection,
                       GBytes                  *message,
                       FnEventSocket           *self)
{
  self->last_heard = g_get_monotonic_time ();
}

static void
on_connection_error_cb (SoupWebsocketConnection *connection,
                        GError                  *error,
                        FnEventSocket           *self)
{
  g_debug ("connection error: %s", error->message);
}

static void
on_connection_closed_cb (SoupWebsocketConnection *connection,
                         FnEventSocket           *self)
{
  g_debug ("closed with code %u", soup_websocket_connection_get_close_code (connection));
  lost (self);
}

/* libsoup 3.2 pings but cannot give up on a peer that stopped answering;
 * the server's pings and our pongs say the link is alive. */
static gboolean
watchdog_cb (gpointer data)
{
  FnEventSocket *self = data;

  if (g_get_monotonic_time () - self->last_heard < SILENCE_LIMIT_S * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  g_debug ("nothing heard for %d s, reconnecting", SILENCE_LIMIT_S);
  self->watchdog_id = 0;
  lost (self);

  return G_SOURCE_REMOVE;
}

static gboolean
handshake_timeout_cb (gpointer data)
{
  FnEventSocket *self = data;

  self->handshake_id = 0;
  g_debug ("the handshake took longer than %d s", HANDSHAKE_TIMEOUT_S);
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

typedef struct
{
  GWeakRef self;
  guint generation;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_weak_ref_clear (&attempt->self);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attempt, attempt_free)

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (Attempt) attempt = user_data;
  g_autoptr (FnEventSocket) self = g_weak_ref_get (&attempt->self);
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupWebsocketConnection) connection = NULL;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  /* Stopped, restarted or gone since: this attempt no longer counts. */
  if (!self || attempt->generation != self->generation || !self->running)
    {
      if (connection)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      return;
    }

  g_clear_handle_id (&self->handshake_id, g_source_remove);
  g_clear_object (&self->cancellable);

  if (!connection)
    {
      g_debug ("could not connect: %s", error->message);
      schedule_retry (self);
      return;
    }

  self->connection = g_steal_pointer (&connection);
  self->opened_at = g_get_monotonic_time ();
  self->last_heard = self->opened_at;

  soup_websocket_connection_set_max_incoming_payload_size (self->connection, MAX_MESSAGE_BYTES);
  soup_websocket_connection_set_keepalive_interval (self->connection, KEEPALIVE_S);
  g_signal_connect (self->connection, "message", G_CALLBACK (on_connection_message_cb), self);
  g_signal_connect (self->connection, "pong", G_CALLBACK (on_connection_pong_cb), self);
  g_signal_connect (self->connection, "error", G_CALLBACK (on_connection_error_cb), self);
  g_signal_connect (self->connection, "closed", G_CALLBACK (on_connection_closed_cb), self);
  self->watchdog_id = g_timeout_add_seconds (KEEPALIVE_S, watchdog_cb, self);

  set_connected (self, TRUE);
}

/* The organisation's own CA is trusted as for FnSyncClient. */
static gboolean
on_accept_certificate_cb (SoupMessage          *msg,
                          GTlsCertificate      *certificate,
                          GTlsCertificateFlags  errors,
                          FnEventSocket        *self)
{
  return fn_server_check_extra_ca (self->extra_ca, msg, certificate);
}

static void
connect_now (FnEventSocket *self)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *authorization = NULL;
  Attempt *attempt;

  g_assert (self->running);
  g_assert (!self->connection);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->handshake_id, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  self->generation++;
  self->cancellable = g_cancellable_new ();

  msg = soup_message_new_from_uri ("GET", self->uri);
  authorization = g_strconcat ("Bearer ", self->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  memset (authorization, 0, strlen (authorization));
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (on_accept_certificate_cb),
                           self, 0);

  attempt = g_new0 (Attempt, 1);
  g_weak_ref_init (&attempt->self, self);
  attempt->generation = self->generation;

  g_debug ("connecting");
  self->handshake_id = g_timeout_add_seconds (HANDSHAKE_TIMEOUT_S, handshake_timeout_cb, self);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, connect_cb, attempt);
}

static void
fn_event_socket_dispose (GObject *object)
{
  FnEventSocket *self = (FnEventSocket *)object;

  fn_event_socket_stop (self);
  g_clear_object (&self->session);
  g_clear_object (&self->extra_ca);

  G_OBJECT_CLASS (fn_event_socket_parent_class)->dispose (object);
}

static void
fn_event_socket_finalize (GObject *object)
{
  FnEventSocket *self = (FnEventSocket *)object;

  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->uri, g_uri_unref);

  G_OBJECT_CLASS (fn_event_socket_parent_class)->finalize (object);
}

static void
fn_event_socket_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FnEventSocket *self = FN_EVENT_SOCKET (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_event_socket_class_init (FnEventSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fn_event_socket_dispose;
  object_class->finalize = fn_event_socket_finalize;
  object_class->get_property = fn_event_socket_get_property;

  /**
   * FnEventSocket:connected:
   *
   * Whether the WebSocket is open right now.
   */
  properties[PROP_CONNECTED] = g_param_spec_boolean ("connected", NULL, NULL, FALSE, ro);

  /**
   * FnEventSocket:running:
   *
   * Between fn_event_socket_start() and fn_event_socket_stop(): connected,
   * connecting or waiting to reconnect.
   */
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FnEventSocket::changed:
   * @cursor: the server's cursor after the change, opaque
   *
   * Something in the signed-in user's scope changed on the server.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fn_event_socket_init (FnEventSocket *self)
{
}

/**
 * fn_event_socket_new:
 * @server_url: the server's address, e.g. https://office.example.org; plain
 *   http only for a server on this computer
 * @token: the session token from sign-in
 * @ca_file: (nullable): an organisation's CA certificate(s), trusted in
 *   addition to the system's
 *
 * Returns: (transfer full): a socket that connects on
 *   fn_event_socket_start(), or %NULL with @error set
 */
FnEventSocket *
fn_event_socket_new (const char  *server_url,
                     const char  *token,
                     const char  *ca_file,
                     GError     **error)
{
  g_autoptr (FnEventSocket) self = NULL;

  g_return_val_if_fail (server_url, NULL);
  g_return_val_if_fail (token && *token, NULL);
  g_return_val_if_fail (!error || !*error, NULL);

  self = g_object_new (FN_TYPE_EVENT_SOCKET, NULL);

  self->uri = fn_server_api_uri (server_url, "events", error);
  if (!self->uri)
    return NULL;

  if (ca_file && *ca_file)
    {
      self->extra_ca = g_tls_file_database_new (ca_file, error);
      if (!self->extra_ca)
        return NULL;
    }

  self->token = g_strdup (token);

  /* No session timeout: it would also end an idle WebSocket. The
   * handshake has its own timeout and the watchdog covers the rest. */
  self->session = soup_session_new_with_options ("timeout", 0,
                                                 "idle-timeout", 0,
                                                 "user-agent", "FieldNotes/" PACKAGE_VERSION,
                                                 NULL);

  return g_steal_pointer (&self);
}

/**
 * fn_event_socket_start:
 *
 * Connects, and keeps reconnecting until fn_event_socket_stop().
 */
void
fn_event_socket_start (FnEventSocket *self)
{
  g_return_if_fail (FN_IS_EVENT_SOCKET (self));

  if (self->running)
    return;

  set_running (self, TRUE);
  self->attempt = 0;
  connect_now (self);
}

/**
 * fn_event_socket_stop:
 *
 * Closes the socket and stops reconnecting; no "changed" is emitted after
 * this returns.
 */
void
fn_event_socket_stop (FnEventSocket *self)
{
  g_return_if_fail (FN_IS_EVENT_SOCKET (self));

  self->generation++;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->handshake_id, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->opened_at = 0;
  drop_connection (self);

  g_object_freeze_notify (G_OBJECT (self));
  set_connected (self, FALSE);
  set_running (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
fn_event_socket_get_running (FnEventSocket *self)
{
  g_return_val_if_fail (FN_IS_EVENT_SOCKET (self), FALSE);

  return self->running;
}

gboolean
fn_event_socket_get_connected (FnEventSocket *self)
{
  g_return_val_if_fail (FN_IS_EVENT_SOCKET (self), FALSE);

  return self->connected;
}
