/* test-server-authz.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The authorisation matrix: every endpoint, called by caregiver alice,
 * caregiver bob, the office, no token and a bad token, on alice's records
 * and on bob's, answers with the status the contract gives, and nothing of
 * a record the caller may not see (ids, names, note text, signer, blob
 * bytes) appears in any response. Then sign-in throttling with
 * --login-max-failures and --login-lockout. */

#include "config.h"

#include "fn-test-server.h"

#include "fn-fields.h"

#include <string.h>

typedef enum
{
  CALLER_ALICE,
  CALLER_BOB,
  CALLER_OFFICE,
  CALLER_NO_TOKEN,
  CALLER_BAD_TOKEN,
  N_CALLERS
} Caller;

static const char * const caller_names[] = { "alice", "bob", "office", "no-token", "bad-token" };

/* What a caller gets: 'A' accepted (200/201, or a push result applied or
 * conflict), 'R' the push result rejected as out of scope (403),
 * 'I' rejected for another reason (422: a signed signature is immutable),
 * 'F' forbidden (403, or 404 for a blob), 'U' unauthenticated (401). */
typedef enum
{
  ENDPOINT_PULL,
  ENDPOINT_EDIT_NOTE,
  ENDPOINT_NEW_NOTE,
  ENDPOINT_EDIT_PATIENT,
  ENDPOINT_ASSIGN,
  ENDPOINT_EDIT_SIGNATURE,
  ENDPOINT_GET_BLOB,
  ENDPOINT_DELETE_NOTE,
  N_ENDPOINTS
} Endpoint;

static const char * const endpoint_names[] = {
  "GET /changes", "POST /changes edit note", "POST /changes new note",
  "POST /changes edit patient", "POST /changes assign patient",
  "POST /changes edit signature", "GET /blobs/SHA", "POST /changes delete note",
};

/* [endpoint][caller][own side, other side]; "own" is alice's records for
 * alice and the office, bob's for bob. A pull succeeds for any signed-in
 * caller; what matters there is that the other side's records are absent,
 * which the leak check sees. */
static const char expected[N_ENDPOINTS][N_CALLERS][2] = {
  /*                        alice       bob         office      none        bad */
  [ENDPOINT_PULL] =       { { 'A', 'A' }, { 'A', 'A' }, { 'A', 'A' }, { 'U', 'U' }, { 'U', 'U' } },
  [ENDPOINT_EDIT_NOTE] =  { { 'A', 'R' }, { 'A', 'R' }, { 'A', 'A' }, { 'U', 'U' }, { 'U', 'U' } },
  [ENDPOINT_NEW_NOTE] =   { { 'A', 'R' }, { 'A', 'R' }, { 'A', 'A' }, { 'U', 'U' }, { 'U', 'U' } },
  [ENDPOINT_EDIT_PATIENT] =
                          { { 'A', 'R' }, { 'A', 'R' }, { 'A', 'A' }, { 'U', 'U' }, { 'U', 'U' } },
  [ENDPOINT_ASSIGN] =     { { 'R', 'R' }, { 'R', 'R' }, { 'A', 'A' }, { 'U', 'U' }, { 'U', 'U' } },
  [ENDPOINT_EDIT_SIGNATURE] =
                          { { 'I', 'R' }, { 'I', 'R' }, { 'I', 'I' }, { 'U', 'U' }, { 'U', 'U' } },
  [ENDPOINT_GET_BLOB] =   { { 'A', 'F' }, { 'A', 'F' }, { 'A', 'A' }, { 'U', 'U' }, { 'U', 'U' } },
  [ENDPOINT_DELETE_NOTE] = { { 'A', 'R' }, { 'A', 'R' }, { 'A', 'A' }, { 'U', 'U' }, { 'U', 'U' } },
};

/* One caregiver's patient with a note and a signed signature. */
typedef struct
{
  const char *owner;
  char *patient_id;
  char *note_id;
  char *signature_id;
  char *strokes_sha;
  char *image_sha;
  char *secrets[8];
} Side;

