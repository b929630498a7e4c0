/* test-server-input.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-test-server.h"

#include "fn-fields.h"

#include <string.h>

/* Bad input: each gets its status and changes nothing, which every test
 * checks by pulling everything before and after. */

#define VALID_SHA "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

static FnTestResponse *
post_changes (FnTestClient *client,
              const char   *body,
              gssize        length)
{
  return fn_test_request (client->server, client->token, "POST", "/api/v1/changes",
                          "application/json", body, length);
}

/* An op the server must refuse: either the whole request with 400 or 422, or
 * that op alone, rejected with 400 or 422. */
static void
assert_op_refused (FnTestResponse *response)
{
  JsonObject *object;
  JsonArray *results;
  JsonObject *result;
  guint status;

  if (response->status != 200)
    {
      g_assert_true (response->status == 400 || response->status == 422);
      fn_test_assert_problem (response, response->status);
      return;
    }

  object = fn_test_response_object (response);
  results = json_object_get_array_member (object, "results");
  g_assert_nonnull (results);
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  result = json_array_get_object_element (results, 0);
  g_assert_cmpstr (fn_test_result_status (result), ==, "rejected");
  status = json_object_get_int_member (json_object_get_object_member (result, "error"), "status");
  g_assert_true (status == 400 || status == 422);
  fn_test_assert_rejected (result, status);
}

static char *
op_json (FnTestClient *client,
         const char   *op_body)
{
  g_autofree char *op_id = fn_uuid_new ();

  return g_strdup_printf ("{\"device_id\": \"%s\", \"ops\": [{\"op_id\": \"%s\", %s}]}",
                          client->device_id, op_id, op_body);
}

static void
test_malformed_json (FnTestFixture *fx,
                     gconstpointer  data)
{
  static const char * const bodies[] = {
    "",
    "{",
    "{\"device_id\": \"x\", \"ops\": [",
    "{\"device_id\": \"x\", \"ops\": [}",
    "{\"device_id\": \"x\", \"ops\": []} trailing",
    "{'device_id': 'x', 'ops': []}",
    "{\"device_id\": \"x\", \"ops\": [],}",
    "nul",
  };
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *before = fn_test_client_snapshot (office);
  g_autofree char *after = NULL;
  g_autofree char *patient_id = fn_uuid_new ();
  g_autofree char *truncated = NULL;
  g_autofree char *with_nul = NULL;
  gsize with_nul_length;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (FnTestResponse) response = post_changes (office, bodies[i], -1);

      g_test_message ("body: %s", bodies[i]);
      fn_test_assert_problem (response, 400);
    }

  /* A valid op with the request cut short, and with a NUL inside. */
  truncated = op_json (office, "\"entity\": \"patient\", \"id\": \"PATIENT\", \"base_version\": 0, "
                               "\"deleted\": false, \"fields\": {\"family_name\": \"Cut\"}, "
                               "\"clock\": {\"family_name\": \"1764240000000-0000-abcdef\"}");
  {
    g_autofree char *with_id = NULL;
    g_auto (GStrv) parts = g_strsplit (truncated, "PATIENT", 2);
    g_autoptr (FnTestResponse) response = NULL;
    g_autoptr (FnTestResponse) nul_response = NULL;

    with_id = g_strjoin (patient_id, parts[0], parts[1], NULL);
    response = post_changes (office, with_id, strlen (with_id) - 3);
    fn_test_assert_problem (response, 400);

    with_nul_length = strlen (with_id);
    with_nul = g_strdup (with_id);
    with_nul[with_nul_length - 2] = '\0';
    nul_response = post_changes (office, with_nul, with_nul_length);
    fn_test_assert_problem (nul_response, 400);
  }

  after = fn_test_client_snapshot (office);
  g_assert_cmpstr (after, ==, before);
}

