/* fn-signature-view.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-strokes.h"

G_BEGIN_DECLS

#define FN_TYPE_SIGNATURE_VIEW (fn_signature_view_get_type ())
G_DECLARE_FINAL_TYPE (FnSignatureView, fn_signature_view, FN, SIGNATURE_VIEW, AdwBin)

GtkWidget  *fn_signature_view_new           (void);
void        fn_signature_view_set_signature (FnSignatureView *self,
                                             const FnStrokes *strokes,
                                             const char      *signer_name,
                                             const char      *signer_role,
                                             GDateTime       *captured_at);
const char *fn_signature_view_get_caption   (FnSignatureView *self);
gboolean    fn_signature_view_get_matches   (FnSignatureView *self);
void        fn_signature_view_set_matches   (FnSignatureView *self,
                                             gboolean         matches);
void        fn_signature_view_set_metered   (FnSignatureView *self,
                                             gboolean         metered);
char       *fn_signature_role_to_label      (const char      *role);

G_END_DECLS
