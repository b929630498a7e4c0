/* fn-fields.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The record shapes and limits of the sync contract, shared by the client's
 * store and the reference server so that both validate the same way. Every
 * field value is held as a string: text as itself, a boolean as "true" or
 * "false", a list of ids as JSON array text. */

#define FN_BODY_MAX_BYTES   (64 * 1024)
#define FN_STRING_MAX_BYTES 1024
#define FN_MAX_OPS_PER_PUSH 500
#define FN_MAX_REQUEST_BYTES (8 * 1024 * 1024)
#define FN_MAX_BLOB_BYTES   (2 * 1024 * 1024)

typedef enum
{
  FN_ENTITY_PATIENT,
  FN_ENTITY_NOTE,
  FN_ENTITY_SIGNATURE,
  FN_ENTITY_CONFLICT,
  FN_N_ENTITIES,
  FN_ENTITY_INVALID = -1,
} FnEntity;

typedef enum
{
  FN_FIELD_TEXT,
  FN_FIELD_MULTILINE,
  FN_FIELD_DATE,
  FN_FIELD_DATETIME,
  FN_FIELD_ENUM,
  FN_FIELD_UUID,
  FN_FIELD_SHA256,
  FN_FIELD_ID_LIST,
  FN_FIELD_BOOLEAN,
  FN_FIELD_ENTITY,
} FnFieldType;

typedef struct
{
  const char         *name;
  FnFieldType         type;
  gsize               max_bytes;
  gboolean            required;
  const char * const *choices;
} FnFieldSpec;

#define FN_VALIDATION_ERROR (fn_validation_error_quark ())

typedef enum
{
  FN_VALIDATION_ERROR_INVALID,
  FN_VALIDATION_ERROR_TOO_LONG,
  FN_VALIDATION_ERROR_REQUIRED,
  FN_VALIDATION_ERROR_UNKNOWN_FIELD,
  FN_VALIDATION_ERROR_UNKNOWN_ENTITY,
} FnValidationError;

GQuark             fn_validation_error_quark   (void);

const char        *fn_entity_to_string         (FnEntity            entity);
FnEntity           fn_entity_from_string       (const char         *name);
const FnFieldSpec *fn_entity_get_fields        (FnEntity            entity,
                                                guint              *n_fields);
const FnFieldSpec *fn_entity_find_field        (FnEntity            entity,
                                                const char         *name);
const char        *fn_field_get_label          (const FnFieldSpec  *spec);

gboolean           fn_field_validate           (const FnFieldSpec  *spec,
                                                const char         *value,
                                                GError            **error);
gboolean           fn_validate_uuid            (const char         *value);
gboolean           fn_validate_sha256          (const char         *value);
gboolean           fn_validate_date            (const char         *value);
gboolean           fn_validate_datetime        (const char         *value);
char              *fn_uuid_new                 (void);

JsonNode          *fn_field_value_to_json      (const FnFieldSpec  *spec,
                                                const char         *value);
char              *fn_field_value_from_json    (const FnFieldSpec  *spec,
                                                JsonNode           *node,
                                                GError            **error);

G_END_DECLS
