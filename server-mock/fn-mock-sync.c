/* fn-mock-sync.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-mock-server"

#include "config.h"

#include "fn-mock-sync.h"

#include "fn-mock-problem.h"

#include <string.h>

struct _FnMockSync
{
  GObject parent_instance;

  FnMockStorage *storage;
  FnClock *clock;
};

G_DEFINE_FINAL_TYPE (FnMockSync, fn_mock_sync, G_TYPE_OBJECT)

/* The device id under which the server's own writes (author, admin
 * subcommands, conflict records) are recorded. */
#define SERVER_DEVICE "server"

typedef struct
{
  guint status;
  const char *code;
  char *detail;
} Problem;

typedef struct
{
  const FnFieldSpec *spec;
  char *value;
  char *clock;
} OpField;

typedef struct
{
  char *op_id;
  FnEntity entity;
  char *id;
  gint64 base_version;
  gboolean deleted;
  char *deleted_clock;
  GPtrArray *fields;
} Op;

typedef struct
{
  char *field;
  JsonNode *local_value;
  JsonNode *server_value;
  gboolean local_wins;
  char *losing;
  char *winning;
  /* For each side, the HLC of the write that produced it and the name of
   * the user who made that write (NULL for the server's own writes). */
  char *losing_clock;
  char *winning_clock;
  char *losing_author;
  char *winning_author;
} Conflict;

static void
op_field_free (gpointer data)
{
  OpField *field = data;

  g_free (field->value);
  g_free (field->clock);
  g_free (field);
}

static void
op_free (Op *op)
{
  g_free (op->op_id);
  g_free (op->id);
  g_free (op->deleted_clock);
  g_ptr_array_unref (op->fields);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

static void
conflict_free (gpointer data)
{
  Conflict *conflict = data;

  g_free (conflict->field);
  g_clear_pointer (&conflict->local_value, json_node_unref);
  g_clear_pointer (&conflict->server_value, json_node_unref);
  g_free (conflict->losing);
  g_free (conflict->winning);
  g_free (conflict->losing_clock);
  g_free (conflict->winning_clock);
  g_free (conflict->losing_author);
  g_free (conflict->winning_author);
  g_free (conflict);
}

/* g_set_str() is GLib 2.76. */
static void
set_str (char       **ptr,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*ptr);
  *ptr = copy;
}

static gboolean
problem_set (Problem    *problem,
             guint       status,
             const char *code,
             const char *format,
             ...) G_GNUC_PRINTF (4, 5);

static gboolean
problem_set (Problem    *problem,
             guint       status,
             const char *code,
             const char *format,
             ...)
{
  va_list args;

  problem->status = status;
  problem->code = code;
  g_free (problem->detail);
  va_start (args, format);
  problem->detail = g_strdup_vprintf (format, args);
  va_end (args);

  return FALSE;
}

