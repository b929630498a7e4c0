/* fn-strokes.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-strokes"

#include "config.h"

#include "fn-strokes.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* The binary format (see docs/signatures.md): "FNS1", then unsigned LEB128
 * varints: width and height in 1/100 unit, the number of strokes, and per
 * stroke its number of points followed by the points. Each point is the
 * zig-zag varint difference of x and y (1/100 unit) and the varint
 * difference of the time (ms) to the previous point of the signature, then
 * one byte of pressure (0 … 254, or 255 for none). */

#define MAGIC "FNS1"
#define MAX_STROKES 1000
#define MAX_POINTS 100000
#define MAX_SIDE 10000.0
#define NO_PRESSURE 255

/* Pen geometry, in logical units of a pad that is about 600 units wide. */
#define BASE_WIDTH 2.6
#define SUBSTEPS 6

G_DEFINE_QUARK (fn-strokes-error-quark, fn_strokes_error)

struct _FnStrokes
{
  double width;
  double height;
  GPtrArray *strokes;   /* of GArray of FnStrokePoint */
  gboolean open;
};

G_DEFINE_BOXED_TYPE (FnStrokes, fn_strokes, fn_strokes_copy, fn_strokes_free)

static GArray *
new_stroke (void)
{
  return g_array_new (FALSE, FALSE, sizeof (FnStrokePoint));
}

FnStrokes *
fn_strokes_new (double width,
                double height)
{
  FnStrokes *self = g_new0 (FnStrokes, 1);

  g_return_val_if_fail (width > 0 && width <= MAX_SIDE, NULL);
  g_return_val_if_fail (height > 0 && height <= MAX_SIDE, NULL);

  self->width = width;
  self->height = height;
  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);

  return self;
}

FnStrokes *
fn_strokes_copy (const FnStrokes *self)
{
  FnStrokes *copy = fn_strokes_new (self->width, self->height);

  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);
      GArray *dup = new_stroke ();

      g_array_append_vals (dup, stroke->data, stroke->len);
      g_ptr_array_add (copy->strokes, dup);
    }
  copy->open = self->open;

  return copy;
}

void
fn_strokes_free (FnStrokes *self)
{
  if (!self)
    return;

  g_ptr_array_unref (self->strokes);
  g_free (self);
}

double
fn_strokes_get_width (const FnStrokes *self)
{
  return self->width;
}

double
fn_strokes_get_height (const FnStrokes *self)
{
  return self->height;
}

guint
fn_strokes_get_n_strokes (const FnStrokes *self)
{
  return self->strokes->len;
}

/**
 * fn_strokes_get_stroke:
 * @n_points: (out): the number of points
 *
 * Returns: (array length=n_points) (transfer none): the stroke's points
 */
const FnStrokePoint *
fn_strokes_get_stroke (const FnStrokes *self,
                       guint            index,
                       guint           *n_points)
{
  GArray *stroke;

  g_return_val_if_fail (index < self->strokes->len, NULL);

  stroke = g_ptr_array_index (self->strokes, index);
  *n_points = stroke->len;
  return (const FnStrokePoint *)stroke->data;
}

void
fn_strokes_begin_stroke (FnStrokes *self)
{
  g_return_if_fail (self);

  fn_strokes_end_stroke (self);
  g_ptr_array_add (self->strokes, new_stroke ());
  self->open = TRUE;
}

/**
 * fn_strokes_add_point:
 *
 * Adds a point to the open stroke, clamped to the pad; times never go back.
 */
