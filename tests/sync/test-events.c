/* test-events.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* FnEventSocket against the real reference server (and, for messages the
 * real server never sends, a small in-process one), and the sync engine
 * pulling when the server announces a change. */

#include "config.h"

#include "fn-core.h"
#include "fn-event-socket.h"
#include "fn-test-server.h"


/* An announced change must reach a connected client within this. */
#define CHANGED_MS 2000
#define WAIT_MS 5000

/* ---- watching a socket ---- */

typedef struct
{
  FnEventSocket *socket;
  GPtrArray *cursors;
  guint connected_notifies;
} Watch;

static void
on_changed_cb (FnEventSocket *socket,
               const char    *cursor,
               Watch         *watch)
{
  g_ptr_array_add (watch->cursors, g_strdup (cursor));
}

static void
on_connected_cb (FnEventSocket *socket,
                 GParamSpec    *pspec,
                 Watch         *watch)
{
  watch->connected_notifies++;
}

static void
watch_init (Watch      *watch,
            const char *url,
            const char *token)
{
  g_autoptr (GError) error = NULL;

  watch->cursors = g_ptr_array_new_with_free_func (g_free);
  watch->socket = fn_event_socket_new (url, token, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (watch->socket);
  g_signal_connect (watch->socket, "changed", G_CALLBACK (on_changed_cb), watch);
  g_signal_connect (watch->socket, "notify::connected", G_CALLBACK (on_connected_cb), watch);
}

static gboolean
is_connected (gpointer user_data)
{
  return fn_event_socket_get_connected (((Watch *)user_data)->socket);
}

static gboolean
is_disconnected (gpointer user_data)
{
  return !fn_event_socket_get_connected (((Watch *)user_data)->socket);
}

static gboolean
has_changed (gpointer user_data)
{
  return ((Watch *)user_data)->cursors->len > 0;
}

static void
spin_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
watch_clear (Watch *watch)
{
  fn_event_socket_stop (watch->socket);
  g_assert_false (fn_event_socket_get_running (watch->socket));
  g_signal_handlers_disconnect_by_data (watch->socket, watch);
  g_assert_finalize_object (watch->socket);
  watch->socket = NULL;
  g_clear_pointer (&watch->cursors, g_ptr_array_unref);

  /* Let a closed connection go (it is released from an idle). */
  spin_for (50);
}

/* ---- against the real server ---- */

static void
test_changed (FnTestFixture *fx,
              gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  FnTestClient *bob = fn_test_fixture_user (fx, "bob");
  g_autofree char *alice_patient = fn_test_create_patient (office, "Alice's", alice->user_id,
                                                           NULL);
  g_autofree char *bob_patient = fn_test_create_patient (office, "Bob's", bob->user_id, NULL);
  g_autofree char *cursor = NULL;
  Watch watch = { 0 };
  gint64 start;

  json_array_unref (fn_test_client_pull_all (alice, NULL, &cursor));

  watch_init (&watch, fn_test_server_get_url (fx->server), alice->token);
  g_assert_false (fn_event_socket_get_connected (watch.socket));
  fn_event_socket_start (watch.socket);
  g_assert_true (fn_event_socket_get_running (watch.socket));
  g_assert_true (fn_test_spin_until (is_connected, &watch, WAIT_MS));
  g_assert_cmpuint (watch.connected_notifies, ==, 1);

  /* Out of alice's scope: nothing. */
  g_free (fn_test_create_note (office, bob_patient, "Bob's visit", "Not for alice"));
  g_assert_false (fn_test_spin_until (has_changed, &watch, 1000));

  /* In scope: a hint within 2 s, with a cursor past alice's. */
  start = g_get_monotonic_time ();
  g_free (fn_test_create_note (office, alice_patient, "Office note", "For alice"));
  g_assert_true (fn_test_spin_until (has_changed, &watch, CHANGED_MS));
  g_test_message ("changed after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (watch.cursors->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watch.cursors, 0), !=, "");
  g_assert_cmpstr (g_ptr_array_index (watch.cursors, 0), !=, cursor);
  g_assert_true (fn_event_socket_get_connected (watch.socket));

  /* Stopping closes the socket and nothing more arrives. */
  fn_event_socket_stop (watch.socket);
  g_assert_false (fn_event_socket_get_connected (watch.socket));
  g_assert_cmpuint (watch.connected_notifies, ==, 2);
  g_free (fn_test_create_note (office, alice_patient, "Another", "For alice"));
  spin_for (500);
  g_assert_cmpuint (watch.cursors->len, ==, 1);

  watch_clear (&watch);
}

static int
server_port (FnTestServer *server)
{
  g_autoptr (GUri) uri = g_uri_parse (fn_test_server_get_url (server), G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return g_uri_get_port (uri);
}

static void
test_reconnect (FnTestFixture *fx,
                gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *patient = fn_test_create_patient (office, "Alice's", alice->user_id, NULL);
  g_autofree char *port = g_strdup_printf ("%d", server_port (fx->server));
  g_autofree char *url = g_strdup (fn_test_server_get_url (fx->server));
  Watch watch = { 0 };
  gint64 start;

  watch_init (&watch, url, alice->token);
  fn_event_socket_start (watch.socket);
  g_assert_true (fn_test_spin_until (is_connected, &watch, WAIT_MS));

  /* The server dies: the socket notices and keeps trying. */
  fn_test_server_kill (fx->server);
  g_assert_true (fn_test_spin_until (is_disconnected, &watch, CHANGED_MS));
  g_assert_true (fn_event_socket_get_running (watch.socket));

  /* Let one attempt fail against a closed port first. */
  spin_for (1200);
  g_assert_false (fn_event_socket_get_connected (watch.socket));

  /* Same database, same port: the session is still valid. */
  start = g_get_monotonic_time ();
  fn_test_server_start (fx->server, "--port", port, NULL);
  g_assert_cmpstr (fn_test_server_get_url (fx->server), ==, url);
  g_assert_true (fn_test_spin_until (is_connected, &watch, WAIT_MS));
  g_test_message ("reconnected %" G_GINT64_FORMAT " ms after the restart",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (watch.connected_notifies, ==, 3);

  g_free (fn_test_create_note (office, patient, "After the restart", "For alice"));
  g_assert_true (fn_test_spin_until (has_changed, &watch, CHANGED_MS));

  watch_clear (&watch);
}

/* A revoked session: the handshake is refused, and the socket keeps
 * backing off quietly until it is stopped (the engine stops it when its
 * own requests say "sign in again"). */
static void
test_refused (FnTestFixture *fx,
              gconstpointer  data)
{
  Watch watch = { 0 };

  watch_init (&watch, fn_test_server_get_url (fx->server), "not-a-token");
  fn_event_socket_start (watch.socket);
  g_assert_false (fn_test_spin_until (is_connected, &watch, 1500));
  g_assert_true (fn_event_socket_get_running (watch.socket));
  g_assert_cmpuint (watch.connected_notifies, ==, 0);

  watch_clear (&watch);
}

/* ---- messages the real server never sends ---- */

typedef struct
{
  SoupServer *server;
  char *url;
  char *authorization;
  SoupWebsocketConnection *connection;
} Fake;

static void
on_fake_events_cb (SoupServer              *server,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  Fake *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  g_free (fake->authorization);
  fake->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_set_object (&fake->connection, connection);
}

static gboolean
fake_has_connection (gpointer user_data)
{
  return ((Fake *)user_data)->connection != NULL;
}

static gboolean
fake_is_closed (gpointer user_data)
{
  Fake *fake = user_data;

  return !fake->connection ||
         soup_websocket_connection_get_state (fake->connection) == SOUP_WEBSOCKET_STATE_CLOSED;
}

static void
test_validation (void)
{
  static const char * const ignored[] = {
    "not json",
    "[\"changed\"]",
    "{\"type\": \"pong\", \"cursor\": \"x\"}",
    "{\"type\": \"changed\"}",
    "{\"type\": \"changed\", \"cursor\": 5}",
    "{\"type\": \"changed\", \"cursor\": \"\"}",
    "{\"type\": \"changed\", \"cursor\": null}",
    "{\"type\": 1, \"cursor\": \"x\"}",
    "{\"cursor\": \"x\"}",
  };
  Fake fake = { 0 };
  Watch watch = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSList) uris = NULL;
  GUri *uri;

  fake.server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (fake.server, "/api/v1/events", NULL, NULL,
                                     on_fake_events_cb, &fake, NULL);
  g_assert_true (soup_server_listen_local (fake.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake.server);
  uri = uris->data;
  fake.url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uri));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);

  watch_init (&watch, fake.url, "secret-token");
  fn_event_socket_start (watch.socket);
  g_assert_true (fn_test_spin_until (fake_has_connection, &fake, WAIT_MS));
  g_assert_true (fn_test_spin_until (is_connected, &watch, WAIT_MS));
  g_assert_cmpstr (fake.authorization, ==, "Bearer secret-token");

  for (gsize i = 0; i < G_N_ELEMENTS (ignored); i++)
    soup_websocket_connection_send_text (fake.connection, ignored[i]);
  soup_websocket_connection_send_binary (fake.connection, "{\"type\":\"changed\"}", 18);
  soup_websocket_connection_send_text (fake.connection,
                                       "{\"type\": \"changed\", \"cursor\": \"c-1\", \"x\": 1}");
  g_assert_true (fn_test_spin_until (has_changed, &watch, WAIT_MS));
  spin_for (200);
  g_assert_cmpuint (watch.cursors->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watch.cursors, 0), ==, "c-1");

  /* The server closes: the socket reconnects on its own after about 1 s. */
  soup_websocket_connection_close (fake.connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&fake.connection);
  g_assert_true (fn_test_spin_until (is_disconnected, &watch, WAIT_MS));
  g_assert_true (fn_test_spin_until (fake_has_connection, &fake, WAIT_MS));
  g_assert_true (fn_test_spin_until (is_connected, &watch, WAIT_MS));

  watch_clear (&watch);

  /* Let the server side finish its closing handshake before it goes. */
  g_assert_true (fn_test_spin_until (fake_is_closed, &fake, WAIT_MS));
  g_clear_object (&fake.connection);
  soup_server_disconnect (fake.server);
  g_clear_object (&fake.server);
  spin_for (50);
  g_free (fake.url);
  g_free (fake.authorization);
}

