/* test-server-scope.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-test-server.h"

#include "fn-fields.h"

#include <string.h>

/* Scope and roles: a caregiver reaches only the patients assigned to her,
 * through every endpoint; only the office creates patients and assigns
 * them; unassigning shows up in the feed; signatures are immutable. */

#define BOB_SECRET "Bob-Only-Patient-Name"

typedef struct
{
  char *alice_patient;
  char *bob_patient;
  char *alice_note;
  char *bob_note;
} World;

static void
world_clear (World *world)
{
  g_clear_pointer (&world->alice_patient, g_free);
  g_clear_pointer (&world->bob_patient, g_free);
  g_clear_pointer (&world->alice_note, g_free);
  g_clear_pointer (&world->bob_note, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (World, world_clear)

static void
make_world (FnTestFixture *fx,
            World         *world)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  FnTestClient *bob = fn_test_fixture_user (fx, "bob");

  world->alice_patient = fn_test_create_patient (office, "Alice-Patient", alice->user_id, NULL);
  world->bob_patient = fn_test_create_patient (office, BOB_SECRET, bob->user_id, NULL);
  world->alice_note = fn_test_create_note (alice, world->alice_patient, "Alice's visit", "Alice's text");
  world->bob_note = fn_test_create_note (bob, world->bob_patient, "Bob's visit", "Bob's private text");
}

static char *
result_to_string (JsonObject *result)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, result);
  return json_to_string (node, FALSE);
}

/* A rejection for scope must not tell the caller what the record holds. */
static void
assert_no_leak (JsonObject *result)
{
  g_autofree char *text = result_to_string (result);
  JsonNode *record = json_object_get_member (result, "record");

  g_assert_true (!record || JSON_NODE_HOLDS_NULL (record));
  g_assert_null (strstr (text, BOB_SECRET));
  g_assert_null (strstr (text, "Bob's private text"));
}

static char *
upload_blob (FnTestClient *client,
             const char   *content)
{
  g_autoptr (GBytes) bytes = g_bytes_new (content, strlen (content));
  g_autofree char *sha = fn_test_sha256_hex (bytes);
  g_autofree char *path = g_strdup_printf ("/api/v1/blobs/%s", sha);
  g_autoptr (FnTestResponse) response = NULL;

  response = fn_test_request (client->server, client->token, "PUT", path,
                              "application/octet-stream", content, -1);
  g_assert_true (response->status == 200 || response->status == 201);

  return g_steal_pointer (&sha);
}

static guint
get_blob_status (FnTestClient *client,
                 const char   *sha)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/blobs/%s", sha);
  g_autoptr (FnTestResponse) response = NULL;

  response = fn_test_request (client->server, client->token, "GET", path, NULL, NULL, 0);
  if (response->status != 200)
    fn_test_assert_problem (response, response->status);

  return response->status;
}

static JsonObject *
signature_op (FnTestClient *client,
              const char   *signature_id,
              const char   *note_id,
              const char   *strokes,
              const char   *image)
{
  return fn_test_op_new (client, "signature", signature_id, 0,
                         "note_id", fn_test_str (note_id),
                         "signer_name", fn_test_str ("Jean Dupont"),
                         "signer_role", fn_test_str ("relative"),
                         "captured_at", fn_test_str ("2026-11-27T11:02:00Z"),
                         "note_sha256", fn_test_str ("a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef"),
                         "strokes_blob", fn_test_str (strokes),
                         "image_blob", fn_test_str (image),
                         NULL);
}