void
fn_strokes_add_point (FnStrokes           *self,
                      const FnStrokePoint *point)
{
  FnStrokePoint p = *point;
  GArray *stroke;

  g_return_if_fail (self);

  if (!self->open)
    fn_strokes_begin_stroke (self);

  stroke = g_ptr_array_index (self->strokes, self->strokes->len - 1);
  p.x = CLAMP (p.x, 0, self->width);
  p.y = CLAMP (p.y, 0, self->height);
  p.pressure = p.pressure < 0 ? -1 : CLAMP (p.pressure, 0, 1);

  if (stroke->len > 0)
    {
      const FnStrokePoint *last = &g_array_index (stroke, FnStrokePoint, stroke->len - 1);

      /* Tiny moves add size, not shape. */
      if (fabs (last->x - p.x) < 0.01 && fabs (last->y - p.y) < 0.01)
        return;
      p.t_ms = MAX (p.t_ms, last->t_ms);
    }

  g_array_append_val (stroke, p);
}

void
fn_strokes_end_stroke (FnStrokes *self)
{
  g_return_if_fail (self);

  if (self->open && self->strokes->len > 0 &&
      ((GArray *)g_ptr_array_index (self->strokes, self->strokes->len - 1))->len == 0)
    g_ptr_array_remove_index (self->strokes, self->strokes->len - 1);
  self->open = FALSE;
}

/**
 * fn_strokes_undo:
 *
 * Returns: %TRUE if a stroke was removed
 */
gboolean
fn_strokes_undo (FnStrokes *self)
{
  g_return_val_if_fail (self, FALSE);

  self->open = FALSE;
  if (self->strokes->len == 0)
    return FALSE;

  g_ptr_array_remove_index (self->strokes, self->strokes->len - 1);
  return TRUE;
}

void
fn_strokes_clear (FnStrokes *self)
{
  g_return_if_fail (self);

  self->open = FALSE;
  g_ptr_array_set_size (self->strokes, 0);
}

double
fn_strokes_get_ink_length (const FnStrokes *self)
{
  double length = 0;

  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);

      for (guint j = 1; j < stroke->len; j++)
        {
          const FnStrokePoint *a = &g_array_index (stroke, FnStrokePoint, j - 1);
          const FnStrokePoint *b = &g_array_index (stroke, FnStrokePoint, j);

          length += hypot (b->x - a->x, b->y - a->y);
        }
    }

  return length;
}

/**
 * fn_strokes_check_signable:
 *
 * Refuses a signature nobody could recognise: empty, or so small that it is
 * a dot or a slip of the finger.
 */
gboolean
fn_strokes_check_signable (const FnStrokes  *self,
                           GError          **error)
{
  double min_x = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  guint n_points = 0;

  g_return_val_if_fail (self, FALSE);

  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);

      for (guint j = 0; j < stroke->len; j++)
        {
          const FnStrokePoint *p = &g_array_index (stroke, FnStrokePoint, j);

          min_x = MIN (min_x, p->x);
          max_x = MAX (max_x, p->x);
          min_y = MIN (min_y, p->y);
          max_y = MAX (max_y, p->y);
          n_points++;
        }
    }

  if (n_points == 0)
    {
      g_set_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_EMPTY,
                   _("There is no signature yet. Ask the signer to sign on the pad."));
      return FALSE;
    }

  /* At least a sixth of the pad wide and an eighth of its height in ink. */
  if (max_x - min_x < self->width / 6 ||
      fn_strokes_get_ink_length (self) < self->height / 8 + self->width / 6)
    {
      g_set_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_TOO_SMALL,
                   _("The signature is too small to be recognised. Clear the pad and ask "
                     "the signer to sign across the line."));
      return FALSE;
    }

  return TRUE;
}

/* ---- the binary format ---- */

static void
put_varint (GByteArray *out,
            guint64     value)
{
  do
    {
      guint8 byte = value & 0x7f;

      value >>= 7;
      if (value)
        byte |= 0x80;
      g_byte_array_append (out, &byte, 1);
    }
  while (value);
}

static void
put_signed (GByteArray *out,
            gint64      value)
{
  put_varint (out, ((guint64)value << 1) ^ (guint64)(value >> 63));
}

static gint64
units (double v)
{
  return (gint64)llround (v * 100.0);
}

