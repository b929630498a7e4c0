/* test-hostile.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sync engine facing a server that breaks the contract: an in-process
 * SoupServer (in a thread of its own, since sign-in blocks) answers pulls or
 * pushes with HTML, truncated JSON, wrong types, too many or too many bytes,
 * unknown entities, invalid UTF-8, bad clocks, no cursor, or the wrong number
 * of push results. Each time the run must fail with the state "error" and a
 * sentence in last-error, the laptop's data must be exactly as before, and
 * every op must still be in the outbox and reach the server once it
 * behaves again. */

#include "config.h"

#include "fn-core.h"
#include "fn-store-private.h"
#include "fn-test-engine.h"

#include <libsoup/soup.h>
#include <string.h>

#define ALICE_ID   "a11ce000-0000-4000-8000-000000000001"
#define DEVICE_ID  "de71ce00-0000-4000-8000-000000000002"
#define PATIENT_ID "9a71e470-0000-4000-8000-000000000003"
#define NOTE_ID    "a07e0000-0000-4000-8000-000000000004"
#define TOKEN      "hostile-test-token"

/* 64 MiB is what the client reads at most. */
#define HUGE_BYTES (65 * 1024 * 1024)

typedef enum
{
  ANSWER_GOOD,
  ANSWER_HTML,
  ANSWER_HTML_AS_JSON,
  ANSWER_TRUNCATED,
  ANSWER_WRONG_TYPES,
  ANSWER_TOO_MANY,
  ANSWER_HUGE,
  ANSWER_UNKNOWN_ENTITY,
  ANSWER_INVALID_UTF8,
  ANSWER_BAD_CLOCK,
  ANSWER_NO_CURSOR,
  ANSWER_ONE_BAD_RECORD,
  ANSWER_COUNT_MISMATCH,
  ANSWER_FOREIGN_RECORD,
  ANSWER_UNKNOWN_STATUS,
  ANSWER_SECOND_PAGE_BAD,
} Answer;

typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *url;

  GMutex lock;
  GCond ready;
  Answer session_answer;
  Answer pull_answer;
  Answer push_answer;
  guint cursor;
  GHashTable *pushed_op_ids;
  guint n_pushes;
  guint n_pulls;
  GPtrArray *sinces;
} Fake;

typedef struct
{
  Fake fake;
  char *dir;
  FnStore *store;
  FnTokenStore *tokens;
  FnSyncEngine *engine;
} Fixture;

typedef struct
{
  const char *name;
  Answer answer;
  const char *says;   /* what the error message must contain */
} Case;

static char *
patient_json (const char *id,
              const char *family_name)
{
  return g_strdup_printf ("{\"entity\": \"patient\", \"id\": \"%s\", \"version\": 1, "
                          "\"deleted\": false, \"fields\": {\"given_name\": \"Greta\", "
                          "\"family_name\": \"%s\", \"assigned_to\": [\"" ALICE_ID "\"]}, "
                          "\"clock\": {\"family_name\": \"1764240000000-0000-srv\"}}",
                          id, family_name);
}

static char *
note_json (const char *id,
           gint64      version,
           const char *title,
           const char *clock)
{
  return g_strdup_printf ("{\"entity\": \"note\", \"id\": \"%s\", "
                          "\"version\": %" G_GINT64_FORMAT ", "
                          "\"deleted\": false, \"fields\": {\"patient_id\": \"" PATIENT_ID "\", "
                          "\"author_id\": \"" ALICE_ID "\", \"kind\": \"visit\", "
                          "\"visit_at\": \"2026-11-27T09:30:00Z\", \"title\": \"%s\", "
                          "\"body\": \"Walked to the river.\", \"status\": \"draft\"}, "
                          "\"clock\": {\"title\": \"%s\"}}",
                          id, version, title, clock);
}

