/* test-server-api.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-test-server.h"

#include "fn-fields.h"

#include <glib/gstdio.h>
#include <string.h>

/* Every endpoint's success path, sign-in and tokens, paging, the contract's
 * status codes that are not about bad record input, and faults. */

static const char * const token_ttl_args[] = { "--token-ttl", "3", NULL };
static const char * const latency_args[] = { "--fault-latency-ms", "400", NULL };

static JsonNode *
sign_in_body (const char *username,
              const char *password)
{
  return fn_test_sign_in_body (username, password, "test device");
}

static FnTestResponse *
pull (FnTestClient *client,
      const char   *query)
{
  g_autofree char *path = g_strconcat ("/api/v1/changes", query, NULL);

  return fn_test_client_request (client, "GET", path, NULL);
}

static FnTestResponse *
pull_page (FnTestClient *client,
           const char   *since,
           guint         limit)
{
  g_autofree char *query = NULL;

  if (since)
    {
      g_autofree char *escaped = g_uri_escape_string (since, NULL, FALSE);

      query = g_strdup_printf ("?since=%s&limit=%u", escaped, limit);
    }
  else
    {
      query = g_strdup_printf ("?limit=%u", limit);
    }

  return pull (client, query);
}

static void
test_health (FnTestFixture *fx,
             gconstpointer  data)
{
  g_autoptr (FnTestResponse) response = NULL;
  JsonObject *object;

  response = fn_test_request (fx->server, NULL, "GET", "/api/v1/health", NULL, NULL, 0);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL),
                   ==, "application/json");
  object = fn_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ok");
  g_assert_nonnull (json_object_get_string_member (object, "version"));
  g_assert_cmpstr (json_object_get_string_member (object, "version"), !=, "");
}

static void
test_sign_in (FnTestFixture *fx,
              gconstpointer  data)
{
  g_autoptr (JsonNode) body = sign_in_body ("alice", "alice-Test-Passw0rd");
  g_autoptr (FnTestResponse) first = NULL;
  g_autoptr (FnTestResponse) second = NULL;
  g_autoptr (FnTestResponse) check = NULL;
  JsonObject *object;
  JsonObject *user;
  JsonObject *other;
  FnTestClient *office;

  first = fn_test_request_json (fx->server, NULL, "POST", "/api/v1/session", body);
  g_assert_cmpuint (first->status, ==, 201);
  object = fn_test_response_object (first);
  g_assert_nonnull (json_object_get_string_member (object, "token"));
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "token")), >=, 32);
  g_assert_true (json_object_has_member (object, "expires_at"));
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "expires_at")));
  g_assert_nonnull (json_object_get_string_member (object, "device_id"));
  user = json_object_get_object_member (object, "user");
  g_assert_nonnull (user);
  g_assert_nonnull (json_object_get_string_member (user, "id"));
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "caregiver");

  /* A second sign-in is another device with its own token. */
  second = fn_test_request_json (fx->server, NULL, "POST", "/api/v1/session", body);
  g_assert_cmpuint (second->status, ==, 201);
  other = fn_test_response_object (second);
  g_assert_cmpstr (json_object_get_string_member (other, "token"), !=,
                   json_object_get_string_member (object, "token"));
  g_assert_cmpstr (json_object_get_string_member (other, "device_id"), !=,
                   json_object_get_string_member (object, "device_id"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (other, "user"), "id"),
                   ==, json_object_get_string_member (user, "id"));

  /* The token works. */
  check = fn_test_request (fx->server, json_object_get_string_member (object, "token"),
                           "GET", "/api/v1/changes", NULL, NULL, 0);
  g_assert_cmpuint (check->status, ==, 200);

  office = fn_test_fixture_user (fx, "office");
  g_assert_cmpstr (office->role, ==, "office");
  g_assert_cmpstr (office->user_id, !=, json_object_get_string_member (user, "id"));
}