static void
test_pull_scope (FnTestFixture *fx,
                 gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autoptr (JsonArray) alice_changes = NULL;
  g_autoptr (JsonArray) bob_changes = NULL;
  g_autoptr (JsonArray) office_changes = NULL;
  g_autofree char *alice_text = NULL;
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  make_world (fx, &world);

  alice_changes = fn_test_client_pull_all (fx->alice, NULL, NULL);
  g_assert_nonnull (fn_test_find_change (alice_changes, "patient", world.alice_patient));
  g_assert_nonnull (fn_test_find_change (alice_changes, "note", world.alice_note));
  g_assert_null (fn_test_find_change (alice_changes, "patient", world.bob_patient));
  g_assert_null (fn_test_find_change (alice_changes, "note", world.bob_note));
  g_assert_cmpuint (json_array_get_length (alice_changes), ==, 2);
  json_node_set_array (node, alice_changes);
  alice_text = json_to_string (node, FALSE);
  g_assert_null (strstr (alice_text, BOB_SECRET));

  bob_changes = fn_test_client_pull_all (fx->bob, NULL, NULL);
  g_assert_nonnull (fn_test_find_change (bob_changes, "patient", world.bob_patient));
  g_assert_nonnull (fn_test_find_change (bob_changes, "note", world.bob_note));
  g_assert_cmpuint (json_array_get_length (bob_changes), ==, 2);

  office_changes = fn_test_client_pull_all (fx->office, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (office_changes), ==, 4);

  /* Paging counts only what is in scope. */
  {
    g_autoptr (FnTestResponse) page = fn_test_client_request (fx->alice, "GET",
                                                              "/api/v1/changes?limit=1", NULL);
    JsonObject *object = fn_test_response_object (page);

    g_assert_cmpuint (page->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (object, "has_more"));
    g_assert_cmpint (json_object_get_int_member (object, "remaining"), ==, 1);
  }
}

static void
test_push_out_of_scope (FnTestFixture *fx,
                        gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autofree char *new_note = fn_uuid_new ();
  g_autofree char *new_signature = fn_uuid_new ();
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  JsonObject *ops[6];
  FnTestClient *alice;

  make_world (fx, &world);
  alice = fx->alice;
  before_text = fn_test_client_snapshot (fx->office);

  /* Edit bob's patient, edit and delete bob's note, write a note on bob's
   * patient, sign bob's note, and create a record under the id of bob's
   * note (as if it were new). */
  ops[0] = fn_test_op_new (alice, "patient", world.bob_patient, 1,
                           "care_plan", fn_test_str ("Changed by alice"), NULL);
  ops[1] = fn_test_op_new (alice, "note", world.bob_note, 1,
                           "title", fn_test_str ("Changed by alice"), NULL);
  ops[2] = fn_test_op_new_delete (alice, "note", world.bob_note, 1);
  ops[3] = fn_test_op_new (alice, "note", new_note, 0,
                           "patient_id", fn_test_str (world.bob_patient),
                           "kind", fn_test_str ("visit"),
                           "visit_at", fn_test_str ("2026-11-27T10:00:00Z"),
                           "title", fn_test_str ("Alice on bob's patient"),
                           "status", fn_test_str ("draft"),
                           NULL);
  ops[4] = signature_op (alice, new_signature, world.bob_note,
                         "1111111111111111111111111111111111111111111111111111111111111111",
                         "2222222222222222222222222222222222222222222222222222222222222222");
  ops[5] = fn_test_op_new (alice, "note", world.bob_note, 0,
                           "patient_id", fn_test_str (world.alice_patient),
                           "kind", fn_test_str ("visit"),
                           "visit_at", fn_test_str ("2026-11-27T10:00:00Z"),
                           "title", fn_test_str ("Taking over bob's note"),
                           "status", fn_test_str ("draft"),
                           NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr (JsonObject) result = fn_test_client_push_op (alice, ops[i]);

      g_test_message ("out-of-scope op %u", i);
      fn_test_assert_rejected (result, 403);
      assert_no_leak (result);
    }

  after_text = fn_test_client_snapshot (fx->office);
  g_assert_cmpstr (after_text, ==, before_text);
}

static void
test_move_note_out_of_scope (FnTestFixture *fx,
                             gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) note = NULL;
  g_autoptr (JsonArray) bob_changes = NULL;

  make_world (fx, &world);

  /* Moving her own note onto bob's patient would write into his scope. */
  result = fn_test_client_push_op (fx->alice,
                                   fn_test_op_new (fx->alice, "note", world.alice_note, 1,
                                                   "patient_id", fn_test_str (world.bob_patient),
                                                   NULL));
  g_assert_cmpstr (fn_test_result_status (result), ==, "rejected");

  note = fn_test_client_get_record (fx->office, "note", world.alice_note);
  g_assert_cmpstr (fn_test_record_field (note, "patient_id"), ==, world.alice_patient);
  bob_changes = fn_test_client_pull_all (fx->bob, NULL, NULL);
  g_assert_null (fn_test_find_change (bob_changes, "note", world.alice_note));
}

