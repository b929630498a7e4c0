/* fn-strokes.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* A handwritten signature as vector strokes: points with position, time
 * and pressure, in a resolution-independent space (the pad's logical size;
 * positions are stored in 1/100 of a unit). The binary format is described
 * in docs/signatures.md. */

#define FN_STROKES_ERROR (fn_strokes_error_quark ())

typedef enum
{
  FN_STROKES_ERROR_INVALID,
  FN_STROKES_ERROR_EMPTY,
  FN_STROKES_ERROR_TOO_SMALL,
} FnStrokesError;

typedef struct
{
  double x;         /* logical units, 0 … width */
  double y;         /* logical units, 0 … height */
  guint32 t_ms;     /* since the first point of the signature */
  double pressure;  /* 0 … 1, or -1 when the device has none */
} FnStrokePoint;

typedef struct _FnStrokes FnStrokes;

GQuark     fn_strokes_error_quark   (void);
GType      fn_strokes_get_type      (void) G_GNUC_CONST;
#define FN_TYPE_STROKES (fn_strokes_get_type ())

FnStrokes *fn_strokes_new           (double            width,
                                     double            height);
FnStrokes *fn_strokes_copy          (const FnStrokes  *self);
void       fn_strokes_free          (FnStrokes        *self);
double     fn_strokes_get_width     (const FnStrokes  *self);
double     fn_strokes_get_height    (const FnStrokes  *self);
guint      fn_strokes_get_n_strokes (const FnStrokes  *self);
const FnStrokePoint *fn_strokes_get_stroke (const FnStrokes *self,
                                     guint             index,
                                     guint            *n_points);
void       fn_strokes_begin_stroke  (FnStrokes        *self);
void       fn_strokes_add_point     (FnStrokes        *self,
                                     const FnStrokePoint *point);
void       fn_strokes_end_stroke    (FnStrokes        *self);
gboolean   fn_strokes_undo          (FnStrokes        *self);
void       fn_strokes_clear         (FnStrokes        *self);
double     fn_strokes_get_ink_length (const FnStrokes *self);
gboolean   fn_strokes_check_signable (const FnStrokes *self,
                                     GError          **error);

GBytes    *fn_strokes_serialize     (const FnStrokes  *self);
FnStrokes *fn_strokes_parse         (GBytes           *bytes,
                                     GError          **error);

void       fn_strokes_draw          (const FnStrokes  *self,
                                     cairo_t          *cr,
                                     double            scale);
GBytes    *fn_strokes_render_png    (const FnStrokes  *self,
                                     int               width_px,
                                     GError          **error);
char      *fn_strokes_to_svg        (const FnStrokes  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FnStrokes, fn_strokes_free)

G_END_DECLS