static void
test_sign_in_wrong (FnTestFixture *fx,
                    gconstpointer  data)
{
  static const char * const attempts[][2] = {
    { "alice", "wrong password" },
    { "alice", "" },
    { "nobody", "alice-Test-Passw0rd" },
    { "ALICE", "alice-Test-Passw0rd" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      g_autoptr (JsonNode) body = sign_in_body (attempts[i][0], attempts[i][1]);
      g_autoptr (FnTestResponse) response = NULL;

      response = fn_test_request_json (fx->server, NULL, "POST", "/api/v1/session", body);
      fn_test_assert_problem (response, 401);
      g_assert_null (json_object_get_member (fn_test_response_object (response), "token"));
    }
}

static void
test_sign_in_bad_request (FnTestFixture *fx,
                          gconstpointer  data)
{
  g_autoptr (FnTestResponse) malformed = NULL;
  g_autoptr (FnTestResponse) missing = NULL;
  g_autoptr (FnTestResponse) wrong_type = NULL;
  g_autoptr (FnTestResponse) text = NULL;
  g_autoptr (FnTestResponse) array = NULL;

  malformed = fn_test_request (fx->server, NULL, "POST", "/api/v1/session",
                               "application/json", "{\"username\": \"alice\",", -1);
  fn_test_assert_problem (malformed, 400);

  array = fn_test_request (fx->server, NULL, "POST", "/api/v1/session",
                           "application/json", "[\"alice\"]", -1);
  fn_test_assert_problem (array, 400);

  missing = fn_test_request (fx->server, NULL, "POST", "/api/v1/session",
                             "application/json", "{\"username\": \"alice\"}", -1);
  g_assert_true (missing->status == 400 || missing->status == 422);
  fn_test_assert_problem (missing, missing->status);

  wrong_type = fn_test_request (fx->server, NULL, "POST", "/api/v1/session",
                                "application/json",
                                "{\"username\": \"alice\", \"password\": 12345, \"device_name\": \"x\"}",
                                -1);
  g_assert_true (wrong_type->status == 400 || wrong_type->status == 422);
  fn_test_assert_problem (wrong_type, wrong_type->status);

  text = fn_test_request (fx->server, NULL, "POST", "/api/v1/session", "text/plain",
                          "{\"username\": \"alice\", \"password\": \"alice-Test-Passw0rd\", \"device_name\": \"x\"}",
                          -1);
  fn_test_assert_problem (text, 415);
}

static void
test_sign_in_rate_limit (FnTestFixture *fx,
                         gconstpointer  data)
{
  g_autoptr (JsonNode) wrong = sign_in_body ("alice", "not her password");
  g_autoptr (FnTestResponse) limited = NULL;
  FnTestClient *bob;
  guint attempts;

  /* Repeated failures for one user end in 429 with Retry-After. */
  for (attempts = 1; attempts <= 30; attempts++)
    {
      g_autoptr (FnTestResponse) response = NULL;

      response = fn_test_request_json (fx->server, NULL, "POST", "/api/v1/session", wrong);
      if (response->status == 429)
        {
          limited = g_steal_pointer (&response);
          break;
        }
      fn_test_assert_problem (response, 401);
    }

  g_test_message ("429 after %u failed sign-ins", attempts);
  g_assert_nonnull (limited);
  fn_test_assert_problem (limited, 429);
  fn_test_assert_retry_after (limited);

  /* Another user is not locked out. */
  bob = fn_test_fixture_user (fx, "bob");
  g_assert_nonnull (bob->token);
}

static void
test_sign_out (FnTestFixture *fx,
               gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autoptr (FnTestClient) laptop = fn_test_client_new_device (alice, "second laptop");
  g_autoptr (FnTestResponse) before = NULL;
  g_autoptr (FnTestResponse) revoke = NULL;
  g_autoptr (FnTestResponse) after = NULL;
  g_autoptr (FnTestResponse) again = NULL;
  g_autoptr (FnTestResponse) other = NULL;

  before = pull (alice, "");
  g_assert_cmpuint (before->status, ==, 200);

  revoke = fn_test_client_request (alice, "DELETE", "/api/v1/session", NULL);
  g_assert_true (revoke->status == 200 || revoke->status == 204);

  after = pull (alice, "");
  fn_test_assert_problem (after, 401);

  /* Revoking twice is a 401 too: the token is gone. */
  again = fn_test_client_request (alice, "DELETE", "/api/v1/session", NULL);
  fn_test_assert_problem (again, 401);

  /* The same user's other device keeps its session. */
  other = pull (laptop, "");
  g_assert_cmpuint (other->status, ==, 200);
}

static void
test_token_required (FnTestFixture *fx,
                     gconstpointer  data)
{
  static const struct
  {
    const char *method;
    const char *path;
    const char *body;
  } requests[] = {
    { "GET", "/api/v1/changes", NULL },
    { "GET", "/api/v1/changes?limit=10", NULL },
    { "POST", "/api/v1/changes", "{\"device_id\": \"x\", \"ops\": []}" },
    { "DELETE", "/api/v1/session", NULL },
    { "PUT", "/api/v1/blobs/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "test" },
    { "GET", "/api/v1/blobs/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", NULL },
  };
  static const char * const tokens[] = {
    NULL,
    "",
    "not-a-token",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    for (guint j = 0; j < G_N_ELEMENTS (tokens); j++)
      {
        g_autoptr (FnTestResponse) response = NULL;
        const char *content_type = NULL;

        if (requests[i].body)
          content_type = g_str_equal (requests[i].method, "PUT")
                           ? "application/octet-stream" : "application/json";

        g_test_message ("%s %s with token %s", requests[i].method, requests[i].path,
                        tokens[j] ? tokens[j] : "(none)");
        response = fn_test_request (fx->server, tokens[j], requests[i].method,
                                    requests[i].path, content_type, requests[i].body, -1);
        fn_test_assert_problem (response, 401);
      }
}

static void
test_token_wrong_scheme (FnTestFixture *fx,
                         gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *request = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *host = NULL;
  guint status = 0;

  /* The right token under another scheme is not a bearer token. */
  host = g_strdup (fn_test_server_get_url (fx->server) + strlen ("http://"));
  request = g_strdup_printf ("GET /api/v1/changes HTTP/1.1\r\n"
                             "Host: %s\r\n"
                             "Authorization: Basic %s\r\n"
                             "Connection: close\r\n\r\n",
                             host, alice->token);
  raw = fn_test_raw_request (fx->server, request, strlen (request), &status);
  g_assert_cmpuint (status, ==, 401);
}

/* Polls until the token is refused, for at most @timeout_ms. */
static gboolean
wait_token_refused (FnTestClient *client,
                    guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (FnTestResponse) response = pull (client, "");

      if (response->status != 200)
        {
          fn_test_assert_problem (response, 401);
          return TRUE;
        }
      g_usleep (100 * 1000);
    }

  return FALSE;
}

static void
test_token_expired (FnTestFixture *fx,
                    gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autoptr (FnTestResponse) fresh = NULL;
  g_autoptr (FnTestResponse) push = NULL;
  gint64 start = g_get_monotonic_time ();

  /* The server was started with a 3 s token lifetime: the token works at
   * first and is refused once the lifetime (counted in whole seconds) is
   * over. */
  fresh = pull (alice, "");
  g_assert_cmpuint (fresh->status, ==, 200);

  g_assert_true (wait_token_refused (alice, 6000));
  g_test_message ("token refused after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1900 * 1000);

  push = fn_test_client_push (alice, json_array_new ());
  fn_test_assert_problem (push, 401);
}

static void
test_pull_empty (FnTestFixture *fx,
                 gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autoptr (FnTestResponse) response = NULL;
  JsonObject *object;

  response = pull (office, "");
  g_assert_cmpuint (response->status, ==, 200);
  object = fn_test_response_object (response);
  g_assert_nonnull (json_object_get_array_member (object, "changes"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "changes")), ==, 0);
  g_assert_nonnull (json_object_get_string_member (object, "cursor"));
  g_assert_false (json_object_get_boolean_member (object, "has_more"));
  g_assert_cmpint (json_object_get_int_member (object, "remaining"), ==, 0);
}

static void
test_push_and_pull (FnTestFixture *fx,
                    gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *patient_id = fn_uuid_new ();
  g_autofree char *note_id = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (JsonObject) pulled_note = NULL;
  JsonObject *op;
  JsonObject *record;
  JsonObject *pulled;
  g_autofree char *hlc = NULL;
  g_autofree char *cursor = NULL;

  op = fn_test_op_new (office, "patient", patient_id, 0,
                       "given_name", fn_test_str ("Maria"),
                       "family_name", fn_test_str ("Lindqvist"),
                       "birth_date", fn_test_str ("1941-03-07"),
                       "address", fn_test_str ("Rue des Lilas 4\n1200 Brussels"),
                       "phone", fn_test_str ("+32 2 555 01 99"),
                       "care_plan", fn_test_str ("Insulin twice a day."),
                       "assigned_to", fn_test_ids (alice->user_id, NULL),
                       NULL);
  hlc = g_strdup (json_object_get_string_member (json_object_get_object_member (op, "clock"),
                                                 "family_name"));
  result = fn_test_client_push_op (office, op);
  g_assert_cmpstr (fn_test_result_status (result), ==, "applied");
  g_assert_false (json_object_get_boolean_member_with_default (result, "clock_adjusted", FALSE));

  record = fn_test_result_record (result);
  g_assert_cmpstr (json_object_get_string_member (record, "entity"), ==, "patient");
  g_assert_cmpstr (json_object_get_string_member (record, "id"), ==, patient_id);
  g_assert_cmpint (fn_test_record_version (record), >, 0);
  g_assert_false (json_object_get_boolean_member (record, "deleted"));
  g_assert_cmpstr (fn_test_record_field (record, "family_name"), ==, "Lindqvist");
  g_assert_cmpstr (fn_test_record_field (record, "address"), ==, "Rue des Lilas 4\n1200 Brussels");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "clock"),
                                                  "family_name"), ==, hlc);

  /* The assigned caregiver pulls it, with the same fields. */
  changes = fn_test_client_pull_all (alice, NULL, &cursor);
  pulled = fn_test_find_change (changes, "patient", patient_id);
  g_assert_nonnull (pulled);
  g_assert_cmpint (fn_test_record_version (pulled), ==, fn_test_record_version (record));
  g_assert_cmpstr (fn_test_record_field (pulled, "given_name"), ==, "Maria");
  g_assert_cmpstr (fn_test_record_field (pulled, "birth_date"), ==, "1941-03-07");
  g_assert_cmpstr (fn_test_record_field (pulled, "care_plan"), ==, "Insulin twice a day.");
  {
    JsonArray *assigned = json_object_get_array_member (json_object_get_object_member (pulled, "fields"),
                                                        "assigned_to");

    g_assert_nonnull (assigned);
    g_assert_cmpuint (json_array_get_length (assigned), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (assigned, 0), ==, alice->user_id);
  }

  /* The caregiver writes a note; the server sets the author. */
  note_id = fn_test_create_note (alice, patient_id, "Morning visit", "All well.");
  pulled_note = fn_test_client_get_record (office, "note", note_id);
  g_assert_nonnull (pulled_note);
  g_assert_cmpstr (fn_test_record_field (pulled_note, "author_id"), ==, alice->user_id);
  g_assert_cmpstr (fn_test_record_field (pulled_note, "patient_id"), ==, patient_id);
  g_assert_cmpstr (fn_test_record_field (pulled_note, "body"), ==, "All well.");
  g_assert_cmpstr (fn_test_record_field (pulled_note, "status"), ==, "draft");

  /* Pulling from the earlier cursor gives only the note. */
  {
    g_autoptr (JsonArray) later = fn_test_client_pull_all (alice, cursor, NULL);

    g_assert_cmpuint (json_array_get_length (later), ==, 1);
    g_assert_nonnull (fn_test_find_change (later, "note", note_id));
  }
}

