/* test-server-durability.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-test-server.h"

#include "fn-fields.h"

#include <string.h>

/* Idempotent pushes across dropped connections and restarts, and no lost
 * acknowledged write when the server is killed. */

static JsonObject *
edit_patient (FnTestClient *client,
              const char   *patient_id,
              gint64        base_version,
              const char   *phone)
{
  return fn_test_op_new (client, "patient", patient_id, base_version,
                         "phone", fn_test_str (phone), NULL);
}

static FnTestResponse *
push_fresh (FnTestClient *client,
            JsonObject   *op)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *ops = json_array_new ();
  g_autofree char *text = NULL;

  json_array_add_object_element (ops, json_object_ref (op));
  json_object_set_string_member (object, "device_id", client->device_id);
  json_object_set_array_member (object, "ops", ops);
  json_node_take_object (body, object);
  text = json_to_string (body, FALSE);

  return fn_test_request_fresh (client->server, client->token, "POST", "/api/v1/changes",
                                "application/json", text, -1);
}

static void
test_drop_then_retry (FnTestFixture *fx,
                      gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_test_create_patient (office, "Dropped", NULL);
  g_autoptr (JsonObject) warmup = NULL;
  g_autoptr (JsonObject) patient = NULL;
  g_autoptr (JsonObject) op = NULL;
  g_autoptr (JsonObject) retry = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (FnTestResponse) dropped = NULL;
  g_autoptr (JsonArray) since = NULL;
  g_autofree char *cursor = NULL;
  gint64 v0, v1, v2;

  /* How much one applied edit moves the version. */
  patient = fn_test_client_get_record (office, "patient", patient_id);
  v0 = fn_test_record_version (patient);
  warmup = fn_test_client_push_op (office, edit_patient (office, patient_id, v0, "+1 000"));
  g_assert_cmpstr (fn_test_result_status (warmup), ==, "applied");
  v1 = fn_test_record_version (fn_test_result_record (warmup));
  g_assert_cmpint (v1, >, v0);
  g_clear_pointer (&patient, json_object_unref);
  json_array_unref (fn_test_client_pull_all (office, NULL, &cursor));

  /* The server applies the push and cuts the connection. */
  fn_test_server_stop (fx->server);
  fn_test_server_start (fx->server, "--fault-drop-rate", "1", "--fault-seed", "3", NULL);
  op = edit_patient (office, patient_id, v1, "+1 111");
  dropped = push_fresh (office, op);
  g_test_message ("dropped push: status %u, error %s", dropped->status,
                  dropped->error ? dropped->error->message : "none");
  g_assert_true (dropped->error || dropped->status != 200 || !dropped->json);

  /* The retry, on a server without faults, is a duplicate. */
  fn_test_server_stop (fx->server);
  fn_test_server_start (fx->server, NULL);
  retry = fn_test_client_push_op (office, json_object_ref (op));
  g_assert_cmpstr (fn_test_result_status (retry), ==, "duplicate");
  g_assert_cmpstr (fn_test_record_field (fn_test_result_record (retry), "phone"), ==, "+1 111");
  again = fn_test_client_push_op (office, json_object_ref (op));
  g_assert_cmpstr (fn_test_result_status (again), ==, "duplicate");

  /* The record changed once. */
  patient = fn_test_client_get_record (office, "patient", patient_id);
  v2 = fn_test_record_version (patient);
  g_assert_cmpstr (fn_test_record_field (patient, "phone"), ==, "+1 111");
  g_assert_cmpint (v2, ==, v1 + (v1 - v0));
  g_assert_cmpint (fn_test_record_version (fn_test_result_record (retry)), ==, v2);
  g_assert_cmpint (fn_test_record_version (fn_test_result_record (again)), ==, v2);

  since = fn_test_client_pull_all (office, cursor, NULL);
  g_assert_cmpuint (json_array_get_length (since), ==, 1);
}

