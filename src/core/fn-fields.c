/* fn-fields.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-fields"

#include "config.h"

#include "fn-fields.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (fn-validation-error-quark, fn_validation_error)

static const char * const note_kinds[] = { "visit", "observation", "medication", "incident", NULL };
static const char * const note_statuses[] = { "draft", "final", NULL };
static const char * const signer_roles[] = { "patient", "relative", "caregiver", NULL };
static const char * const record_entities[] = { "patient", "note", "signature", NULL };

#define S FN_STRING_MAX_BYTES
#define B FN_BODY_MAX_BYTES

static const FnFieldSpec patient_fields[] = {
  { "given_name", FN_FIELD_TEXT, S, FALSE, NULL },
  { "family_name", FN_FIELD_TEXT, S, TRUE, NULL },
  { "birth_date", FN_FIELD_DATE, S, FALSE, NULL },
  { "address", FN_FIELD_MULTILINE, S, FALSE, NULL },
  { "phone", FN_FIELD_TEXT, S, FALSE, NULL },
  { "care_plan", FN_FIELD_MULTILINE, S, FALSE, NULL },
  { "assigned_to", FN_FIELD_ID_LIST, S, FALSE, NULL },
};

static const FnFieldSpec note_fields[] = {
  { "patient_id", FN_FIELD_UUID, S, TRUE, NULL },
  { "author_id", FN_FIELD_TEXT, S, FALSE, NULL },
  { "kind", FN_FIELD_ENUM, S, TRUE, note_kinds },
  { "visit_at", FN_FIELD_DATETIME, S, TRUE, NULL },
  { "title", FN_FIELD_TEXT, S, FALSE, NULL },
  { "body", FN_FIELD_MULTILINE, B, FALSE, NULL },
  { "status", FN_FIELD_ENUM, S, TRUE, note_statuses },
};

static const FnFieldSpec signature_fields[] = {
  { "note_id", FN_FIELD_UUID, S, TRUE, NULL },
  { "signer_name", FN_FIELD_TEXT, S, TRUE, NULL },
  { "signer_role", FN_FIELD_ENUM, S, TRUE, signer_roles },
  { "captured_at", FN_FIELD_DATETIME, S, TRUE, NULL },
  { "note_sha256", FN_FIELD_SHA256, S, TRUE, NULL },
  { "strokes_blob", FN_FIELD_SHA256, S, TRUE, NULL },
  { "image_blob", FN_FIELD_SHA256, S, TRUE, NULL },
};

static const FnFieldSpec conflict_fields[] = {
  { "record_entity", FN_FIELD_ENTITY, S, TRUE, record_entities },
  { "record_id", FN_FIELD_UUID, S, TRUE, NULL },
  { "field", FN_FIELD_TEXT, S, TRUE, NULL },
  { "losing_value", FN_FIELD_MULTILINE, B, FALSE, NULL },
  { "winning_value", FN_FIELD_MULTILINE, B, FALSE, NULL },
  { "resolved", FN_FIELD_BOOLEAN, S, FALSE, NULL },
  /* An extension of the reference server, not in the contract: the name of
   * the user whose write produced each value. A server may leave them out. */
  { "losing_author", FN_FIELD_TEXT, S, FALSE, NULL },
  { "winning_author", FN_FIELD_TEXT, S, FALSE, NULL },
};

#undef S
#undef B

static const struct
{
  const char *name;
  const FnFieldSpec *fields;
  guint n_fields;
} entities[FN_N_ENTITIES] = {
  { "patient", patient_fields, G_N_ELEMENTS (patient_fields) },
  { "note", note_fields, G_N_ELEMENTS (note_fields) },
  { "signature", signature_fields, G_N_ELEMENTS (signature_fields) },
  { "conflict", conflict_fields, G_N_ELEMENTS (conflict_fields) },
};

