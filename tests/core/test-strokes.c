/* test-strokes.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-strokes.h"

#include <math.h>
#include <string.h>

/* A signature-like scribble: a few loops across the pad, with the speed of
 * a hand (slower at the turns) and, optionally, pressure. */
static FnStrokes *
make_signature (gboolean with_pressure)
{
  FnStrokes *strokes = fn_strokes_new (600, 200);
  guint32 t = 0;

  for (int s = 0; s < 3; s++)
    {
      fn_strokes_begin_stroke (strokes);
      for (int i = 0; i <= 60; i++)
        {
          double u = i / 60.0;
          FnStrokePoint p = {
            .x = 60 + s * 170 + u * 150,
            .y = 120 - 45 * sin (u * G_PI * 3 + s) * (1 - 0.5 * u),
            .t_ms = t,
            .pressure = with_pressure ? 0.3 + 0.6 * sin (u * G_PI) : -1,
          };

          fn_strokes_add_point (strokes, &p);
          t += 8 + (guint32)(6 * fabs (cos (u * G_PI * 3)));
        }
      fn_strokes_end_stroke (strokes);
      t += 150;
    }

  return strokes;
}

static void
assert_same (const FnStrokes *a,
             const FnStrokes *b)
{
  g_assert_cmpfloat (fn_strokes_get_width (a), ==, fn_strokes_get_width (b));
  g_assert_cmpfloat (fn_strokes_get_height (a), ==, fn_strokes_get_height (b));
  g_assert_cmpuint (fn_strokes_get_n_strokes (a), ==, fn_strokes_get_n_strokes (b));

  for (guint i = 0; i < fn_strokes_get_n_strokes (a); i++)
    {
      guint na, nb;
      const FnStrokePoint *pa = fn_strokes_get_stroke (a, i, &na);
      const FnStrokePoint *pb = fn_strokes_get_stroke (b, i, &nb);

      g_assert_cmpuint (na, ==, nb);
      for (guint j = 0; j < na; j++)
        {
          /* Positions to 1/100 unit, pressure to 1/254. */
          g_assert_cmpfloat_with_epsilon (pa[j].x, pb[j].x, 0.006);
          g_assert_cmpfloat_with_epsilon (pa[j].y, pb[j].y, 0.006);
          g_assert_cmpuint (pa[j].t_ms, ==, pb[j].t_ms);
          if (pa[j].pressure < 0)
            g_assert_cmpfloat (pb[j].pressure, <, 0);
          else
            g_assert_cmpfloat_with_epsilon (pa[j].pressure, pb[j].pressure, 0.003);
        }
    }
}

static void
test_round_trip (void)
{
  for (int pressure = 0; pressure <= 1; pressure++)
    {
      g_autoptr (FnStrokes) strokes = make_signature (pressure);
      g_autoptr (GBytes) bytes = fn_strokes_serialize (strokes);
      g_autoptr (GBytes) again = NULL;
      g_autoptr (FnStrokes) parsed = NULL;
      g_autoptr (GError) error = NULL;
      guint n_points = 0;

      for (guint i = 0; i < fn_strokes_get_n_strokes (strokes); i++)
        {
          guint n;

          fn_strokes_get_stroke (strokes, i, &n);
          n_points += n;
        }

      parsed = fn_strokes_parse (bytes, &error);
      g_assert_no_error (error);
      assert_same (strokes, parsed);

      /* Compact: a few bytes a point, and stable once parsed. */
      g_assert_cmpuint (g_bytes_get_size (bytes), <, n_points * 7);
      again = fn_strokes_serialize (parsed);
      g_assert_true (g_bytes_equal (bytes, again));
    }
}

static void
test_parse_rejects (void)
{
  g_autoptr (FnStrokes) strokes = make_signature (TRUE);
  g_autoptr (GBytes) good = fn_strokes_serialize (strokes);
  gsize len;
  const guint8 *data = g_bytes_get_data (good, &len);
  static const guint8 huge[] = { 'F', 'N', 'S', '1', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                 0x80, 0x80, 0x80, 0x80, 0x01 };
  static const guint8 too_many[] = { 'F', 'N', 'S', '1', 0xe0, 0xd4, 0x03, 0xa0, 0x9c, 0x01,
                                     0xff, 0xff, 0x03 };
  static const guint8 outside[] = { 'F', 'N', 'S', '1', 0x64, 0x64, 0x01, 0x01,
                                    0xd0, 0x0f, 0x02, 0x00, 0xff };

  struct { const guint8 *data; gsize len; } bad[] = {
    { (const guint8 *)"", 0 },
    { (const guint8 *)"PNG!", 4 },
    { data, len - 1 },                /* truncated */
    { data, 10 },                     /* truncated early */
    { huge, sizeof huge },            /* a varint beyond 64 bits */
    { too_many, sizeof too_many },    /* more strokes than any signature */
    { outside, sizeof outside },      /* a point outside the pad */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (bad[i].data, bad[i].len);
      g_autoptr (GError) error = NULL;
      g_autoptr (FnStrokes) parsed = fn_strokes_parse (bytes, &error);

      g_assert_null (parsed);
      g_assert_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_INVALID);
    }

  {
    /* Trailing bytes are not ignored. */
    g_autofree guint8 *longer = g_malloc (len + 1);
    g_autoptr (GBytes) bytes = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (FnStrokes) parsed = NULL;

    memcpy (longer, data, len);
    longer[len] = 0;
    bytes = g_bytes_new (longer, len + 1);
    parsed = fn_strokes_parse (bytes, &error);
    g_assert_null (parsed);
    g_assert_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_INVALID);
  }
}

