/* fn-signature-pad.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fn-strokes.h"

G_BEGIN_DECLS

/* The pad records strokes in this logical space, whatever its size on
 * screen: a signature line three times as wide as it is high. */
#define FN_SIGNATURE_PAD_WIDTH  600.0
#define FN_SIGNATURE_PAD_HEIGHT 200.0

#define FN_TYPE_SIGNATURE_PAD (fn_signature_pad_get_type ())
G_DECLARE_FINAL_TYPE (FnSignaturePad, fn_signature_pad, FN, SIGNATURE_PAD, GtkWidget)

GtkWidget       *fn_signature_pad_new          (void);
const FnStrokes *fn_signature_pad_get_strokes  (FnSignaturePad  *self);
void             fn_signature_pad_set_strokes  (FnSignaturePad  *self,
                                                const FnStrokes *strokes);
gboolean         fn_signature_pad_get_is_empty (FnSignaturePad  *self);
guint            fn_signature_pad_get_n_strokes (FnSignaturePad  *self);
gboolean         fn_signature_pad_get_editable (FnSignaturePad  *self);
void             fn_signature_pad_set_editable (FnSignaturePad  *self,
                                                gboolean         editable);
void             fn_signature_pad_clear        (FnSignaturePad  *self);
gboolean         fn_signature_pad_undo         (FnSignaturePad  *self);
gboolean         fn_signature_pad_logical_to_widget (FnSignaturePad  *self,
                                                double           x,
                                                double           y,
                                                double          *widget_x,
                                                double          *widget_y);

G_END_DECLS