static void
test_caregiver_cannot_create_patient (FnTestFixture *fx,
                                      gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *patient_id = fn_uuid_new ();
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonArray) changes = NULL;

  result = fn_test_client_push_op (alice,
                                   fn_test_op_new (alice, "patient", patient_id, 0,
                                                   "family_name", fn_test_str ("Self-made"),
                                                   "assigned_to", fn_test_ids (alice->user_id, NULL),
                                                   NULL));
  fn_test_assert_rejected (result, 403);

  changes = fn_test_client_pull_all (fn_test_fixture_user (fx, "office"), NULL, NULL);
  g_assert_null (fn_test_find_change (changes, "patient", patient_id));
}

static void
test_caregiver_cannot_assign (FnTestFixture *fx,
                              gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autoptr (JsonObject) patient = NULL;
  g_autoptr (JsonObject) after = NULL;
  g_autoptr (JsonArray) bob_changes = NULL;
  gint64 version;
  JsonObject *ops[2];

  make_world (fx, &world);
  patient = fn_test_client_get_record (fx->alice, "patient", world.alice_patient);
  version = fn_test_record_version (patient);

  /* Adding bob, and clearing the list along with an allowed field. */
  ops[0] = fn_test_op_new (fx->alice, "patient", world.alice_patient, version,
                           "assigned_to", fn_test_ids (fx->alice->user_id, fx->bob->user_id, NULL),
                           NULL);
  ops[1] = fn_test_op_new (fx->alice, "patient", world.alice_patient, version,
                           "phone", fn_test_str ("+32 499 99 99 99"),
                           "assigned_to", fn_test_ids (NULL),
                           NULL);
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr (JsonObject) result = fn_test_client_push_op (fx->alice, ops[i]);

      fn_test_assert_rejected (result, 403);
    }

  after = fn_test_client_get_record (fx->office, "patient", world.alice_patient);
  g_assert_cmpint (fn_test_record_version (after), ==, version);
  g_assert_null (fn_test_record_field (after, "phone"));
  {
    JsonArray *assigned = json_object_get_array_member (json_object_get_object_member (after, "fields"),
                                                        "assigned_to");

    g_assert_cmpuint (json_array_get_length (assigned), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (assigned, 0), ==, fx->alice->user_id);
  }
  bob_changes = fn_test_client_pull_all (fx->bob, NULL, NULL);
  g_assert_null (fn_test_find_change (bob_changes, "patient", world.alice_patient));
}

static void
test_blob_scope (FnTestFixture *fx,
                 gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autofree char *bob_strokes = NULL;
  g_autofree char *bob_image = NULL;
  g_autofree char *alice_loose = NULL;
  g_autofree char *signature_id = fn_uuid_new ();
  g_autoptr (JsonObject) result = NULL;

  make_world (fx, &world);

  bob_strokes = upload_blob (fx->bob, "strokes of bob's patient's relative");
  bob_image = upload_blob (fx->bob, "image of bob's patient's relative");
  result = fn_test_client_push_op (fx->bob, signature_op (fx->bob, signature_id, world.bob_note,
                                                          bob_strokes, bob_image));
  g_assert_cmpstr (fn_test_result_status (result), ==, "applied");

  /* The uploader and the office read them; alice reads neither. */
  g_assert_cmpuint (get_blob_status (fx->bob, bob_strokes), ==, 200);
  g_assert_cmpuint (get_blob_status (fx->office, bob_image), ==, 200);
  g_assert_cmpuint (get_blob_status (fx->alice, bob_strokes), !=, 200);
  g_assert_cmpuint (get_blob_status (fx->alice, bob_image), !=, 200);
  g_assert_true (get_blob_status (fx->alice, bob_image) == 403 ||
                 get_blob_status (fx->alice, bob_image) == 404);

  /* A blob alice uploaded and no record references is hers alone. */
  alice_loose = upload_blob (fx->alice, "alice's unreferenced upload");
  g_assert_cmpuint (get_blob_status (fx->alice, alice_loose), ==, 200);
  g_assert_true (get_blob_status (fx->bob, alice_loose) == 403 ||
                 get_blob_status (fx->bob, alice_loose) == 404);
}

