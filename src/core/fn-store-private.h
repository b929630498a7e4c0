/* fn-store-private.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "fn-store.h"

G_BEGIN_DECLS

FnStore  *fn_store_new_at_version (const char  *data_dir,
                                   int          version,
                                   GError     **error);
sqlite3  *fn_store_get_db         (FnStore     *self);
gboolean  fn_store_begin          (FnStore     *self,
                                   GError     **error);
gboolean  fn_store_commit         (FnStore     *self,
                                   GError     **error);
void      fn_store_rollback       (FnStore     *self);
gboolean  fn_store_insert_synced  (FnStore     *self,
                                   FnRecord    *record,
                                   GError     **error);
void      fn_store_emit_changed   (FnStore     *self,
                                   FnEntity     entity,
                                   const char  *id);

G_END_DECLS