/**
 * fn_strokes_serialize:
 *
 * Returns: (transfer full): the strokes in the compact binary format
 */
GBytes *
fn_strokes_serialize (const FnStrokes *self)
{
  GByteArray *out = g_byte_array_new ();
  gint64 px = 0, py = 0;
  guint32 pt = 0;

  g_byte_array_append (out, (const guint8 *)MAGIC, 4);
  put_varint (out, units (self->width));
  put_varint (out, units (self->height));
  put_varint (out, self->strokes->len);

  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);

      put_varint (out, stroke->len);
      for (guint j = 0; j < stroke->len; j++)
        {
          const FnStrokePoint *p = &g_array_index (stroke, FnStrokePoint, j);
          gint64 x = units (p->x), y = units (p->y);
          guint8 pressure = p->pressure < 0 ? NO_PRESSURE : (guint8)lround (p->pressure * 254);

          put_signed (out, x - px);
          put_signed (out, y - py);
          put_varint (out, p->t_ms - pt);
          g_byte_array_append (out, &pressure, 1);
          px = x;
          py = y;
          pt = p->t_ms;
        }
    }

  return g_byte_array_free_to_bytes (out);
}

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
} Reader;

static gboolean
get_varint (Reader  *r,
            guint64 *value)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (r->pos >= r->len)
        return FALSE;
      byte = r->data[r->pos++];
      v |= (guint64)(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        {
          *value = v;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
get_signed (Reader *r,
            gint64 *value)
{
  guint64 v;

  if (!get_varint (r, &v))
    return FALSE;

  *value = (gint64)(v >> 1) ^ -(gint64)(v & 1);
  return TRUE;
}

static FnStrokes *
parse_failed (GError    **error,
              FnStrokes  *partial)
{
  fn_strokes_free (partial);
  g_set_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_INVALID,
               _("The signature data is damaged or not a Field Notes signature."));
  return NULL;
}

/**
 * fn_strokes_parse:
 *
 * Reads the binary format, refusing anything malformed, out of range or
 * larger than any real signature.
 *
 * Returns: (transfer full) (nullable): the strokes, or %NULL with @error set
 */
FnStrokes *
fn_strokes_parse (GBytes  *bytes,
                  GError **error)
{
  Reader r = { 0 };
  guint64 w, h, n_strokes;
  gint64 x = 0, y = 0;
  guint64 t = 0;
  guint total = 0;
  FnStrokes *self;

  g_return_val_if_fail (bytes, NULL);

  r.data = g_bytes_get_data (bytes, &r.len);
  if (r.len < 4 || memcmp (r.data, MAGIC, 4) != 0)
    return parse_failed (error, NULL);
  r.pos = 4;

  if (!get_varint (&r, &w) || !get_varint (&r, &h) || !get_varint (&r, &n_strokes) ||
      w == 0 || h == 0 || w > MAX_SIDE * 100 || h > MAX_SIDE * 100 || n_strokes > MAX_STROKES)
    return parse_failed (error, NULL);

  self = fn_strokes_new (w / 100.0, h / 100.0);

  for (guint64 i = 0; i < n_strokes; i++)
    {
      guint64 n_points;
      GArray *stroke;

      if (!get_varint (&r, &n_points) || n_points == 0 || n_points > MAX_POINTS ||
          (total += n_points) > MAX_POINTS)
        return parse_failed (error, self);

      stroke = new_stroke ();
      g_ptr_array_add (self->strokes, stroke);
      for (guint64 j = 0; j < n_points; j++)
        {
          gint64 dx, dy;
          guint64 dt;
          FnStrokePoint p;

          if (!get_signed (&r, &dx) || !get_signed (&r, &dy) || !get_varint (&r, &dt) ||
              r.pos >= r.len || dt > G_MAXUINT32)
            return parse_failed (error, self);

          /* A step longer than the pad is malformed, and could overflow. */
          if (dx < -(gint64)w || dx > (gint64)w || dy < -(gint64)h || dy > (gint64)h)
            return parse_failed (error, self);

          x += dx;
          y += dy;
          t += dt;
          if (x < 0 || y < 0 || (guint64)x > w || (guint64)y > h || t > G_MAXUINT32)
            return parse_failed (error, self);

          p.x = x / 100.0;
          p.y = y / 100.0;
          p.t_ms = (guint32)t;
          p.pressure = r.data[r.pos] == NO_PRESSURE ? -1 : r.data[r.pos] / 254.0;
          if (r.data[r.pos] > 254 && r.data[r.pos] != NO_PRESSURE)
            return parse_failed (error, self);
          r.pos++;
          g_array_append_val (stroke, p);
        }
    }

  if (r.pos != r.len)
    return parse_failed (error, self);

  return self;
}

/* ---- rendering ---- */

typedef struct
{
  double x, y, w;
} InkPoint;

/* The pen's width at each point: from pressure where the device has it,
 * else thinner where the pen moves fast, as ink does; smoothed so that the
 * width never jumps. */
static GArray *
ink_points (GArray *stroke)
{
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (InkPoint), stroke->len);
  double smoothed = -1;

  for (guint i = 0; i < stroke->len; i++)
    {
      const FnStrokePoint *p = &g_array_index (stroke, FnStrokePoint, i);
      double target;
      InkPoint ink;

      if (p->pressure >= 0)
        target = BASE_WIDTH * (0.35 + 0.95 * p->pressure);
      else if (i == 0)
        target = BASE_WIDTH;
      else
        {
          const FnStrokePoint *q = &g_array_index (stroke, FnStrokePoint, i - 1);
          double dt = MAX (1.0, (double)(p->t_ms - q->t_ms));
          double speed = hypot (p->x - q->x, p->y - q->y) / dt;

          target = BASE_WIDTH * CLAMP (1.35 - 0.9 * speed, 0.45, 1.35);
        }

      smoothed = smoothed < 0 ? target : smoothed * 0.6 + target * 0.4;
      ink.x = p->x;
      ink.y = p->y;
      ink.w = smoothed;
      g_array_append_val (out, ink);
    }

  return out;
}