static void
test_addresses (void)
{
  static const struct
  {
    const char *url;
    int code; /* -1: accepted */
  } cases[] = {
    { "https://office.example.org", -1 },
    { "https://office.example.org/prefix/", -1 },
    { "http://127.0.0.1:8080", -1 },
    { "http://localhost:8080", -1 },
    { "http://[::1]:8080", -1 },
    { "http://office.example.org", FN_SYNC_ERROR_INSECURE },
    { "ftp://office.example.org", FN_SYNC_ERROR_REFUSED },
    { "office.example.org", FN_SYNC_ERROR_REFUSED },
    { "https://", FN_SYNC_ERROR_REFUSED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      FnEventSocket *socket = fn_event_socket_new (cases[i].url, "t", NULL, &error);

      g_test_message ("%s", cases[i].url);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (socket);
          g_assert_false (fn_event_socket_get_running (socket));
          g_assert_finalize_object (socket);
        }
      else
        {
          g_assert_error (error, FN_SYNC_ERROR, cases[i].code);
          g_assert_null (socket);
        }
    }

  /* A CA file that cannot be read is an error, not an empty trust list. */
  {
    g_autoptr (GError) error = NULL;
    FnEventSocket *socket = fn_event_socket_new ("https://office.example.org", "t",
                                                 "/nonexistent/ca.pem", &error);

    g_assert_nonnull (error);
    g_assert_null (socket);
  }
}