static void
test_drop_batch (FnTestFixture *fx,
                 gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autoptr (JsonArray) ops = json_array_new ();
  g_autoptr (JsonArray) results = NULL;
  g_autoptr (FnTestResponse) dropped = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  JsonObject *object = json_object_new ();

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = fn_uuid_new ();
      g_autofree char *name = g_strdup_printf ("Batch %u", i);

      json_array_add_object_element (ops, fn_test_op_new (office, "patient", id, 0,
                                                          "family_name", fn_test_str (name),
                                                          NULL));
    }
  json_object_set_string_member (object, "device_id", office->device_id);
  json_object_set_array_member (object, "ops", json_array_ref (ops));
  json_node_take_object (body, object);
  text = json_to_string (body, FALSE);

  fn_test_server_stop (fx->server);
  fn_test_server_start (fx->server, "--fault-drop-rate", "1", NULL);
  dropped = fn_test_request_fresh (fx->server, office->token, "POST", "/api/v1/changes",
                                   "application/json", text, -1);
  g_assert_true (dropped->error || dropped->status != 200 || !dropped->json);

  fn_test_server_stop (fx->server);
  fn_test_server_start (fx->server, NULL);
  results = fn_test_client_push_ops (office, json_array_ref (ops));
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, i)), ==, "duplicate");

  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (changes), ==, 5);
}

static void
test_drop_blob (FnTestFixture *fx,
                gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree guint8 *bytes = g_malloc (100 * 1024);
  g_autoptr (GBytes) blob = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *path = NULL;
  g_autoptr (FnTestResponse) dropped = NULL;
  g_autoptr (FnTestResponse) retry = NULL;
  g_autoptr (FnTestResponse) get = NULL;

  for (guint i = 0; i < 100 * 1024; i++)
    bytes[i] = (guint8)g_random_int ();
  blob = g_bytes_new (bytes, 100 * 1024);
  sha = fn_test_sha256_hex (blob);
  path = g_strdup_printf ("/api/v1/blobs/%s", sha);

  fn_test_server_stop (fx->server);
  fn_test_server_start (fx->server, "--fault-drop-rate", "1", NULL);
  dropped = fn_test_request_fresh (fx->server, alice->token, "PUT", path,
                                   "application/octet-stream", bytes, 100 * 1024);
  g_assert_true (dropped->error || (dropped->status != 200 && dropped->status != 201));

  /* The retry is a no-op on the stored bytes, which are whole. */
  fn_test_server_stop (fx->server);
  fn_test_server_start (fx->server, NULL);
  retry = fn_test_request (fx->server, alice->token, "PUT", path,
                           "application/octet-stream", bytes, 100 * 1024);
  g_assert_cmpuint (retry->status, ==, 200);
  get = fn_test_request (fx->server, alice->token, "GET", path, NULL, NULL, 0);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_true (g_bytes_equal (get->body, blob));
}

static void
test_duplicate_after_restart (FnTestFixture *fx,
                              gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_test_create_patient (office, "Restart", NULL);
  g_autoptr (JsonObject) patient = fn_test_client_get_record (office, "patient", patient_id);
  g_autoptr (JsonObject) op = edit_patient (office, patient_id, fn_test_record_version (patient), "+2 222");
  g_autoptr (JsonObject) killed_op = NULL;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) third = NULL;
  g_autoptr (JsonObject) fourth = NULL;
  gint64 version;

  first = fn_test_client_push_op (office, json_object_ref (op));
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");
  version = fn_test_record_version (fn_test_result_record (first));

  /* A clean restart keeps the op's id. */
  fn_test_server_stop (fx->server);
  fn_test_server_start (fx->server, NULL);
  second = fn_test_client_push_op (office, json_object_ref (op));
  g_assert_cmpstr (fn_test_result_status (second), ==, "duplicate");
  g_assert_cmpint (fn_test_record_version (fn_test_result_record (second)), ==, version);

  /* So does a kill right after the answer. */
  killed_op = edit_patient (office, patient_id, version, "+3 333");
  third = fn_test_client_push_op (office, json_object_ref (killed_op));
  g_assert_cmpstr (fn_test_result_status (third), ==, "applied");
  version = fn_test_record_version (fn_test_result_record (third));
  fn_test_server_kill (fx->server);
  fn_test_server_start (fx->server, NULL);
  fourth = fn_test_client_push_op (office, json_object_ref (killed_op));
  g_assert_cmpstr (fn_test_result_status (fourth), ==, "duplicate");
  g_assert_cmpint (fn_test_record_version (fn_test_result_record (fourth)), ==, version);
  g_assert_cmpstr (fn_test_record_field (fn_test_result_record (fourth), "phone"), ==, "+3 333");
}