static OpField *
op_find_field (Op         *op,
               const char *name)
{
  for (guint i = 0; i < op->fields->len; i++)
    {
      OpField *field = g_ptr_array_index (op->fields, i);

      if (strcmp (field->spec->name, name) == 0)
        return field;
    }

  return NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Checks the shape and every value of one op; nothing is looked up yet. */
static Op *
parse_op (JsonNode  *node,
          char     **op_id_out,
          Problem   *problem)
{
  g_autoptr (Op) op = g_new0 (Op, 1);
  JsonObject *object, *fields = NULL, *clocks = NULL;
  JsonNode *member;
  const char *s;

  op->fields = g_ptr_array_new_with_free_func (op_field_free);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      problem_set (problem, 400, "invalid_op", "An op must be a JSON object.");
      return NULL;
    }
  object = json_node_get_object (node);

  s = member_string (object, "op_id");
  if (s && g_utf8_validate (s, -1, NULL))
    *op_id_out = g_strdup (s);
  if (!s || !fn_validate_uuid (s))
    {
      problem_set (problem, 422, "invalid_op_id", "op_id must be a UUID.");
      return NULL;
    }
  op->op_id = g_ascii_strdown (s, -1);

  s = member_string (object, "entity");
  if (!s)
    {
      problem_set (problem, 422, "unknown_entity", "entity must be a string.");
      return NULL;
    }
  op->entity = fn_entity_from_string (s);
  if (op->entity == FN_ENTITY_INVALID)
    {
      problem_set (problem, 422, "unknown_entity", "There is no entity of that name.");
      return NULL;
    }

  s = member_string (object, "id");
  if (!s || !fn_validate_uuid (s))
    {
      problem_set (problem, 422, "invalid_id", "id must be a UUID.");
      return NULL;
    }
  op->id = g_ascii_strdown (s, -1);

  member = json_object_get_member (object, "base_version");
  if (member && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64 ||
          json_node_get_int (member) < 0)
        {
          problem_set (problem, 422, "invalid_base_version",
                       "base_version must be a non-negative integer.");
          return NULL;
        }
      op->base_version = json_node_get_int (member);
    }

  member = json_object_get_member (object, "deleted");
  if (member && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          problem_set (problem, 422, "invalid_deleted", "deleted must be true or false.");
          return NULL;
        }
      op->deleted = json_node_get_boolean (member);
    }

  member = json_object_get_member (object, "fields");
  if (member && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          problem_set (problem, 422, "invalid_fields", "fields must be an object.");
          return NULL;
        }
      fields = json_node_get_object (member);
    }

  member = json_object_get_member (object, "clock");
  if (member && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          problem_set (problem, 422, "invalid_clock", "clock must be an object.");
          return NULL;
        }
      clocks = json_node_get_object (member);
    }

  if (clocks && json_object_has_member (clocks, "deleted"))
    {
      s = member_string (clocks, "deleted");
      if (!s || !fn_hlc_parse (s, NULL, NULL, NULL))
        {
          problem_set (problem, 422, "invalid_clock", "The clock of the deletion is not valid.");
          return NULL;
        }
      op->deleted_clock = g_strdup (s);
    }

  if (fields)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, fields);
      while (json_object_iter_next (&iter, &name, &value))
        {
          const FnFieldSpec *spec = fn_entity_find_field (op->entity, name);
          g_autoptr (GError) local_error = NULL;
          OpField *field;
          char *text;

          if (!spec)
            {
              problem_set (problem, 422, "unknown_field", "%s has no field called “%s”.",
                           fn_entity_to_string (op->entity), name);
              return NULL;
            }

          text = fn_field_value_from_json (spec, value, &local_error);
          if (local_error)
            {
              problem_set (problem, 422,
                           g_error_matches (local_error, FN_VALIDATION_ERROR,
                                            FN_VALIDATION_ERROR_TOO_LONG)
                             ? "too_long"
                             : "invalid_field",
                           "%s (field %s)", local_error->message, name);
              return NULL;
            }

          s = clocks ? member_string (clocks, name) : NULL;
          if (!s || !fn_hlc_parse (s, NULL, NULL, NULL))
            {
              g_free (text);
              problem_set (problem, 422, "invalid_clock",
                           "Field %s needs a valid clock value.", name);
              return NULL;
            }

          /* Record ids are kept in lower case. */
          if (text && spec->type == FN_FIELD_UUID)
            {
              char *lower = g_ascii_strdown (text, -1);

              g_free (text);
              text = lower;
            }

          field = g_new0 (OpField, 1);
          field->spec = spec;
          field->value = text && *text ? text : (g_free (text), NULL);
          field->clock = g_strdup (s);
          g_ptr_array_add (op->fields, field);
        }
    }

  return g_steal_pointer (&op);
}

gboolean
fn_mock_sync_in_scope (FnMockSync *self,
                       FnMockUser *user,
                       const char *scope)
{
  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), FALSE);

  if (fn_mock_user_is_office (user))
    return TRUE;

  return scope && fn_mock_storage_is_assigned (self->storage, scope, user->id);
}