/* ---- the engine ---- */

typedef struct
{
  FnTestFixture server;
  char *dir;
  FnStore *store;
  FnTokenStore *tokens;
  FnSyncEngine *engine;
  guint runs;
} EngineFixture;

static void
engine_setup (EngineFixture *f,
              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fn_test_fixture_setup (&f->server, data);
  f->dir = g_dir_make_tmp ("fn-events-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = fn_store_new (f->dir, &error);
  g_assert_no_error (error);
  f->tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, f->dir);
}

static void
engine_teardown (EngineFixture *f,
                 gconstpointer  data)
{
  if (f->engine)
    {
      fn_sync_engine_shutdown (f->engine);
      spin_for (100);
      g_signal_handlers_disconnect_by_data (f->engine, f);
      g_assert_finalize_object (g_steal_pointer (&f->engine));
    }
  spin_for (50);
  g_assert_finalize_object (g_steal_pointer (&f->tokens));
  g_assert_finalize_object (g_steal_pointer (&f->store));
  fn_test_remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
  fn_test_fixture_teardown (&f->server, data);
}

static void
on_engine_state_cb (FnSyncEngine  *engine,
                    GParamSpec    *pspec,
                    EngineFixture *f)
{
  if (fn_sync_engine_get_state (engine) == FN_SYNC_ENGINE_SYNCING)
    f->runs++;
}

static gboolean
engine_is_idle (gpointer user_data)
{
  EngineFixture *f = user_data;

  return fn_sync_engine_get_state (f->engine) == FN_SYNC_ENGINE_IDLE;
}

static gboolean
engine_events_connected (gpointer user_data)
{
  EngineFixture *f = user_data;
  FnEventSocket *events = fn_sync_engine_get_event_socket (f->engine);

  return events && fn_event_socket_get_connected (events);
}

static gboolean
engine_has_no_events (gpointer user_data)
{
  EngineFixture *f = user_data;

  return !fn_sync_engine_get_event_socket (f->engine);
}

typedef struct
{
  EngineFixture *f;
  const char *note_id;
} NoteWait;

static gboolean
note_arrived (gpointer user_data)
{
  NoteWait *wait = user_data;
  g_autoptr (FnRecord) record = fn_store_get (wait->f->store, FN_ENTITY_NOTE, wait->note_id,
                                              NULL);

  return record != NULL;
}

