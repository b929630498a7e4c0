/* fn-record.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-record"

#include "config.h"

#include "fn-record.h"

#include "fn-conflict.h"
#include "fn-note.h"
#include "fn-patient.h"
#include "fn-signature.h"

#include <string.h>

#define MAX_FIELDS 16

typedef struct
{
  char *id;
  gint64 version;
  gboolean deleted;
  FnSyncState sync_state;

  /* One value per field of the entity, in the order of fn_entity_get_fields(). */
  char **values;
} FnRecordPrivate;

enum {
  PROP_0,
  PROP_ID,
  PROP_VERSION,
  PROP_DELETED,
  PROP_SYNC_STATE,
  N_PROPS
};

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FnRecord, fn_record, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static GParamSpec *field_pspecs[FN_N_ENTITIES][MAX_FIELDS + 1];

GType
fn_sync_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { FN_SYNC_STATE_SYNCED, "FN_SYNC_STATE_SYNCED", "synced" },
        { FN_SYNC_STATE_PENDING, "FN_SYNC_STATE_PENDING", "pending" },
        { FN_SYNC_STATE_CONFLICT, "FN_SYNC_STATE_CONFLICT", "conflict" },
        { FN_SYNC_STATE_REJECTED, "FN_SYNC_STATE_REJECTED", "rejected" },
        { 0, NULL, NULL }
      };
      GType id = g_enum_register_static (g_intern_static_string ("FnSyncState"), values);

      g_once_init_leave (&type_id, id);
    }

  return type_id;
}

static char **
get_values (FnRecord *self)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  if (!priv->values)
    {
      guint n_fields;

      fn_entity_get_fields (FN_RECORD_GET_CLASS (self)->entity, &n_fields);
      priv->values = g_new0 (char *, n_fields + 1);
    }

  return priv->values;
}

static int
field_index (FnRecord   *self,
             const char *name)
{
  FnEntity entity = FN_RECORD_GET_CLASS (self)->entity;
  const FnFieldSpec *spec = fn_entity_find_field (entity, name);
  guint n_fields;

  if (!spec)
    return -1;

  return spec - fn_entity_get_fields (entity, &n_fields);
}

static void
set_value_at (FnRecord   *self,
              guint       index,
              const char *value)
{
  char **values = get_values (self);

  if (g_strcmp0 (values[index], value) == 0)
    return;

  g_free (values[index]);
  values[index] = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self),
                            field_pspecs[FN_RECORD_GET_CLASS (self)->entity][index + 1]);
}

static void
field_get_property (GObject    *object,
                    guint       prop_id,
                    GValue     *value,
                    GParamSpec *pspec)
{
  g_value_set_string (value, get_values (FN_RECORD (object))[prop_id - 1]);
}

static void
field_set_property (GObject      *object,
                    guint         prop_id,
                    const GValue *value,
                    GParamSpec   *pspec)
{
  set_value_at (FN_RECORD (object), prop_id - 1, g_value_get_string (value));
}

static void
fn_record_finalize (GObject *object)
{
  FnRecord *self = (FnRecord *)object;
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_clear_pointer (&priv->id, g_free);
  if (priv->values)
    {
      guint n_fields;

      /* Not g_strfreev(): unset fields are NULL in the middle of the array. */
      fn_entity_get_fields (FN_RECORD_GET_CLASS (self)->entity, &n_fields);
      for (guint i = 0; i < n_fields; i++)
        g_free (priv->values[i]);
      g_clear_pointer (&priv->values, g_free);
    }

  G_OBJECT_CLASS (fn_record_parent_class)->finalize (object);
}