static void
test_blob_scope_follows_assignment (FnTestFixture *fx,
                                    gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autofree char *strokes = NULL;
  g_autofree char *image = NULL;
  g_autofree char *signature_id = fn_uuid_new ();
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) patient = NULL;

  make_world (fx, &world);

  strokes = upload_blob (fx->alice, "alice's strokes");
  image = upload_blob (fx->alice, "alice's image");
  result = fn_test_client_push_op (fx->alice, signature_op (fx->alice, signature_id, world.alice_note,
                                                            strokes, image));
  g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
  g_assert_cmpuint (get_blob_status (fx->bob, image), !=, 200);

  /* Once the patient is also bob's, the signature's blobs are in his scope. */
  patient = fn_test_client_get_record (fx->office, "patient", world.alice_patient);
  g_clear_pointer (&result, json_object_unref);
  result = fn_test_client_push_op (fx->office,
                                   fn_test_op_new (fx->office, "patient", world.alice_patient,
                                                   fn_test_record_version (patient),
                                                   "assigned_to", fn_test_ids (fx->alice->user_id,
                                                                               fx->bob->user_id, NULL),
                                                   NULL));
  g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
  g_assert_cmpuint (get_blob_status (fx->bob, image), ==, 200);
  g_assert_cmpuint (get_blob_status (fx->bob, strokes), ==, 200);
}

static void
assert_removed (JsonArray  *changes,
                const char *patient_id)
{
  JsonObject *change = fn_test_find_change (changes, "patient", patient_id);

  g_assert_nonnull (change);
  g_assert_true (json_object_get_boolean_member_with_default (change, "removed", FALSE));
}

static void
test_unassign_by_push (FnTestFixture *fx,
                       gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autofree char *cursor = NULL;
  g_autoptr (JsonArray) initial = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (JsonArray) bob_changes = NULL;
  g_autoptr (JsonObject) patient = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) rejected = NULL;

  make_world (fx, &world);
  initial = fn_test_client_pull_all (fx->alice, NULL, &cursor);
  g_assert_nonnull (fn_test_find_change (initial, "patient", world.alice_patient));

  /* The office hands alice's patient over to bob. */
  patient = fn_test_client_get_record (fx->office, "patient", world.alice_patient);
  result = fn_test_client_push_op (fx->office,
                                   fn_test_op_new (fx->office, "patient", world.alice_patient,
                                                   fn_test_record_version (patient),
                                                   "assigned_to", fn_test_ids (fx->bob->user_id, NULL),
                                                   NULL));
  g_assert_cmpstr (fn_test_result_status (result), ==, "applied");

  changes = fn_test_client_pull_all (fx->alice, cursor, NULL);
  assert_removed (changes, world.alice_patient);
  g_assert_null (fn_test_find_change (changes, "note", world.alice_note));

  /* Bob gains the patient and its notes, alice's included. */
  bob_changes = fn_test_client_pull_all (fx->bob, NULL, NULL);
  g_assert_nonnull (fn_test_find_change (bob_changes, "patient", world.alice_patient));
  g_assert_false (json_object_get_boolean_member_with_default (fn_test_find_change (bob_changes, "patient",
                                                                                    world.alice_patient),
                                                               "removed", FALSE));
  g_assert_nonnull (fn_test_find_change (bob_changes, "note", world.alice_note));

  /* Alice can no longer write there. */
  rejected = fn_test_client_push_op (fx->alice,
                                     fn_test_op_new (fx->alice, "note", world.alice_note, 0,
                                                     "body", fn_test_str ("Too late"), NULL));
  fn_test_assert_rejected (rejected, 403);

  /* Nor does an initial sync show it to her. */
  {
    g_autoptr (JsonArray) fresh = fn_test_client_pull_all (fx->alice, NULL, NULL);
    JsonObject *change = fn_test_find_change (fresh, "patient", world.alice_patient);

    g_assert_true (!change || json_object_get_boolean_member_with_default (change, "removed", FALSE));
    g_assert_null (fn_test_find_change (fresh, "note", world.alice_note));
  }
}