const char *
fn_entity_to_string (FnEntity entity)
{
  g_return_val_if_fail (entity >= 0 && entity < FN_N_ENTITIES, NULL);

  return entities[entity].name;
}

FnEntity
fn_entity_from_string (const char *name)
{
  if (!name)
    return FN_ENTITY_INVALID;

  for (guint i = 0; i < FN_N_ENTITIES; i++)
    if (strcmp (entities[i].name, name) == 0)
      return (FnEntity)i;

  return FN_ENTITY_INVALID;
}

/**
 * fn_entity_get_fields:
 * @n_fields: (out): the number of fields
 *
 * Returns: (transfer none) (array length=n_fields): the entity's fields
 */
const FnFieldSpec *
fn_entity_get_fields (FnEntity  entity,
                      guint    *n_fields)
{
  g_return_val_if_fail (entity >= 0 && entity < FN_N_ENTITIES, NULL);
  g_return_val_if_fail (n_fields, NULL);

  *n_fields = entities[entity].n_fields;
  return entities[entity].fields;
}

/**
 * fn_entity_find_field:
 *
 * Returns: (nullable) (transfer none): the field called @name, if any
 */
const FnFieldSpec *
fn_entity_find_field (FnEntity    entity,
                      const char *name)
{
  g_return_val_if_fail (entity >= 0 && entity < FN_N_ENTITIES, NULL);

  if (!name)
    return NULL;

  for (guint i = 0; i < entities[entity].n_fields; i++)
    if (strcmp (entities[entity].fields[i].name, name) == 0)
      return &entities[entity].fields[i];

  return NULL;
}

/**
 * fn_field_get_label:
 *
 * Returns: the field's name as a person reads it, translated
 */
const char *
fn_field_get_label (const FnFieldSpec *spec)
{
  static const struct { const char *field; const char *label; } labels[] = {
    { "given_name", N_("The given name") },
    { "family_name", N_("The family name") },
    { "birth_date", N_("The date of birth") },
    { "address", N_("The address") },
    { "phone", N_("The phone number") },
    { "care_plan", N_("The care plan") },
    { "assigned_to", N_("The list of assigned caregivers") },
    { "patient_id", N_("The patient") },
    { "author_id", N_("The author") },
    { "kind", N_("The kind of note") },
    { "visit_at", N_("The visit time") },
    { "title", N_("The title") },
    { "body", N_("The note text") },
    { "status", N_("The note status") },
    { "note_id", N_("The signed note") },
    { "signer_name", N_("The signer's name") },
    { "signer_role", N_("The signer's role") },
    { "captured_at", N_("The signing time") },
    { "note_sha256", N_("The signed content hash") },
    { "strokes_blob", N_("The signature strokes") },
    { "image_blob", N_("The signature image") },
    { "record_entity", N_("The conflicting record's type") },
    { "record_id", N_("The conflicting record") },
    { "field", N_("The conflicting field") },
    { "losing_value", N_("The losing value") },
    { "winning_value", N_("The winning value") },
    { "resolved", N_("The resolved flag") },
    { "losing_author", N_("Who wrote the losing value") },
    { "winning_author", N_("Who wrote the winning value") },
  };

  g_return_val_if_fail (spec, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (strcmp (labels[i].field, spec->name) == 0)
      return _(labels[i].label);

  return spec->name;
}

static gboolean
parse_digits (const char *s,
              guint       n,
              int        *out)
{
  int v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }

  *out = v;
  return TRUE;
}

gboolean
fn_validate_date (const char *value)
{
  int y, m, d;

  if (!value || strlen (value) != 10 || value[4] != '-' || value[7] != '-')
    return FALSE;
  if (!parse_digits (value, 4, &y) || !parse_digits (value + 5, 2, &m) ||
      !parse_digits (value + 8, 2, &d))
    return FALSE;

  return y >= 1 && g_date_valid_dmy (d, m, y);
}

