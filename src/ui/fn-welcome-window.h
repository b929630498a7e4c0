/* fn-welcome-window.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_WELCOME_WINDOW (fn_welcome_window_get_type ())
G_DECLARE_FINAL_TYPE (FnWelcomeWindow, fn_welcome_window, FN, WELCOME_WINDOW, AdwApplicationWindow)

FnWelcomeWindow *fn_welcome_window_new        (GtkApplication   *application,
                                               const char       *base_dir,
                                               FnTokenStoreKind  kind,
                                               FnStore          *current,
                                               const char       *ca_file);
gboolean         fn_welcome_window_get_busy   (FnWelcomeWindow  *self);
FnStore         *fn_welcome_window_get_store  (FnWelcomeWindow  *self);

G_END_DECLS