/* Scope, roles, references and immutability, checked before any write. */
static gboolean
check_op (FnMockSync    *self,
          FnMockUser    *user,
          Op            *op,
          FnMockRecord  *existing,
          char         **scope_out,
          GError       **error,
          Problem       *problem)
{
  gboolean office = fn_mock_user_is_office (user);
  const FnFieldSpec *specs;
  guint n_specs;

  if (existing && existing->entity != op->entity)
    return problem_set (problem, 422, "entity_mismatch",
                        "Record %s is a %s, not a %s.", op->id,
                        fn_entity_to_string (existing->entity), fn_entity_to_string (op->entity));

  if (existing && !fn_mock_sync_in_scope (self, user, existing->scope))
    return problem_set (problem, 403, "out_of_scope", "This record is not in your scope.");

  /* A record created and deleted before it reached the server arrives as
   * one op with all its fields: it is stored as a tombstone, so the office
   * sees that it existed. Deleting something that never existed is an error. */
  if (!existing && op->deleted && op->fields->len == 0)
    return problem_set (problem, 404, "not_found", "There is no record %s to delete.", op->id);

  switch (op->entity)
    {
    case FN_ENTITY_PATIENT:
      {
        OpField *assigned = op_find_field (op, "assigned_to");

        if (!existing && !office)
          return problem_set (problem, 403, "forbidden", "Only the office can add patients.");
        if (op->deleted && !office)
          return problem_set (problem, 403, "forbidden", "Only the office can delete patients.");
        /* A caregiver's client may echo the unchanged list; only a change
         * is refused. */
        if (assigned && !office && existing &&
            g_strcmp0 (assigned->value, fn_mock_record_get_value (existing, "assigned_to")) == 0)
          {
            g_ptr_array_remove (op->fields, assigned);
            assigned = NULL;
          }
        if (assigned && !office)
          return problem_set (problem, 403, "forbidden",
                              "Only the office can change who is assigned to a patient.");
        if (assigned)
          {
            g_auto (GStrv) ids = fn_mock_id_list_parse (assigned->value);

            for (guint i = 0; ids[i]; i++)
              {
                g_autoptr (FnMockUser) found = fn_mock_storage_find_user (self->storage, NULL,
                                                                          ids[i]);

                if (!found)
                  return problem_set (problem, 422, "unknown_user",
                                      "assigned_to names a user that does not exist.");
              }
          }
        *scope_out = g_strdup (op->id);
      }
      break;

    case FN_ENTITY_NOTE:
      {
        OpField *patient = op_find_field (op, "patient_id");

        /* The author comes from the token, never from the client. */
        for (guint i = 0; i < op->fields->len; i++)
          if (strcmp (((OpField *)g_ptr_array_index (op->fields, i))->spec->name, "author_id") == 0)
            g_ptr_array_remove_index (op->fields, i--);

        if (existing)
          {
            if (patient && g_strcmp0 (patient->value,
                                      fn_mock_record_get_value (existing, "patient_id")) != 0)
              return problem_set (problem, 422, "immutable",
                                  "A note cannot be moved to another patient.");
            *scope_out = g_strdup (existing->scope);
          }
        else if (patient && patient->value)
          {
            g_autoptr (FnMockRecord) target = fn_mock_storage_get_record (self->storage,
                                                                          patient->value, error);

            if (!target)
              return error && *error ? FALSE
                                     : problem_set (problem, 422, "unknown_reference",
                                                    "The note's patient does not exist.");
            if (target->entity != FN_ENTITY_PATIENT)
              return problem_set (problem, 422, "unknown_reference",
                                  "The note's patient_id does not name a patient.");
            if (!fn_mock_sync_in_scope (self, user, target->scope))
              return problem_set (problem, 403, "out_of_scope",
                                  "This patient is not assigned to you.");
            *scope_out = g_strdup (target->scope);
          }
      }
      break;

    case FN_ENTITY_SIGNATURE:
      if (existing)
        {
          if (op->fields->len > 0 || (!op->deleted && existing->deleted) ||
              (!op->deleted && op->deleted_clock))
            return problem_set (problem, 422, "immutable", "A signature cannot be changed.");
          if (op->deleted && !office)
            return problem_set (problem, 403, "forbidden", "Only the office can delete signatures.");
          *scope_out = g_strdup (existing->scope);
        }
      else
        {
          OpField *note = op_find_field (op, "note_id");
          const char *blobs[] = { "strokes_blob", "image_blob" };

          if (note && note->value)
            {
              g_autoptr (FnMockRecord) target = fn_mock_storage_get_record (self->storage,
                                                                            note->value, error);

              if (!target)
                return error && *error ? FALSE
                                       : problem_set (problem, 422, "unknown_reference",
                                                      "The signed note does not exist.");
              if (target->entity != FN_ENTITY_NOTE)
                return problem_set (problem, 422, "unknown_reference",
                                    "The signature's note_id does not name a note.");
              if (!fn_mock_sync_in_scope (self, user, target->scope))
                return problem_set (problem, 403, "out_of_scope", "This note is not in your scope.");
              *scope_out = g_strdup (target->scope);
            }

          for (guint i = 0; i < G_N_ELEMENTS (blobs); i++)
            {
              OpField *blob = op_find_field (op, blobs[i]);

              if (blob && blob->value && !fn_mock_storage_has_blob (self->storage, blob->value))
                return problem_set (problem, 422, "missing_blob",
                                    "Upload blob %s before the signature that uses it.",
                                    blob->value);
            }
        }
      break;

    case FN_ENTITY_CONFLICT:
      if (!existing)
        return problem_set (problem, 403, "forbidden", "Only the server creates conflict records.");
      if (op->deleted)
        return problem_set (problem, 422, "immutable",
                            "A conflict record is closed by setting resolved, not deleted.");
      for (guint i = 0; i < op->fields->len; i++)
        if (strcmp (((OpField *)g_ptr_array_index (op->fields, i))->spec->name, "resolved") != 0)
          return problem_set (problem, 422, "immutable",
                              "Only the resolved flag of a conflict record can change.");
      *scope_out = g_strdup (existing->scope);
      break;

    case FN_N_ENTITIES:
    case FN_ENTITY_INVALID:
    default:
      g_assert_not_reached ();
    }

  if (!existing)
    {
      specs = fn_entity_get_fields (op->entity, &n_specs);
      for (guint i = 0; i < n_specs; i++)
        {
          OpField *field;

          if (!specs[i].required || strcmp (specs[i].name, "author_id") == 0)
            continue;
          field = op_find_field (op, specs[i].name);
          if (!field || !field->value)
            return problem_set (problem, 422, "required",
                                "%s is required (field %s).",
                                fn_field_get_label (&specs[i]), specs[i].name);
        }
    }

  return TRUE;
}