static char *
page_json (const char *changes,
           const char *cursor)
{
  return g_strdup_printf ("{\"changes\": [%s], \"cursor\": \"%s\", \"has_more\": false, "
                          "\"remaining\": 0}",
                          changes, cursor);
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *content_type,
         char              *body,
         gsize              length)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, body, length);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              char              *body)
{
  respond (msg, status, "application/json", body, strlen (body));
}

static void
handle_pull (Fake              *fake,
             SoupServerMessage *msg,
             const char        *since,
             Answer             answer)
{
  g_autofree char *patient = patient_json (PATIENT_ID, "Good");
  g_autofree char *note = note_json (NOTE_ID, 1, "First visit", "1764240000000-0001-srv");
  g_autofree char *good_changes = g_strdup_printf ("%s, %s", patient, note);
  g_autofree char *cursor = NULL;
  g_autofree char *other = NULL;
  g_autofree char *changes = NULL;
  char *body;

  g_mutex_lock (&fake->lock);
  cursor = g_strdup_printf ("c%u", ++fake->cursor);
  fake->n_pulls++;
  g_ptr_array_add (fake->sinces, g_strdup (since ? since : ""));
  g_mutex_unlock (&fake->lock);

  /* Each hostile page carries a new patient, which must not appear. */
  other = patient_json ("0b1e0000-0000-4000-8000-000000000099", "Hostile");

  switch (answer)
    {
    case ANSWER_GOOD:
      respond_json (msg, 200, page_json (good_changes, cursor));
      return;

    case ANSWER_HTML:
      body = g_strdup ("<!DOCTYPE html><html><body><h1>Welcome to the hotel Wi-Fi</h1>"
                       "</body></html>");
      respond (msg, 200, "text/html", body, strlen (body));
      return;

    case ANSWER_HTML_AS_JSON:
      respond_json (msg, 200, g_strdup ("<html><body>Bad gateway</body></html>"));
      return;

    case ANSWER_TRUNCATED:
      body = page_json (other, cursor);
      respond_json (msg, 200, g_strndup (body, strlen (body) / 2));
      g_free (body);
      return;

    case ANSWER_WRONG_TYPES:
      respond_json (msg, 200, g_strdup_printf ("{\"changes\": {\"0\": %s}, \"cursor\": 7, "
                                               "\"has_more\": \"no\"}", other));
      return;

    case ANSWER_TOO_MANY:
      {
        /* One more valid record than the engine asked for. */
        GUri *uri = soup_server_message_get_uri (msg);
        g_autoptr (GHashTable) query = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                                           G_URI_PARAMS_NONE, NULL);
        guint limit = (guint)g_ascii_strtoull (g_hash_table_lookup (query, "limit"), NULL, 10);
        GString *many = g_string_new (NULL);

        g_assert_cmpuint (limit, >=, 1);
        for (guint i = 0; i < limit + 1; i++)
          {
            g_autofree char *id = g_strdup_printf ("0b1e0000-0000-4000-8000-%012u", i);
            g_autofree char *record = patient_json (id, "Many");

            g_string_append_printf (many, "%s%s", i ? ", " : "", record);
          }
        respond_json (msg, 200, page_json (many->str, cursor));
        g_string_free (many, TRUE);
      }
      return;

    case ANSWER_HUGE:
      {
        /* A valid page whose one record has a family name of 65 MiB. */
        gsize length = HUGE_BYTES + 1024;
        char *huge = g_malloc (length);
        int n = g_snprintf (huge, length, "{\"changes\": [{\"entity\": \"patient\", \"id\": "
                            "\"0b1e0000-0000-4000-8000-000000000098\", \"version\": 1, "
                            "\"fields\": {\"family_name\": \"");

        memset (huge + n, 'x', HUGE_BYTES);
        n += HUGE_BYTES;
        n += g_snprintf (huge + n, length - n, "\"}}], \"cursor\": \"%s\", \"has_more\": false}",
                         cursor);
        respond (msg, 200, "application/json", huge, n);
      }
      return;

    case ANSWER_UNKNOWN_ENTITY:
      changes = g_strdup_printf ("%s, {\"entity\": \"invoice\", \"id\": "
                                 "\"0b1e0000-0000-4000-8000-000000000097\", \"version\": 1, "
                                 "\"fields\": {}}", other);
      respond_json (msg, 200, page_json (changes, cursor));
      return;

    case ANSWER_INVALID_UTF8:
      changes = note_json (NOTE_ID, 2, "Caf\xc3\x28 \xff\xfe", "1764240000001-0000-srv");
      respond_json (msg, 200, page_json (changes, cursor));
      return;

    case ANSWER_BAD_CLOCK:
      changes = note_json (NOTE_ID, 2, "Clockless", "yesterday-at-noon");
      respond_json (msg, 200, page_json (changes, cursor));
      return;

    case ANSWER_NO_CURSOR:
      respond_json (msg, 200, g_strdup_printf ("{\"changes\": [%s], \"has_more\": false}", other));
      return;

    case ANSWER_ONE_BAD_RECORD:
      {
        /* Two good records, then a note without its required kind: the
         * whole page is refused, not the first two applied. */
        g_autofree char *bad = g_strdup_printf (
          "{\"entity\": \"note\", \"id\": \"0b1e0000-0000-4000-8000-000000000096\", "
          "\"version\": 1, \"fields\": {\"patient_id\": \"" PATIENT_ID "\", "
          "\"visit_at\": \"2026-11-27T09:30:00Z\", \"status\": \"draft\"}}");
        g_autofree char *edited = note_json (NOTE_ID, 2, "Edited by the office",
                                             "1764240000002-0000-srv");

        changes = g_strdup_printf ("%s, %s, %s", other, edited, bad);
        respond_json (msg, 200, page_json (changes, cursor));
      }
      return;

    case ANSWER_SECOND_PAGE_BAD:
      /* A good first page that says there is more, then a broken one. */
      if (g_strcmp0 (since, "page-1") != 0)
        {
          g_autofree char *second = patient_json ("0b1e0000-0000-4000-8000-000000000094",
                                                  "Secondpage");

          respond_json (msg, 200, g_strdup_printf ("{\"changes\": [%s], \"cursor\": \"page-1\", "
                                                   "\"has_more\": true, \"remaining\": 1}",
                                                   second));
        }
      else
        {
          respond_json (msg, 200, g_strdup ("{\"changes\": [{\"entity\": \"pati"));
        }
      return;

    case ANSWER_COUNT_MISMATCH:
    case ANSWER_FOREIGN_RECORD:
    case ANSWER_UNKNOWN_STATUS:
    default:
      g_assert_not_reached ();
    }
}

