/* fn-record-list.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fn-types.h"

G_BEGIN_DECLS

#define FN_TYPE_RECORD_LIST (fn_record_list_get_type ())
G_DECLARE_DERIVABLE_TYPE (FnRecordList, fn_record_list, FN, RECORD_LIST, GObject)

/* A list model of records that follows the store: after every change it
 * loads the list again, keeps the objects of records that are still there
 * (updated in place, so rows and editors bound to them keep their state)
 * and announces the smallest changed range. */
struct _FnRecordListClass
{
  GObjectClass parent_class;

  GPtrArray *(*load)        (FnRecordList  *self,
                             GError       **error);
  gboolean   (*is_affected) (FnRecordList  *self,
                             int            entity,
                             const char    *id);

  gpointer padding[4];
};

FnStore *fn_record_list_get_store (FnRecordList *self);
void     fn_record_list_reload    (FnRecordList *self);

G_END_DECLS
