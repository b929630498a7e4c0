/* fn-test-engine.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-core.h"
#include "fn-test-util.h"

G_BEGIN_DECLS

gboolean        fn_test_engine_sync            (FnSyncEngine    *engine,
                                                GError         **error);
FnStrokes      *fn_test_scribble               (void);

G_END_DECLS