static void
test_author_is_from_token (FnTestFixture *fx,
                           gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *patient_id = fn_test_create_patient (office, "Berg", alice->user_id, NULL);
  g_autofree char *note_id = fn_uuid_new ();
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) note = NULL;

  /* A client cannot claim another author. */
  result = fn_test_client_push_op (alice,
                                   fn_test_op_new (alice, "note", note_id, 0,
                                                   "patient_id", fn_test_str (patient_id),
                                                   "author_id", fn_test_str (office->user_id),
                                                   "kind", fn_test_str ("observation"),
                                                   "visit_at", fn_test_str ("2026-11-27T09:30:00+01:00"),
                                                   "title", fn_test_str ("Blood pressure"),
                                                   "status", fn_test_str ("final"),
                                                   NULL));
  if (g_str_equal (fn_test_result_status (result), "rejected"))
    return;

  note = fn_test_client_get_record (alice, "note", note_id);
  g_assert_nonnull (note);
  g_assert_cmpstr (fn_test_record_field (note, "author_id"), ==, alice->user_id);
}

static void
test_pull_paging (FnTestFixture *fx,
                  gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  JsonArray *ops = json_array_new ();
  g_autoptr (JsonArray) results = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cursor = NULL;
  static const struct
  {
    guint n;
    gboolean has_more;
    gint64 remaining;
  } pages[] = {
    { 3, TRUE, 4 },
    { 3, TRUE, 1 },
    { 1, FALSE, 0 },
  };

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *name = g_strdup_printf ("Patient %u", i);
      char *id = fn_uuid_new ();

      g_ptr_array_add (ids, id);
      json_array_add_object_element (ops, fn_test_op_new (office, "patient", id, 0,
                                                          "family_name", fn_test_str (name),
                                                          NULL));
    }
  results = fn_test_client_push_ops (office, ops);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, i)), ==, "applied");

  for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
    {
      g_autoptr (FnTestResponse) response = pull_page (office, cursor, 3);
      JsonObject *object = fn_test_response_object (response);
      JsonArray *changes;

      g_assert_cmpuint (response->status, ==, 200);
      changes = json_object_get_array_member (object, "changes");
      g_assert_cmpuint (json_array_get_length (changes), ==, pages[p].n);
      g_assert_cmpint (json_object_get_boolean_member (object, "has_more"), ==, pages[p].has_more);
      g_assert_cmpint (json_object_get_int_member (object, "remaining"), ==, pages[p].remaining);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        g_ptr_array_add (seen, g_strdup (json_object_get_string_member (json_array_get_object_element (changes, i),
                                                                        "id")));
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "cursor"));
      g_assert_nonnull (cursor);
    }

  /* Every record once, in the order of the server's changes. */
  g_assert_cmpuint (seen->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (seen, i), ==, g_ptr_array_index (ids, i));

  /* At the end: nothing more, and the cursor stays usable. */
  {
    g_autoptr (FnTestResponse) end = pull_page (office, cursor, 3);
    JsonObject *object = fn_test_response_object (end);

    g_assert_cmpuint (end->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "changes")), ==, 0);
    g_assert_false (json_object_get_boolean_member (object, "has_more"));
    g_assert_cmpint (json_object_get_int_member (object, "remaining"), ==, 0);
  }

  /* A change after the cursor is on the next pull. */
  {
    g_autofree char *late = fn_test_create_patient (office, "Late", NULL);
    g_autoptr (JsonArray) changes = fn_test_client_pull_all (office, cursor, NULL);

    g_assert_cmpuint (json_array_get_length (changes), ==, 1);
    g_assert_nonnull (fn_test_find_change (changes, "patient", late));
  }

  /* A whole first page, with the limit at its maximum. */
  {
    g_autoptr (FnTestResponse) all = pull_page (office, NULL, 1000);
    JsonObject *object = fn_test_response_object (all);

    g_assert_cmpuint (all->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "changes")), ==, 8);
    g_assert_false (json_object_get_boolean_member (object, "has_more"));
  }
}

