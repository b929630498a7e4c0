/* fn-application.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

#define FN_TYPE_APPLICATION (fn_application_get_type ())
G_DECLARE_FINAL_TYPE (FnApplication, fn_application, FN, APPLICATION, AdwApplication)

FnApplication *fn_application_new       (void);
FnStore       *fn_application_get_store       (FnApplication *self);
FnSyncEngine  *fn_application_get_sync_engine (FnApplication *self);

G_END_DECLS