typedef struct
{
  FnTestFixture fx;
  Side sides[2];   /* 0: alice's, 1: bob's */
  GString *report;
  guint n_cells;
  guint n_failures;
} World;

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
  g_assert_cmpuint (response->status / 100, ==, 2);

  return g_steal_pointer (&sha);
}

static void
make_side (World      *w,
           Side       *side,
           const char *owner,
           const char *tag)
{
  FnTestClient *office = fn_test_fixture_user (&w->fx, "office");
  FnTestClient *caregiver = fn_test_fixture_user (&w->fx, owner);
  g_autofree char *family = g_strdup_printf ("Secretfamily%s", tag);
  g_autofree char *title = g_strdup_printf ("Secrettitle%s", tag);
  g_autofree char *body = g_strdup_printf ("Secretbody%s about the wound", tag);
  g_autofree char *signer = g_strdup_printf ("Secretsigner%s", tag);
  g_autofree char *strokes = g_strdup_printf ("Secretstrokes%s", tag);
  g_autofree char *image = g_strdup_printf ("Secretimage%s", tag);
  g_autoptr (JsonArray) ops = json_array_new ();
  g_autoptr (JsonArray) results = NULL;
  JsonObject *op;

  side->owner = owner;
  side->patient_id = fn_test_create_patient (office, family, caregiver->user_id, NULL);
  side->note_id = fn_test_create_note (caregiver, side->patient_id, title, body);
  side->strokes_sha = upload_blob (caregiver, strokes);
  side->image_sha = upload_blob (caregiver, image);
  side->signature_id = fn_uuid_new ();
  op = fn_test_op_new (caregiver, "signature", side->signature_id, 0,
                       "note_id", fn_test_str (side->note_id),
                       "signer_name", fn_test_str (signer),
                       "signer_role", fn_test_str ("relative"),
                       "captured_at", fn_test_str ("2026-11-27T11:02:00Z"),
                       "note_sha256", fn_test_str (side->image_sha),
                       "strokes_blob", fn_test_str (side->strokes_sha),
                       "image_blob", fn_test_str (side->image_sha),
                       NULL);
  json_array_add_object_element (ops, op);
  results = fn_test_client_push_ops (caregiver, g_steal_pointer (&ops));
  g_assert_cmpstr (fn_test_result_status (json_array_get_object_element (results, 0)), ==,
                   "applied");

  /* Nothing of these may reach a caller outside the scope. */
  side->secrets[0] = g_strdup (side->patient_id);
  side->secrets[1] = g_strdup (side->note_id);
  side->secrets[2] = g_strdup (side->signature_id);
  side->secrets[3] = g_steal_pointer (&family);
  side->secrets[4] = g_steal_pointer (&title);
  side->secrets[5] = g_strdup_printf ("Secretbody%s", tag);
  side->secrets[6] = g_steal_pointer (&signer);
  side->secrets[7] = g_steal_pointer (&strokes);
}

static void
side_clear (Side *side)
{
  g_free (side->patient_id);
  g_free (side->note_id);
  g_free (side->signature_id);
  g_free (side->strokes_sha);
  g_free (side->image_sha);
  for (guint i = 0; i < G_N_ELEMENTS (side->secrets); i++)
    g_free (side->secrets[i]);
}

static const char *
token_for (World  *w,
           Caller  caller)
{
  switch (caller)
    {
    case CALLER_ALICE:
      return fn_test_fixture_user (&w->fx, "alice")->token;
    case CALLER_BOB:
      return fn_test_fixture_user (&w->fx, "bob")->token;
    case CALLER_OFFICE:
      return fn_test_fixture_user (&w->fx, "office")->token;
    case CALLER_NO_TOKEN:
      return NULL;
    case CALLER_BAD_TOKEN:
      return "bm90LWEtcmVhbC10b2tlbi1idXQtbG9uZy1lbm91Z2gtdG8tbG9vay1saWtlLW9uZQ";
    case N_CALLERS:
    default:
      g_assert_not_reached ();
    }
}

/* Ops are built with the office's clock whoever sends them; only the
 * token says who is asking. */