static void
test_pull_paging_during_writes (FnTestFixture *fx,
                                gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (FnTestResponse) first = NULL;
  g_autoptr (JsonObject) edited = NULL;
  g_autofree char *cursor = NULL;
  JsonObject *object;
  JsonArray *changes;
  gboolean has_more;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("Paged %u", i);

      g_ptr_array_add (ids, fn_test_create_patient (office, name, NULL));
    }

  first = pull_page (office, NULL, 2);
  object = fn_test_response_object (first);
  changes = json_object_get_array_member (object, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 0), "id"),
                   ==, g_ptr_array_index (ids, 0));
  cursor = g_strdup (json_object_get_string_member (object, "cursor"));

  /* A record already pulled changes, and one more is created, mid-sync. */
  edited = fn_test_client_push_op (office,
                                   fn_test_op_new (office, "patient", g_ptr_array_index (ids, 0),
                                                   fn_test_record_version (json_array_get_object_element (changes, 0)),
                                                   "family_name", fn_test_str ("Paged 0, edited"),
                                                   NULL));
  g_assert_cmpstr (fn_test_result_status (edited), ==, "applied");
  g_ptr_array_add (ids, fn_test_create_patient (office, "Paged 6", NULL));

  /* The rest of the pages bring every record not yet seen, and the edit. */
  do
    {
      g_autoptr (FnTestResponse) page = pull_page (office, cursor, 2);

      object = fn_test_response_object (page);
      g_assert_cmpuint (page->status, ==, 200);
      changes = json_object_get_array_member (object, "changes");
      g_assert_cmpuint (json_array_get_length (changes), <=, 2);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          g_hash_table_replace (seen, g_strdup (json_object_get_string_member (change, "id")),
                                g_strdup (fn_test_record_field (change, "family_name")));
        }
      has_more = json_object_get_boolean_member (object, "has_more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "cursor"));
    }
  while (has_more && g_hash_table_size (seen) < 100);

  g_assert_cmpuint (g_hash_table_size (seen), ==, 6);
  g_assert_cmpstr (g_hash_table_lookup (seen, g_ptr_array_index (ids, 0)), ==, "Paged 0, edited");
  g_assert_false (g_hash_table_contains (seen, g_ptr_array_index (ids, 1)));
  for (guint i = 2; i < ids->len; i++)
    g_assert_true (g_hash_table_contains (seen, g_ptr_array_index (ids, i)));
}

static void
test_pull_bad_parameters (FnTestFixture *fx,
                          gconstpointer  data)
{
  static const char * const queries[] = {
    "?limit=0",
    "?limit=1001",
    "?limit=-5",
    "?limit=abc",
    "?limit=10abc",
    "?limit=",
    "?since=not-a-cursor",
    "?since=%00",
    "?since=99999999999999999999999999",
  };
  FnTestClient *office = fn_test_fixture_user (fx, "office");

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr (FnTestResponse) response = pull (office, queries[i]);

      g_test_message ("GET /changes%s", queries[i]);
      fn_test_assert_problem (response, 400);
    }
}

