/* fn-cli-output.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-cli"

#include "config.h"

#include "fn-cli.h"

#include <glib/gi18n.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The widest a table cell may get before it is cut with an ellipsis. */
#define MAX_CELL_CHARS 60

struct _FnCliTable
{
  guint      n_columns;
  GPtrArray *cells;
};

/**
 * fn_cli_print:
 *
 * Prints to standard output as UTF-8, whatever the locale: unlike g_print()
 * it never rewrites characters, which would corrupt JSON.
 */
void
fn_cli_print (const char *format,
              ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stdout, format, args);
  va_end (args);
}

const char *
fn_cli_sync_state_to_string (FnSyncState state)
{
  switch (state)
    {
    case FN_SYNC_STATE_SYNCED:
      return "synced";
    case FN_SYNC_STATE_PENDING:
      return "pending";
    case FN_SYNC_STATE_CONFLICT:
      return "conflict";
    case FN_SYNC_STATE_REJECTED:
      return "rejected";
    default:
      g_assert_not_reached ();
    }
}

/**
 * fn_cli_record_to_json:
 *
 * Returns: (transfer full): an object with the record's entity, id, version,
 *   deleted flag, every contract field under its contract name and the
 *   record's sync state
 */
JsonNode *
fn_cli_record_to_json (FnRecord *record)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  FnEntity entity = fn_record_get_entity (record);
  const FnFieldSpec *fields;
  guint n_fields = 0;

  fields = fn_entity_get_fields (entity, &n_fields);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entity");
  json_builder_add_string_value (builder, fn_entity_to_string (entity));
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, fn_record_get_id (record));
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, fn_record_get_version (record));
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_boolean_value (builder, fn_record_get_deleted (record));

  for (guint i = 0; i < n_fields; i++)
    {
      const char *value = fn_record_get_field (record, fields[i].name);

      json_builder_set_member_name (builder, fields[i].name);
      json_builder_add_value (builder, fn_field_value_to_json (&fields[i], value));
    }

  json_builder_set_member_name (builder, "sync_state");
  json_builder_add_string_value (builder,
                                 fn_cli_sync_state_to_string (fn_record_get_sync_state (record)));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * fn_cli_print_json:
 * @node: (transfer full): what to print
 */
void
fn_cli_print_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) owned = node;
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, owned);
  text = json_generator_to_data (generator, NULL);
  fn_cli_print ("%s\n", text);
}

/**
 * fn_cli_print_records:
 *
 * Prints @records as a JSON array of record objects.
 */
void
fn_cli_print_records (GPtrArray *records)
{
  JsonArray *array = json_array_sized_new (records->len);
  JsonNode *node;

  for (guint i = 0; i < records->len; i++)
    json_array_add_element (array, fn_cli_record_to_json (g_ptr_array_index (records, i)));

  node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  fn_cli_print_json (node);
}

/**
 * fn_cli_format_time:
 * @rfc3339: (nullable): a contract date-time
 *
 * Returns: (transfer full): the time in the local time zone as a person reads
 *   it in a table, or "" if there is none
 */
char *
fn_cli_format_time (const char *rfc3339)
{
  g_autoptr (GDateTime) time = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (!rfc3339 || !*rfc3339)
    return g_strdup ("");

  time = g_date_time_new_from_iso8601 (rfc3339, NULL);
  if (!time)
    return g_strdup (rfc3339);

  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/**
 * fn_cli_short_id:
 *
 * Returns: (transfer full): the first 8 characters of @id, enough for a
 *   person to name the record on the command line
 */
char *
fn_cli_short_id (const char *id)
{
  return g_strndup (id ? id : "", 8);
}

/**
 * fn_cli_table_new:
 * @n_columns: the number of columns, followed by as many header strings
 *
 * Returns: (transfer full): a table that prints with aligned columns
 */
FnCliTable *
fn_cli_table_new (guint n_columns,
                  ...)
{
  FnCliTable *table = g_new0 (FnCliTable, 1);
  va_list args;

  g_assert (n_columns > 0);

  table->n_columns = n_columns;
  table->cells = g_ptr_array_new_with_free_func (g_free);

  va_start (args, n_columns);
  for (guint i = 0; i < n_columns; i++)
    g_ptr_array_add (table->cells, g_strdup (va_arg (args, const char *)));
  va_end (args);

  return table;
}

/* A cell is one line: control characters (a newline in an address) become
 * spaces and long text is cut. */
static char *
clean_cell (const char *text)
{
  GString *s = g_string_new (NULL);
  glong n_chars = 0;

  if (!text || !g_utf8_validate (text, -1, NULL))
    return g_string_free (s, FALSE);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (n_chars == MAX_CELL_CHARS - 1 && g_utf8_strlen (p, -1) > 1)
        {
          g_string_append (s, "…");
          break;
        }

      if (g_unichar_iscntrl (c))
        g_string_append_c (s, ' ');
      else
        g_string_append_unichar (s, c);
      n_chars++;
    }

  return g_string_free (s, FALSE);
}

/**
 * fn_cli_table_add_row:
 * @table: the table, followed by one string (or %NULL) per column
 */
void
fn_cli_table_add_row (FnCliTable *table,
                      ...)
{
  va_list args;

  va_start (args, table);
  for (guint i = 0; i < table->n_columns; i++)
    g_ptr_array_add (table->cells, clean_cell (va_arg (args, const char *)));
  va_end (args);
}

void
fn_cli_table_print (FnCliTable *table)
{
  g_autofree glong *widths = g_new0 (glong, table->n_columns);
  GString *line = g_string_new (NULL);

  for (guint i = 0; i < table->cells->len; i++)
    {
      const char *cell = g_ptr_array_index (table->cells, i);
      guint column = i % table->n_columns;

      widths[column] = MAX (widths[column], g_utf8_strlen (cell, -1));
    }

  for (guint i = 0; i < table->cells->len; i++)
    {
      const char *cell = g_ptr_array_index (table->cells, i);
      guint column = i % table->n_columns;

      g_string_append (line, cell);
      if (column + 1 < table->n_columns)
        {
          glong pad = widths[column] - g_utf8_strlen (cell, -1) + 2;

          for (glong j = 0; j < pad; j++)
            g_string_append_c (line, ' ');
        }
      else
        {
          /* No trailing blanks when the last column is empty. */
          while (line->len > 0 && line->str[line->len - 1] == ' ')
            g_string_truncate (line, line->len - 1);
          fn_cli_print ("%s\n", line->str);
          g_string_truncate (line, 0);
        }
    }

  g_string_free (line, TRUE);
}

void
fn_cli_table_free (FnCliTable *table)
{
  if (!table)
    return;

  g_ptr_array_unref (table->cells);
  g_free (table);
}
