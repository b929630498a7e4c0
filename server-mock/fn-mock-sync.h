/* fn-mock-sync.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fn-clock.h"
#include "fn-mock-storage.h"

G_BEGIN_DECLS

/* The contract's rules on top of FnMockStorage: scope and roles, per-field
 * HLC merging, conflicts, delete versus edit, idempotent ops, the pull feed. */

#define FN_MOCK_TYPE_SYNC (fn_mock_sync_get_type ())
G_DECLARE_FINAL_TYPE (FnMockSync, fn_mock_sync, FN_MOCK, SYNC, GObject)

FnMockSync    *fn_mock_sync_new            (FnMockStorage  *storage,
                                            const char     *node_id,
                                            GError        **error);
FnMockStorage *fn_mock_sync_get_storage    (FnMockSync     *self);
FnClock       *fn_mock_sync_get_clock      (FnMockSync     *self);
gboolean       fn_mock_sync_in_scope       (FnMockSync     *self,
                                            FnMockUser     *user,
                                            const char     *scope);
JsonNode      *fn_mock_sync_push           (FnMockSync     *self,
                                            FnMockUser     *user,
                                            const char     *device_id,
                                            JsonArray      *ops,
                                            GError        **error);
JsonNode      *fn_mock_sync_pull           (FnMockSync     *self,
                                            FnMockUser     *user,
                                            gint64          since,
                                            guint           limit,
                                            GError        **error);
gboolean       fn_mock_sync_has_changes    (FnMockSync     *self,
                                            FnMockUser     *user,
                                            gint64          since);
gboolean       fn_mock_sync_save_record    (FnMockSync     *self,
                                            FnMockRecord   *record,
                                            const char     *old_assigned,
                                            GError        **error);
gboolean       fn_mock_sync_save_clock     (FnMockSync     *self,
                                            GError        **error);
gboolean       fn_mock_sync_set_assignment (FnMockSync     *self,
                                            const char     *patient_id,
                                            const char     *user_name,
                                            gboolean        assigned,
                                            GError        **error);

G_END_DECLS
