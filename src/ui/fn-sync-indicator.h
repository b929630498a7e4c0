/* fn-sync-indicator.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_SYNC_INDICATOR (fn_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (FnSyncIndicator, fn_sync_indicator, FN, SYNC_INDICATOR, AdwBin)

GtkWidget    *fn_sync_indicator_new           (void);
FnSyncEngine *fn_sync_indicator_get_engine    (FnSyncIndicator *self);
void          fn_sync_indicator_set_engine    (FnSyncIndicator *self,
                                               FnSyncEngine    *engine);
FnStore      *fn_sync_indicator_get_store     (FnSyncIndicator *self);
void          fn_sync_indicator_set_store     (FnSyncIndicator *self,
                                               FnStore         *store);
const char   *fn_sync_indicator_get_text      (FnSyncIndicator *self);
const char   *fn_sync_indicator_get_icon_name (FnSyncIndicator *self);
void          fn_sync_indicator_set_compact   (FnSyncIndicator *self,
                                               gboolean         compact);
void          fn_sync_indicator_popup         (FnSyncIndicator *self);
void          fn_sync_indicator_popdown       (FnSyncIndicator *self);
void          fn_sync_indicator_refresh       (FnSyncIndicator *self);

G_END_DECLS
