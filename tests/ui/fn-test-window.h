/* fn-test-window.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-window.h"

G_BEGIN_DECLS

/* The window of the in-process GUI tests, on a store of demo data in a
 * temporary folder. */

FnStore        *fn_test_demo_store_new         (const char      *dir_template,
                                                guint            n_patients,
                                                guint            n_notes,
                                                char           **data_dir);
FnWindow       *fn_test_window_open            (FnStore         *store,
                                                FnSyncEngine    *engine,
                                                int              width,
                                                int              height);
void            fn_test_window_close           (FnWindow        *window);

G_END_DECLS
