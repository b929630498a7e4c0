/* test-server-events.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-test-server.h"

#include "fn-fields.h"

#include <string.h>

/* The WebSocket /events hint: "changed" for commits in the caller's scope,
 * nothing for the rest, and no socket without a valid token. */

/* How long a test waits to be sure that no message is coming. */
#define QUIET_MS 1500

typedef struct
{
  SoupSession             *session;
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
  GPtrArray               *messages;
} Events;

static void
events_free (Events *events)
{
  if (events->connection &&
      soup_websocket_connection_get_state (events->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (events->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&events->connection);
  g_clear_object (&events->session);
  g_clear_error (&events->error);
  g_ptr_array_unref (events->messages);
  g_free (events);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Events, events_free)

static void
on_message_cb (SoupWebsocketConnection *connection,
               int                      type,
               GBytes                  *message,
               gpointer                 user_data)
{
  Events *events = user_data;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_ptr_array_add (events->messages, g_strndup (data, size));
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Events *events = user_data;

  events->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                              &events->error);
  events->done = TRUE;
}

static gboolean
is_done (gpointer user_data)
{
  return ((Events *)user_data)->done;
}

static Events *
events_connect (FnTestServer *server,
                const char   *authorization)
{
  Events *events = g_new0 (Events, 1);
  g_autofree char *uri = g_strconcat (fn_test_server_get_url (server), "/api/v1/events", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);

  events->messages = g_ptr_array_new_with_free_func (g_free);
  events->session = soup_session_new_with_options ("timeout", FN_TEST_TIMEOUT_S, NULL);
  if (authorization)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Authorization", authorization);

  soup_session_websocket_connect_async (events->session, msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, NULL, connect_cb, events);
  g_assert_true (fn_test_spin_until (is_done, events, FN_TEST_TIMEOUT_S * 1000));

  if (events->connection)
    g_signal_connect (events->connection, "message", G_CALLBACK (on_message_cb), events);

  return events;
}

static Events *
events_connect_client (FnTestClient *client)
{
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", client->token);
  Events *events = events_connect (client->server, authorization);

  g_assert_no_error (events->error);
  g_assert_nonnull (events->connection);

  return events;
}

static gboolean
has_message (gpointer user_data)
{
  return ((Events *)user_data)->messages->len > 0;
}

/* Waits for the next message, which must be a "changed". */
static void
assert_changed (Events *events)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *object;

  g_assert_true (fn_test_spin_until (has_message, events, 5000));
  node = fn_test_json_parse (g_ptr_array_index (events->messages, 0));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "changed");
  g_assert_nonnull (json_object_get_string_member (object, "cursor"));
  g_ptr_array_remove_range (events->messages, 0, events->messages->len);
}

static void
assert_quiet (Events *events)
{
  if (fn_test_spin_until (has_message, events, QUIET_MS))
    g_test_message ("unexpected event: %s", (char *)g_ptr_array_index (events->messages, 0));
  g_assert_cmpuint (events->messages->len, ==, 0);
}

static void
test_changed_in_scope_only (FnTestFixture *fx,
                            gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  FnTestClient *bob = fn_test_fixture_user (fx, "bob");
  g_autofree char *alice_patient = fn_test_create_patient (office, "Alice's", alice->user_id, NULL);
  g_autofree char *bob_patient = fn_test_create_patient (office, "Bob's", bob->user_id, NULL);
  g_autofree char *bob_note = NULL;
  g_autofree char *office_note = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr (Events) events = NULL;
  g_autoptr (JsonArray) initial = NULL;

  initial = fn_test_client_pull_all (alice, NULL, &cursor);
  events = events_connect_client (alice);

  /* Out of scope: bob's note, and the office creating a patient for bob. */
  bob_note = fn_test_create_note (bob, bob_patient, "Bob's visit", "Private");
  g_free (fn_test_create_patient (office, "Another of bob's", bob->user_id, NULL));
  assert_quiet (events);

  /* In scope: the office writes a note on alice's patient. */
  office_note = fn_test_create_note (office, alice_patient, "Office note", "For alice");
  assert_changed (events);

  /* The hint leads to the change. */
  {
    g_autoptr (JsonArray) changes = fn_test_client_pull_all (alice, cursor, NULL);

    g_assert_cmpuint (json_array_get_length (changes), ==, 1);
    g_assert_nonnull (fn_test_find_change (changes, "note", office_note));
  }

  /* Bob's own writes to his patient still say nothing to alice. */
  {
    g_autoptr (JsonObject) result = NULL;

    result = fn_test_client_push_op (bob, fn_test_op_new (bob, "note", bob_note, 0,
                                                          "title", fn_test_str ("Edited"), NULL));
    g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
  }
  assert_quiet (events);
}