static void
test_blob_put_get (FnTestFixture *fx,
                   gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autoptr (GBytes) blob = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *path = NULL;
  g_autoptr (FnTestResponse) put = NULL;
  g_autoptr (FnTestResponse) again = NULL;
  g_autoptr (FnTestResponse) get = NULL;
  g_autoptr (FnTestResponse) missing = NULL;
  guint8 bytes[3000];

  /* Binary content, with NUL bytes and high bytes. */
  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8)(i * 7);
  blob = g_bytes_new (bytes, sizeof bytes);
  sha = fn_test_sha256_hex (blob);
  path = g_strdup_printf ("/api/v1/blobs/%s", sha);

  put = fn_test_request (fx->server, alice->token, "PUT", path,
                         "application/octet-stream", bytes, sizeof bytes);
  g_assert_true (put->status == 200 || put->status == 201);

  again = fn_test_request (fx->server, alice->token, "PUT", path,
                           "application/octet-stream", bytes, sizeof bytes);
  g_assert_cmpuint (again->status, ==, 200);

  get = fn_test_request (fx->server, alice->token, "GET", path, NULL, NULL, 0);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_nonnull (get->body);
  g_assert_true (g_bytes_equal (get->body, blob));

  missing = fn_test_request (fx->server, alice->token, "GET",
                             "/api/v1/blobs/0000000000000000000000000000000000000000000000000000000000000000",
                             NULL, NULL, 0);
  g_assert_true (missing->status == 404 || missing->status == 403);
  fn_test_assert_problem (missing, missing->status);
}

static void
test_blob_too_large (FnTestFixture *fx,
                     gconstpointer  data)
{
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  gsize size = FN_MAX_BLOB_BYTES + 1;
  g_autofree guint8 *bytes = g_malloc0 (size);
  g_autoptr (GBytes) blob = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *path = NULL;
  g_autoptr (FnTestResponse) put = NULL;
  g_autoptr (FnTestResponse) get = NULL;
  g_autoptr (FnTestResponse) exact = NULL;

  blob = g_bytes_new_static (bytes, size);
  sha = fn_test_sha256_hex (blob);
  path = g_strdup_printf ("/api/v1/blobs/%s", sha);

  put = fn_test_request (fx->server, alice->token, "PUT", path,
                         "application/octet-stream", bytes, size);
  fn_test_assert_problem (put, 413);

  get = fn_test_request (fx->server, alice->token, "GET", path, NULL, NULL, 0);
  g_assert_true (get->status == 404 || get->status == 403);

  /* Exactly the limit is allowed. */
  {
    g_autoptr (GBytes) limit_blob = g_bytes_new_static (bytes, FN_MAX_BLOB_BYTES);
    g_autofree char *limit_sha = fn_test_sha256_hex (limit_blob);
    g_autofree char *limit_path = g_strdup_printf ("/api/v1/blobs/%s", limit_sha);

    exact = fn_test_request (fx->server, alice->token, "PUT", limit_path,
                             "application/octet-stream", bytes, FN_MAX_BLOB_BYTES);
    g_assert_true (exact->status == 200 || exact->status == 201);
  }
}

static void
test_not_found (FnTestFixture *fx,
                gconstpointer  data)
{
  static const char * const paths[] = {
    "/api/v1/nothing-here",
    "/api/v2/changes",
    "/api/v1/changes/extra",
    "/api/v1/blobs",
    "/",
  };
  FnTestClient *office = fn_test_fixture_user (fx, "office");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (FnTestResponse) response = NULL;

      g_test_message ("GET %s", paths[i]);
      response = fn_test_request (fx->server, office->token, "GET", paths[i], NULL, NULL, 0);
      fn_test_assert_problem (response, 404);
    }
}

static void
test_wrong_content_type (FnTestFixture *fx,
                         gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_uuid_new ();
  g_autofree char *body = NULL;
  g_autoptr (FnTestResponse) text = NULL;
  g_autoptr (FnTestResponse) form = NULL;
  g_autoptr (JsonArray) changes = NULL;

  body = g_strdup_printf ("{\"device_id\": \"%s\", \"ops\": [{\"op_id\": \"%s\", "
                          "\"entity\": \"patient\", \"id\": \"%s\", \"base_version\": 0, "
                          "\"deleted\": false, \"fields\": {\"family_name\": \"Text\"}, "
                          "\"clock\": {\"family_name\": \"1764240000000-0000-abcdef\"}}]}",
                          office->device_id, patient_id, patient_id);

  text = fn_test_request (fx->server, office->token, "POST", "/api/v1/changes",
                          "text/plain", body, -1);
  fn_test_assert_problem (text, 415);

  form = fn_test_request (fx->server, office->token, "POST", "/api/v1/changes",
                          "application/x-www-form-urlencoded", body, -1);
  fn_test_assert_problem (form, 415);

  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_null (fn_test_find_change (changes, "patient", patient_id));
}

static void
test_json_with_charset (FnTestFixture *fx,
                        gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_uuid_new ();
  g_autofree char *hlc = fn_test_client_tick (office);
  g_autofree char *body = NULL;
  g_autoptr (FnTestResponse) response = NULL;
  g_autoptr (JsonArray) changes = NULL;

  /* A media type parameter is still JSON. */
  body = g_strdup_printf ("{\"device_id\": \"%s\", \"ops\": [{\"op_id\": \"%s\", "
                          "\"entity\": \"patient\", \"id\": \"%s\", \"base_version\": 0, "
                          "\"deleted\": false, \"fields\": {\"family_name\": \"Charset\"}, "
                          "\"clock\": {\"family_name\": \"%s\"}}]}",
                          office->device_id, patient_id, patient_id, hlc);
  response = fn_test_request (fx->server, office->token, "POST", "/api/v1/changes",
                              "application/json; charset=utf-8", body, -1);
  g_assert_cmpuint (response->status, ==, 200);

  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_nonnull (fn_test_find_change (changes, "patient", patient_id));
}

