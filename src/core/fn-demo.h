/* fn-demo.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-record.h"

G_BEGIN_DECLS

/* Called for each generated record, patients before their notes; returning
 * %FALSE stops the generator. */
typedef gboolean (*FnDemoFunc) (FnRecord *record,
                                gpointer  user_data);

gboolean fn_demo_generate (guint      n_patients,
                           guint      n_notes,
                           guint32    seed,
                           FnDemoFunc func,
                           gpointer   user_data);

G_END_DECLS
