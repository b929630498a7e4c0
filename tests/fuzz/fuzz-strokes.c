/* fuzz-strokes.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-strokes.h"

/* The input is a signature's strokes blob, as it arrives from the server.
 * What fn_strokes_parse() accepts must serialize to a blob that parses to
 * the same strokes, and must draw, measure and convert to SVG. */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GBytes) input = g_bytes_new_static (data, size);
  g_autoptr (FnStrokes) strokes = NULL;
  g_autoptr (FnStrokes) again = NULL;
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *svg = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  strokes = fn_strokes_parse (input, &error);
  if (!strokes)
    {
      g_assert_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_INVALID);
      return 0;
    }
  g_assert_no_error (error);

  first = fn_strokes_serialize (strokes);
  again = fn_strokes_parse (first, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpuint (fn_strokes_get_n_strokes (again), ==, fn_strokes_get_n_strokes (strokes));
  second = fn_strokes_serialize (again);
  g_assert_true (g_bytes_equal (first, second));

  g_assert_cmpfloat (fn_strokes_get_ink_length (strokes), >=, 0);
  fn_strokes_check_signable (strokes, NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 64, 64);
  cr = cairo_create (surface);
  fn_strokes_draw (strokes, cr, 64 / fn_strokes_get_width (strokes));
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  svg = fn_strokes_to_svg (strokes);
  g_assert_nonnull (svg);
  g_assert_true (g_utf8_validate (svg, -1, NULL));

  return 0;
}