/* A result for one op: the note the op is about, with the op's title. */
static char *
push_result (JsonObject *op,
             Answer      answer)
{
  const char *op_id = json_object_get_string_member (op, "op_id");
  const char *id = json_object_get_string_member (op, "id");
  gint64 version = json_object_get_int_member (op, "base_version") + 1;
  JsonObject *fields = json_object_get_object_member (op, "fields");
  const char *title = json_object_get_string_member_with_default (fields, "title", "Pushed");
  const char *status = "applied";
  const char *clock = "1764240000003-0000-srv";
  g_autofree char *record = NULL;

  g_assert_cmpstr (json_object_get_string_member (op, "entity"), ==, "note");

  if (answer == ANSWER_FOREIGN_RECORD)
    id = "0b1e0000-0000-4000-8000-000000000095";
  if (answer == ANSWER_UNKNOWN_STATUS)
    status = "accepted";
  if (answer == ANSWER_BAD_CLOCK)
    clock = "1764240000003-00G0-srv";
  if (answer == ANSWER_INVALID_UTF8)
    title = "Caf\xc3\x28 \xff\xfe";

  record = note_json (id, version, title, clock);
  if (answer == ANSWER_UNKNOWN_ENTITY)
    {
      char *at = strstr (record, "\"note\"");

      memcpy (at, "\"memo\"", 6);
    }
  if (answer == ANSWER_WRONG_TYPES)
    return g_strdup_printf ("{\"op_id\": {\"id\": \"%s\"}, \"status\": [\"applied\"], "
                            "\"record\": \"%s\"}", op_id, id);

  return g_strdup_printf ("{\"op_id\": \"%s\", \"status\": \"%s\", \"record\": %s, "
                          "\"conflicts\": [], \"error\": null, \"clock_adjusted\": false}",
                          op_id, status, record);
}

