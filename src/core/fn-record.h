/* fn-record.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fn-fields.h"
#include "fn-types.h"

G_BEGIN_DECLS

#define FN_TYPE_SYNC_STATE (fn_sync_state_get_type ())
GType fn_sync_state_get_type (void);

#define FN_TYPE_RECORD (fn_record_get_type ())
G_DECLARE_DERIVABLE_TYPE (FnRecord, fn_record, FN, RECORD, GObject)

/* A record of the contract: id, server version, tombstone flag and the
 * entity's fields, each a string property named after the field with dashes
 * ("family_name" is the property "family-name"). Subclasses install the
 * properties of their entity with fn_record_class_install_fields(). */
struct _FnRecordClass
{
  GObjectClass parent_class;

  FnEntity entity;

  gpointer padding[4];
};

void         fn_record_class_install_fields (FnRecordClass *klass,
                                             FnEntity       entity);

FnRecord    *fn_record_new                  (FnEntity       entity);
FnRecord    *fn_record_copy                 (FnRecord      *self);
void         fn_record_update_from          (FnRecord      *self,
                                             FnRecord      *other);
FnEntity     fn_record_get_entity           (FnRecord      *self);
const char  *fn_record_get_id               (FnRecord      *self);
void         fn_record_set_id               (FnRecord      *self,
                                             const char    *id);
gint64       fn_record_get_version          (FnRecord      *self);
void         fn_record_set_version          (FnRecord      *self,
                                             gint64         version);
gboolean     fn_record_get_deleted          (FnRecord      *self);
void         fn_record_set_deleted          (FnRecord      *self,
                                             gboolean       deleted);
FnSyncState  fn_record_get_sync_state       (FnRecord      *self);
void         fn_record_set_sync_state       (FnRecord      *self,
                                             FnSyncState    state);
const char  *fn_record_get_field            (FnRecord      *self,
                                             const char    *name);
void         fn_record_set_field            (FnRecord      *self,
                                             const char    *name,
                                             const char    *value);
gboolean     fn_record_validate             (FnRecord      *self,
                                             GError       **error);

G_END_DECLS
