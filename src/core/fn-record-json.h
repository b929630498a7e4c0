/* fn-record-json.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fn-record.h"
#include "fn-store.h"

G_BEGIN_DECLS

FnRecord *fn_record_from_json    (JsonNode          *node,
                                  JsonObject       **clock,
                                  gboolean          *removed,
                                  GError           **error);
JsonNode *fn_outbox_op_to_json   (const FnOutboxOp  *op);

G_END_DECLS