gboolean
fn_validate_datetime (const char *value)
{
  g_autoptr (GDateTime) dt = NULL;

  /* RFC 3339 wants a full date, a 'T' (or space is not allowed by us) and an
   * explicit offset; GDateTime accepts more forms, so check the shape first. */
  if (!value || strlen (value) < 20 || !fn_validate_date ((const char[11]) {
        value[0], value[1], value[2], value[3], value[4], value[5],
        value[6], value[7], value[8], value[9], '\0' }))
    return FALSE;
  if (value[10] != 'T' && value[10] != 't')
    return FALSE;

  dt = g_date_time_new_from_iso8601 (value, NULL);
  if (!dt)
    return FALSE;

  /* An offset must be present: the last character is Z or a digit of +hh:mm. */
  {
    gsize len = strlen (value);
    char last = value[len - 1];

    if (last != 'Z' && last != 'z' && !(len > 6 && (value[len - 6] == '+' || value[len - 6] == '-')))
      return FALSE;
  }

  return TRUE;
}

gboolean
fn_validate_uuid (const char *value)
{
  static const guint dashes[] = { 8, 13, 18, 23 };

  if (!value || strlen (value) != 36)
    return FALSE;

  for (guint i = 0; i < 36; i++)
    {
      gboolean dash = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (dashes); j++)
        dash |= (i == dashes[j]);

      if (dash ? value[i] != '-' : !g_ascii_isxdigit (value[i]))
        return FALSE;
    }

  return TRUE;
}

gboolean
fn_validate_sha256 (const char *value)
{
  if (!value || strlen (value) != 64)
    return FALSE;

  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (value[i]) || g_ascii_isupper (value[i]))
      return FALSE;

  return TRUE;
}

/**
 * fn_uuid_new:
 *
 * Returns: (transfer full): a random (version 4) UUID in lower case
 */
char *
fn_uuid_new (void)
{
  return g_uuid_string_random ();
}

static gboolean
has_control_chars (const char *value,
                   gboolean    multiline)
{
  for (const guchar *p = (const guchar *)value; *p; p++)
    {
      if (*p == 0x7f)
        return TRUE;
      if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r')))
        return TRUE;
    }

  return FALSE;
}

static gboolean
validate_id_list (const char  *value,
                  GError     **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, value, -1, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_ARRAY (root))
    return FALSE;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *s;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return FALSE;
      s = json_node_get_string (item);
      if (!*s || strlen (s) > 256 || has_control_chars (s, FALSE))
        return FALSE;
    }

  return TRUE;
}

/**
 * fn_field_validate:
 * @value: (nullable): the value; %NULL or "" means no value
 *
 * Checks @value against the contract. On failure @error says, in words a
 * caregiver understands, what is wrong with which field.
 */