static void
test_op_id_is_per_device (FnTestFixture *fx,
                          gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autoptr (FnTestClient) desk = fn_test_client_new_device (office, "second desk");
  g_autofree char *patient_id = fn_test_create_patient (office, "Per device", NULL);
  g_autoptr (JsonObject) patient = fn_test_client_get_record (office, "patient", patient_id);
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) after = NULL;
  JsonObject *op;
  JsonObject *other;

  op = edit_patient (office, patient_id, fn_test_record_version (patient), "+4 444");
  other = edit_patient (desk, patient_id, fn_test_record_version (patient), "+5 555");
  json_object_set_string_member (other, "op_id", json_object_get_string_member (op, "op_id"));

  first = fn_test_client_push_op (office, op);
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");

  /* The same op id from another device is another op. */
  second = fn_test_client_push_op (desk, other);
  g_assert_cmpstr (fn_test_result_status (second), !=, "duplicate");
  g_assert_cmpstr (fn_test_result_status (second), !=, "rejected");
  after = fn_test_client_get_record (office, "patient", patient_id);
  g_assert_cmpstr (fn_test_record_field (after, "phone"), ==, "+5 555");
}

static void
test_sigkill_keeps_acknowledged (FnTestFixture *fx,
                                 gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonArray) results = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (FnTestResponse) put = NULL;
  g_autoptr (FnTestResponse) get = NULL;
  g_autoptr (GBytes) blob = g_bytes_new_static ("signature strokes", 17);
  g_autofree char *sha = fn_test_sha256_hex (blob);
  g_autofree char *blob_path = g_strdup_printf ("/api/v1/blobs/%s", sha);
  g_autofree char *patient_id = fn_test_create_patient (office, "Killed", alice->user_id, NULL);
  g_autofree char *note_id = NULL;
  JsonArray *ops = json_array_new ();

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("Killed %u", i);
      char *id = fn_uuid_new ();

      g_ptr_array_add (ids, id);
      json_array_add_object_element (ops, fn_test_op_new (office, "patient", id, 0,
                                                          "family_name", fn_test_str (name),
                                                          NULL));
    }
  results = fn_test_client_push_ops (office, ops);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, i)), ==, "applied");

  put = fn_test_request (fx->server, alice->token, "PUT", blob_path,
                         "application/octet-stream", "signature strokes", 17);
  g_assert_true (put->status == 200 || put->status == 201);
  note_id = fn_test_create_note (alice, patient_id, "Last word", "Written just before the kill");

  /* No chance to close anything. */
  fn_test_server_kill (fx->server);
  fn_test_server_start (fx->server, NULL);

  /* Tokens, records and blobs are all still there. */
  changes = fn_test_client_pull_all (office, NULL, NULL);
  for (guint i = 0; i < ids->len; i++)
    g_assert_nonnull (fn_test_find_change (changes, "patient", g_ptr_array_index (ids, i)));
  g_assert_cmpstr (fn_test_record_field (fn_test_find_change (changes, "note", note_id), "body"), ==,
                   "Written just before the kill");

  get = fn_test_request (fx->server, alice->token, "GET", blob_path, NULL, NULL, 0);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_true (g_bytes_equal (get->body, blob));
}