static void
handle_push (Fake              *fake,
             SoupServerMessage *msg,
             Answer             answer)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) request = soup_message_body_flatten (request_body);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) results = g_string_new (NULL);
  g_autofree char *body = NULL;
  JsonArray *ops;
  guint n;

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (request, NULL),
                                             g_bytes_get_size (request), NULL));
  ops = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "ops");
  n = json_array_get_length (ops);

  g_mutex_lock (&fake->lock);
  fake->n_pushes++;
  if (answer == ANSWER_GOOD)
    for (guint i = 0; i < n; i++)
      {
        JsonObject *op = json_array_get_object_element (ops, i);

        g_hash_table_add (fake->pushed_op_ids,
                          g_strdup (json_object_get_string_member (op, "op_id")));
      }
  g_mutex_unlock (&fake->lock);

  if (answer == ANSWER_HTML)
    {
      body = g_strdup ("<html><body>Service temporarily moved</body></html>");
      respond (msg, 200, "text/html", body, strlen (body));
      body = NULL;
      return;
    }

  if (answer == ANSWER_COUNT_MISMATCH)
    n--;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *result = push_result (json_array_get_object_element (ops, i), answer);

      g_string_append_printf (results, "%s%s", i ? ", " : "", result);
    }
  body = g_strdup_printf ("{\"results\": [%s]}", results->str);

  if (answer == ANSWER_TRUNCATED)
    body[strlen (body) * 2 / 3] = '\0';

  respond_json (msg, 200, g_steal_pointer (&body));
}

/* A sign-in answer that breaks the contract. */
static void
handle_bad_session (SoupServerMessage *msg,
                    Answer             answer)
{
  char *body;

  switch (answer)
    {
    case ANSWER_HTML:
      body = g_strdup ("<html><body>Sign in to the hotel Wi-Fi</body></html>");
      respond (msg, 200, "text/html", body, strlen (body));
      return;

    case ANSWER_TRUNCATED:
      respond_json (msg, 201, g_strdup ("{\"token\": \"" TOKEN "\", \"device_"));
      return;

    case ANSWER_WRONG_TYPES:
      respond_json (msg, 201, g_strdup ("{\"token\": 12345, \"device_id\": [\"" DEVICE_ID "\"], "
                                        "\"user\": \"alice\"}"));
      return;

    case ANSWER_NO_CURSOR:
      /* Everything but the token. */
      respond_json (msg, 201, g_strdup ("{\"expires_at\": \"2099-01-01T00:00:00Z\", "
                                        "\"device_id\": \"" DEVICE_ID "\", "
                                        "\"user\": {\"id\": \"" ALICE_ID "\", "
                                        "\"name\": \"alice\", \"role\": \"caregiver\"}}"));
      return;

    case ANSWER_INVALID_UTF8:
      respond_json (msg, 201, g_strdup ("{\"token\": \"tok\xff\xfe\", \"device_id\": \"" DEVICE_ID
                                        "\", \"user\": {\"id\": \"" ALICE_ID "\"}}"));
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fake *fake = user_data;
  const char *method = soup_server_message_get_method (msg);
  Answer session_answer, pull_answer, push_answer;

  g_mutex_lock (&fake->lock);
  session_answer = fake->session_answer;
  pull_answer = fake->pull_answer;
  push_answer = fake->push_answer;
  g_mutex_unlock (&fake->lock);

  if (g_str_equal (path, "/api/v1/session") && g_str_equal (method, "POST") &&
      session_answer != ANSWER_GOOD)
    {
      handle_bad_session (msg, session_answer);
      return;
    }

  if (g_str_equal (path, "/api/v1/session") && g_str_equal (method, "POST"))
    {
      respond_json (msg, 201, g_strdup ("{\"token\": \"" TOKEN "\", \"expires_at\": "
                                        "\"2099-01-01T00:00:00Z\", "
                                        "\"device_id\": \"" DEVICE_ID "\", "
                                        "\"user\": {\"id\": \"" ALICE_ID "\", \"name\": \"alice\", "
                                        "\"role\": \"caregiver\"}}"));
      return;
    }

  if (g_str_equal (path, "/api/v1/changes"))
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
      const char *auth = soup_message_headers_get_one (headers, "Authorization");

      g_assert_cmpstr (auth, ==, "Bearer " TOKEN);
      if (g_str_equal (method, "GET"))
        handle_pull (fake, msg, query ? g_hash_table_lookup (query, "since") : NULL,
                     pull_answer);
      else
        handle_push (fake, msg, push_answer);
      return;
    }

  respond_json (msg, 404, g_strdup ("{\"status\": 404, \"title\": \"Not found\"}"));
}