static void
test_log_privacy (FnTestFixture *fx,
                  gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  FnTestClient *alice = fn_test_fixture_user (fx, "alice");
  g_autofree char *alice_password = fn_test_password_for ("alice");
  g_autofree char *office_password = fn_test_password_for ("office");
  g_autofree char *patient_id = fn_test_create_patient (office, "Privatename", alice->user_id, NULL);
  g_autofree char *note_id = fn_test_create_note (alice, patient_id, "Secret-Title-Text",
                                                  "Secret-Body-Text");
  g_autoptr (JsonNode) wrong = sign_in_body ("alice", "Wrong-Secret-Password");
  g_autoptr (FnTestResponse) failed = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *log = NULL;
  static const char * const requests[] = {
    "POST /api/v1/session 201",
    "POST /api/v1/session 401",
    "POST /api/v1/changes 200",
    "GET /api/v1/changes 200",
  };

  failed = fn_test_request_json (fx->server, NULL, "POST", "/api/v1/session", wrong);
  fn_test_assert_problem (failed, 401);
  changes = fn_test_client_pull_all (alice, NULL, NULL);
  g_assert_true (fn_test_server_stop (fx->server));

  /* One line per request, and no secret or record content in any. */
  log = fn_test_server_get_log (fx->server);
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_test_message ("log has %s", requests[i]);
      g_assert_nonnull (strstr (log, requests[i]));
    }
  g_assert_null (strstr (log, alice->token));
  g_assert_null (strstr (log, office->token));
  g_assert_null (strstr (log, alice_password));
  g_assert_null (strstr (log, office_password));
  g_assert_null (strstr (log, "Wrong-Secret-Password"));
  g_assert_null (strstr (log, "Secret-Title-Text"));
  g_assert_null (strstr (log, "Secret-Body-Text"));
  g_assert_null (strstr (log, "Privatename"));
}

static void
test_body_too_large (FnTestFixture *fx,
                     gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  GString *body = g_string_new (NULL);
  g_autoptr (FnTestResponse) response = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *patient_id = fn_uuid_new ();

  /* A valid op followed by padding past 8 MiB in a JSON string. */
  g_string_append_printf (body, "{\"device_id\": \"%s\", \"ops\": [{\"op_id\": \"%s\", "
                          "\"entity\": \"patient\", \"id\": \"%s\", \"base_version\": 0, "
                          "\"deleted\": false, \"fields\": {\"family_name\": \"Big\"}, "
                          "\"clock\": {\"family_name\": \"1764240000000-0000-abcdef\"}}], "
                          "\"padding\": \"",
                          office->device_id, patient_id, patient_id);
  while (body->len <= FN_MAX_REQUEST_BYTES)
    g_string_append (body, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (body, "\"}");

  response = fn_test_request (fx->server, office->token, "POST", "/api/v1/changes",
                              "application/json", body->str, body->len);
  g_string_free (body, TRUE);
  fn_test_assert_problem (response, 413);

  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_null (fn_test_find_change (changes, "patient", patient_id));
}

static void
test_too_many_ops (FnTestFixture *fx,
                   gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  JsonArray *ops = json_array_new ();
  g_autoptr (FnTestResponse) response = NULL;
  g_autoptr (JsonArray) changes = NULL;

  for (guint i = 0; i < FN_MAX_OPS_PER_PUSH + 1; i++)
    {
      g_autofree char *id = fn_uuid_new ();

      json_array_add_object_element (ops, fn_test_op_new (office, "patient", id, 0,
                                                          "family_name", fn_test_str ("Many"),
                                                          NULL));
    }

  response = fn_test_client_push (office, ops);
  g_assert_true (response->status == 413 || response->status == 422);
  fn_test_assert_problem (response, response->status);

  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (changes), ==, 0);
}

static void
test_max_ops (FnTestFixture *fx,
              gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  JsonArray *ops = json_array_new ();
  g_autoptr (JsonArray) results = NULL;
  g_autoptr (JsonArray) changes = NULL;

  for (guint i = 0; i < FN_MAX_OPS_PER_PUSH; i++)
    {
      g_autofree char *id = fn_uuid_new ();

      json_array_add_object_element (ops, fn_test_op_new (office, "patient", id, 0,
                                                          "family_name", fn_test_str ("Many"),
                                                          NULL));
    }

  results = fn_test_client_push_ops (office, ops);
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, i)), ==, "applied");

  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (changes), ==, FN_MAX_OPS_PER_PUSH);
}

static void
test_fault_error_rate (void)
{
  g_autoptr (FnTestServer) server = NULL;
  g_autoptr (FnTestClient) office = NULL;
  g_autofree char *patient_id = fn_uuid_new ();
  g_autofree char *password = fn_test_password_for ("office");
  g_autoptr (FnTestResponse) pull = NULL;
  g_autoptr (FnTestResponse) blob = NULL;
  g_autoptr (FnTestResponse) push = NULL;
  g_autoptr (JsonArray) changes = NULL;
  JsonArray *ops = json_array_new ();

  server = fn_test_server_new ();
  fn_test_server_add_user (server, "office", "office", password);
  fn_test_server_start (server, NULL);
  office = fn_test_sign_in (server, "office", password, "office desk");
  fn_test_server_stop (server);

  fn_test_server_start (server, "--fault-error-rate", "1", "--fault-seed", "7", NULL);

  /* Faults are for the sync endpoints. */
  pull = fn_test_client_request (office, "GET", "/api/v1/changes", NULL);
  fn_test_assert_problem (pull, 503);
  fn_test_assert_retry_after (pull);

  blob = fn_test_request (server, office->token, "GET",
                          "/api/v1/blobs/0000000000000000000000000000000000000000000000000000000000000000",
                          NULL, NULL, 0);
  fn_test_assert_problem (blob, 503);
  fn_test_assert_retry_after (blob);

  json_array_add_object_element (ops, fn_test_op_new (office, "patient", patient_id, 0,
                                                      "family_name", fn_test_str ("Never"),
                                                      NULL));
  push = fn_test_client_push (office, ops);
  fn_test_assert_problem (push, 503);
  fn_test_assert_retry_after (push);

  /* A 503 changed nothing. */
  fn_test_server_stop (server);
  fn_test_server_start (server, NULL);
  changes = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_null (fn_test_find_change (changes, "patient", patient_id));
  fn_test_server_stop (server);
}