static void
test_sigkill_under_writes (FnTestFixture *fx,
                           gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autoptr (GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonArray) changes = NULL;

  /* Every write answered 200 before the kill is there after it. */
  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < 10; i++)
        {
          g_autofree char *id = fn_uuid_new ();
          g_autoptr (JsonObject) result = NULL;

          result = fn_test_client_push_op (office, fn_test_op_new (office, "patient", id, 0,
                                                                   "family_name", fn_test_str ("Round"),
                                                                   NULL));
          g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
          g_ptr_array_add (acknowledged, g_steal_pointer (&id));
        }
      fn_test_server_kill (fx->server);
      fn_test_server_start (fx->server, NULL);
    }

  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (changes), ==, acknowledged->len);
  for (guint i = 0; i < acknowledged->len; i++)
    g_assert_nonnull (fn_test_find_change (changes, "patient", g_ptr_array_index (acknowledged, i)));
}

static void
test_sigterm_finishes_in_flight (FnTestFixture *fx,
                                 gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_uuid_new ();
  g_autofree char *uri = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *text = NULL;
  g_autofree char *response_text = NULL;
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", FN_TEST_TIMEOUT_S, NULL);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) request_body = NULL;
  g_autoptr (GBytes) response_body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonNode) parsed = NULL;
  g_autoptr (JsonObject) record = NULL;
  JsonObject *object = json_object_new ();
  JsonArray *ops = json_array_new ();
  JsonObject *first;

  /* Each answer to a push is held back for 800 ms. */
  fn_test_server_stop (fx->server);
  fn_test_server_start (fx->server, "--fault-latency-ms", "800", NULL);

  json_array_add_object_element (ops, fn_test_op_new (office, "patient", patient_id, 0,
                                                      "family_name", fn_test_str ("In flight"),
                                                      NULL));
  json_object_set_string_member (object, "device_id", office->device_id);
  json_object_set_array_member (object, "ops", ops);
  json_node_take_object (body, object);
  text = json_to_string (body, FALSE);
  request_body = g_bytes_new (text, strlen (text));

  uri = g_strconcat (fn_test_server_get_url (fx->server), "/api/v1/changes", NULL);
  msg = soup_message_new ("POST", uri);
  authorization = g_strdup_printf ("Bearer %s", office->token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  soup_message_set_request_body_from_bytes (msg, "application/json", request_body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, fn_test_store_result_cb, &result);

  /* SIGTERM while the answer is held back: the server still sends it. */
  g_assert_false (fn_test_spin_until (fn_test_pointer_is_set, &result, 300));
  g_assert_true (fn_test_server_stop (fx->server));
  g_assert_true (fn_test_spin_until (fn_test_pointer_is_set, &result, FN_TEST_TIMEOUT_S * 1000));
  response_body = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  response_text = g_strndup (g_bytes_get_data (response_body, NULL), g_bytes_get_size (response_body));
  parsed = fn_test_json_parse (response_text);
  first = json_array_get_object_element (json_object_get_array_member (json_node_get_object (parsed),
                                                                       "results"), 0);
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");

  fn_test_server_start (fx->server, NULL);
  record = fn_test_client_get_record (office, "patient", patient_id);
  g_assert_nonnull (record);
}

static gboolean
all_exited (gpointer user_data)
{
  GPtrArray *results = user_data;

  for (guint i = 0; i < results->len; i++)
    if (!g_ptr_array_index (results, i))
      return FALSE;

  return TRUE;
}

static void
wait_one_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GPtrArray *results = user_data;

  for (guint i = 0; i < results->len; i++)
    if (!g_ptr_array_index (results, i))
      {
        results->pdata[i] = g_object_ref (source);
        return;
      }
}

