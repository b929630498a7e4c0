/* fn-preferences-window.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_PREFERENCES_WINDOW (fn_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FnPreferencesWindow, fn_preferences_window, FN, PREFERENCES_WINDOW, AdwPreferencesWindow)

FnPreferencesWindow *fn_preferences_window_new      (GtkWindow           *parent,
                                                     FnStore             *store,
                                                     FnSyncEngine        *engine,
                                                     FnTokenStore        *tokens);
void                 fn_preferences_window_sign_out (FnPreferencesWindow *self);

G_END_DECLS
