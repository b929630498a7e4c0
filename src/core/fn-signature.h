/* fn-signature.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-record.h"

G_BEGIN_DECLS

#define FN_TYPE_SIGNATURE (fn_signature_get_type ())
G_DECLARE_FINAL_TYPE (FnSignature, fn_signature, FN, SIGNATURE, FnRecord)

FnSignature *fn_signature_new             (void);
const char  *fn_signature_get_note_id     (FnSignature *self);
const char  *fn_signature_get_signer_name (FnSignature *self);
const char  *fn_signature_get_signer_role (FnSignature *self);
const char  *fn_signature_get_captured_at (FnSignature *self);

G_END_DECLS