/* Replaces clock values too far in the future by the server's own and folds
 * the others into the server clock. */
static gboolean
adjust_clock (FnMockSync  *self,
              char       **clock)
{
  if (fn_hlc_is_skewed (*clock, fn_clock_get_wall_ms (self->clock)))
    {
      g_free (*clock);
      *clock = fn_clock_tick (self->clock);
      return TRUE;
    }

  fn_clock_observe (self->clock, *clock);
  return FALSE;
}

/* The name of the user a device belongs to; NULL for the server's own
 * writes (demo data, admin subcommands) and for unknown devices. */
static char *
device_user_name (FnMockSync *self,
                  const char *device_id)
{
  g_autofree char *user_id = NULL;
  g_autoptr (FnMockUser) user = NULL;

  if (!device_id || g_str_equal (device_id, SERVER_DEVICE))
    return NULL;

  user_id = fn_mock_storage_get_device_user (self->storage, device_id);
  if (!user_id || !(user = fn_mock_storage_find_user (self->storage, NULL, user_id)))
    return NULL;

  return g_strdup (user->name);
}

static gboolean
save_conflict (FnMockSync    *self,
               FnMockRecord  *record,
               Conflict      *conflict,
               GError       **error)
{
  g_autofree char *id = fn_uuid_new ();
  g_autoptr (FnMockRecord) c = fn_mock_record_new (FN_ENTITY_CONFLICT, id);
  gint64 seq = fn_mock_storage_next_seq (self->storage, error);
  const char *names[] = { "record_entity", "record_id", "field", "losing_value",
                          "winning_value", "resolved", "losing_author", "winning_author" };
  const char *values[] = { fn_entity_to_string (record->entity), record->id, conflict->field,
                           conflict->losing, conflict->winning, "false",
                           conflict->losing_author, conflict->winning_author };
  /* The clock of each value is the one of the write that produced it (the
   * contract's "HLC of its last write"), so that clients can say when each
   * side was written; the other fields are written now. */
  const char *clocks[] = { NULL, NULL, NULL, conflict->losing_clock, conflict->winning_clock,
                           NULL, NULL, NULL };

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == G_N_ELEMENTS (values));
  G_STATIC_ASSERT (G_N_ELEMENTS (names) == G_N_ELEMENTS (clocks));

  if (seq == 0)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *clock = clocks[i] ? g_strdup (clocks[i]) : fn_clock_tick (self->clock);

      /* The authors are an extension: left out when nobody is known. */
      if (!values[i] && g_str_has_suffix (names[i], "_author"))
        continue;

      fn_mock_record_set_field (c, names[i], values[i], clock, SERVER_DEVICE, seq);
    }
  c->version = seq;
  c->seq = seq;
  c->scope = g_strdup (record->scope);

  return fn_mock_storage_put_record (self->storage, c, error);
}

/**
 * fn_mock_sync_save_record:
 * @old_assigned: (nullable): a patient's assigned_to before this change
 *
 * Stores @record (with its seq and version already set) and, for a patient
 * whose assigned_to changed, updates the scope index: users who lost the
 * patient get a "removed" marker in their feed, and users who gained it get
 * all of its records again at the head of their feed.
 */
gboolean
fn_mock_sync_save_record (FnMockSync    *self,
                          FnMockRecord  *record,
                          const char    *old_assigned,
                          GError       **error)
{
  g_auto (GStrv) old_ids = NULL;
  g_auto (GStrv) new_ids = NULL;
  gboolean added = FALSE;

  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), FALSE);

  if (!fn_mock_storage_put_record (self->storage, record, error))
    return FALSE;

  if (record->entity != FN_ENTITY_PATIENT)
    return TRUE;

  old_ids = fn_mock_id_list_parse (old_assigned);
  new_ids = fn_mock_id_list_parse (fn_mock_record_get_value (record, "assigned_to"));

  for (guint i = 0; old_ids[i]; i++)
    {
      gint64 seq;

      if (g_strv_contains ((const char * const *)new_ids, old_ids[i]))
        continue;

      seq = fn_mock_storage_next_seq (self->storage, error);
      if (seq == 0 ||
          !fn_mock_storage_set_assigned (self->storage, record->id, old_ids[i], FALSE, error) ||
          !fn_mock_storage_add_removal (self->storage, seq, old_ids[i], record->id, error))
        return FALSE;
    }

  for (guint i = 0; new_ids[i]; i++)
    {
      if (g_strv_contains ((const char * const *)old_ids, new_ids[i]))
        continue;

      if (!fn_mock_storage_set_assigned (self->storage, record->id, new_ids[i], TRUE, error))
        return FALSE;
      added = TRUE;
    }

  if (added && !fn_mock_storage_touch_scope (self->storage, record->id, record->id, error))
    return FALSE;

  return TRUE;
}