static void
test_admin_during_writes (FnTestFixture *fx,
                          gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  FnTestClient *bob = fn_test_fixture_user (fx, "bob");
  g_autofree char *patient_id = fn_test_create_patient (office, "Contended", alice->user_id, NULL);
  g_autoptr (GPtrArray) processes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) exited = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (JsonArray) bob_changes = NULL;
  g_autoptr (JsonObject) patient = NULL;
  JsonArray *assigned;
  gboolean bob_assigned = FALSE;
  JsonObject *bob_view;

  /* Administration commands write the same database while the server
   * takes pushes: neither side may fail on the other's locks. */
  for (guint i = 0; i < 8; i++)
    {
      const char *argv[] = {
        fn_test_server_binary (), "--db", fn_test_server_get_db_path (fx->server),
        i % 2 == 0 ? "assign" : "unassign", patient_id, "bob", NULL
      };
      g_autoptr (GError) error = NULL;
      GSubprocess *process;

      process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                         G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      g_ptr_array_add (processes, process);
      g_ptr_array_add (exited, NULL);
    }
  for (guint i = 0; i < processes->len; i++)
    g_subprocess_wait_async (g_ptr_array_index (processes, i), NULL, wait_one_cb, exited);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *title = g_strdup_printf ("Note %u", i);

      g_ptr_array_add (acknowledged, fn_test_create_note (alice, patient_id, title, "During admin"));
    }

  g_assert_true (fn_test_spin_until (all_exited, exited, FN_TEST_TIMEOUT_S * 1000));
  for (guint i = 0; i < processes->len; i++)
    {
      GSubprocess *process = g_ptr_array_index (processes, i);

      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
    }

  changes = fn_test_client_pull_all (office, NULL, NULL);
  for (guint i = 0; i < acknowledged->len; i++)
    g_assert_nonnull (fn_test_find_change (changes, "note", g_ptr_array_index (acknowledged, i)));

  /* Whatever order the commands ran in, bob's feed agrees with the record. */
  patient = fn_test_client_get_record (office, "patient", patient_id);
  assigned = json_object_get_array_member (json_object_get_object_member (patient, "fields"),
                                           "assigned_to");
  for (guint i = 0; i < json_array_get_length (assigned); i++)
    bob_assigned |= g_strcmp0 (json_array_get_string_element (assigned, i), bob->user_id) == 0;
  bob_changes = fn_test_client_pull_all (bob, NULL, NULL);
  bob_view = fn_test_find_change (bob_changes, "patient", patient_id);
  if (bob_assigned)
    {
      g_assert_nonnull (bob_view);
      g_assert_false (json_object_get_boolean_member_with_default (bob_view, "removed", FALSE));
      g_assert_cmpuint (fn_test_count_changes (bob_changes, "note"), ==, acknowledged->len);
    }
  else
    {
      g_assert_true (!bob_view || json_object_get_boolean_member_with_default (bob_view, "removed", FALSE));
      g_assert_cmpuint (fn_test_count_changes (bob_changes, "note"), ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, FnTestFixture, NULL, fn_test_fixture_setup, func, fn_test_fixture_teardown)

  ADD ("/server/idempotency/drop-then-retry", test_drop_then_retry);
  ADD ("/server/idempotency/drop-batch", test_drop_batch);
  ADD ("/server/idempotency/drop-blob", test_drop_blob);
  ADD ("/server/idempotency/after-restart", test_duplicate_after_restart);
  ADD ("/server/idempotency/per-device", test_op_id_is_per_device);
  ADD ("/server/durability/sigkill", test_sigkill_keeps_acknowledged);
  ADD ("/server/durability/sigkill-rounds", test_sigkill_under_writes);
  ADD ("/server/durability/sigterm-finishes-in-flight", test_sigterm_finishes_in_flight);
  ADD ("/server/durability/admin-during-writes", test_admin_during_writes);

#undef ADD

  return fn_test_run ();
}