gboolean
fn_field_validate (const FnFieldSpec  *spec,
                   const char         *value,
                   GError            **error)
{
  const char *label;
  gboolean ok = TRUE;

  g_return_val_if_fail (spec, FALSE);

  label = fn_field_get_label (spec);

  if (!value || !*value)
    {
      if (spec->required)
        {
          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_REQUIRED,
                       _("%s is required."), label);
          return FALSE;
        }
      return TRUE;
    }

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                   _("%s contains characters that are not valid text."), label);
      return FALSE;
    }

  if (strlen (value) > spec->max_bytes)
    {
      g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_TOO_LONG,
                   _("%s is too long: at most %u KiB is allowed."),
                   label, (guint)(spec->max_bytes / 1024));
      return FALSE;
    }

  switch (spec->type)
    {
    case FN_FIELD_TEXT:
    case FN_FIELD_MULTILINE:
      if (has_control_chars (value, spec->type == FN_FIELD_MULTILINE))
        {
          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                       spec->type == FN_FIELD_TEXT
                         ? _("%s must be a single line without control characters.")
                         : _("%s contains control characters."),
                       label);
          return FALSE;
        }
      return TRUE;

    case FN_FIELD_DATE:
      if (!fn_validate_date (value))
        {
          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                       _("%s must be a date written as YYYY-MM-DD."), label);
          return FALSE;
        }
      return TRUE;

    case FN_FIELD_DATETIME:
      if (!fn_validate_datetime (value))
        {
          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                       _("%s must be a date and time such as 2026-11-27T09:30:00Z."), label);
          return FALSE;
        }
      return TRUE;

    case FN_FIELD_ENUM:
    case FN_FIELD_ENTITY:
      ok = spec->choices && g_strv_contains (spec->choices, value);
      if (!ok)
        {
          g_autofree char *choices = g_strjoinv (", ", (char **)spec->choices);

          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                       _("%s must be one of: %s."), label, choices);
        }
      return ok;

    case FN_FIELD_UUID:
      if (!fn_validate_uuid (value))
        {
          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                       _("%s is not a valid record id."), label);
          return FALSE;
        }
      return TRUE;

    case FN_FIELD_SHA256:
      if (!fn_validate_sha256 (value))
        {
          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                       _("%s is not a valid SHA-256 hash."), label);
          return FALSE;
        }
      return TRUE;

    case FN_FIELD_ID_LIST:
      if (!validate_id_list (value, error))
        {
          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                       _("%s must be a list of user ids."), label);
          return FALSE;
        }
      return TRUE;

    case FN_FIELD_BOOLEAN:
      if (strcmp (value, "true") != 0 && strcmp (value, "false") != 0)
        {
          g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
                       _("%s must be true or false."), label);
          return FALSE;
        }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/**
 * fn_field_value_to_json:
 * @value: (nullable): a value in the string form used by the store
 *
 * Returns: (transfer full): the value as the contract puts it on the wire
 */
JsonNode *
fn_field_value_to_json (const FnFieldSpec *spec,
                        const char        *value)
{
  g_return_val_if_fail (spec, NULL);

  switch (spec->type)
    {
    case FN_FIELD_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), g_strcmp0 (value, "true") == 0);

    case FN_FIELD_ID_LIST:
      {
        g_autoptr (JsonParser) parser = json_parser_new ();

        if (value && json_parser_load_from_data (parser, value, -1, NULL) &&
            JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
          return json_node_copy (json_parser_get_root (parser));

        {
          JsonNode *empty = json_node_new (JSON_NODE_ARRAY);

          json_node_take_array (empty, json_array_new ());
          return empty;
        }
      }

    default:
      if (!value)
        return json_node_init_null (json_node_alloc ());
      return json_node_init_string (json_node_alloc (), value);
    }
}

/**
 * fn_field_value_from_json:
 *
 * Converts a value received on the wire to the store's string form and
 * validates it.
 *
 * Returns: (transfer full) (nullable): the value, %NULL for JSON null, or
 *   %NULL with @error set
 */
char *
fn_field_value_from_json (const FnFieldSpec  *spec,
                          JsonNode           *node,
                          GError            **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (spec, NULL);
  g_return_val_if_fail (node, NULL);

  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!fn_field_validate (spec, NULL, error))
        return NULL;
      return NULL;
    }

  switch (spec->type)
    {
    case FN_FIELD_BOOLEAN:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        goto wrong_type;
      value = g_strdup (json_node_get_boolean (node) ? "true" : "false");
      break;

    case FN_FIELD_ID_LIST:
      if (!JSON_NODE_HOLDS_ARRAY (node))
        goto wrong_type;
      value = json_to_string (node, FALSE);
      break;

    default:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        goto wrong_type;
      value = g_strdup (json_node_get_string (node));
      break;
    }

  if (!fn_field_validate (spec, value, error))
    return NULL;

  return g_steal_pointer (&value);

wrong_type:
  g_set_error (error, FN_VALIDATION_ERROR, FN_VALIDATION_ERROR_INVALID,
               _("%s has the wrong type of value."), fn_field_get_label (spec));
  return NULL;
}