static void
test_changed_for_each_session (FnTestFixture *fx,
                               gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  FnTestClient *bob = fn_test_fixture_user (fx, "bob");
  g_autoptr (FnTestClient) phone = fn_test_client_new_device (alice, "alice's phone");
  g_autofree char *patient = fn_test_create_patient (office, "Shared", alice->user_id, bob->user_id, NULL);
  g_autofree char *note = NULL;
  g_autoptr (Events) laptop_events = NULL;
  g_autoptr (Events) phone_events = NULL;
  g_autoptr (Events) bob_events = NULL;
  g_autoptr (Events) office_events = NULL;

  laptop_events = events_connect_client (alice);
  phone_events = events_connect_client (phone);
  bob_events = events_connect_client (bob);
  office_events = events_connect_client (office);

  /* A patient shared by both caregivers: one commit tells every session. */
  note = fn_test_create_note (bob, patient, "Bob was here", "Shared patient");
  assert_changed (laptop_events);
  assert_changed (phone_events);
  assert_changed (office_events);
}

static void
test_changed_on_unassign (FnTestFixture *fx,
                          gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  FnTestClient *bob = fn_test_fixture_user (fx, "bob");
  g_autofree char *patient = fn_test_create_patient (office, "Moving", alice->user_id, NULL);
  g_autoptr (Events) events = NULL;
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (JsonObject) result = NULL;

  events = events_connect_client (alice);

  /* Losing a patient is a change in alice's scope. */
  record = fn_test_client_get_record (office, "patient", patient);
  result = fn_test_client_push_op (office,
                                   fn_test_op_new (office, "patient", patient,
                                                   fn_test_record_version (record),
                                                   "assigned_to", fn_test_ids (bob->user_id, NULL),
                                                   NULL));
  g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
  assert_changed (events);
}

static void
test_requires_token (FnTestFixture *fx,
                     gconstpointer  data)
{
  static const char * const authorizations[] = {
    NULL,
    "Bearer ",
    "Bearer not-a-token",
  };
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autoptr (FnTestResponse) revoke = NULL;
  g_autofree char *revoked = g_strdup_printf ("Bearer %s", alice->token);

  for (guint i = 0; i < G_N_ELEMENTS (authorizations); i++)
    {
      g_autoptr (Events) events = events_connect (fx->server, authorizations[i]);

      g_assert_null (events->connection);
      g_assert_nonnull (events->error);
    }

  /* A revoked token does not open a socket either. */
  revoke = fn_test_client_request (alice, "DELETE", "/api/v1/session", NULL);
  g_assert_true (revoke->status == 200 || revoke->status == 204);
  {
    g_autoptr (Events) events = events_connect (fx->server, revoked);

    g_assert_null (events->connection);
    g_assert_nonnull (events->error);
  }
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, FnTestFixture, NULL, fn_test_fixture_setup, func, fn_test_fixture_teardown)

  ADD ("/server/events/in-scope-only", test_changed_in_scope_only);
  ADD ("/server/events/every-session", test_changed_for_each_session);
  ADD ("/server/events/unassign", test_changed_on_unassign);
  ADD ("/server/events/requires-token", test_requires_token);

#undef ADD

  return fn_test_run ();
}
