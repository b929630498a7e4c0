/* fn-signature-dialog.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-signature-pad.h"
#include "fn-strokes.h"

G_BEGIN_DECLS

/* What the dialog hands back. Either @strokes holds the signature, or the
 * signer was unable to sign: @strokes is %NULL and @unable_reason and
 * @witness_name say why and who saw it. */
typedef struct
{
  char      *signer_name;
  char      *signer_role;    /* "patient", "relative" or "caregiver" */
  FnStrokes *strokes;
  char      *unable_reason;
  char      *witness_name;
} FnSignatureResult;

void fn_signature_result_free (FnSignatureResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnSignatureResult, fn_signature_result_free)

#define FN_TYPE_SIGNATURE_DIALOG (fn_signature_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FnSignatureDialog, fn_signature_dialog, FN, SIGNATURE_DIALOG, AdwWindow)

FnSignatureDialog *fn_signature_dialog_new         (GtkWindow           *parent);
void               fn_signature_dialog_set_signer  (FnSignatureDialog   *self,
                                                    const char          *name,
                                                    const char          *role);
FnSignaturePad    *fn_signature_dialog_get_pad     (FnSignatureDialog   *self);
void               fn_signature_dialog_run_async   (FnSignatureDialog   *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FnSignatureResult *fn_signature_dialog_run_finish  (FnSignatureDialog   *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