static void
test_fault_latency (FnTestFixture *fx,
                    gconstpointer  data)
{
  g_autoptr (FnTestResponse) response = NULL;
  gint64 start;
  gint64 elapsed_ms;

  fn_test_fixture_user (fx, "office");
  start = g_get_monotonic_time ();

  response = fn_test_client_request (fn_test_fixture_user (fx, "office"), "GET",
                                     "/api/v1/changes", NULL);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpint (elapsed_ms, >=, 350);
}

static void
test_sigterm_clean (FnTestFixture *fx,
                    gconstpointer  data)
{
  FnTestClient *office = fn_test_fixture_user (fx, "office");
  g_autofree char *patient_id = fn_test_create_patient (office, "Before shutdown", NULL);
  g_autoptr (JsonObject) record = NULL;

  /* SIGTERM ends the server with status 0, and what it acknowledged stays. */
  g_assert_true (fn_test_server_stop (fx->server));
  g_assert_false (fn_test_server_is_running (fx->server));

  fn_test_server_start (fx->server, NULL);
  record = fn_test_client_get_record (office, "patient", patient_id);
  g_assert_nonnull (record);
}

static void
test_add_user_while_running (FnTestFixture *fx,
                             gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autoptr (FnTestClient) carol = NULL;
  g_autoptr (JsonNode) wrong = sign_in_body ("carol", "carol-wrong");
  g_autoptr (FnTestResponse) response = NULL;
  int status;

  fn_test_server_add_user (fx->server, "carol", "caregiver", "carol-Passw0rd-1");
  carol = fn_test_sign_in (fx->server, "carol", "carol-Passw0rd-1", "carol's laptop");
  g_assert_cmpstr (carol->role, ==, "caregiver");

  response = fn_test_request_json (fx->server, NULL, "POST", "/api/v1/session", wrong);
  fn_test_assert_problem (response, 401);

  /* An unknown role and an existing name are refused. */
  status = fn_test_server_admin (fx->server, "pw-Passw0rd-2\n", NULL, &err,
                                 "add-user", "dave", "--role", "superuser", NULL);
  g_assert_cmpint (status, !=, 0);
  g_clear_pointer (&err, g_free);
  status = fn_test_server_admin (fx->server, "pw-Passw0rd-3\n", NULL, &err,
                                 "add-user", "carol", "--role", "office", NULL);
  g_assert_cmpint (status, !=, 0);
  g_clear_pointer (&carol, fn_test_client_free);
  carol = fn_test_sign_in (fx->server, "carol", "carol-Passw0rd-1", "carol's laptop");
  g_assert_cmpstr (carol->role, ==, "caregiver");
}

static void
test_seed_demo (void)
{
  g_autoptr (FnTestServer) server = fn_test_server_new ();
  g_autoptr (FnTestClient) office = NULL;
  g_autoptr (FnTestClient) alice = NULL;
  g_autoptr (FnTestClient) bob = NULL;
  g_autoptr (JsonArray) all = NULL;
  g_autoptr (JsonArray) alice_changes = NULL;
  g_autoptr (JsonArray) bob_changes = NULL;
  g_autofree char *log = NULL;

  fn_test_server_start (server, "--seed-demo=4,10", NULL);
  log = fn_test_server_get_log (server);
  g_assert_nonnull (strstr (log, "alice-demo"));

  office = fn_test_sign_in (server, "office", "office-demo", "demo desk");
  alice = fn_test_sign_in (server, "alice", "alice-demo", "demo laptop");
  bob = fn_test_sign_in (server, "bob", "bob-demo", "demo laptop");
  g_assert_cmpstr (office->role, ==, "office");
  g_assert_cmpstr (alice->role, ==, "caregiver");
  g_assert_cmpstr (bob->role, ==, "caregiver");

  /* The patients are split between the caregivers; notes follow them. */
  all = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_cmpuint (fn_test_count_changes (all, "patient"), ==, 4);
  g_assert_cmpuint (fn_test_count_changes (all, "note"), ==, 10);
  alice_changes = fn_test_client_pull_all (alice, NULL, NULL);
  bob_changes = fn_test_client_pull_all (bob, NULL, NULL);
  g_assert_cmpuint (fn_test_count_changes (alice_changes, "patient"), >, 0);
  g_assert_cmpuint (fn_test_count_changes (bob_changes, "patient"), >, 0);
  g_assert_cmpuint (fn_test_count_changes (alice_changes, "patient") +
                    fn_test_count_changes (bob_changes, "patient"), ==, 4);
  g_assert_cmpuint (fn_test_count_changes (alice_changes, "note") +
                    fn_test_count_changes (bob_changes, "note"), ==, 10);
  for (guint i = 0; i < json_array_get_length (alice_changes); i++)
    {
      JsonObject *change = json_array_get_object_element (alice_changes, i);

      g_assert_null (fn_test_find_change (bob_changes,
                                          json_object_get_string_member (change, "entity"),
                                          json_object_get_string_member (change, "id")));
    }

  /* Seeding leaves a database with users alone. */
  fn_test_server_stop (server);
  fn_test_server_start (server, "--seed-demo=4,10", NULL);
  g_clear_pointer (&all, json_array_unref);
  all = fn_test_client_pull_all (office, NULL, NULL);
  g_assert_cmpuint (fn_test_count_changes (all, "patient"), ==, 4);
  fn_test_server_stop (server);
}

/* Makes a self-signed certificate for 127.0.0.1 in a new directory, or
 * returns FALSE if openssl is not there to make one. */