static void
fn_record_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FnRecord *self = FN_RECORD (object);
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;

    case PROP_VERSION:
      g_value_set_int64 (value, priv->version);
      break;

    case PROP_DELETED:
      g_value_set_boolean (value, priv->deleted);
      break;

    case PROP_SYNC_STATE:
      g_value_set_enum (value, priv->sync_state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_record_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FnRecord *self = FN_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      fn_record_set_id (self, g_value_get_string (value));
      break;

    case PROP_VERSION:
      fn_record_set_version (self, g_value_get_int64 (value));
      break;

    case PROP_DELETED:
      fn_record_set_deleted (self, g_value_get_boolean (value));
      break;

    case PROP_SYNC_STATE:
      fn_record_set_sync_state (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_record_class_init (FnRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fn_record_finalize;
  object_class->get_property = fn_record_get_property;
  object_class->set_property = fn_record_set_property;

  klass->entity = FN_ENTITY_INVALID;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DELETED] =
    g_param_spec_boolean ("deleted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC_STATE] =
    g_param_spec_enum ("sync-state", NULL, NULL, FN_TYPE_SYNC_STATE, FN_SYNC_STATE_SYNCED,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fn_record_init (FnRecord *self)
{
}

/**
 * fn_record_class_install_fields:
 *
 * Installs one string property per field of @entity on a subclass.
 */
void
fn_record_class_install_fields (FnRecordClass *klass,
                                FnEntity       entity)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const FnFieldSpec *fields;
  guint n_fields;

  g_return_if_fail (FN_IS_RECORD_CLASS (klass));

  fields = fn_entity_get_fields (entity, &n_fields);
  g_assert (n_fields <= MAX_FIELDS);

  klass->entity = entity;
  object_class->get_property = field_get_property;
  object_class->set_property = field_set_property;

  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *name = g_strdup (fields[i].name);

      g_strdelimit (name, "_", '-');
      field_pspecs[entity][i + 1] =
        g_param_spec_string (g_intern_string (name), NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                             G_PARAM_STATIC_NAME | G_PARAM_STATIC_NICK | G_PARAM_STATIC_BLURB);
      g_object_class_install_property (object_class, i + 1, field_pspecs[entity][i + 1]);
    }
}

/**
 * fn_record_new:
 *
 * Returns: (transfer full): an empty record of @entity
 */
FnRecord *
fn_record_new (FnEntity entity)
{
  switch (entity)
    {
    case FN_ENTITY_PATIENT:
      return FN_RECORD (fn_patient_new ());

    case FN_ENTITY_NOTE:
      return g_object_new (FN_TYPE_NOTE, NULL);

    case FN_ENTITY_SIGNATURE:
      return FN_RECORD (fn_signature_new ());

    case FN_ENTITY_CONFLICT:
      return FN_RECORD (fn_conflict_new ());

    case FN_N_ENTITIES:
    case FN_ENTITY_INVALID:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * fn_record_copy:
 *
 * Returns: (transfer full): a record with the same id, state and values
 */
FnRecord *
fn_record_copy (FnRecord *self)
{
  FnRecord *copy;

  g_return_val_if_fail (FN_IS_RECORD (self), NULL);

  copy = g_object_new (G_OBJECT_TYPE (self), NULL);
  fn_record_update_from (copy, self);

  return copy;
}

/**
 * fn_record_update_from:
 *
 * Takes every value of @other, notifying only what really changed, so that
 * list models can refresh a row without replacing its object.
 */
void
fn_record_update_from (FnRecord *self,
                       FnRecord *other)
{
  FnRecordPrivate *other_priv;
  char **other_values;
  guint n_fields;

  g_return_if_fail (FN_IS_RECORD (self));
  g_return_if_fail (FN_IS_RECORD (other));
  g_return_if_fail (G_OBJECT_TYPE (self) == G_OBJECT_TYPE (other));

  other_priv = fn_record_get_instance_private (other);
  other_values = get_values (other);
  fn_entity_get_fields (FN_RECORD_GET_CLASS (self)->entity, &n_fields);

  g_object_freeze_notify (G_OBJECT (self));
  fn_record_set_id (self, other_priv->id);
  fn_record_set_version (self, other_priv->version);
  fn_record_set_deleted (self, other_priv->deleted);
  fn_record_set_sync_state (self, other_priv->sync_state);
  for (guint i = 0; i < n_fields; i++)
    set_value_at (self, i, other_values[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

FnEntity
fn_record_get_entity (FnRecord *self)
{
  g_return_val_if_fail (FN_IS_RECORD (self), FN_ENTITY_INVALID);

  return FN_RECORD_GET_CLASS (self)->entity;
}

/**
 * fn_record_get_id:
 *
 * Returns: (nullable): the id, %NULL for a record never saved
 */
const char *
fn_record_get_id (FnRecord *self)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_return_val_if_fail (FN_IS_RECORD (self), NULL);

  return priv->id;
}

void
fn_record_set_id (FnRecord   *self,
                  const char *id)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_return_if_fail (FN_IS_RECORD (self));

  if (g_strcmp0 (priv->id, id) == 0)
    return;

  g_free (priv->id);
  priv->id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gint64
fn_record_get_version (FnRecord *self)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_return_val_if_fail (FN_IS_RECORD (self), 0);

  return priv->version;
}

void
fn_record_set_version (FnRecord *self,
                       gint64    version)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_return_if_fail (FN_IS_RECORD (self));
  g_return_if_fail (version >= 0);

  if (priv->version == version)
    return;

  priv->version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

gboolean
fn_record_get_deleted (FnRecord *self)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_return_val_if_fail (FN_IS_RECORD (self), FALSE);

  return priv->deleted;
}

void
fn_record_set_deleted (FnRecord *self,
                       gboolean  deleted)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_return_if_fail (FN_IS_RECORD (self));

  deleted = !!deleted;
  if (priv->deleted == deleted)
    return;

  priv->deleted = deleted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
}

FnSyncState
fn_record_get_sync_state (FnRecord *self)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_return_val_if_fail (FN_IS_RECORD (self), FN_SYNC_STATE_SYNCED);

  return priv->sync_state;
}

void
fn_record_set_sync_state (FnRecord    *self,
                          FnSyncState  state)
{
  FnRecordPrivate *priv = fn_record_get_instance_private (self);

  g_return_if_fail (FN_IS_RECORD (self));

  if (priv->sync_state == state)
    return;

  priv->sync_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_STATE]);
}

/**
 * fn_record_get_field:
 * @name: a field name of the contract, e.g. "family_name"
 *
 * Returns: (nullable): the value, %NULL when unset
 */
const char *
fn_record_get_field (FnRecord   *self,
                     const char *name)
{
  int index;

  g_return_val_if_fail (FN_IS_RECORD (self), NULL);

  index = field_index (self, name);
  g_return_val_if_fail (index >= 0, NULL);

  return get_values (self)[index];
}

void
fn_record_set_field (FnRecord   *self,
                     const char *name,
                     const char *value)
{
  int index;

  g_return_if_fail (FN_IS_RECORD (self));

  index = field_index (self, name);
  g_return_if_fail (index >= 0);

  set_value_at (self, index, value);
}

/**
 * fn_record_validate:
 *
 * Checks every field against the contract, stopping at the first problem.
 */
gboolean
fn_record_validate (FnRecord  *self,
                    GError   **error)
{
  const FnFieldSpec *fields;
  char **values;
  guint n_fields;

  g_return_val_if_fail (FN_IS_RECORD (self), FALSE);

  fields = fn_entity_get_fields (FN_RECORD_GET_CLASS (self)->entity, &n_fields);
  values = get_values (self);

  for (guint i = 0; i < n_fields; i++)
    if (!fn_field_validate (&fields[i], values[i], error))
      return FALSE;

  return TRUE;
}