static gpointer
server_thread (gpointer data)
{
  Fake *fake = data;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (fake->context);

  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, server_cb, fake, NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  g_mutex_lock (&fake->lock);
  fake->url = g_uri_to_string (uris->data);
  /* "http://127.0.0.1:PORT/" without the slash. */
  fake->url[strlen (fake->url) - 1] = '\0';
  g_cond_signal (&fake->ready);
  g_mutex_unlock (&fake->lock);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  g_main_loop_run (fake->loop);

  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_main_context_pop_thread_default (fake->context);
  return NULL;
}

static void
fake_start (Fake *fake)
{
  g_mutex_init (&fake->lock);
  g_cond_init (&fake->ready);
  fake->pushed_op_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fake->sinces = g_ptr_array_new_with_free_func (g_free);
  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);

  g_mutex_lock (&fake->lock);
  fake->thread = g_thread_new ("fake-server", server_thread, fake);
  while (!fake->url)
    g_cond_wait (&fake->ready, &fake->lock);
  g_mutex_unlock (&fake->lock);
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
fake_stop (Fake *fake)
{
  g_main_context_invoke (fake->context, quit_loop_cb, fake->loop);
  g_thread_join (fake->thread);
  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_hash_table_unref (fake->pushed_op_ids);
  g_ptr_array_unref (fake->sinces);
  g_free (fake->url);
  g_mutex_clear (&fake->lock);
  g_cond_clear (&fake->ready);
}

static void
fake_set (Fake   *fake,
          Answer  pull_answer,
          Answer  push_answer)
{
  g_mutex_lock (&fake->lock);
  fake->pull_answer = pull_answer;
  fake->push_answer = push_answer;
  g_mutex_unlock (&fake->lock);
}

/* The laptop's data, and what the outbox holds apart from its bookkeeping
 * (state, attempts, times), as text. */
static char *
dump_store (FnStore *store)
{
  static const char * const queries[] = {
    "SELECT * FROM meta ORDER BY key",
    "SELECT cursor FROM sync_state",
    "SELECT * FROM patients ORDER BY id",
    "SELECT * FROM notes ORDER BY id",
    "SELECT * FROM signatures ORDER BY id",
    "SELECT * FROM conflicts ORDER BY id",
    "SELECT op_id, entity, record_id, patient_id, base_version, deleted, fields, clock,"
    " created_at FROM outbox ORDER BY seq",
  };
  sqlite3 *db = fn_store_get_db (store);
  GString *dump = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), ==, SQLITE_OK);
      g_string_append_printf (dump, "-- %s\n", queries[q]);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *text = (const char *)sqlite3_column_text (stmt, c);

              g_string_append_printf (dump, "%s|", text ? text : "NULL");
            }
          g_string_append_c (dump, '\n');
        }
      sqlite3_finalize (stmt);
    }

  return g_string_free (dump, FALSE);
}