gboolean
fn_mock_sync_save_clock (FnMockSync  *self,
                         GError     **error)
{
  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), FALSE);

  if (!fn_clock_get_last (self->clock))
    return TRUE;

  return fn_mock_storage_set_meta (self->storage, "hlc", fn_clock_get_last (self->clock), error);
}

static JsonNode *
make_result (const char   *op_id,
             const char   *status,
             FnMockRecord *record,
             GPtrArray    *conflicts,
             JsonNode     *error_node,
             gboolean      clock_adjusted)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "op_id");
  if (op_id)
    json_builder_add_string_value (builder, op_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  json_builder_set_member_name (builder, "record");
  if (record)
    json_builder_add_value (builder, fn_mock_record_to_json (record));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; conflicts && i < conflicts->len; i++)
    {
      Conflict *c = g_ptr_array_index (conflicts, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, c->field);
      json_builder_set_member_name (builder, "local_value");
      json_builder_add_value (builder, json_node_copy (c->local_value));
      json_builder_set_member_name (builder, "server_value");
      json_builder_add_value (builder, json_node_copy (c->server_value));
      json_builder_set_member_name (builder, "winner");
      json_builder_add_string_value (builder, c->local_wins ? "local" : "server");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "error");
  if (error_node)
    json_builder_add_value (builder, error_node);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "clock_adjusted");
  json_builder_add_boolean_value (builder, clock_adjusted);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static Conflict *
conflict_new_deleted (gboolean local_deleted,
                      gboolean local_wins)
{
  Conflict *c = g_new0 (Conflict, 1);

  c->field = g_strdup ("deleted");
  c->local_value = json_node_init_boolean (json_node_alloc (), local_deleted);
  c->server_value = json_node_init_boolean (json_node_alloc (), !local_deleted);
  c->local_wins = local_wins;

  return c;
}