/* An office edit reaches a signed-in laptop within 2 s, with no timer. */
static void
test_engine_pulls_on_changed (EngineFixture *f,
                              gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (&f->server, "office");
  FnTestClient *alice = fn_test_fixture_user (&f->server, "alice");
  g_autofree char *patient = fn_test_create_patient (office, "Alice's", alice->user_id, NULL);
  g_autofree char *password = fn_test_password_for ("alice");
  g_autofree char *note = NULL;
  g_autoptr (GError) error = NULL;
  NoteWait wait = { f, NULL };
  gint64 start;

  g_assert_true (fn_sync_sign_in (f->store, f->tokens,
                                  fn_test_server_get_url (f->server.server), "alice", password,
                                  NULL, NULL, &error));
  g_assert_no_error (error);

  f->engine = fn_sync_engine_new (f->store, f->tokens);
  fn_sync_engine_set_interval (f->engine, 0);
  g_signal_connect (f->engine, "notify::state", G_CALLBACK (on_engine_state_cb), f);
  g_assert_null (fn_sync_engine_get_event_socket (f->engine));

  fn_sync_engine_start (f->engine);
  g_assert_true (fn_test_spin_until (engine_is_idle, f, WAIT_MS));
  g_assert_true (fn_test_spin_until (engine_events_connected, f, WAIT_MS));
  g_assert_cmpuint (f->runs, ==, 1);

  start = g_get_monotonic_time ();
  note = fn_test_create_note (office, patient, "Office note", "For alice");
  wait.note_id = note;
  g_assert_true (fn_test_spin_until (note_arrived, &wait, CHANGED_MS));
  g_test_message ("pulled %" G_GINT64_FORMAT " ms after the office's push",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_true (fn_test_spin_until (engine_is_idle, f, WAIT_MS));
  g_assert_cmpuint (f->runs, ==, 2);

  /* Going offline closes the socket; coming back opens it again. */
  fn_sync_engine_set_online (f->engine, FALSE);
  g_assert_true (fn_test_spin_until (engine_has_no_events, f, WAIT_MS));
  fn_sync_engine_set_online (f->engine, TRUE);
  g_assert_true (fn_test_spin_until (engine_events_connected, f, WAIT_MS));
  g_assert_true (fn_test_spin_until (engine_is_idle, f, WAIT_MS));

  /* Signing out ends it at the next run. */
  g_assert_true (fn_sync_sign_out (f->store, f->tokens, NULL, &error));
  g_assert_no_error (error);
  fn_sync_engine_sync_now (f->engine);
  g_assert_true (fn_test_spin_until (engine_has_no_events, f, WAIT_MS));
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_SIGNED_OUT);
}

/* A server whose token has been revoked: auth-required, and no socket. */
static void
test_engine_auth_required (EngineFixture *f,
                           gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (&f->server, "alice");
  g_autofree char *password = fn_test_password_for ("alice");
  g_autofree char *token = NULL;
  g_autoptr (GError) error = NULL;
  const char *url = fn_test_server_get_url (f->server.server);

  g_assert_true (fn_sync_sign_in (f->store, f->tokens, url, "alice", password, NULL, NULL,
                                  &error));
  g_assert_no_error (error);

  f->engine = fn_sync_engine_new (f->store, f->tokens);
  fn_sync_engine_set_interval (f->engine, 0);
  fn_sync_engine_start (f->engine);
  g_assert_true (fn_test_spin_until (engine_events_connected, f, WAIT_MS));

  /* Replace the laptop's token with one the server does not know. */
  g_assert_true (fn_token_store_save (f->tokens, url, "alice", alice->token, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr (FnTestResponse) response = fn_test_client_request (alice, "DELETE",
                                                                  "/api/v1/session", NULL);

    g_assert_cmpuint (response->status / 100, ==, 2);
  }

  fn_sync_engine_sync_now (f->engine);
  g_assert_true (fn_test_spin_until (engine_has_no_events, f, WAIT_MS));
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_AUTH_REQUIRED);
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

  g_test_add_func ("/events/addresses", test_addresses);
  g_test_add_func ("/events/validation", test_validation);
  g_test_add ("/events/server/changed", FnTestFixture, NULL, fn_test_fixture_setup,
              test_changed, fn_test_fixture_teardown);
  g_test_add ("/events/server/reconnect", FnTestFixture, NULL, fn_test_fixture_setup,
              test_reconnect, fn_test_fixture_teardown);
  g_test_add ("/events/server/refused", FnTestFixture, NULL, fn_test_fixture_setup,
              test_refused, fn_test_fixture_teardown);
  g_test_add ("/events/engine/pulls-on-changed", EngineFixture, NULL, engine_setup,
              test_engine_pulls_on_changed, engine_teardown);
  g_test_add ("/events/engine/auth-required", EngineFixture, NULL, engine_setup,
              test_engine_auth_required, engine_teardown);

  return fn_test_run ();
}
