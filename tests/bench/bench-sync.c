/* bench-sync.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Sync against the real reference server, with the floor each figure is
 * compared with, measured in the same run on the same machine. Prints
 * figures; asserts nothing about time. Needs FIELD_NOTES_SERVER. */

#include "config.h"

#include "fn-core.h"
#include "fn-record-json.h"
#include "fn-store-private.h"
#include "fn-test-server.h"

#include <glib/gstdio.h>
#include <stdio.h>

static gboolean done;
static GError *sync_error;

static void
sync_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  fn_sync_engine_sync_finish (FN_SYNC_ENGINE (source), result, &sync_error);
  done = TRUE;
}

static double
timed_sync (FnSyncEngine *engine)
{
  gint64 start = g_get_monotonic_time ();

  done = FALSE;
  fn_sync_engine_sync_async (engine, NULL, sync_cb, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  if (sync_error)
    g_error ("sync failed: %s", sync_error->message);

  return (g_get_monotonic_time () - start) / 1e6;
}

static FnStore *
new_store (char **dir)
{
  g_autoptr (GError) error = NULL;
  FnStore *store;

  *dir = g_dir_make_tmp ("fn-bench-sync-XXXXXX", &error);
  g_assert_no_error (error);
  store = fn_store_new (*dir, &error);
  g_assert_no_error (error);

  return store;
}

/* Bytes of every pull page as the server sends them, with and without gzip. */
static void
wire_bytes (const char *url,
            const char *token,
            gboolean    gzip,
            gint64     *total,
            guint      *pages)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *cursor = NULL;
  gboolean more = TRUE;

  /* No decoder: count what crosses the wire. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  *total = 0;
  *pages = 0;

  while (more)
    {
      g_autofree char *uri = cursor
        ? g_strdup_printf ("%s/api/v1/changes?limit=1000&since=%s", url, cursor)
        : g_strdup_printf ("%s/api/v1/changes?limit=1000", url);
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      g_autoptr (GBytes) body = NULL;
      g_autoptr (GBytes) plain = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *page;
      const char *encoding;

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                                   bearer);
      soup_message_headers_append (soup_message_get_request_headers (msg), "Accept-Encoding",
                                   gzip ? "gzip" : "identity");
      body = soup_session_send_and_read (session, msg, NULL, NULL);
      g_assert_nonnull (body);
      *total += g_bytes_get_size (body);
      (*pages)++;

      encoding = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                               "Content-Encoding");
      if (encoding && g_str_equal (encoding, "gzip"))
        {
          g_autoptr (GConverter) decompressor =
            G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
          g_autoptr (GInputStream) in = g_memory_input_stream_new_from_bytes (body);
          g_autoptr (GInputStream) conv = g_converter_input_stream_new (in, decompressor);
          g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();

          g_output_stream_splice (out, conv, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL);
          plain = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
        }
      else
        {
          plain = g_bytes_ref (body);
        }

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (plain, NULL),
                                                 g_bytes_get_size (plain), NULL));
      page = json_node_get_object (json_parser_get_root (parser));
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (page, "cursor"));
      more = json_object_get_boolean_member (page, "has_more");
    }
}

int
main (int   argc,
      char *argv[])
{
  gboolean quick = argc > 1 && g_str_equal (argv[1], "--quick");
  guint n_patients = quick ? 1000 : 10000;
  guint n_notes = quick ? 10000 : 100000;
  guint n_push = quick ? 1000 : 10000;
  g_autofree char *seed = g_strdup_printf ("--seed-demo=%u,%u", n_patients, n_notes);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *floor_dir = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (FnStore) floor_store = NULL;
  g_autoptr (FnTokenStore) tokens = NULL;
  g_autoptr (FnSyncEngine) engine = NULL;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (FnSyncClient) client = NULL;
  g_autofree char *token = NULL;
  g_autofree char *cursor = NULL;
  FnTestServer *server;
  double initial, floor_s, incremental, push_s, write_s;
  gint64 start, plain_bytes, gzip_bytes;
  guint pages;
  gboolean more = TRUE;

  if (!g_getenv ("FIELD_NOTES_SERVER"))
    {
      printf ("bench-sync: set FIELD_NOTES_SERVER to the server binary\n");
      return 0;
    }

  printf ("Sync benchmark: %u patients, %u notes\n", n_patients, n_notes);
  server = fn_test_server_new ();
  start = g_get_monotonic_time ();
  fn_test_server_start (server, seed, NULL);
  printf ("%-44s %8.1f s\n", "server seeding and start", (g_get_monotonic_time () - start) / 1e6);

  /* 1. Initial sync of everything (the office sees every record). */
  store = new_store (&dir);
  tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, dir);
  if (!fn_sync_sign_in (store, tokens, fn_test_server_get_url (server), "office", "office-demo",
                        NULL, NULL, &error))
    g_error ("%s", error->message);
  engine = fn_sync_engine_new (store, tokens);
  initial = timed_sync (engine);

  /* The floor: the same records, already parsed, written into the same
   * schema and indexes in one transaction. */
  token = fn_token_store_lookup (tokens, fn_test_server_get_url (server), "office", NULL, NULL);
  client = fn_sync_client_new (fn_test_server_get_url (server), NULL, &error);
  fn_sync_client_set_token (client, token);
  while (more)
    {
      g_autoptr (FnSyncPage) page = fn_sync_client_pull (client, cursor, 1000, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < json_array_get_length (page->changes); i++)
        {
          FnRecord *record = fn_record_from_json (json_array_get_element (page->changes, i),
                                                  NULL, NULL, &error);

          g_assert_no_error (error);
          if (fn_record_get_entity (record) == FN_ENTITY_PATIENT ||
              fn_record_get_entity (record) == FN_ENTITY_NOTE)
            g_ptr_array_add (records, record);
          else
            g_object_unref (record);
        }
      g_free (cursor);
      cursor = g_strdup (page->cursor);
      more = page->has_more;
    }
  floor_store = new_store (&floor_dir);
  start = g_get_monotonic_time ();
  g_assert_true (fn_store_begin (floor_store, &error));
  for (guint i = 0; i < records->len; i++)
    if (!fn_store_insert_synced (floor_store, g_ptr_array_index (records, i), &error))
      g_error ("%s", error->message);
  g_assert_true (fn_store_commit (floor_store, &error));
  floor_s = (g_get_monotonic_time () - start) / 1e6;

  printf ("%-44s %8.2f s  (%u records)\n", "1. initial sync", initial, records->len);
  printf ("%-44s %8.2f s  ratio %.1f× (target ≤ 2×)\n", "   floor: same rows, one transaction",
          floor_s, initial / floor_s);

  /* 3. Incremental pull of 1,000 office changes into the big store. */
  {
    FnTestClient *office = fn_test_sign_in (server, "office", "office-demo", "bench office");
    JsonArray *ops = json_array_new ();  /* fn_test_client_push_ops takes it */
    guint n = 0;

    for (guint i = 0; i < records->len && n < 1000; i++)
      {
        FnRecord *record = g_ptr_array_index (records, i);

        if (fn_record_get_entity (record) != FN_ENTITY_NOTE)
          continue;
        json_array_add_object_element (ops, fn_test_op_new (office, "note",
                                                            fn_record_get_id (record),
                                                            fn_record_get_version (record),
                                                            "status", fn_test_str ("final"),
                                                            "title", fn_test_str ("Edited"),
                                                            NULL));
        if (json_array_get_length (ops) == 500)
          {
            g_autoptr (JsonArray) results = fn_test_client_push_ops (office, ops);

            ops = json_array_new ();
          }
        n++;
      }
    if (json_array_get_length (ops) > 0)
      {
        g_autoptr (JsonArray) results = fn_test_client_push_ops (office, ops);
      }
    else
      {
        json_array_unref (ops);
      }
    incremental = timed_sync (engine);
    printf ("%-44s %8.2f s  (target < 0.5 s)\n", "3. incremental pull of 1,000 changes",
            incremental);
    fn_test_client_free (office);
  }

  /* 2. Push of new local notes, against the time to write them. */
  {
    g_autoptr (GPtrArray) patients = fn_store_list_patients (store, NULL, &error);

    start = g_get_monotonic_time ();
    for (guint i = 0; i < n_push; i++)
      {
        g_autoptr (FnNote) note = fn_note_new (fn_record_get_id (g_ptr_array_index (patients,
                                                                                     i % patients->len)));

        fn_record_set_field (FN_RECORD (note), "title", "Pushed visit");
        fn_record_set_field (FN_RECORD (note), "body",
                             "Assisted with breakfast and morning medication. Blood pressure "
                             "130/85, pulse 72. No complaints of pain. Skin on heels intact. "
                             "Walked to the kitchen with the frame.");
        if (!fn_store_save (store, FN_RECORD (note), &error))
          g_error ("%s", error->message);
      }
    write_s = (g_get_monotonic_time () - start) / 1e6;
    push_s = timed_sync (engine);
    printf ("%-44s %8.2f s  (%u notes)\n", "2. push of new local notes", push_s, n_push);
    printf ("%-44s %8.2f s  ratio %.1f× (target ≤ 3×)\n", "   floor: writing them locally",
            write_s, push_s / write_s);
  }

  /* 7. Bytes on the wire for the initial sync. */
  wire_bytes (fn_test_server_get_url (server), token, FALSE, &plain_bytes, &pages);
  printf ("%-44s %8.1f MB in %u pages\n", "7. initial sync on the wire, identity",
          plain_bytes / 1e6, pages);
  wire_bytes (fn_test_server_get_url (server), token, TRUE, &gzip_bytes, &pages);
  printf ("%-44s %8.1f MB\n", "   with Accept-Encoding: gzip", gzip_bytes / 1e6);

  fn_sync_engine_shutdown (engine);
  fn_test_server_free (server);

  return 0;
}