/* Merges a validated op into the stored record (or creates it). */
static JsonNode *
apply_op (FnMockSync    *self,
          FnMockUser    *user,
          const char    *device_id,
          Op            *op,
          FnMockRecord  *existing,
          const char    *scope,
          GError       **error)
{
  g_autoptr (FnMockRecord) created = NULL;
  g_autoptr (GPtrArray) conflicts = g_ptr_array_new_with_free_func (conflict_free);
  g_autofree char *old_assigned = NULL;
  g_autofree char *max_op_clock = NULL;
  FnMockRecord *record = existing;
  gboolean adjusted = FALSE;
  gboolean changed = FALSE;
  gint64 seq;

  seq = fn_mock_storage_next_seq (self->storage, error);
  if (seq == 0)
    return NULL;

  for (guint i = 0; i < op->fields->len; i++)
    {
      OpField *field = g_ptr_array_index (op->fields, i);

      adjusted |= adjust_clock (self, &field->clock);
      if (fn_hlc_compare (field->clock, max_op_clock) > 0)
        set_str (&max_op_clock, field->clock);
    }
  if (op->deleted_clock)
    adjusted |= adjust_clock (self, &op->deleted_clock);
  else if (op->deleted)
    op->deleted_clock = max_op_clock ? g_strdup (max_op_clock) : fn_clock_tick (self->clock);

  if (!record)
    {
      created = fn_mock_record_new (op->entity, op->id);
      record = created;
      record->scope = g_strdup (scope);
      changed = TRUE;

      if (op->entity == FN_ENTITY_NOTE)
        {
          g_autofree char *clock = fn_clock_tick (self->clock);

          fn_mock_record_set_field (record, "author_id", user->id, clock, SERVER_DEVICE, seq);
        }
    }
  else if (record->entity == FN_ENTITY_PATIENT)
    {
      old_assigned = g_strdup (fn_mock_record_get_value (record, "assigned_to"));
    }

  for (guint i = 0; i < op->fields->len; i++)
    {
      OpField *field = g_ptr_array_index (op->fields, i);
      const char *name = field->spec->name;
      FnMockField *stored = fn_mock_record_get_field (record, name);
      gboolean same_device, local_wins;

      if (!stored)
        {
          fn_mock_record_set_field (record, name, field->value, field->clock, device_id, seq);
          changed = TRUE;
          continue;
        }

      /* A device's own later op always follows its earlier one. */
      same_device = g_strcmp0 (stored->device, device_id) == 0;
      local_wins = same_device || fn_hlc_compare (field->clock, stored->clock) > 0;

      if (!same_device && stored->version > op->base_version &&
          g_strcmp0 (stored->value, field->value) != 0)
        {
          Conflict *c = g_new0 (Conflict, 1);

          c->field = g_strdup (name);
          c->local_value = fn_field_value_to_json (field->spec, field->value);
          c->server_value = fn_field_value_to_json (field->spec, stored->value);
          c->local_wins = local_wins;
          c->losing = g_strdup (local_wins ? stored->value : field->value);
          c->winning = g_strdup (local_wins ? field->value : stored->value);
          c->losing_clock = g_strdup (local_wins ? stored->clock : field->clock);
          c->winning_clock = g_strdup (local_wins ? field->clock : stored->clock);
          c->losing_author = local_wins ? device_user_name (self, stored->device)
                                        : g_strdup (user->name);
          c->winning_author = local_wins ? g_strdup (user->name)
                                         : device_user_name (self, stored->device);
          g_ptr_array_add (conflicts, c);
        }

      if (local_wins && (g_strcmp0 (stored->value, field->value) != 0 ||
                         g_strcmp0 (stored->clock, field->clock) != 0))
        {
          fn_mock_record_set_field (record, name, field->value, field->clock, device_id, seq);
          changed = TRUE;
        }
    }

  /* Liveness is one more last-writer-wins value: a delete takes effect only
   * when its clock is greater than every edit the server has; an edit (or an
   * undelete) with a greater clock than the delete revives the record. */
  if (existing)
    {
      if (op->deleted)
        {
          g_autofree char *max_edit = fn_mock_record_max_clock (record);
          const char *latest = fn_hlc_compare (record->deleted_clock, max_edit) > 0
                                 ? record->deleted_clock : max_edit;

          if (fn_hlc_compare (op->deleted_clock, latest) > 0)
            {
              changed |= !record->deleted ||
                         g_strcmp0 (record->deleted_clock, op->deleted_clock) != 0;
              record->deleted = TRUE;
              set_str (&record->deleted_clock, op->deleted_clock);
            }
          else if (!record->deleted)
            {
              g_ptr_array_add (conflicts, conflict_new_deleted (TRUE, FALSE));
            }
        }
      else
        {
          const char *revive = op->deleted_clock
                                 ? (fn_hlc_compare (op->deleted_clock, max_op_clock) > 0
                                      ? op->deleted_clock : max_op_clock)
                                 : max_op_clock;

          if (record->deleted && revive)
            {
              gboolean wins = fn_hlc_compare (revive, record->deleted_clock) > 0;

              if (wins)
                {
                  record->deleted = FALSE;
                  changed = TRUE;
                  if (op->deleted_clock)
                    set_str (&record->deleted_clock, op->deleted_clock);
                }
              if (op->fields->len > 0 || !wins)
                g_ptr_array_add (conflicts, conflict_new_deleted (FALSE, wins));
            }
          else if (op->deleted_clock &&
                   fn_hlc_compare (op->deleted_clock, record->deleted_clock) > 0)
            {
              set_str (&record->deleted_clock, op->deleted_clock);
              changed = TRUE;
            }
        }
    }
  else if (op->deleted_clock)
    {
      /* Created and deleted (or undeleted) before it reached the server. */
      record->deleted = op->deleted;
      set_str (&record->deleted_clock, op->deleted_clock);
      changed = TRUE;
    }

  if (changed)
    {
      record->version = seq;
      record->seq = seq;
      if (!fn_mock_sync_save_record (self, record, old_assigned, error))
        return NULL;

      if (record->entity == FN_ENTITY_SIGNATURE && !existing)
        {
          const char *blobs[] = { "strokes_blob", "image_blob" };

          for (guint i = 0; i < G_N_ELEMENTS (blobs); i++)
            {
              const char *sha = fn_mock_record_get_value (record, blobs[i]);

              if (sha && !fn_mock_storage_add_blob_ref (self->storage, sha, record->id, error))
                return NULL;
            }
        }
    }

  /* Conflict records keep the losing value where every client of the
   * record's scope pulls it; those about a conflict record itself would only
   * echo, so the clock decides them silently. */
  if (record->entity != FN_ENTITY_CONFLICT)
    for (guint i = 0; i < conflicts->len; i++)
      {
        Conflict *c = g_ptr_array_index (conflicts, i);

        if (strcmp (c->field, "deleted") != 0 && !save_conflict (self, record, c, error))
          return NULL;
      }

  if (!fn_mock_storage_add_op (self->storage, device_id, op->op_id, record->id, error))
    return NULL;

  return make_result (op->op_id, conflicts->len > 0 ? "conflict" : "applied", record,
                      conflicts, NULL, adjusted);
}

