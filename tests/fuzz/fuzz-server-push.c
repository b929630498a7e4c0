/* fuzz-server-push.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-fields.h"
#include "fn-mock-sqlite-storage.h"
#include "fn-mock-sync.h"
#include "fn-mock-user.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

/* The input is the body of POST /changes. It is checked as the server's
 * handler checks a request body, then pushed through FnMockSync (op
 * parsing, scope, validation, merge, storage) as caregiver "carol" and then
 * as the office. Every op must get exactly one result, in order. */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

#define OFFICE_ID    "0ff1ce00-0000-4000-8000-000000000001"
#define CAREGIVER_ID "ca2e0000-0000-4000-8000-000000000002"

static char *db_dir;
static FnMockStorage *storage;
static FnMockSync *sync_rules;
static FnMockUser *office;
static FnMockUser *caregiver;

static void
remove_db (void)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_clear_object (&sync_rules);
  if (storage)
    fn_mock_storage_close (storage);
  g_clear_object (&storage);
  if (!db_dir)
    return;

  dir = g_dir_open (db_dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (db_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (db_dir);
  g_clear_pointer (&db_dir, g_free);
}

static void
free_users (void)
{
  g_clear_pointer (&office, fn_mock_user_free);
  g_clear_pointer (&caregiver, fn_mock_user_free);
}

static FnMockUser *
make_user (const char *id,
           const char *name,
           const char *role)
{
  FnMockUser *user = fn_mock_user_new (id, name, role);

  /* Nobody signs in here; the column only has to be filled. */
  user->password_hash = g_strdup ("!");
  user->device_id = g_strconcat ("d", id + 1, NULL);
  return user;
}

/* A fresh database every few hundred inputs keeps it small. */
static void
ensure_db (void)
{
  static guint uses;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  if (storage && ++uses % 500 != 0)
    return;

  if (!office)
    {
      office = make_user (OFFICE_ID, "office", "office");
      caregiver = make_user (CAREGIVER_ID, "carol", "caregiver");
      atexit (remove_db);
      atexit (free_users);
    }

  remove_db ();
  db_dir = g_dir_make_tmp ("fn-fuzz-server-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (db_dir, "server.db", NULL);
  storage = fn_mock_sqlite_storage_new (path, &error);
  g_assert_no_error (error);
  fn_mock_storage_add_user (storage, office, &error);
  g_assert_no_error (error);
  fn_mock_storage_add_user (storage, caregiver, &error);
  g_assert_no_error (error);
  sync_rules = fn_mock_sync_new (storage, "srvfuzz", &error);
  g_assert_no_error (error);
}

static void
check_results (JsonNode  *response,
               JsonArray *ops)
{
  JsonArray *results;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (response));
  results = json_object_get_array_member (json_node_get_object (response), "results");
  g_assert_nonnull (results);
  g_assert_cmpuint (json_array_get_length (results), ==, json_array_get_length (ops));

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *status = json_object_get_string_member (result, "status");
      JsonNode *record = json_object_get_member (result, "record");
      JsonNode *problem = json_object_get_member (result, "error");

      g_assert_nonnull (status);
      if (g_str_equal (status, "rejected"))
        {
          g_assert_true (JSON_NODE_HOLDS_OBJECT (problem));
          g_assert_true (JSON_NODE_HOLDS_NULL (record));
          g_assert_cmpint (json_object_get_int_member (json_node_get_object (problem), "status"),
                           >=, 400);
        }
      else
        {
          g_assert_true (g_str_equal (status, "applied") || g_str_equal (status, "duplicate") ||
                         g_str_equal (status, "conflict"));
          g_assert_true (JSON_NODE_HOLDS_OBJECT (record));
        }
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *ops;
  FnMockUser *users[2];

  /* The checks of the server's parse_json_body () and handle_push (). */
  if (size == 0 || size > FN_MAX_REQUEST_BYTES ||
      !g_utf8_validate ((const char *)data, size, NULL) || memchr (data, '\0', size))
    return 0;
  if (!json_parser_load_from_data (parser, (const char *)data, size, NULL) ||
      !json_parser_get_root (parser) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return 0;
  ops = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "ops");
  if (!ops || !JSON_NODE_HOLDS_ARRAY (ops) ||
      json_array_get_length (json_node_get_array (ops)) > FN_MAX_OPS_PER_PUSH)
    return 0;

  ensure_db ();
  users[0] = caregiver;
  users[1] = office;
  for (guint u = 0; u < G_N_ELEMENTS (users); u++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) response = NULL;

      response = fn_mock_sync_push (sync_rules, users[u], users[u]->device_id,
                                    json_node_get_array (ops), &error);
      g_assert_no_error (error);
      check_results (response, json_node_get_array (ops));
    }

  return 0;
}
