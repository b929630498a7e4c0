/* fuzz-pull.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-fuzz-store.h"

#include "fn-record-json.h"
#include "fn-store-private.h"
#include "fn-sync-client.h"

/* The input is the body of a pull answer, as the sync client receives it:
 * the page's shape is checked as fn_sync_client_pull() checks it, then the
 * store applies it. A page the store refuses must leave it unchanged. */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FnStore *store = fn_fuzz_store_get ();
  g_autoptr (JsonNode) root = fn_fuzz_parse_json (data, size);
  g_autoptr (FnSyncPage) page = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint n_applied = 0;

  if (!root)
    return 0;

  /* A bare record goes through the record codec alone. */
  if (JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "entity"))
    {
      g_autoptr (JsonObject) clock = NULL;
      g_autoptr (FnRecord) record = NULL;
      gboolean removed = FALSE;

      record = fn_record_from_json (root, &clock, &removed, &error);
      g_assert_true ((record != NULL) == (error == NULL));
      if (record)
        g_assert_nonnull (clock);
      return 0;
    }

  page = fn_sync_page_new_from_json (root, 500, &error);
  if (!page)
    {
      g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_nonnull (page->changes);
  g_assert_nonnull (page->cursor);

  before = fn_fuzz_dump_store (store);
  if (fn_store_apply_pull (store, page->changes, page->cursor, &n_applied, &error))
    {
      g_autofree char *cursor = fn_store_get_cursor (store);

      g_assert_no_error (error);
      g_assert_cmpuint (n_applied, ==, json_array_get_length (page->changes));
      g_assert_cmpstr (cursor, ==, page->cursor);
      return 0;
    }

  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  after = fn_fuzz_dump_store (store);
  g_assert_cmpstr (before, ==, after);

  return 0;
}
