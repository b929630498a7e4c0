/* fn-record-json.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-record-json"

#include "config.h"

#include "fn-record-json.h"

#include "fn-clock.h"

#include <glib/gi18n-lib.h>

static gboolean
invalid (GError     **error,
         const char  *what)
{
  g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
               _("The server sent a record that is not valid: %s."), what);
  return FALSE;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * fn_record_from_json:
 * @node: a record as the contract puts it on the wire
 * @clock: (out) (optional) (transfer full): the per-field clock values
 * @removed: (out) (optional): set when the record is a scope removal marker
 *
 * Parses and fully validates one record of a pull page or push result.
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with @error set
 *   (or, for a removal marker, a patient record holding only its id)
 */
FnRecord *
fn_record_from_json (JsonNode    *node,
                     JsonObject **clock,
                     gboolean    *removed,
                     GError     **error)
{
  g_autoptr (FnRecord) record = NULL;
  g_autoptr (JsonObject) clocks = json_object_new ();
  g_autoptr (GError) local_error = NULL;
  JsonObject *object;
  JsonObject *fields;
  JsonNode *member;
  FnEntity entity;
  const char *id;
  const FnFieldSpec *specs;
  guint n_specs;

  if (removed)
    *removed = FALSE;

  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "not an object"), NULL;

  object = json_node_get_object (node);
  entity = fn_entity_from_string (get_string (object, "entity"));
  if (entity == FN_ENTITY_INVALID)
    return invalid (error, "unknown entity"), NULL;

  id = get_string (object, "id");
  if (!fn_validate_uuid (id))
    return invalid (error, "bad id"), NULL;

  record = fn_record_new (entity);
  fn_record_set_id (record, id);

  member = json_object_get_member (object, "removed");
  if (member && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_BOOLEAN && json_node_get_boolean (member))
    {
      if (entity != FN_ENTITY_PATIENT)
        return invalid (error, "only patients leave the scope"), NULL;
      if (removed)
        *removed = TRUE;
      if (clock)
        *clock = g_steal_pointer (&clocks);
      return g_steal_pointer (&record);
    }

  member = json_object_get_member (object, "version");
  if (!member || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64 || json_node_get_int (member) < 1)
    return invalid (error, "bad version"), NULL;
  fn_record_set_version (record, json_node_get_int (member));

  member = json_object_get_member (object, "deleted");
  if (member && (!JSON_NODE_HOLDS_VALUE (member) ||
                 json_node_get_value_type (member) != G_TYPE_BOOLEAN))
    return invalid (error, "bad deleted flag"), NULL;
  fn_record_set_deleted (record, member && json_node_get_boolean (member));

  member = json_object_get_member (object, "fields");
  if (!member || !JSON_NODE_HOLDS_OBJECT (member))
    return invalid (error, "no fields"), NULL;
  fields = json_node_get_object (member);

  specs = fn_entity_get_fields (entity, &n_specs);
  for (guint i = 0; i < n_specs; i++)
    {
      JsonNode *value = json_object_get_member (fields, specs[i].name);
      g_autofree char *text = NULL;

      if (!value)
        continue;

      text = fn_field_value_from_json (&specs[i], value, &local_error);
      if (local_error)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("The server sent a record that is not valid: "));
          return NULL;
        }
      fn_record_set_field (record, specs[i].name, text);
    }

  /* A tombstone may lack required fields; a live record may not. */
  if (!fn_record_get_deleted (record) && !fn_record_validate (record, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("The server sent a record that is not valid: "));
      return NULL;
    }

  member = json_object_get_member (object, "clock");
  if (member)
    {
      g_autoptr (GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (member))
        return invalid (error, "bad clock"), NULL;

      names = json_object_get_members (json_node_get_object (member));
      for (GList *l = names; l; l = l->next)
        {
          const char *hlc = get_string (json_node_get_object (member), l->data);

          if (!fn_hlc_parse (hlc, NULL, NULL, NULL))
            return invalid (error, "bad clock value"), NULL;
          if (g_strcmp0 (l->data, "deleted") != 0 && !fn_entity_find_field (entity, l->data))
            continue;
          json_object_set_string_member (clocks, l->data, hlc);
        }
    }

  if (clock)
    *clock = g_steal_pointer (&clocks);

  return g_steal_pointer (&record);
}

/**
 * fn_outbox_op_to_json:
 *
 * Returns: (transfer full): the op as the push request carries it
 */
JsonNode *
fn_outbox_op_to_json (const FnOutboxOp *op)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "op_id");
  json_builder_add_string_value (builder, op->op_id);
  json_builder_set_member_name (builder, "entity");
  json_builder_add_string_value (builder, fn_entity_to_string (op->entity));
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, op->record_id);
  json_builder_set_member_name (builder, "base_version");
  json_builder_add_int_value (builder, op->base_version);
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_boolean_value (builder, op->deleted);

  json_builder_set_member_name (builder, "fields");
  if (json_parser_load_from_data (parser, op->fields_json, -1, NULL))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "clock");
  if (json_parser_load_from_data (parser, op->clock_json, -1, NULL))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