static FnTestResponse *
push_one (World      *w,
          Caller      caller,
          JsonObject *op)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *ops = json_array_new ();

  json_array_add_object_element (ops, op);
  json_object_set_array_member (object, "ops", ops);
  json_node_take_object (body, object);

  return fn_test_request_json (w->fx.server, token_for (w, caller), "POST", "/api/v1/changes",
                               body);
}

static FnTestResponse *
call (World    *w,
      Endpoint  endpoint,
      Caller    caller,
      Side     *side)
{
  FnTestClient *office = fn_test_fixture_user (&w->fx, "office");
  g_autofree char *new_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *title = NULL;

  switch (endpoint)
    {
    case ENDPOINT_PULL:
      return fn_test_request (w->fx.server, token_for (w, caller), "GET",
                              "/api/v1/changes?limit=1000", NULL, NULL, 0);

    case ENDPOINT_EDIT_NOTE:
      title = g_strdup_printf ("Edited by %s", caller_names[caller]);
      return push_one (w, caller, fn_test_op_new (office, "note", side->note_id, 1,
                                                  "title", fn_test_str (title), NULL));

    case ENDPOINT_NEW_NOTE:
      new_id = fn_uuid_new ();
      return push_one (w, caller, fn_test_op_new (office, "note", new_id, 0,
                                                  "patient_id", fn_test_str (side->patient_id),
                                                  "kind", fn_test_str ("observation"),
                                                  "visit_at", fn_test_str ("2026-11-27T10:00:00Z"),
                                                  "title", fn_test_str ("New"),
                                                  "body", fn_test_str ("New note"),
                                                  "status", fn_test_str ("draft"),
                                                  NULL));

    case ENDPOINT_EDIT_PATIENT:
      return push_one (w, caller, fn_test_op_new (office, "patient", side->patient_id, 1,
                                                  "phone", fn_test_str ("+49 30 1234567"),
                                                  NULL));

    case ENDPOINT_ASSIGN:
      {
        const char *alice_id = fn_test_fixture_user (&w->fx, "alice")->user_id;
        const char *bob_id = fn_test_fixture_user (&w->fx, "bob")->user_id;
        gboolean alices = g_str_equal (side->owner, "alice");
        const char *owner_id = alices ? alice_id : bob_id;
        const char *other_id = alices ? bob_id : alice_id;
        FnTestResponse *response;

        /* Giving the patient to the other caregiver as well. */
        response = push_one (w, caller, fn_test_op_new (office, "patient", side->patient_id, 1,
                                                        "assigned_to",
                                                        fn_test_ids (owner_id, other_id, NULL),
                                                        NULL));

        /* The office takes it back, so that the next cells meet the same
         * scopes. */
        if (caller == CALLER_OFFICE)
          {
            JsonObject *undo = fn_test_op_new (office, "patient", side->patient_id, 1,
                                               "assigned_to", fn_test_ids (owner_id, NULL),
                                               NULL);
            g_autoptr (JsonObject) result = fn_test_client_push_op (office, undo);

            g_assert_cmpstr (fn_test_result_status (result), !=, "rejected");
          }

        return response;
      }

    case ENDPOINT_EDIT_SIGNATURE:
      return push_one (w, caller, fn_test_op_new (office, "signature", side->signature_id, 1,
                                                  "signer_name", fn_test_str ("Someone else"),
                                                  NULL));

    case ENDPOINT_GET_BLOB:
      path = g_strdup_printf ("/api/v1/blobs/%s", side->strokes_sha);
      return fn_test_request (w->fx.server, token_for (w, caller), "GET", path, NULL, NULL, 0);

    case ENDPOINT_DELETE_NOTE:
      {
        /* A note of its own for each caller, so that one delete does not
         * change what the next caller meets. */
        FnTestClient *owner = fn_test_fixture_user (&w->fx, side->owner);
        g_autofree char *note_id = fn_test_create_note (owner, side->patient_id, "To delete",
                                                        "Short-lived");

        return push_one (w, caller, fn_test_op_new_delete (office, "note", note_id, 1));
      }

    case N_ENDPOINTS:
    default:
      g_assert_not_reached ();
    }
}

