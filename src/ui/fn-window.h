/* fn-window.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_WINDOW (fn_window_get_type ())
G_DECLARE_FINAL_TYPE (FnWindow, fn_window, FN, WINDOW, AdwApplicationWindow)

FnWindow      *fn_window_new                (GtkApplication *application,
                                             FnStore        *store);
FnStore       *fn_window_get_store          (FnWindow       *self);
gboolean       fn_window_save               (FnWindow       *self);
GListModel    *fn_window_get_patients       (FnWindow       *self);
FnPatient     *fn_window_get_patient        (FnWindow       *self);
gboolean       fn_window_show_patient       (FnWindow       *self,
                                             FnPatient      *patient);
void           fn_window_show_toast         (FnWindow       *self,
                                             const char     *markup);
void           fn_window_update_actions     (FnWindow       *self);
FnSyncEngine  *fn_window_get_sync_engine    (FnWindow       *self);
void           fn_window_set_sync_engine    (FnWindow       *self,
                                             FnSyncEngine   *engine);

G_END_DECLS
