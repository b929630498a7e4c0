/* fuzz-push-result.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-fuzz-store.h"

#include "fn-store-private.h"
#include "fn-sync-client.h"

/* The input is the body of a push answer for two ops (an edit of the local
 * note and one of the local patient): its shape is checked as
 * fn_sync_client_push() checks it, then fn_store_finish_push() validates
 * and applies the results. Results the store refuses must leave it
 * unchanged, outbox included. */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static FnOutboxOp *
make_op (const char *op_id,
         FnEntity    entity,
         const char *record_id,
         const char *fields_json,
         const char *clock_json)
{
  FnOutboxOp *op = g_new0 (FnOutboxOp, 1);

  op->op_id = g_strdup (op_id);
  op->entity = entity;
  op->record_id = g_strdup (record_id);
  op->base_version = 1;
  op->fields_json = g_strdup (fields_json);
  op->clock_json = g_strdup (clock_json);
  op->state = g_strdup ("sending");
  op->attempts = 1;

  return op;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FnStore *store = fn_fuzz_store_get ();
  g_autoptr (JsonNode) root = fn_fuzz_parse_json (data, size);
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify)fn_outbox_op_free);
  g_autoptr (JsonArray) results = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint n_rejected = 0;

  if (!root)
    return 0;

  g_ptr_array_add (ops, make_op (FN_FUZZ_OP_ID_1, FN_ENTITY_NOTE, FN_FUZZ_NOTE_ID,
                                 "{\"title\": \"Pushed title\"}",
                                 "{\"title\": \"1764240000000-0000-fuzz\"}"));
  g_ptr_array_add (ops, make_op (FN_FUZZ_OP_ID_2, FN_ENTITY_PATIENT, FN_FUZZ_PATIENT_ID,
                                 "{\"phone\": \"555 0100\"}",
                                 "{\"phone\": \"1764240000000-0001-fuzz\"}"));

  results = fn_sync_push_results_from_json (root, ops->len, &error);
  if (!results)
    {
      g_assert_error (error, FN_SYNC_ERROR, FN_SYNC_ERROR_PROTOCOL);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (results), ==, ops->len);

  before = fn_fuzz_dump_store (store);
  if (fn_store_finish_push (store, ops, results, &n_rejected, &error))
    {
      g_assert_no_error (error);
      g_assert_cmpuint (n_rejected, <=, ops->len);
      return 0;
    }

  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  after = fn_fuzz_dump_store (store);
  g_assert_cmpstr (before, ==, after);

  return 0;
}