/* The answer as one of the letters of the table. */
static char
classify (Endpoint        endpoint,
          FnTestResponse *response,
          char          **detail)
{
  JsonObject *result;
  const char *status;

  g_assert_no_error (response->error);
  *detail = g_strdup_printf ("HTTP %u", response->status);

  if (response->status == 401)
    return 'U';
  if (response->status == 403 || (endpoint == ENDPOINT_GET_BLOB && response->status == 404))
    return 'F';
  if (response->status / 100 != 2)
    return '?';
  if (endpoint == ENDPOINT_PULL || endpoint == ENDPOINT_GET_BLOB)
    return 'A';

  result = json_array_get_object_element (
    json_object_get_array_member (fn_test_response_object (response), "results"), 0);
  status = fn_test_result_status (result);
  g_free (*detail);
  if (g_str_equal (status, "rejected"))
    {
      JsonObject *problem = json_object_get_object_member (result, "error");
      gint64 code = json_object_get_int_member (problem, "status");

      *detail = g_strdup_printf ("rejected %" G_GINT64_FORMAT " %s", code,
                                 json_object_get_string_member_with_default (problem, "code", ""));
      return code == 403 ? 'R' : code == 422 ? 'I' : '?';
    }

  *detail = g_strdup (status);
  return g_str_equal (status, "applied") || g_str_equal (status, "conflict") ? 'A' : '?';
}

static gboolean
may_see (Caller caller,
         Side  *side)
{
  if (caller == CALLER_OFFICE)
    return TRUE;
  if (caller == CALLER_ALICE)
    return g_str_equal (side->owner, "alice");
  if (caller == CALLER_BOB)
    return g_str_equal (side->owner, "bob");

  return FALSE;
}

static void
check_cell (World    *w,
            Endpoint  endpoint,
            Caller    caller,
            guint     side_index)
{
  Side *side = &w->sides[side_index];
  gboolean own = (caller == CALLER_BOB) ? side_index == 1 : side_index == 0;
  char want = expected[endpoint][caller][own ? 0 : 1];
  g_autoptr (FnTestResponse) response = call (w, endpoint, caller, side);
  g_autofree char *detail = NULL;
  g_autofree char *body = NULL;
  char got = classify (endpoint, response, &detail);
  const char *leak = NULL;

  w->n_cells++;

  /* Whatever the status, nothing of a record out of scope in the body. */
  body = response->body ? g_strndup (g_bytes_get_data (response->body, NULL),
                                     g_bytes_get_size (response->body))
                        : g_strdup ("");
  if (!may_see (caller, side))
    for (guint i = 0; i < G_N_ELEMENTS (side->secrets) && !leak; i++)
      if (strstr (body, side->secrets[i]))
        leak = side->secrets[i];

  /* And the checks can see: a caller in scope finds the record. */
  if (may_see (caller, side) && endpoint == ENDPOINT_PULL)
    {
      g_assert_nonnull (strstr (body, side->patient_id));
      g_assert_nonnull (strstr (body, side->secrets[4]));
    }
  if (may_see (caller, side) && endpoint == ENDPOINT_GET_BLOB)
    g_assert_cmpstr (body, ==, side->secrets[7]);

  g_string_append_printf (w->report, "%-30s %-9s %-5s record: want %c, got %c (%s)%s%s\n",
                          endpoint_names[endpoint], caller_names[caller],
                          side->owner, want, got, detail, leak ? " LEAKS " : "",
                          leak ? leak : "");
  if (got != want || leak)
    w->n_failures++;

  /* A problem answer is still a problem object. */
  if (got == 'U' || got == 'F')
    fn_test_assert_problem (response, response->status);
}

