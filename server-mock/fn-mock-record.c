/* fn-mock-record.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-record.h"

#include "fn-clock.h"

#include <string.h>

static void
field_free (gpointer data)
{
  FnMockField *field = data;

  g_free (field->value);
  g_free (field->clock);
  g_free (field->device);
  g_free (field);
}

FnMockRecord *
fn_mock_record_new (FnEntity    entity,
                    const char *id)
{
  FnMockRecord *record = g_new0 (FnMockRecord, 1);

  record->entity = entity;
  record->id = g_strdup (id);
  record->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, field_free);

  return record;
}

FnMockRecord *
fn_mock_record_new_removed (const char *patient_id,
                            gint64      seq)
{
  FnMockRecord *record = fn_mock_record_new (FN_ENTITY_PATIENT, patient_id);

  record->removed = TRUE;
  record->seq = seq;

  return record;
}

void
fn_mock_record_free (FnMockRecord *record)
{
  if (!record)
    return;

  g_free (record->id);
  g_free (record->deleted_clock);
  g_free (record->scope);
  g_hash_table_unref (record->fields);
  g_free (record);
}

FnMockField *
fn_mock_record_get_field (FnMockRecord *record,
                          const char   *name)
{
  return g_hash_table_lookup (record->fields, name);
}

const char *
fn_mock_record_get_value (FnMockRecord *record,
                          const char   *name)
{
  FnMockField *field = g_hash_table_lookup (record->fields, name);

  return field ? field->value : NULL;
}

void
fn_mock_record_set_field (FnMockRecord *record,
                          const char   *name,
                          const char   *value,
                          const char   *clock,
                          const char   *device,
                          gint64        version)
{
  FnMockField *field = g_new0 (FnMockField, 1);

  field->value = g_strdup (value);
  field->clock = g_strdup (clock);
  field->device = g_strdup (device);
  field->version = version;

  g_hash_table_replace (record->fields, g_strdup (name), field);
}

/**
 * fn_mock_record_max_clock:
 *
 * Returns: (transfer full) (nullable): the greatest clock of any field write
 */
char *
fn_mock_record_max_clock (FnMockRecord *record)
{
  GHashTableIter iter;
  FnMockField *field;
  const char *max = NULL;

  g_hash_table_iter_init (&iter, record->fields);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&field))
    if (fn_hlc_compare (field->clock, max) > 0)
      max = field->clock;

  return g_strdup (max);
}

/**
 * fn_mock_record_to_json:
 *
 * Returns: (transfer full): the record as the contract puts it on the wire
 */
JsonNode *
fn_mock_record_to_json (FnMockRecord *record)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  const FnFieldSpec *specs;
  guint n_specs;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entity");
  json_builder_add_string_value (builder, fn_entity_to_string (record->entity));
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, record->id);

  if (record->removed)
    {
      json_builder_set_member_name (builder, "removed");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      return json_builder_get_root (builder);
    }

  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, record->version);
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_boolean_value (builder, record->deleted);

  specs = fn_entity_get_fields (record->entity, &n_specs);

  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_specs; i++)
    {
      json_builder_set_member_name (builder, specs[i].name);
      json_builder_add_value (builder,
                              fn_field_value_to_json (&specs[i],
                                                      fn_mock_record_get_value (record,
                                                                                specs[i].name)));
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "clock");
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_specs; i++)
    {
      FnMockField *field = fn_mock_record_get_field (record, specs[i].name);

      if (field && field->clock)
        {
          json_builder_set_member_name (builder, specs[i].name);
          json_builder_add_string_value (builder, field->clock);
        }
    }
  if (record->deleted_clock)
    {
      json_builder_set_member_name (builder, "deleted");
      json_builder_add_string_value (builder, record->deleted_clock);
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * fn_mock_record_serialize:
 *
 * Returns: (transfer full): the per-field state as compact JSON for storage:
 *   {"name": [value, clock, device, version], ...}
 */
char *
fn_mock_record_serialize (FnMockRecord *record)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  GHashTableIter iter;
  const char *name;
  FnMockField *field;

  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, record->fields);
  while (g_hash_table_iter_next (&iter, (gpointer *)&name, (gpointer *)&field))
    {
      json_builder_set_member_name (builder, name);
      json_builder_begin_array (builder);
      if (field->value)
        json_builder_add_string_value (builder, field->value);
      else
        json_builder_add_null_value (builder);
      json_builder_add_string_value (builder, field->clock ? field->clock : "");
      json_builder_add_string_value (builder, field->device ? field->device : "");
      json_builder_add_int_value (builder, field->version);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

gboolean
fn_mock_record_deserialize (FnMockRecord  *record,
                            const char    *text,
                            GError       **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (!json_parser_load_from_data (parser, text, -1, error))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "stored record state is not an object");
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonArray *array;
      const char *clock;
      const char *device;

      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != 4)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "stored state of field %s is damaged", name);
          return FALSE;
        }

      array = json_node_get_array (node);
      clock = json_array_get_string_element (array, 1);
      device = json_array_get_string_element (array, 2);
      fn_mock_record_set_field (record, name,
                                json_array_get_null_element (array, 0)
                                  ? NULL
                                  : json_array_get_string_element (array, 0),
                                clock && *clock ? clock : NULL,
                                device && *device ? device : NULL,
                                json_array_get_int_element (array, 3));
    }

  return TRUE;
}

/**
 * fn_mock_id_list_parse:
 * @value: (nullable): an id list in the contract's string form
 *
 * Returns: (transfer full): the ids, empty if @value is not a list
 */
char **
fn_mock_id_list_parse (const char *value)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (value && json_parser_load_from_data (parser, value, -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      JsonArray *array = json_node_get_array (json_parser_get_root (parser));

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }

  return g_strv_builder_end (builder);
}