static GPtrArray *
outbox_op_ids (FnStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = fn_store_list_outbox (store, &error);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < ops->len; i++)
    g_ptr_array_add (ids, g_strdup (((FnOutboxOp *)g_ptr_array_index (ops, i))->op_id));

  return ids;
}

/* Not signed in yet: for the sign-in cases. */
static void
fixture_setup_signed_out (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fake_start (&f->fake);
  f->dir = g_dir_make_tmp ("fn-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = fn_store_new (f->dir, &error);
  g_assert_no_error (error);
  f->tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, f->dir);
  f->engine = fn_sync_engine_new (f->store, f->tokens);
}

/* Signed in, and a first, good run has brought the patient and the note. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture_setup_signed_out (f, data);

  g_assert_true (fn_sync_sign_in (f->store, f->tokens, f->fake.url, "alice", "alice-demo", NULL,
                                  NULL, &error));
  g_assert_no_error (error);

  fake_set (&f->fake, ANSWER_GOOD, ANSWER_GOOD);
  g_assert_true (fn_test_engine_sync (f->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_IDLE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fn_sync_engine_shutdown (f->engine);
  fn_test_wait_finalized (f->engine);
  g_assert_finalize_object (f->tokens);
  g_assert_finalize_object (f->store);
  fn_test_remove_tree (f->dir);
  g_free (f->dir);
  fake_stop (&f->fake);
}

static void
assert_refused (Fixture    *f,
                const Case *c,
                const char *before)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL;
  const char *message;

  g_assert_false (fn_test_engine_sync (f->engine, &error));
  g_assert_nonnull (error);
  g_test_message ("refused with: %s", error->message);
  g_assert_true (error->domain == FN_SYNC_ERROR || error->domain == FN_VALIDATION_ERROR);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_ERROR);

  /* A sentence for a person, not a dump of the answer. */
  message = fn_sync_engine_get_last_error (f->engine);
  g_assert_nonnull (message);
  g_assert_cmpstr (message, ==, error->message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_cmpuint (strlen (message), >, 20);
  g_assert_cmpuint (strlen (message), <, 400);
  g_assert_null (strstr (message, "<html"));
  g_assert_null (strstr (message, "Hostile"));
  if (!strstr (message, c->says))
    g_error ("“%s” does not say “%s”", message, c->says);

  after = dump_store (f->store);
  g_assert_cmpstr (after, ==, before);
}

/* A hostile pull page: nothing of it reaches the store. */
static void
test_pull (Fixture       *f,
           gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *before = dump_store (f->store);
  g_autoptr (GError) error = NULL;

  fake_set (&f->fake, c->answer, ANSWER_GOOD);
  assert_refused (f, c, before);

  /* The same again: still refused, still nothing changed. */
  assert_refused (f, c, before);

  /* Once the server behaves, the engine recovers. */
  fake_set (&f->fake, ANSWER_GOOD, ANSWER_GOOD);
  g_assert_true (fn_test_engine_sync (f->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_IDLE);
}

/* The first page of a pull is good and says there is more; the second is
 * broken. The first page stays applied with its cursor, and the next run
 * goes on from there: a page is repeated at most, never skipped. */
static void
test_pull_second_page (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) second = NULL;
  g_autofree char *cursor = NULL;

  g_mutex_lock (&f->fake.lock);
  g_ptr_array_set_size (f->fake.sinces, 0);
  g_mutex_unlock (&f->fake.lock);

  fake_set (&f->fake, ANSWER_SECOND_PAGE_BAD, ANSWER_GOOD);
  g_assert_false (fn_test_engine_sync (f->engine, &error));
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_ERROR);

  second = fn_store_get (f->store, FN_ENTITY_PATIENT, "0b1e0000-0000-4000-8000-000000000094",
                         &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  cursor = fn_store_get_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "page-1");

  /* The next run, with the server fixed, starts after the first page. */
  g_mutex_lock (&f->fake.lock);
  g_ptr_array_set_size (f->fake.sinces, 0);
  g_mutex_unlock (&f->fake.lock);
  fake_set (&f->fake, ANSWER_GOOD, ANSWER_GOOD);
  g_assert_true (fn_test_engine_sync (f->engine, &error));
  g_assert_no_error (error);
  g_mutex_lock (&f->fake.lock);
  g_assert_cmpuint (f->fake.sinces->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (f->fake.sinces, 0), ==, "page-1");
  g_mutex_unlock (&f->fake.lock);
}

