/* fn-mock-seed.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-mock-sync.h"

G_BEGIN_DECLS

#define FN_MOCK_SEED_PATIENTS 30
#define FN_MOCK_SEED_NOTES    200

gboolean fn_mock_add_user  (FnMockStorage  *storage,
                            const char     *name,
                            const char     *role,
                            const char     *password,
                            GError        **error);
gboolean fn_mock_seed_demo (FnMockSync     *sync,
                            guint           n_patients,
                            guint           n_notes,
                            GError        **error);

G_END_DECLS