static void
test_assign_command (FnTestFixture *fx,
                     gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autofree char *cursor = NULL;
  g_autofree char *err = NULL;
  g_autofree char *unknown = fn_uuid_new ();
  g_autoptr (JsonArray) initial = NULL;
  g_autoptr (JsonArray) gained = NULL;
  g_autoptr (JsonArray) lost = NULL;
  g_autoptr (JsonArray) regained = NULL;
  int status;

  make_world (fx, &world);
  initial = fn_test_client_pull_all (fx->alice, NULL, &cursor);

  /* Assigning bob's patient to alice too, while the server runs. */
  status = fn_test_server_admin (fx->server, NULL, NULL, &err,
                                 "assign", world.bob_patient, "alice", NULL);
  g_assert_cmpint (status, ==, 0);
  gained = fn_test_client_pull_all (fx->alice, cursor, &cursor);
  g_assert_nonnull (fn_test_find_change (gained, "patient", world.bob_patient));
  g_assert_nonnull (fn_test_find_change (gained, "note", world.bob_note));

  /* And taking it away again. */
  g_clear_pointer (&err, g_free);
  status = fn_test_server_admin (fx->server, NULL, NULL, &err,
                                 "unassign", world.bob_patient, "alice", NULL);
  g_assert_cmpint (status, ==, 0);
  lost = fn_test_client_pull_all (fx->alice, cursor, &cursor);
  assert_removed (lost, world.bob_patient);

  /* Given back, the patient and its notes come again after the removal. */
  g_clear_pointer (&err, g_free);
  status = fn_test_server_admin (fx->server, NULL, NULL, &err,
                                 "assign", world.bob_patient, "alice", NULL);
  g_assert_cmpint (status, ==, 0);
  regained = fn_test_client_pull_all (fx->alice, cursor, NULL);
  g_assert_nonnull (fn_test_find_change (regained, "patient", world.bob_patient));
  g_assert_false (json_object_get_boolean_member_with_default (fn_test_find_change (regained, "patient",
                                                                                    world.bob_patient),
                                                               "removed", FALSE));
  g_assert_nonnull (fn_test_find_change (regained, "note", world.bob_note));

  /* Unknown patients and users are errors. */
  status = fn_test_server_admin (fx->server, NULL, NULL, NULL,
                                 "assign", unknown, "alice", NULL);
  g_assert_cmpint (status, !=, 0);
  status = fn_test_server_admin (fx->server, NULL, NULL, NULL,
                                 "assign", world.bob_patient, "mallory", NULL);
  g_assert_cmpint (status, !=, 0);
}

static void
test_signature_immutable (FnTestFixture *fx,
                          gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autofree char *strokes = NULL;
  g_autofree char *image = NULL;
  g_autofree char *signature_id = fn_uuid_new ();
  g_autoptr (JsonObject) created = NULL;
  g_autoptr (JsonObject) by_office = NULL;
  g_autoptr (JsonObject) deleted_by_alice = NULL;
  g_autoptr (JsonObject) deleted = NULL;
  g_autoptr (JsonObject) signature = NULL;
  gint64 version;

  make_world (fx, &world);
  strokes = upload_blob (fx->alice, "strokes");
  image = upload_blob (fx->alice, "image");
  created = fn_test_client_push_op (fx->alice, signature_op (fx->alice, signature_id, world.alice_note,
                                                             strokes, image));
  g_assert_cmpstr (fn_test_result_status (created), ==, "applied");
  version = fn_test_record_version (fn_test_result_record (created));

  /* No one changes a signature, not its author and not the office. */
  for (guint i = 0; i < 2; i++)
    {
      FnTestClient *client = i == 0 ? fx->alice : fx->office;
      g_autoptr (JsonObject) result = NULL;

      result = fn_test_client_push_op (client,
                                       fn_test_op_new (client, "signature", signature_id, version,
                                                       "signer_name", fn_test_str ("Someone Else"),
                                                       NULL));
      g_assert_cmpstr (fn_test_result_status (result), ==, "rejected");
      g_assert_nonnull (json_object_get_object_member (result, "error"));
    }
  by_office = fn_test_client_push_op (fx->office, signature_op (fx->office, signature_id, world.alice_note,
                                                                image, strokes));
  g_assert_cmpstr (fn_test_result_status (by_office), ==, "rejected");

  /* A caregiver cannot delete it either. */
  deleted_by_alice = fn_test_client_push_op (fx->alice,
                                             fn_test_op_new_delete (fx->alice, "signature",
                                                                    signature_id, version));
  fn_test_assert_rejected (deleted_by_alice, 403);

  signature = fn_test_client_get_record (fx->alice, "signature", signature_id);
  g_assert_cmpint (fn_test_record_version (signature), ==, version);
  g_assert_cmpstr (fn_test_record_field (signature, "signer_name"), ==, "Jean Dupont");
  g_assert_cmpstr (fn_test_record_field (signature, "strokes_blob"), ==, strokes);
  g_assert_false (json_object_get_boolean_member (signature, "deleted"));
  g_clear_pointer (&signature, json_object_unref);

  /* The office may delete it. */
  deleted = fn_test_client_push_op (fx->office,
                                    fn_test_op_new_delete (fx->office, "signature",
                                                           signature_id, version));
  g_assert_cmpstr (fn_test_result_status (deleted), ==, "applied");
  signature = fn_test_client_get_record (fx->alice, "signature", signature_id);
  g_assert_true (json_object_get_boolean_member (signature, "deleted"));
}