static JsonNode *
process_op (FnMockSync  *self,
            FnMockUser  *user,
            const char  *device_id,
            JsonNode    *node,
            GError     **error)
{
  g_autoptr (Op) op = NULL;
  g_autoptr (FnMockRecord) existing = NULL;
  g_autofree char *op_id = NULL;
  g_autofree char *done = NULL;
  g_autofree char *scope = NULL;
  g_autoptr (GError) local_error = NULL;
  Problem problem = { 0 };
  JsonNode *result;

  op = parse_op (node, &op_id, &problem);
  if (!op)
    goto rejected;

  done = fn_mock_storage_find_op (self->storage, device_id, op->op_id);
  if (done)
    {
      g_autoptr (FnMockRecord) current = fn_mock_storage_get_record (self->storage, done, error);

      if (!current && error && *error)
        return NULL;

      /* The record may have left the caller's scope since; its contents
       * must not leak, and the op is moot for this client anyway. */
      if (!current || !fn_mock_sync_in_scope (self, user, current->scope))
        {
          problem_set (&problem, 403, "out_of_scope",
                       "This op was applied before, but its record is no longer in your scope.");
          goto rejected;
        }

      return make_result (op->op_id, "duplicate", current, NULL, NULL, FALSE);
    }

  existing = fn_mock_storage_get_record (self->storage, op->id, &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!check_op (self, user, op, existing, &scope, &local_error, &problem))
    {
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      goto rejected;
    }

  return apply_op (self, user, device_id, op, existing, scope, error);

rejected:
  result = make_result (op ? op->op_id : op_id, "rejected", NULL, NULL,
                        fn_mock_problem_new (problem.status, problem.code, problem.detail),
                        FALSE);
  g_free (problem.detail);
  return result;
}

/**
 * fn_mock_sync_push:
 * @ops: the ops, already checked to be an array of at most
 *   %FN_MAX_OPS_PER_PUSH elements
 *
 * Applies the ops in order in one transaction. A rejected op changes
 * nothing; the others are unaffected.
 *
 * Returns: (transfer full) (nullable): {"results": [...]}, or %NULL with
 *   @error set when the storage failed (nothing was written then)
 */
JsonNode *
fn_mock_sync_push (FnMockSync  *self,
                   FnMockUser  *user,
                   const char  *device_id,
                   JsonArray   *ops,
                   GError     **error)
{
  g_autoptr (JsonArray) results = json_array_new ();
  g_autoptr (JsonObject) object = json_object_new ();
  g_autofree char *saved_clock = NULL;
  JsonNode *root;

  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), NULL);

  if (!fn_mock_storage_begin_write (self->storage, error))
    return NULL;

  /* The clock may have moved on in another process (admin subcommands). */
  {
    g_autofree char *stored = fn_mock_storage_get_meta (self->storage, "hlc");

    fn_clock_observe (self->clock, stored);
  }

  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonNode *result = process_op (self, user, device_id, json_array_get_element (ops, i),
                                     error);

      if (!result)
        {
          fn_mock_storage_rollback (self->storage);
          return NULL;
        }
      json_array_add_element (results, result);
    }

  if (!fn_mock_sync_save_clock (self, error) || !fn_mock_storage_commit (self->storage, error))
    {
      fn_mock_storage_rollback (self->storage);
      return NULL;
    }

  json_object_set_array_member (object, "results", g_steal_pointer (&results));
  root = json_node_init_object (json_node_alloc (), object);
  return root;
}

/**
 * fn_mock_sync_pull:
 *
 * Returns: (transfer full) (nullable): one page of the caller's feed
 */
JsonNode *
fn_mock_sync_pull (FnMockSync  *self,
                   FnMockUser  *user,
                   gint64       since,
                   guint        limit,
                   GError     **error)
{
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *cursor = NULL;
  gint64 remaining = 0;
  gint64 last = since;

  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), NULL);

  if (!fn_mock_storage_begin_read (self->storage, error))
    return NULL;

  page = fn_mock_storage_list_changes (self->storage,
                                       fn_mock_user_is_office (user) ? NULL : user->id,
                                       since, limit, &remaining, error);
  fn_mock_storage_rollback (self->storage);
  if (!page)
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < page->len; i++)
    {
      FnMockRecord *record = g_ptr_array_index (page, i);

      json_builder_add_value (builder, fn_mock_record_to_json (record));
      last = record->seq;
    }
  json_builder_end_array (builder);

  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_string_value (builder, cursor);
  json_builder_set_member_name (builder, "has_more");
  json_builder_add_boolean_value (builder, remaining > 0);
  json_builder_set_member_name (builder, "remaining");
  json_builder_add_int_value (builder, remaining);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gboolean
fn_mock_sync_has_changes (FnMockSync *self,
                          FnMockUser *user,
                          gint64      since)
{
  g_autoptr (GPtrArray) page = NULL;
  gint64 remaining = 0;

  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), FALSE);

  page = fn_mock_storage_list_changes (self->storage,
                                       fn_mock_user_is_office (user) ? NULL : user->id,
                                       since, 1, &remaining, NULL);

  return page && page->len > 0;
}