static void
test_wrong_types (FnTestFixture *fx,
                  gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_test_create_patient (office, "Typed", NULL);
  g_autofree char *before = fn_test_client_snapshot (office);
  g_autofree char *after = NULL;
  static const char * const requests[] = {
    "[]",
    "\"ops\"",
    "42",
    "{\"device_id\": \"DEVICE\"}",
    "{\"device_id\": \"DEVICE\", \"ops\": {}}",
    "{\"device_id\": \"DEVICE\", \"ops\": \"none\"}",
    "{\"device_id\": \"DEVICE\", \"ops\": null}",
    "{\"device_id\": 17, \"ops\": []}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr (GString) body = g_string_new (requests[i]);
      g_autoptr (FnTestResponse) response = NULL;

      g_string_replace (body, "DEVICE", office->device_id, 0);
      g_test_message ("body: %s", body->str);
      response = post_changes (office, body->str, body->len);
      g_assert_true (response->status == 400 || response->status == 422);
      fn_test_assert_problem (response, response->status);
    }

  /* Ops whose members have the wrong types, each alone in a push. */
  {
    const char *ops[] = {
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": \"one\", \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1.5, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": -1, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": \"yes\", "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": [\"phone\"], \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": 5551234}, \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": {\"number\": \"1\"}}, \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"assigned_to\": \"everyone\"}, \"clock\": {\"assigned_to\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"assigned_to\": [1, 2]}, \"clock\": {\"assigned_to\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": 1764240000000}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": \"yesterday\"}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {}",
      "\"entity\": \"patient\", \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}",
      "\"entity\": 3, \"id\": \"ID\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": 12345, \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": \"HLC\"}",
      "\"entity\": \"patient\", \"id\": \"not-a-uuid\", \"base_version\": 1, \"deleted\": false, "
      "\"fields\": {\"phone\": \"1\"}, \"clock\": {\"phone\": \"HLC\"}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
      {
        g_autofree char *hlc = fn_test_client_tick (office);
        g_autofree char *quoted = g_strdup_printf ("\"%s\"", patient_id);
        g_autoptr (GString) op = g_string_new (ops[i]);
        g_autofree char *body = NULL;
        g_autoptr (FnTestResponse) response = NULL;

        g_string_replace (op, "\"ID\"", quoted, 0);
        g_string_replace (op, "HLC", hlc, 0);
        body = op_json (office, op->str);
        g_test_message ("op: %s", op->str);
        response = post_changes (office, body, -1);
        assert_op_refused (response);
      }
  }

  /* An op that is not an object. */
  {
    g_autofree char *body = g_strdup_printf ("{\"device_id\": \"%s\", \"ops\": [\"patient\"]}",
                                             office->device_id);
    g_autoptr (FnTestResponse) response = post_changes (office, body, -1);

    assert_op_refused (response);
  }

  after = fn_test_client_snapshot (office);
  g_assert_cmpstr (after, ==, before);
}

static void
test_unknown_entity_and_field (FnTestFixture *fx,
                               gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *patient_id = fn_test_create_patient (office, "Known", alice->user_id, NULL);
  g_autofree char *note_id = fn_test_create_note (alice, patient_id, "Known", "Known");
  g_autofree char *before = fn_test_client_snapshot (office);
  g_autofree char *after = NULL;
  g_autofree char *new_id = fn_uuid_new ();
  g_autofree char *conflict_id = fn_uuid_new ();
  JsonObject *ops[5];

  ops[0] = fn_test_op_new (office, "invoice", new_id, 0,
                           "amount", fn_test_str ("100"), NULL);
  ops[1] = fn_test_op_new (office, "patient", patient_id, 1,
                           "ssn", fn_test_str ("123-45-6789"), NULL);
  ops[2] = fn_test_op_new (office, "note", new_id, 0,
                           "patient_id", fn_test_str (patient_id),
                           "kind", fn_test_str ("party"),
                           "visit_at", fn_test_str ("2026-11-27T10:00:00Z"),
                           "status", fn_test_str ("draft"),
                           NULL);
  /* Conflict records are the server's to create. */
  ops[3] = fn_test_op_new (alice, "conflict", conflict_id, 0,
                           "record_entity", fn_test_str ("note"),
                           "record_id", fn_test_str (note_id),
                           "field", fn_test_str ("title"),
                           "losing_value", fn_test_str ("x"),
                           "winning_value", fn_test_str ("y"),
                           NULL);
  /* A note without its required fields. */
  ops[4] = fn_test_op_new (alice, "note", new_id, 0,
                           "title", fn_test_str ("No patient, no kind"), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      FnTestClient *client = i >= 3 ? alice : office;
      g_autoptr (JsonObject) result = fn_test_client_push_op (client, ops[i]);
      guint status;

      g_test_message ("op %u", i);
      g_assert_cmpstr (fn_test_result_status (result), ==, "rejected");
      status = json_object_get_int_member (json_object_get_object_member (result, "error"), "status");
      g_assert_true (status == 422 || status == 400 || (i == 3 && status == 403));
      fn_test_assert_rejected (result, status);
    }

  after = fn_test_client_snapshot (office);
  g_assert_cmpstr (after, ==, before);
}