static void
test_matrix (World         *w,
             gconstpointer  data)
{
  make_side (w, &w->sides[0], "alice", "Anna");
  make_side (w, &w->sides[1], "bob", "Bruno");

  for (Endpoint e = 0; e < N_ENDPOINTS; e++)
    for (Caller c = 0; c < N_CALLERS; c++)
      for (guint s = 0; s < 2; s++)
        check_cell (w, e, c, s);

  /* Signing out: only with a valid token. */
  for (Caller c = CALLER_NO_TOKEN; c < N_CALLERS; c++)
    {
      g_autoptr (FnTestResponse) response = fn_test_request (w->fx.server, token_for (w, c),
                                                             "DELETE", "/api/v1/session",
                                                             NULL, NULL, 0);

      fn_test_assert_problem (response, 401);
      w->n_cells++;
    }

  g_test_message ("%u cells:\n%s", w->n_cells, w->report->str);
  if (w->n_failures > 0)
    g_error ("%u of %u cells differ from the contract:\n%s", w->n_failures, w->n_cells,
             w->report->str);
}

static void
world_setup (World         *w,
             gconstpointer  data)
{
  fn_test_fixture_setup (&w->fx, data);
  w->report = g_string_new (NULL);
}

static void
world_teardown (World         *w,
                gconstpointer  data)
{
  side_clear (&w->sides[0]);
  side_clear (&w->sides[1]);
  g_string_free (w->report, TRUE);
  fn_test_fixture_teardown (&w->fx, data);
}

static const char *lockout_args[] = { "--login-max-failures", "3", "--login-lockout", "2", NULL };

static FnTestResponse *
sign_in (FnTestFixture *fx,
         const char    *name,
         const char    *password)
{
  g_autoptr (JsonNode) body = fn_test_sign_in_body (name, password, "brute force");

  return fn_test_request_json (fx->server, NULL, "POST", "/api/v1/session", body);
}

static void
test_brute_force (FnTestFixture *fx,
                  gconstpointer  data)
{
  g_autofree char *password = fn_test_password_for ("alice");
  g_autofree char *bob_password = fn_test_password_for ("bob");
  g_autoptr (FnTestResponse) locked = NULL;
  g_autoptr (FnTestResponse) right_while_locked = NULL;
  g_autoptr (FnTestResponse) bob = NULL;
  g_autoptr (FnTestResponse) later = NULL;
  g_autoptr (FnTestResponse) unknown = NULL;
  const char *retry_after;
  gint64 locked_at;

  /* Make sure the users exist before counting. */
  g_assert_nonnull (fn_test_fixture_user (fx, "alice")->token);
  g_assert_nonnull (fn_test_fixture_user (fx, "bob")->token);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (FnTestResponse) wrong = sign_in (fx, "alice", "guess-1234");

      fn_test_assert_problem (wrong, 401);
    }

  /* The fourth try is throttled, right password or not. */
  locked = sign_in (fx, "alice", "guess-5678");
  locked_at = g_get_monotonic_time ();
  fn_test_assert_problem (locked, 429);
  fn_test_assert_retry_after (locked);
  retry_after = fn_test_response_header (locked, "Retry-After");
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), >=, 1);
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), <=, 2);

  right_while_locked = sign_in (fx, "alice", password);
  fn_test_assert_problem (right_while_locked, 429);
  g_assert_null (strstr (g_bytes_get_data (right_while_locked->body, NULL), "token"));

  /* Another user is not affected. */
  bob = sign_in (fx, "bob", bob_password);
  g_assert_cmpuint (bob->status, ==, 201);

  /* An unknown name is throttled the same way, so throttling does not
   * tell which names exist. */
  for (guint i = 0; i < 4; i++)
    {
      g_clear_pointer (&unknown, fn_test_response_free);
      unknown = sign_in (fx, "mallory", "guess");
    }
  fn_test_assert_problem (unknown, 429);

  /* After the lockout the right password works again. */
  while (g_get_monotonic_time () - locked_at < 2200 * G_TIME_SPAN_MILLISECOND)
    g_usleep (100 * 1000);
  later = sign_in (fx, "alice", password);
  g_assert_cmpuint (later->status, ==, 201);
}

int
main (int   argc,
      char *argv[])
{
  fn_test_init (&argc, &argv);

  g_test_add ("/server/authz/matrix", World, NULL, world_setup, test_matrix, world_teardown);
  g_test_add ("/server/authz/brute-force", FnTestFixture, lockout_args, fn_test_fixture_setup,
              test_brute_force, fn_test_fixture_teardown);

  return fn_test_run ();
}