/**
 * fn_mock_sync_set_assignment:
 *
 * Adds or removes one user in a patient's assigned_to, as an ordinary
 * server-side write that the feeds and every client see.
 */
gboolean
fn_mock_sync_set_assignment (FnMockSync  *self,
                             const char  *patient_id,
                             const char  *user_name,
                             gboolean     assigned,
                             GError     **error)
{
  g_autoptr (FnMockUser) user = NULL;
  g_autoptr (FnMockRecord) record = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonArray) array = json_array_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *old_value = NULL;
  g_autofree char *new_value = NULL;
  g_autofree char *clock = NULL;
  g_auto (GStrv) ids = NULL;
  gboolean present;
  gint64 seq;

  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), FALSE);

  user = fn_mock_storage_find_user (self->storage, user_name, NULL);
  if (!user)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "There is no user called “%s”.",
                   user_name);
      return FALSE;
    }

  if (!fn_mock_storage_begin_write (self->storage, error))
    return FALSE;

  {
    g_autofree char *stored = fn_mock_storage_get_meta (self->storage, "hlc");

    fn_clock_observe (self->clock, stored);
  }

  record = fn_mock_storage_get_record (self->storage, patient_id, &local_error);
  if (!record || record->entity != FN_ENTITY_PATIENT)
    {
      fn_mock_storage_rollback (self->storage);
      if (local_error)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "There is no patient %s.",
                     patient_id);
      return FALSE;
    }

  old_value = g_strdup (fn_mock_record_get_value (record, "assigned_to"));
  ids = fn_mock_id_list_parse (old_value);
  present = g_strv_contains ((const char * const *)ids, user->id);
  if (present == assigned)
    {
      fn_mock_storage_rollback (self->storage);
      return TRUE;
    }

  for (guint i = 0; ids[i]; i++)
    if (strcmp (ids[i], user->id) != 0)
      json_array_add_string_element (array, ids[i]);
  if (assigned)
    json_array_add_string_element (array, user->id);

  node = json_node_init_array (json_node_alloc (), array);
  new_value = json_to_string (node, FALSE);

  seq = fn_mock_storage_next_seq (self->storage, error);
  if (seq == 0)
    goto fail;

  clock = fn_clock_tick (self->clock);
  fn_mock_record_set_field (record, "assigned_to", new_value, clock, SERVER_DEVICE, seq);
  record->version = seq;
  record->seq = seq;

  if (!fn_mock_sync_save_record (self, record, old_value, error) ||
      !fn_mock_sync_save_clock (self, error) ||
      !fn_mock_storage_commit (self->storage, error))
    goto fail;

  return TRUE;

fail:
  fn_mock_storage_rollback (self->storage);
  return FALSE;
}

FnMockStorage *
fn_mock_sync_get_storage (FnMockSync *self)
{
  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), NULL);

  return self->storage;
}

FnClock *
fn_mock_sync_get_clock (FnMockSync *self)
{
  g_return_val_if_fail (FN_MOCK_IS_SYNC (self), NULL);

  return self->clock;
}

static void
fn_mock_sync_finalize (GObject *object)
{
  FnMockSync *self = (FnMockSync *)object;

  g_clear_object (&self->storage);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (fn_mock_sync_parent_class)->finalize (object);
}

static void
fn_mock_sync_class_init (FnMockSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fn_mock_sync_finalize;
}

static void
fn_mock_sync_init (FnMockSync *self)
{
}

/**
 * fn_mock_sync_new:
 * @node_id: (nullable): the HLC node id for this process, or %NULL for the
 *   server's stored one
 *
 * Returns: (transfer full) (nullable): the sync rules over @storage
 */
FnMockSync *
fn_mock_sync_new (FnMockStorage  *storage,
                  const char     *node_id,
                  GError        **error)
{
  g_autoptr (FnMockSync) self = g_object_new (FN_MOCK_TYPE_SYNC, NULL);
  g_autofree char *node = NULL;
  g_autofree char *last = NULL;

  g_return_val_if_fail (FN_MOCK_IS_STORAGE (storage), NULL);

  self->storage = g_object_ref (storage);

  node = node_id ? g_strdup (node_id) : fn_mock_storage_get_meta (storage, "node");
  if (!node)
    {
      g_autofree char *random = fn_hlc_new_node_id ();

      node = g_strconcat ("srv", random, NULL);
      if (!fn_mock_storage_set_meta (storage, "node", node, error))
        return NULL;
    }

  last = fn_mock_storage_get_meta (storage, "hlc");
  self->clock = fn_clock_new (node, last);

  return g_steal_pointer (&self);
}