static void
test_editing (void)
{
  g_autoptr (FnStrokes) strokes = make_signature (FALSE);
  FnStrokePoint p = { 700, -5, 0, 2 };
  const FnStrokePoint *stored;
  guint n;

  g_assert_cmpuint (fn_strokes_get_n_strokes (strokes), ==, 3);
  g_assert_true (fn_strokes_undo (strokes));
  g_assert_cmpuint (fn_strokes_get_n_strokes (strokes), ==, 2);

  /* Points are kept on the pad and pressure in range. */
  fn_strokes_begin_stroke (strokes);
  fn_strokes_add_point (strokes, &p);
  fn_strokes_end_stroke (strokes);
  stored = fn_strokes_get_stroke (strokes, 2, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpfloat (stored[0].x, ==, 600);
  g_assert_cmpfloat (stored[0].y, ==, 0);
  g_assert_cmpfloat (stored[0].pressure, ==, 1);

  /* An empty stroke leaves nothing behind. */
  fn_strokes_begin_stroke (strokes);
  fn_strokes_end_stroke (strokes);
  g_assert_cmpuint (fn_strokes_get_n_strokes (strokes), ==, 3);

  fn_strokes_clear (strokes);
  g_assert_cmpuint (fn_strokes_get_n_strokes (strokes), ==, 0);
  g_assert_false (fn_strokes_undo (strokes));
}

static void
test_signable (void)
{
  g_autoptr (FnStrokes) empty = fn_strokes_new (600, 200);
  g_autoptr (FnStrokes) dot = fn_strokes_new (600, 200);
  g_autoptr (FnStrokes) real = make_signature (FALSE);
  g_autoptr (GError) error = NULL;
  FnStrokePoint a = { 300, 100, 0, -1 }, b = { 310, 102, 20, -1 };

  g_assert_false (fn_strokes_check_signable (empty, &error));
  g_assert_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_EMPTY);
  g_clear_error (&error);

  fn_strokes_add_point (dot, &a);
  fn_strokes_add_point (dot, &b);
  g_assert_false (fn_strokes_check_signable (dot, &error));
  g_assert_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_TOO_SMALL);
  g_clear_error (&error);

  g_assert_true (fn_strokes_check_signable (real, &error));
  g_assert_no_error (error);
}

static void
test_render (void)
{
  g_autoptr (FnStrokes) strokes = make_signature (TRUE);
  g_autoptr (FnStrokes) copy = fn_strokes_copy (strokes);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = fn_strokes_render_png (strokes, 900, &error);
  g_autoptr (GBytes) png_again = fn_strokes_render_png (copy, 900, &error);
  g_autoptr (FnStrokes) other = make_signature (FALSE);
  g_autoptr (GBytes) png_other = fn_strokes_render_png (other, 900, &error);
  g_autofree char *svg = fn_strokes_to_svg (strokes);
  const char *save = g_getenv ("FN_TEST_SAVE_DIR");
  gsize len;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (png, &len);
  g_assert_cmpuint (len, >, 1000);
  g_assert_true (memcmp (data, "\x89PNG", 4) == 0);

  /* The same strokes give the same bytes; different ink differs. */
  g_assert_true (g_bytes_equal (png, png_again));
  g_assert_false (g_bytes_equal (png, png_other));

  g_assert_true (g_str_has_prefix (svg, "<?xml"));
  g_assert_nonnull (strstr (svg, "viewBox=\"0 0 600.00 200.00\""));
  g_assert_nonnull (strstr (svg, "stroke-width"));

  if (save)
    {
      g_autofree char *path = g_build_filename (save, "signature-pressure.png", NULL);
      g_autofree char *path2 = g_build_filename (save, "signature-speed.png", NULL);

      g_file_set_contents (path, (const char *)data, len, NULL);
      data = g_bytes_get_data (png_other, &len);
      g_file_set_contents (path2, (const char *)data, len, NULL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strokes/round-trip", test_round_trip);
  g_test_add_func ("/strokes/parse-rejects", test_parse_rejects);
  g_test_add_func ("/strokes/editing", test_editing);
  g_test_add_func ("/strokes/signable", test_signable);
  g_test_add_func ("/strokes/render", test_render);

  return g_test_run ();
}