static gboolean
make_certificate (char **dir,
                  char **certificate,
                  char **key)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr (GError) error = NULL;
  int status = -1;

  if (!openssl)
    return FALSE;

  *dir = g_dir_make_tmp ("fn-server-tls-XXXXXX", &error);
  g_assert_no_error (error);
  *certificate = g_build_filename (*dir, "cert.pem", NULL);
  *key = g_build_filename (*dir, "key.pem", NULL);
  {
    const char *argv[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", *key, "-out", *certificate, NULL
    };

    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  return TRUE;
}

static void
remove_certificate (const char *dir,
                    const char *certificate,
                    const char *key)
{
  g_unlink (certificate);
  g_unlink (key);
  g_rmdir (dir);
}

static void
test_tls (void)
{
  g_autoptr (FnTestServer) server = NULL;
  g_autoptr (FnTestClient) office = NULL;
  g_autoptr (FnTestResponse) health = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  g_autofree char *password = fn_test_password_for ("office");

  if (!make_certificate (&dir, &certificate, &key))
    {
      g_test_skip ("openssl is not installed to make a test certificate");
      return;
    }

  server = fn_test_server_new ();
  fn_test_server_add_user (server, "office", "office", password);
  fn_test_server_start (server, "--tls-certificate", certificate, "--tls-key", key, NULL);
  g_assert_true (g_str_has_prefix (fn_test_server_get_url (server), "https://127.0.0.1:"));
  fn_test_server_trust_certificate (server, certificate);

  health = fn_test_request (server, NULL, "GET", "/api/v1/health", NULL, NULL, 0);
  g_assert_no_error (health->error);
  g_assert_cmpuint (health->status, ==, 200);
  office = fn_test_sign_in (server, "office", password, "desk over TLS");
  g_free (fn_test_create_patient (office, "Over TLS", NULL));

  g_assert_true (fn_test_server_stop (server));
  remove_certificate (dir, certificate, key);
}

static void
test_tls_plain_request (void)
{
  g_autoptr (FnTestServer) server = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  g_autofree char *plain_url = NULL;
  gint64 start;
  gint64 stop_ms;

  if (!make_certificate (&dir, &certificate, &key))
    {
      g_test_skip ("openssl is not installed to make a test certificate");
      return;
    }

  server = fn_test_server_new ();
  fn_test_server_start (server, "--tls-certificate", certificate, "--tls-key", key, NULL);

  /* Plain HTTP on the HTTPS port gets no answer... */
  plain_url = g_strconcat ("http://", fn_test_server_get_url (server) + strlen ("https://"),
                           "/api/v1/health", NULL);
  session = soup_session_new_with_options ("timeout", FN_TEST_TIMEOUT_S, NULL);
  msg = soup_message_new ("GET", plain_url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_true (error || soup_message_get_status (msg) != 200);

  /* ...and is not a request in flight that SIGTERM would wait for. */
  start = g_get_monotonic_time ();
  g_assert_true (fn_test_server_stop (server));
  stop_ms = (g_get_monotonic_time () - start) / 1000;
  remove_certificate (dir, certificate, key);
  g_test_message ("stopping took %" G_GINT64_FORMAT " ms", stop_ms);
  if (stop_ms >= 2000)
    {
      g_test_incomplete ("known server bug: after a failed TLS handshake SIGTERM waits the "
                         "whole drain timeout (reported in _server-bugs.txt, 00:23)");
      return;
    }
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

#define ADD(path, func, args) \
  g_test_add (path, FnTestFixture, args, fn_test_fixture_setup, func, fn_test_fixture_teardown)

  ADD ("/server/api/health", test_health, NULL);
  ADD ("/server/api/session/sign-in", test_sign_in, NULL);
  ADD ("/server/api/session/wrong-credentials", test_sign_in_wrong, NULL);
  ADD ("/server/api/session/bad-request", test_sign_in_bad_request, NULL);
  ADD ("/server/api/session/rate-limit", test_sign_in_rate_limit, NULL);
  ADD ("/server/api/session/sign-out", test_sign_out, NULL);
  ADD ("/server/api/token/required", test_token_required, NULL);
  ADD ("/server/api/token/wrong-scheme", test_token_wrong_scheme, NULL);
  ADD ("/server/api/token/expired", test_token_expired, token_ttl_args);
  ADD ("/server/api/changes/pull-empty", test_pull_empty, NULL);
  ADD ("/server/api/changes/push-and-pull", test_push_and_pull, NULL);
  ADD ("/server/api/changes/author-from-token", test_author_is_from_token, NULL);
  ADD ("/server/api/changes/paging", test_pull_paging, NULL);
  ADD ("/server/api/changes/paging-during-writes", test_pull_paging_during_writes, NULL);
  ADD ("/server/api/changes/bad-parameters", test_pull_bad_parameters, NULL);
  ADD ("/server/api/changes/wrong-content-type", test_wrong_content_type, NULL);
  ADD ("/server/api/changes/json-with-charset", test_json_with_charset, NULL);
  ADD ("/server/api/changes/body-too-large", test_body_too_large, NULL);
  ADD ("/server/api/log-privacy", test_log_privacy, NULL);
  ADD ("/server/api/changes/too-many-ops", test_too_many_ops, NULL);
  ADD ("/server/api/changes/max-ops", test_max_ops, NULL);
  ADD ("/server/api/blobs/put-get", test_blob_put_get, NULL);
  ADD ("/server/api/blobs/too-large", test_blob_too_large, NULL);
  ADD ("/server/api/not-found", test_not_found, NULL);
  ADD ("/server/api/fault/latency", test_fault_latency, latency_args);
  ADD ("/server/api/sigterm", test_sigterm_clean, NULL);
  ADD ("/server/api/admin/add-user", test_add_user_while_running, NULL);

#undef ADD

  g_test_add_func ("/server/api/fault/error-rate", test_fault_error_rate);
  g_test_add_func ("/server/api/seed-demo", test_seed_demo);
  g_test_add_func ("/server/api/tls", test_tls);
  g_test_add_func ("/server/api/tls-plain-request", test_tls_plain_request);

  return fn_test_run ();
}