/* A hostile sign-in answer: not signed in, no token kept, nothing stored,
 * a clear error; then a good answer signs in. */
static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  const Case *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = dump_store (f->store);
  g_autofree char *after = NULL;
  g_autofree char *token_file = g_build_filename (f->dir, "token.json", NULL);

  g_mutex_lock (&f->fake.lock);
  f->fake.session_answer = c->answer;
  g_mutex_unlock (&f->fake.lock);

  g_assert_false (fn_sync_sign_in (f->store, f->tokens, f->fake.url, "alice", "alice-demo", NULL,
                                   NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("refused with: %s", error->message);
  g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL);
  if (!strstr (error->message, c->says))
    g_error ("“%s” does not say “%s”", error->message, c->says);
  g_clear_error (&error);

  g_assert_false (g_file_test (token_file, G_FILE_TEST_EXISTS));
  g_assert_false (fn_store_has_been_connected (f->store));
  after = dump_store (f->store);
  g_assert_cmpstr (after, ==, before);

  g_mutex_lock (&f->fake.lock);
  f->fake.session_answer = ANSWER_GOOD;
  g_mutex_unlock (&f->fake.lock);
  g_assert_true (fn_sync_sign_in (f->store, f->tokens, f->fake.url, "alice", "alice-demo", NULL,
                                  NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (token_file, G_FILE_TEST_EXISTS));
}

/* A hostile push answer: the local edits stay, and so do their ops. */
static void
test_push (Fixture       *f,
           gconstpointer  data)
{
  const Case *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (FnNote) added = fn_note_new (PATIENT_ID);
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GPtrArray) ops_after = NULL;
  g_autoptr (FnRecord) edited = NULL;
  g_autofree char *before = NULL;

  note = fn_store_get (f->store, FN_ENTITY_NOTE, NOTE_ID, &error);
  g_assert_no_error (error);
  fn_record_set_field (note, "title", "Edited offline");
  g_assert_true (fn_store_save (f->store, note, &error));
  g_assert_no_error (error);

  fn_record_set_field (FN_RECORD (added), "title", "Written offline");
  fn_record_set_field (FN_RECORD (added), "body", "Blood pressure 120/80.");
  g_assert_true (fn_store_save (f->store, FN_RECORD (added), &error));
  g_assert_no_error (error);

  ops = outbox_op_ids (f->store);
  g_assert_cmpuint (ops->len, ==, 2);
  before = dump_store (f->store);

  fake_set (&f->fake, ANSWER_GOOD, c->answer);
  assert_refused (f, c, before);
  assert_refused (f, c, before);

  ops_after = outbox_op_ids (f->store);
  g_assert_cmpuint (ops_after->len, ==, ops->len);
  for (guint i = 0; i < ops->len; i++)
    g_assert_cmpstr (g_ptr_array_index (ops_after, i), ==, g_ptr_array_index (ops, i));

  /* The server behaves again: both ops arrive, with the same op ids. */
  fake_set (&f->fake, ANSWER_GOOD, ANSWER_GOOD);
  g_assert_true (fn_test_engine_sync (f->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fn_sync_engine_get_state (f->engine), ==, FN_SYNC_ENGINE_IDLE);
  g_assert_cmpuint (fn_store_count_pending (f->store), ==, 0);
  g_mutex_lock (&f->fake.lock);
  for (guint i = 0; i < ops->len; i++)
    g_assert_true (g_hash_table_contains (f->fake.pushed_op_ids, g_ptr_array_index (ops, i)));
  g_mutex_unlock (&f->fake.lock);

  edited = fn_store_get (f->store, FN_ENTITY_NOTE, NOTE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fn_record_get_field (edited, "title"), ==, "Edited offline");
}

static const Case pull_cases[] = {
  { "html", ANSWER_HTML, "did not answer like a Field Notes server (it sent text/html)" },
  { "html-labelled-json", ANSWER_HTML_AS_JSON, "not valid JSON" },
  { "truncated", ANSWER_TRUNCATED, "not valid JSON" },
  { "wrong-types", ANSWER_WRONG_TYPES, "pull answer without changes" },
  { "larger-than-asked", ANSWER_TOO_MANY, "larger than asked for" },
  { "huge", ANSWER_HUGE, "too large" },
  { "unknown-entity", ANSWER_UNKNOWN_ENTITY, "record that is not valid: unknown entity" },
  { "invalid-utf8", ANSWER_INVALID_UTF8, "not valid JSON" },
  { "bad-clock", ANSWER_BAD_CLOCK, "record that is not valid: bad clock value" },
  { "no-cursor", ANSWER_NO_CURSOR, "without a cursor" },
  { "one-bad-record", ANSWER_ONE_BAD_RECORD,
    "record that is not valid: The kind of note is required" },
};

static const Case sign_in_cases[] = {
  { "html", ANSWER_HTML, "did not answer like a Field Notes server (it sent text/html)" },
  { "truncated", ANSWER_TRUNCATED, "not valid JSON" },
  { "wrong-types", ANSWER_WRONG_TYPES, "lacks a token, device or user" },
  { "no-token", ANSWER_NO_CURSOR, "lacks a token, device or user" },
  { "invalid-utf8", ANSWER_INVALID_UTF8, "not valid JSON" },
};

static const Case push_cases[] = {
  { "html", ANSWER_HTML, "did not answer like a Field Notes server (it sent text/html)" },
  { "truncated", ANSWER_TRUNCATED, "not valid JSON" },
  { "wrong-types", ANSWER_WRONG_TYPES, "push results do not match the ops sent" },
  { "count-mismatch", ANSWER_COUNT_MISMATCH, "result count that does not match" },
  { "foreign-record", ANSWER_FOREIGN_RECORD, "about another record" },
  { "unknown-status", ANSWER_UNKNOWN_STATUS, "unknown push status" },
  { "unknown-entity", ANSWER_UNKNOWN_ENTITY, "record that is not valid: unknown entity" },
  { "invalid-utf8", ANSWER_INVALID_UTF8, "not valid JSON" },
  { "bad-clock", ANSWER_BAD_CLOCK, "record that is not valid: bad clock value" },
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (pull_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/hostile/pull/%s", pull_cases[i].name);

      g_test_add (path, Fixture, &pull_cases[i], fixture_setup, test_pull, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (sign_in_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/hostile/sign-in/%s", sign_in_cases[i].name);

      g_test_add (path, Fixture, &sign_in_cases[i], fixture_setup_signed_out, test_sign_in,
                  fixture_teardown);
    }
  g_test_add ("/sync/hostile/pull/second-page", Fixture, NULL, fixture_setup,
              test_pull_second_page, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (push_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/hostile/push/%s", push_cases[i].name);

      g_test_add (path, Fixture, &push_cases[i], fixture_setup, test_push, fixture_teardown);
    }

  return g_test_run ();
}