static void
test_invalid_values (FnTestFixture *fx,
                     gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_test_create_patient (office, "Valid", NULL);
  g_autoptr (JsonObject) patient = fn_test_client_get_record (office, "patient", patient_id);
  g_autofree char *before = fn_test_client_snapshot (office);
  g_autofree char *after = NULL;
  g_autofree char *note_id = fn_uuid_new ();
  g_autofree char *orphan_id = fn_uuid_new ();
  g_autofree char *missing_patient = fn_uuid_new ();
  gint64 version = fn_test_record_version (patient);
  JsonObject *ops[7];

  ops[0] = fn_test_op_new (office, "patient", patient_id, version,
                           "birth_date", fn_test_str ("1950-02-30"), NULL);
  ops[1] = fn_test_op_new (office, "patient", patient_id, version,
                           "birth_date", fn_test_str ("07/03/1941"), NULL);
  ops[2] = fn_test_op_new (office, "patient", patient_id, version,
                           "family_name", fn_test_str (""), NULL);
  ops[3] = fn_test_op_new (office, "note", note_id, 0,
                           "patient_id", fn_test_str (patient_id),
                           "kind", fn_test_str ("visit"),
                           "visit_at", fn_test_str ("2026-11-27 10:00"),
                           "status", fn_test_str ("draft"),
                           NULL);
  ops[4] = fn_test_op_new (office, "note", note_id, 0,
                           "patient_id", fn_test_str (patient_id),
                           "kind", fn_test_str ("visit"),
                           "visit_at", fn_test_str ("2026-11-27T10:00:00Z"),
                           "status", fn_test_str ("published"),
                           NULL);
  ops[5] = fn_test_op_new (office, "patient", patient_id, version,
                           "given_name", fn_test_str ("Line one\nLine two"), NULL);
  ops[6] = fn_test_op_new (office, "note", orphan_id, 0,
                           "patient_id", fn_test_str (missing_patient),
                           "kind", fn_test_str ("visit"),
                           "visit_at", fn_test_str ("2026-11-27T10:00:00Z"),
                           "status", fn_test_str ("draft"),
                           NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr (JsonObject) result = fn_test_client_push_op (office, ops[i]);
      guint status;

      g_test_message ("op %u", i);
      g_assert_cmpstr (fn_test_result_status (result), ==, "rejected");
      status = json_object_get_int_member (json_object_get_object_member (result, "error"), "status");
      /* A note on a patient that does not exist may also be a 404. */
      g_assert_true (status == 422 || (i == 6 && status == 404));
      fn_test_assert_rejected (result, status);
    }

  after = fn_test_client_snapshot (office);
  g_assert_cmpstr (after, ==, before);
}

static void
test_oversize_fields (FnTestFixture *fx,
                      gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *patient_id = fn_test_create_patient (office, "Sizes", alice->user_id, NULL);
  g_autofree char *note_id = fn_test_create_note (alice, patient_id, "Sizes", "Short");
  g_autoptr (JsonObject) note = fn_test_client_get_record (alice, "note", note_id);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *big_body = g_strnfill (FN_BODY_MAX_BYTES + 1, 'b');
  g_autofree char *long_title = g_strnfill (FN_STRING_MAX_BYTES + 1, 't');
  g_autoptr (GString) wide_title = g_string_new (NULL);
  gint64 version = fn_test_record_version (note);
  JsonObject *ops[3];

  /* 342 euro signs: 342 characters, but 1026 bytes. */
  for (guint i = 0; i < 342; i++)
    g_string_append (wide_title, "\xe2\x82\xac");

  before = fn_test_client_snapshot (office);
  ops[0] = fn_test_op_new (alice, "note", note_id, version, "body", fn_test_str (big_body), NULL);
  ops[1] = fn_test_op_new (alice, "note", note_id, version, "title", fn_test_str (long_title), NULL);
  ops[2] = fn_test_op_new (alice, "note", note_id, version, "title", fn_test_str (wide_title->str), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr (JsonObject) result = fn_test_client_push_op (alice, ops[i]);
      guint status;

      g_test_message ("op %u", i);
      g_assert_cmpstr (fn_test_result_status (result), ==, "rejected");
      status = json_object_get_int_member (json_object_get_object_member (result, "error"), "status");
      g_assert_true (status == 413 || status == 422);
      fn_test_assert_rejected (result, status);
    }

  after = fn_test_client_snapshot (office);
  g_assert_cmpstr (after, ==, before);

  /* Exactly at the limits is fine. */
  {
    g_autofree char *max_body = g_strnfill (FN_BODY_MAX_BYTES, 'b');
    g_autofree char *max_title = g_strnfill (FN_STRING_MAX_BYTES, 't');
    g_autoptr (JsonObject) result = NULL;
    g_autoptr (JsonObject) stored = NULL;

    result = fn_test_client_push_op (alice, fn_test_op_new (alice, "note", note_id, version,
                                                            "body", fn_test_str (max_body),
                                                            "title", fn_test_str (max_title),
                                                            NULL));
    g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
    stored = fn_test_client_get_record (office, "note", note_id);
    g_assert_cmpstr (fn_test_record_field (stored, "body"), ==, max_body);
    g_assert_cmpstr (fn_test_record_field (stored, "title"), ==, max_title);
  }
}