static InkPoint
catmull_rom (const InkPoint *p0,
             const InkPoint *p1,
             const InkPoint *p2,
             const InkPoint *p3,
             double          t)
{
  double t2 = t * t, t3 = t2 * t;
  InkPoint r;

#define CR(a) (0.5 * ((2 * p1->a) + (-p0->a + p2->a) * t + \
                      (2 * p0->a - 5 * p1->a + 4 * p2->a - p3->a) * t2 + \
                      (-p0->a + 3 * p1->a - 3 * p2->a + p3->a) * t3))
  r.x = CR (x);
  r.y = CR (y);
#undef CR
  r.w = p1->w + (p2->w - p1->w) * t;

  return r;
}

typedef void (*SegmentFunc) (const InkPoint *a,
                             const InkPoint *b,
                             gpointer        user_data);

/* Walks each stroke as a smooth curve through its points, cut into short
 * segments that each carry the pen width at their start. */
static void
walk_ink (const FnStrokes *self,
          SegmentFunc      func,
          gpointer         user_data)
{
  for (guint i = 0; i < self->strokes->len; i++)
    {
      g_autoptr (GArray) ink = ink_points (g_ptr_array_index (self->strokes, i));
      const InkPoint *pts = (const InkPoint *)ink->data;
      guint n = ink->len;

      if (n == 1)
        {
          func (&pts[0], &pts[0], user_data);
          continue;
        }

      for (guint j = 0; j + 1 < n; j++)
        {
          const InkPoint *p0 = &pts[j > 0 ? j - 1 : 0];
          const InkPoint *p3 = &pts[j + 2 < n ? j + 2 : n - 1];
          InkPoint prev = pts[j];

          for (guint s = 1; s <= SUBSTEPS; s++)
            {
              InkPoint next = catmull_rom (p0, &pts[j], &pts[j + 1], p3, (double)s / SUBSTEPS);

              func (&prev, &next, user_data);
              prev = next;
            }
        }
    }
}

