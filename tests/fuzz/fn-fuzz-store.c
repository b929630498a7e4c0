/* fn-fuzz-store.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-fuzz-store.h"

#include "fn-record.h"
#include "fn-store-private.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static FnStore *store;
static char *store_dir;

static void
remove_store (void)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_clear_object (&store);
  if (!store_dir)
    return;

  dir = g_dir_open (store_dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (store_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (store_dir);
  g_clear_pointer (&store_dir, g_free);
}

static void
save_local (FnRecord *record)
{
  g_autoptr (GError) error = NULL;

  if (!fn_store_save (store, record, &error))
    g_error ("fuzz store: %s", error->message);
}

/* A store in a temporary directory removed at exit, holding a patient and
 * a note with local changes not yet pushed. It starts again every few
 * hundred inputs so that what earlier inputs added stays small. */
FnStore *
fn_fuzz_store_get (void)
{
  static guint uses;
  static gboolean registered;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) patient = NULL;
  g_autoptr (FnRecord) note = NULL;

  if (store && ++uses % 500 != 0)
    return store;

  remove_store ();

  store_dir = g_dir_make_tmp ("fn-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  store = fn_store_new (store_dir, &error);
  g_assert_no_error (error);
  if (!registered)
    atexit (remove_store);
  registered = TRUE;

  patient = fn_record_new (FN_ENTITY_PATIENT);
  fn_record_set_id (patient, FN_FUZZ_PATIENT_ID);
  fn_record_set_field (patient, "given_name", "Ada");
  fn_record_set_field (patient, "family_name", "Fuzz");
  save_local (patient);

  note = fn_record_new (FN_ENTITY_NOTE);
  fn_record_set_id (note, FN_FUZZ_NOTE_ID);
  fn_record_set_field (note, "patient_id", FN_FUZZ_PATIENT_ID);
  fn_record_set_field (note, "kind", "visit");
  fn_record_set_field (note, "visit_at", "2026-11-27T09:30:00Z");
  fn_record_set_field (note, "status", "draft");
  fn_record_set_field (note, "title", "Local title");
  fn_record_set_field (note, "body", "Local body");
  save_local (note);

  return store;
}

/* The same parser the sync client uses for answers. */
JsonNode *
fn_fuzz_parse_json (const guint8 *data,
                    size_t        size)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();

  if (!json_parser_load_from_data (parser, (const char *)data, size, NULL) ||
      !json_parser_get_root (parser))
    return NULL;

  return json_node_ref (json_parser_get_root (parser));
}

/* Every row of the tables sync writes, as text, to compare before and after
 * a refused page. */
char *
fn_fuzz_dump_store (FnStore *self)
{
  static const char * const queries[] = {
    "SELECT * FROM meta ORDER BY key",
    "SELECT * FROM sync_state",
    "SELECT * FROM patients ORDER BY id",
    "SELECT * FROM notes ORDER BY id",
    "SELECT * FROM signatures ORDER BY id",
    "SELECT * FROM conflicts ORDER BY id",
    "SELECT * FROM outbox ORDER BY seq",
  };
  sqlite3 *db = fn_store_get_db (self);
  GString *dump = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *text = (const char *)sqlite3_column_text (stmt, c);

              g_string_append (dump, text ? text : "NULL");
              g_string_append_c (dump, '|');
            }
          g_string_append_c (dump, '\n');
        }
      sqlite3_finalize (stmt);
    }

  return g_string_free (dump, FALSE);
}