static void
test_invalid_utf8 (FnTestFixture *fx,
                   gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_uuid_new ();
  g_autofree char *hlc = fn_test_client_tick (office);
  g_autofree char *before = fn_test_client_snapshot (office);
  g_autofree char *after = NULL;
  g_autofree char *op = NULL;
  g_autofree char *body = NULL;
  g_autoptr (FnTestResponse) response = NULL;
  g_autoptr (FnTestResponse) sign_in = NULL;

  /* Raw bytes that are not UTF-8 inside a JSON string. */
  op = g_strdup_printf ("\"entity\": \"patient\", \"id\": \"%s\", \"base_version\": 0, "
                        "\"deleted\": false, \"fields\": {\"family_name\": \"Bad \xff\xfe bytes\"}, "
                        "\"clock\": {\"family_name\": \"%s\"}",
                        patient_id, hlc);
  body = op_json (office, op);
  response = post_changes (office, body, -1);
  assert_op_refused (response);

  sign_in = fn_test_request (fx->server, NULL, "POST", "/api/v1/session", "application/json",
                             "{\"username\": \"ali\xc3\x28" "ce\", \"password\": \"x\", \"device_name\": \"d\"}",
                             -1);
  g_assert_true (sign_in->status == 400 || sign_in->status == 422 || sign_in->status == 401);
  fn_test_assert_problem (sign_in, sign_in->status);

  after = fn_test_client_snapshot (office);
  g_assert_cmpstr (after, ==, before);
}

static void
test_sql_strings_verbatim (FnTestFixture *fx,
                           gconstpointer  data)
{
  static const char * const values[] = {
    "Robert'); DROP TABLE records;--",
    "' OR '1'='1",
    "\"; DELETE FROM users; --",
    "%' UNION SELECT password_hash FROM users --",
    "\\' ; PRAGMA writable_schema=1; --",
  };
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *patient_id = fn_test_create_patient (office, values[0], alice->user_id, NULL);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (FnTestClient) again = NULL;
  g_autoptr (JsonObject) patient = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_ptr_array_add (notes, fn_test_create_note (alice, patient_id, values[i], values[i]));

  changes = fn_test_client_pull_all (alice, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (changes), ==, 1 + G_N_ELEMENTS (values));
  patient = fn_test_client_get_record (office, "patient", patient_id);
  g_assert_cmpstr (fn_test_record_field (patient, "family_name"), ==, values[0]);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      JsonObject *note = fn_test_find_change (changes, "note", g_ptr_array_index (notes, i));

      g_assert_nonnull (note);
      g_assert_cmpstr (fn_test_record_field (note, "title"), ==, values[i]);
      g_assert_cmpstr (fn_test_record_field (note, "body"), ==, values[i]);
    }

  /* Users, sessions and the rest of the store still work. */
  again = fn_test_client_new_device (alice, "after the strings");
  g_free (fn_test_create_note (again, patient_id, "Still fine", "Still fine"));

  /* And in a sign-in name. */
  {
    g_autoptr (FnTestResponse) response = NULL;

    response = fn_test_request (fx->server, NULL, "POST", "/api/v1/session", "application/json",
                                "{\"username\": \"alice' --\", \"password\": \"x' OR '1'='1\", "
                                "\"device_name\": \"d\"}",
                                -1);
    fn_test_assert_problem (response, 401);
  }
}