typedef struct
{
  cairo_t *cr;
} DrawData;

static void
draw_segment (const InkPoint *a,
              const InkPoint *b,
              gpointer        user_data)
{
  cairo_t *cr = ((DrawData *)user_data)->cr;

  cairo_set_line_width (cr, (a->w + b->w) / 2);
  cairo_move_to (cr, a->x, a->y);
  cairo_line_to (cr, b->x, b->y);
  cairo_stroke (cr);
}

/**
 * fn_strokes_draw:
 * @cr: drawn with its current source (the ink colour)
 * @scale: device units per logical unit
 *
 * Draws the strokes as ink: smooth curves whose width follows pressure, or
 * speed where there is none.
 */
void
fn_strokes_draw (const FnStrokes *self,
                 cairo_t         *cr,
                 double           scale)
{
  DrawData data = { cr };

  g_return_if_fail (self);

  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  walk_ink (self, draw_segment, &data);
  cairo_restore (cr);
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * fn_strokes_render_png:
 * @width_px: the image width; the height keeps the pad's proportions
 *
 * Renders dark blue ink on a transparent background. The same strokes
 * always give the same bytes.
 *
 * Returns: (transfer full): the PNG file's bytes, or %NULL with @error set
 */
GBytes *
fn_strokes_render_png (const FnStrokes  *self,
                       int               width_px,
                       GError          **error)
{
  g_autoptr (GByteArray) png = g_byte_array_new ();
  double scale = width_px / self->width;
  int height_px = (int)ceil (self->height * scale);
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (width_px > 0 && width_px <= 8192, NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width_px, MAX (1, height_px));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0.08, 0.16, 0.43);
  fn_strokes_draw (self, cr, scale);
  cairo_destroy (cr);

  status = cairo_surface_write_to_png_stream (surface, append_png, png);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, FN_STROKES_ERROR, FN_STROKES_ERROR_INVALID,
                   _("The signature could not be drawn: %s."), cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

static void
svg_segment (const InkPoint *a,
             const InkPoint *b,
             gpointer        user_data)
{
  GString *svg = user_data;
  char buf[6][G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (svg, "<path d=\"M%s %sL%s %s\" stroke-width=\"%s\"/>\n",
                          g_ascii_formatd (buf[0], sizeof buf[0], "%.2f", a->x),
                          g_ascii_formatd (buf[1], sizeof buf[1], "%.2f", a->y),
                          g_ascii_formatd (buf[2], sizeof buf[2], "%.2f", b->x),
                          g_ascii_formatd (buf[3], sizeof buf[3], "%.2f", b->y),
                          g_ascii_formatd (buf[4], sizeof buf[4], "%.2f", (a->w + b->w) / 2));
}

/**
 * fn_strokes_to_svg:
 *
 * Returns: (transfer full): a standalone SVG document of the signature
 */
char *
fn_strokes_to_svg (const FnStrokes *self)
{
  GString *svg = g_string_new (NULL);
  char w[G_ASCII_DTOSTR_BUF_SIZE], h[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (w, sizeof w, "%.2f", self->width);
  g_ascii_formatd (h, sizeof h, "%.2f", self->height);
  g_string_append_printf (svg,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %s %s\""
                          " width=\"%s\" height=\"%s\">\n"
                          "<g fill=\"none\" stroke=\"#14296e\" stroke-linecap=\"round\""
                          " stroke-linejoin=\"round\">\n",
                          w, h, w, h);
  walk_ink (self, svg_segment, svg);
  g_string_append (svg, "</g>\n</svg>\n");

  return g_string_free (svg, FALSE);
}
