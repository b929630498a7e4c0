/* fn-fuzz-store.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fn-store.h"

G_BEGIN_DECLS

/* Ids the seed corpora use, so that fuzzed pages and push results meet
 * records with undelivered local changes. */
#define FN_FUZZ_PATIENT_ID "6f1c2d3e-4b5a-4c6d-8e7f-101112131415"
#define FN_FUZZ_NOTE_ID    "7a1b2c3d-4e5f-4a6b-9c7d-202122232425"
#define FN_FUZZ_OP_ID_1    "00000000-0000-4000-8000-000000000001"
#define FN_FUZZ_OP_ID_2    "00000000-0000-4000-8000-000000000002"

FnStore  *fn_fuzz_store_get     (void);
JsonNode *fn_fuzz_parse_json    (const guint8 *data,
                                 size_t        size);
char     *fn_fuzz_dump_store    (FnStore      *store);

G_END_DECLS