static void
test_blob_hash_mismatch (FnTestFixture *fx,
                         gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  const char *content = "these bytes do not hash to the name";
  g_autoptr (GBytes) bytes = g_bytes_new_static (content, strlen (content));
  g_autofree char *real_sha = fn_test_sha256_hex (bytes);
  g_autofree char *real_path = g_strdup_printf ("/api/v1/blobs/%s", real_sha);
  g_autoptr (FnTestResponse) put = NULL;
  g_autoptr (FnTestResponse) get_claimed = NULL;
  g_autoptr (FnTestResponse) get_real = NULL;

  put = fn_test_request (fx->server, alice->token, "PUT", "/api/v1/blobs/" VALID_SHA,
                         "application/octet-stream", content, -1);
  fn_test_assert_problem (put, 422);

  get_claimed = fn_test_request (fx->server, alice->token, "GET", "/api/v1/blobs/" VALID_SHA,
                                 NULL, NULL, 0);
  fn_test_assert_problem (get_claimed, 404);
  get_real = fn_test_request (fx->server, alice->token, "GET", real_path, NULL, NULL, 0);
  fn_test_assert_problem (get_real, 404);
}

static void
test_blob_name_tricks (FnTestFixture *fx,
                       gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  const char *content = "a blob";
  g_autoptr (GBytes) bytes = g_bytes_new_static (content, strlen (content));
  g_autofree char *sha = fn_test_sha256_hex (bytes);
  g_autofree char *upper = g_ascii_strup (sha, -1);
  g_autofree char *short_name = g_strndup (sha, 63);
  g_autofree char *long_name = g_strconcat (sha, "0", NULL);
  g_autofree char *non_hex = g_strdup (sha);
  g_autofree char *dotted = g_strconcat (sha, ".", NULL);
  g_autofree char *host = g_strdup (fn_test_server_get_url (fx->server) + strlen ("http://"));
  const char *names[10];
  g_autoptr (FnTestResponse) stored = NULL;

  non_hex[10] = 'g';
  names[0] = upper;
  names[1] = short_name;
  names[2] = long_name;
  names[3] = non_hex;
  names[4] = "%2e%2e";
  names[5] = "..%2f..%2f..%2fetc%2fpasswd";
  names[6] = "%2e%2e%2f%2e%2e%2ffield-notes.db";
  names[7] = dotted;
  names[8] = "abc";
  names[9] = "'%20OR%20'1'='1";

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/blobs/%s", names[i]);
      g_autoptr (FnTestResponse) put = NULL;
      g_autoptr (FnTestResponse) get = NULL;

      g_test_message ("blob name %s", names[i]);
      put = fn_test_request (fx->server, alice->token, "PUT", path,
                             "application/octet-stream", content, -1);
      g_assert_true (put->status == 400 || put->status == 404 || put->status == 422);
      fn_test_assert_problem (put, put->status);

      get = fn_test_request (fx->server, alice->token, "GET", path, NULL, NULL, 0);
      g_assert_true (get->status == 400 || get->status == 404);
      fn_test_assert_problem (get, get->status);
    }

  /* Nothing was stored under the real name either. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/blobs/%s", sha);

    stored = fn_test_request (fx->server, alice->token, "GET", path, NULL, NULL, 0);
    fn_test_assert_problem (stored, 404);
  }

  /* Dot segments as sent on the wire, which an HTTP client would resolve. */
  {
    static const char * const raw_paths[] = {
      "/api/v1/blobs/../../../../etc/passwd",
      "/api/v1/blobs/..",
      "/api/v1/blobs/./../blobs/..%2f..%2fetc%2fpasswd",
    };

    for (guint i = 0; i < G_N_ELEMENTS (raw_paths); i++)
      {
        g_autofree char *request = NULL;
        g_autofree char *raw = NULL;
        guint status = 0;

        request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: %s\r\n"
                                   "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
                                   raw_paths[i], host, alice->token);
        raw = fn_test_raw_request (fx->server, request, strlen (request), &status);
        g_test_message ("raw GET %s: %u", raw_paths[i], status);
        g_assert_true (status == 400 || status == 404);
        g_assert_null (strstr (raw, "root:"));
        g_assert_null (strstr (raw, "SQLite format"));
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, FnTestFixture, NULL, fn_test_fixture_setup, func, fn_test_fixture_teardown)

  ADD ("/server/input/malformed-json", test_malformed_json);
  ADD ("/server/input/wrong-types", test_wrong_types);
  ADD ("/server/input/unknown-entity-and-field", test_unknown_entity_and_field);
  ADD ("/server/input/invalid-values", test_invalid_values);
  ADD ("/server/input/oversize-fields", test_oversize_fields);
  ADD ("/server/input/invalid-utf8", test_invalid_utf8);
  ADD ("/server/input/sql-strings", test_sql_strings_verbatim);
  ADD ("/server/input/blob-hash-mismatch", test_blob_hash_mismatch);
  ADD ("/server/input/blob-name-tricks", test_blob_name_tricks);

#undef ADD

  return fn_test_run ();
}