static void
test_device_of_another_user (FnTestFixture *fx,
                             gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *unknown_device = fn_uuid_new ();
  const char *devices[2];

  make_world (fx, &world);
  before = fn_test_client_snapshot (fx->office);

  /* Alice's token with bob's device id, or with a device no one has. */
  devices[0] = fx->bob->device_id;
  devices[1] = unknown_device;
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
      g_autoptr (FnTestResponse) response = NULL;
      JsonObject *object = json_object_new ();
      JsonArray *ops = json_array_new ();

      json_array_add_object_element (ops, fn_test_op_new (fx->alice, "note", world.alice_note, 0,
                                                          "body", fn_test_str ("Pushed as someone else"),
                                                          NULL));
      json_object_set_string_member (object, "device_id", devices[i]);
      json_object_set_array_member (object, "ops", ops);
      json_node_take_object (body, object);

      response = fn_test_client_request (fx->alice, "POST", "/api/v1/changes", body);
      if (i == 0)
        fn_test_assert_problem (response, 403);
      else
        {
          g_assert_true (response->status == 400 || response->status == 403 ||
                         response->status == 422);
          fn_test_assert_problem (response, response->status);
        }
    }

  after = fn_test_client_snapshot (fx->office);
  g_assert_cmpstr (after, ==, before);
}

static void
test_duplicate_after_unassign (FnTestFixture *fx,
                               gconstpointer  data)
{
  g_auto (World) world = { 0 };
  g_autoptr (JsonObject) op = NULL;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) retry = NULL;
  g_autoptr (JsonObject) bob_edit = NULL;
  g_autofree char *text = NULL;
  int status;

  make_world (fx, &world);
  op = fn_test_op_new (fx->alice, "note", world.alice_note, 0,
                       "body", fn_test_str ("Alice's last words here"), NULL);
  first = fn_test_client_push_op (fx->alice, json_object_ref (op));
  g_assert_cmpstr (fn_test_result_status (first), ==, "applied");

  /* The patient goes to bob, who writes in the note. */
  status = fn_test_server_admin (fx->server, NULL, NULL, NULL,
                                 "assign", world.alice_patient, "bob", NULL);
  g_assert_cmpint (status, ==, 0);
  status = fn_test_server_admin (fx->server, NULL, NULL, NULL,
                                 "unassign", world.alice_patient, "alice", NULL);
  g_assert_cmpint (status, ==, 0);
  bob_edit = fn_test_client_push_op (fx->bob, fn_test_op_new (fx->bob, "note", world.alice_note, 0,
                                                              "title", fn_test_str ("Bob's now"),
                                                              NULL));
  g_assert_cmpstr (fn_test_result_status (bob_edit), !=, "rejected");

  /* Alice's retry of her old op must not show her the note as it is now. */
  retry = fn_test_client_push_op (fx->alice, json_object_ref (op));
  text = result_to_string (retry);
  g_assert_null (strstr (text, "Bob's now"));
  g_assert_true (!json_object_get_member (retry, "record") ||
                 JSON_NODE_HOLDS_NULL (json_object_get_member (retry, "record")));
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, FnTestFixture, NULL, fn_test_fixture_setup, func, fn_test_fixture_teardown)

  ADD ("/server/scope/pull", test_pull_scope);
  ADD ("/server/scope/push-out-of-scope", test_push_out_of_scope);
  ADD ("/server/scope/move-note-out", test_move_note_out_of_scope);
  ADD ("/server/scope/blobs", test_blob_scope);
  ADD ("/server/scope/blobs-follow-assignment", test_blob_scope_follows_assignment);
  ADD ("/server/roles/caregiver-cannot-create-patient", test_caregiver_cannot_create_patient);
  ADD ("/server/roles/caregiver-cannot-assign", test_caregiver_cannot_assign);
  ADD ("/server/scope/unassign-by-push", test_unassign_by_push);
  ADD ("/server/scope/assign-command", test_assign_command);
  ADD ("/server/roles/signature-immutable", test_signature_immutable);
  ADD ("/server/scope/device-of-another-user", test_device_of_another_user);
  ADD ("/server/scope/duplicate-after-unassign", test_duplicate_after_unassign);

#undef ADD

  return fn_test_run ();
}
