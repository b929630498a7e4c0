/* test-signature.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The signature pad, dialog and view. Strokes are drawn with real pointer
 * input: xdotool (XTest) moves and presses the X server's pointer over the
 * pad, and the events reach the widget's own gestures. GTK 4.8 has no API
 * to inject pointer events in-process. Screenshots land in the build
 * folder.
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-note-editor.h"
#include "fn-signature-dialog.h"
#include "fn-signature-pad.h"
#include "fn-signature-view.h"
#include "fn-test-util.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif
#include <math.h>
#include <string.h>

#define WAIT_MS 10000

typedef gboolean (*Condition) (gpointer data);

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds or @ms pass. */
static gboolean
spin_until (Condition condition,
            gpointer  data,
            guint     ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);
  gboolean ok;

  while (!(ok = condition (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return ok;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *)data;
}

/* Saves what @widget's window shows as G_TEST_BUILDDIR/screenshot-NAME.png. */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;
  const char *dir = g_getenv ("G_TEST_BUILDDIR");

  /* Let the stack's crossfade finish. */
  fn_test_spin (400);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("screenshot-%s.png", name);
  path = g_build_filename (dir ? dir : ".", file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* xdotool */

typedef struct
{
  gboolean done;
  gboolean ok;
} Wait;

static void
xdotool_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;
  g_autoptr (GError) error = NULL;

  wait->ok = g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error);
  if (error)
    g_test_message ("xdotool: %s", error->message);
  wait->done = TRUE;
}

/* Runs xdotool with @args while the main loop turns, so that GTK takes
 * each event as it comes rather than a burst folded together. */
static void
run_xdotool (GPtrArray *args)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  Wait wait = { FALSE, FALSE };

  g_ptr_array_insert (args, 0, g_strdup ("xdotool"));
  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char * const *)args->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (process, NULL, xdotool_cb, &wait);
  if (!spin_until (is_true, &wait.done, WAIT_MS))
    {
      g_subprocess_force_exit (process);
      g_error ("xdotool did not finish in %d ms", WAIT_MS);
    }
  g_assert_true (wait.ok);
}

/* The X window of @native, as xdotool wants it. */
static char *
get_window_id (GtkNative *native)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (native);

  if (GDK_IS_X11_SURFACE (surface))
    return g_strdup_printf ("%lu", (unsigned long)gdk_x11_surface_get_xid (surface));
#endif
  g_assert_not_reached ();
}

typedef struct
{
  double x;
  double y;
} Point;

typedef struct
{
  FnSignaturePad *pad;
  guint           n_strokes;
  Point           last;
} StrokeWait;

static gboolean
stroke_arrived (gpointer data)
{
  StrokeWait *wait = data;
  const FnStrokePoint *points;
  guint n_points;

  if (fn_signature_pad_get_n_strokes (wait->pad) != wait->n_strokes)
    return FALSE;

  points = fn_strokes_get_stroke (fn_signature_pad_get_strokes (wait->pad),
                                  wait->n_strokes - 1, &n_points);
  return n_points > 0 &&
         fabs (points[n_points - 1].x - wait->last.x) < 1.5 &&
         fabs (points[n_points - 1].y - wait->last.y) < 1.5;
}

/* Presses the primary button at the first of @points (logical pad units),
 * moves through the others and releases, with @interval_ms between moves,
 * and waits until the pad has recorded the stroke. */
static void
draw_stroke (FnSignaturePad *pad,
             const Point    *points,
             guint           n_points,
             guint           interval_ms)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (pad));
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *window_id = NULL;
  g_autofree char *sleep = g_strdup_printf ("%.3f", interval_ms / 1000.0);
  guint n_before = fn_signature_pad_get_n_strokes (pad);
  StrokeWait wait;
  double surface_x, surface_y;

  window_id = get_window_id (native);
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);

  for (guint i = 0; i < n_points; i++)
    {
      graphene_point_t in_window;
      double pad_x, pad_y;

      g_assert_true (fn_signature_pad_logical_to_widget (pad, points[i].x, points[i].y,
                                                         &pad_x, &pad_y));
      g_assert_true (gtk_widget_compute_point (GTK_WIDGET (pad), GTK_WIDGET (native),
                                               &GRAPHENE_POINT_INIT (pad_x, pad_y),
                                               &in_window));

      g_ptr_array_add (args, g_strdup ("mousemove"));
      g_ptr_array_add (args, g_strdup ("--window"));
      g_ptr_array_add (args, g_strdup (window_id));
      g_ptr_array_add (args, g_strdup_printf ("%d", (int)round (in_window.x + surface_x)));
      g_ptr_array_add (args, g_strdup_printf ("%d", (int)round (in_window.y + surface_y)));
      if (i == 0)
        {
          g_ptr_array_add (args, g_strdup ("mousedown"));
          g_ptr_array_add (args, g_strdup ("1"));
        }
      g_ptr_array_add (args, g_strdup ("sleep"));
      g_ptr_array_add (args, g_strdup (sleep));
    }
  g_ptr_array_add (args, g_strdup ("mouseup"));
  g_ptr_array_add (args, g_strdup ("1"));

  run_xdotool (args);

  wait.pad = pad;
  wait.n_strokes = n_before + 1;
  wait.last = points[n_points - 1];
  /* The pad counts a stroke from its first point: wait for its last. */
  g_assert_true (spin_until (stroke_arrived, &wait, WAIT_MS));
  /* And for the release. */
  fn_test_spin (50);
}

/* A handwriting-like line of loops (a prolate cycloid) from @x0 to @x1
 * around the baseline, as a pen would write "llll". */
static Point *
make_loops (double  x0,
            double  x1,
            double  base_y,
            double  height,
            guint   n_loops,
            guint  *n_points)
{
  guint per_loop = 16;
  guint n = n_loops * per_loop + 1;
  Point *points = g_new (Point, n);
  double advance = (x1 - x0) / n_loops;

  for (guint i = 0; i < n; i++)
    {
      double t = (double)i / per_loop * 2 * G_PI;
      double grow = 0.75 + 0.25 * sin ((double)i / n * G_PI);

      points[i].x = x0 + advance * t / (2 * G_PI) + advance * 0.45 * sin (t);
      points[i].y = base_y - height * grow * (1 - cos (t)) / 2;
    }

  *n_points = n;
  return points;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static GtkWindow *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  g_object_ref_sink (window);
  gtk_window_set_child (window, child);
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  g_assert_true (spin_until (is_mapped, child, WAIT_MS));
  /* Let the first frame settle the allocation. */
  fn_test_spin (100);

  return window;
}

static void
destroy_window (GtkWindow *window)
{
  gtk_window_destroy (window);
  g_assert_finalize_object (window);
  fn_test_spin (50);
}

static gboolean
have_x11 (void)
{
#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_DISPLAY (gdk_display_get_default ()) &&
      g_find_program_in_path ("xdotool"))
    return TRUE;
#endif
  g_test_skip ("needs X11 and xdotool");
  return FALSE;
}

static void
assert_stroke_sane (const FnStrokes *strokes,
                    guint            index,
                    const Point     *first,
                    const Point     *last)
{
  const FnStrokePoint *points;
  guint n_points;

  points = fn_strokes_get_stroke (strokes, index, &n_points);
  g_test_message ("stroke %u: %u points, %u … %u ms", index, n_points,
                  points[0].t_ms, points[n_points - 1].t_ms);
  g_assert_cmpuint (n_points, >=, 5);

  g_assert_cmpfloat_with_epsilon (points[0].x, first->x, 1.5);
  g_assert_cmpfloat_with_epsilon (points[0].y, first->y, 1.5);
  g_assert_cmpfloat_with_epsilon (points[n_points - 1].x, last->x, 1.5);
  g_assert_cmpfloat_with_epsilon (points[n_points - 1].y, last->y, 1.5);

  for (guint i = 0; i < n_points; i++)
    {
      g_assert_cmpfloat (points[i].x, >=, 0);
      g_assert_cmpfloat (points[i].x, <=, FN_SIGNATURE_PAD_WIDTH);
      g_assert_cmpfloat (points[i].y, >=, 0);
      g_assert_cmpfloat (points[i].y, <=, FN_SIGNATURE_PAD_HEIGHT);
      /* A mouse has no pressure. */
      g_assert_cmpfloat (points[i].pressure, <, 0);
      if (i > 0)
        g_assert_cmpuint (points[i].t_ms, >=, points[i - 1].t_ms);
    }
  /* The moves were 10 ms or more apart. */
  g_assert_cmpuint (points[n_points - 1].t_ms, >, points[0].t_ms);
}

static void
test_pad_draw (void)
{
  FnSignaturePad *pad;
  GtkWindow *window;
  const FnStrokes *strokes;
  const FnStrokePoint *points;
  g_autofree Point *loops = NULL;
  const Point bar[] = { { 120, 170 }, { 200, 168 }, { 300, 165 }, { 420, 166 }, { 500, 172 } };
  guint n_loops, n_points, n_notify = 0, empty_notify = 0;
  guint32 end_of_first;

  if (!have_x11 ())
    return;

  pad = FN_SIGNATURE_PAD (fn_signature_pad_new ());
  window = show_in_window (GTK_WIDGET (pad), 700, 300);
  g_signal_connect (pad, "notify::n-strokes", G_CALLBACK (count_notify_cb), &n_notify);
  g_signal_connect (pad, "notify::is-empty", G_CALLBACK (count_notify_cb), &empty_notify);
  g_assert_true (fn_signature_pad_get_is_empty (pad));

  loops = make_loops (80, 460, 140, 90, 6, &n_loops);
  draw_stroke (pad, loops, n_loops, 12);
  draw_stroke (pad, bar, G_N_ELEMENTS (bar), 20);

  strokes = fn_signature_pad_get_strokes (pad);
  g_assert_cmpuint (fn_strokes_get_n_strokes (strokes), ==, 2);
  g_assert_cmpuint (fn_signature_pad_get_n_strokes (pad), ==, 2);
  g_assert_false (fn_signature_pad_get_is_empty (pad));
  g_assert_cmpuint (n_notify, ==, 2);
  g_assert_cmpuint (empty_notify, ==, 1);
  g_assert_cmpfloat (fn_strokes_get_width (strokes), ==, FN_SIGNATURE_PAD_WIDTH);
  g_assert_cmpfloat (fn_strokes_get_height (strokes), ==, FN_SIGNATURE_PAD_HEIGHT);

  assert_stroke_sane (strokes, 0, &loops[0], &loops[n_loops - 1]);
  assert_stroke_sane (strokes, 1, &bar[0], &bar[G_N_ELEMENTS (bar) - 1]);

  /* Time runs from the first point of the signature, on across strokes. */
  points = fn_strokes_get_stroke (strokes, 0, &n_points);
  g_assert_cmpuint (points[0].t_ms, ==, 0);
  end_of_first = points[n_points - 1].t_ms;
  points = fn_strokes_get_stroke (strokes, 1, &n_points);
  g_assert_cmpuint (points[0].t_ms, >, end_of_first);

  /* Undo takes the last stroke away, Clear the rest. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pad), "signature.undo", NULL));
  g_assert_cmpuint (fn_signature_pad_get_n_strokes (pad), ==, 1);
  g_assert_cmpuint (n_notify, ==, 3);
  g_assert_cmpuint (empty_notify, ==, 1);
  points = fn_strokes_get_stroke (fn_signature_pad_get_strokes (pad), 0, &n_points);
  g_assert_cmpfloat_with_epsilon (points[0].x, loops[0].x, 1.5);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pad), "signature.clear", NULL));
  g_assert_true (fn_signature_pad_get_is_empty (pad));
  g_assert_cmpuint (fn_signature_pad_get_n_strokes (pad), ==, 0);
  g_assert_cmpuint (n_notify, ==, 4);
  g_assert_cmpuint (empty_notify, ==, 2);

  /* Nothing left to undo: no change, no notify. */
  g_assert_false (fn_signature_pad_undo (pad));
  fn_signature_pad_clear (pad);
  g_assert_cmpuint (n_notify, ==, 4);
  g_assert_cmpuint (empty_notify, ==, 2);

  /* A new signature starts its clock again. */
  draw_stroke (pad, bar, G_N_ELEMENTS (bar), 15);
  points = fn_strokes_get_stroke (fn_signature_pad_get_strokes (pad), 0, &n_points);
  g_assert_cmpuint (points[0].t_ms, ==, 0);

  /* Not editable: input is ignored. */
  fn_signature_pad_set_editable (pad, FALSE);
  {
    g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
    GtkNative *native = gtk_widget_get_native (GTK_WIDGET (pad));
    graphene_point_t p;
    double wx, wy;

    g_assert_true (fn_signature_pad_logical_to_widget (pad, 100, 100, &wx, &wy));
    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (pad), GTK_WIDGET (native),
                                             &GRAPHENE_POINT_INIT (wx, wy), &p));
    g_ptr_array_add (args, g_strdup ("mousemove"));
    g_ptr_array_add (args, g_strdup ("--window"));
    g_ptr_array_add (args, get_window_id (native));
    g_ptr_array_add (args, g_strdup_printf ("%d", (int)p.x));
    g_ptr_array_add (args, g_strdup_printf ("%d", (int)p.y));
    g_ptr_array_add (args, g_strdup ("mousedown"));
    g_ptr_array_add (args, g_strdup ("1"));
    g_ptr_array_add (args, g_strdup ("mousemove_relative"));
    g_ptr_array_add (args, g_strdup ("40"));
    g_ptr_array_add (args, g_strdup ("10"));
    g_ptr_array_add (args, g_strdup ("mouseup"));
    g_ptr_array_add (args, g_strdup ("1"));
    run_xdotool (args);
    fn_test_spin (200);
    g_assert_cmpuint (fn_signature_pad_get_n_strokes (pad), ==, 1);
  }

  destroy_window (window);
}

/* The same strokes give the same PNG, byte for byte. */
static void
test_pad_png_deterministic (void)
{
  FnSignaturePad *pad;
  GtkWindow *window;
  g_autofree Point *loops = NULL;
  g_autoptr (GBytes) png1 = NULL;
  g_autoptr (GBytes) png2 = NULL;
  g_autoptr (GBytes) png3 = NULL;
  g_autoptr (GBytes) png4 = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (FnStrokes) copy = NULL;
  g_autoptr (FnStrokes) parsed = NULL;
  g_autoptr (GError) error = NULL;
  guint n_loops;

  if (!have_x11 ())
    return;

  pad = FN_SIGNATURE_PAD (fn_signature_pad_new ());
  window = show_in_window (GTK_WIDGET (pad), 640, 260);
  loops = make_loops (60, 520, 150, 100, 7, &n_loops);
  draw_stroke (pad, loops, n_loops, 10);

  g_assert_no_error (error);
  png1 = fn_strokes_render_png (fn_signature_pad_get_strokes (pad), 600, &error);
  g_assert_no_error (error);
  copy = fn_strokes_copy (fn_signature_pad_get_strokes (pad));
  png2 = fn_strokes_render_png (copy, 600, &error);
  g_assert_no_error (error);
  g_assert_nonnull (png1);
  g_assert_cmpuint (g_bytes_get_size (png1), >, 8);
  g_assert_true (memcmp (g_bytes_get_data (png1, NULL), "\x89PNG", 4) == 0);
  g_assert_true (g_bytes_equal (png1, png2));

  /* The stored form rounds positions to 1/100 unit, so its PNG may differ
   * from the live strokes' by a pixel's shade; read back twice, it gives
   * the same bytes each time. */
  data = fn_strokes_serialize (copy);
  parsed = fn_strokes_parse (data, &error);
  g_assert_no_error (error);
  png3 = fn_strokes_render_png (parsed, 600, &error);
  g_assert_no_error (error);
  g_clear_pointer (&parsed, fn_strokes_free);
  parsed = fn_strokes_parse (data, &error);
  g_assert_no_error (error);
  png4 = fn_strokes_render_png (parsed, 600, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (png3, png4));

  destroy_window (window);
}

/* The dialog */

typedef struct
{
  gboolean           done;
  FnSignatureResult *result;
  GError            *error;
} RunResult;

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunResult *run = user_data;

  run->result = fn_signature_dialog_run_finish (FN_SIGNATURE_DIALOG (source), result,
                                                &run->error);
  run->done = TRUE;
}

static gpointer
dialog_child (FnSignatureDialog *dialog,
              const char        *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                   FN_TYPE_SIGNATURE_DIALOG, name);

  g_assert_nonnull (object);
  return object;
}

static const char *
dialog_error (FnSignatureDialog *dialog)
{
  GtkWidget *label = dialog_child (dialog, "error_label");

  if (!gtk_widget_get_visible (label))
    return NULL;

  return gtk_label_get_text (GTK_LABEL (label));
}

static FnSignatureDialog *
open_dialog (RunResult *run)
{
  FnSignatureDialog *dialog = fn_signature_dialog_new (NULL);

  /* The dialog destroys itself after answering; keep it for the checks. */
  g_object_ref (dialog);
  fn_signature_dialog_run_async (dialog, NULL, run_cb, run);
  g_assert_true (spin_until (is_mapped, fn_signature_dialog_get_pad (dialog), WAIT_MS));
  fn_test_spin (100);

  return dialog;
}

static void
test_dialog_accept (void)
{
  RunResult run = { 0 };
  FnSignatureDialog *dialog;
  FnSignaturePad *pad;
  g_autofree Point *loops = NULL;
  const Point tiny[] = { { 300, 120 }, { 301, 120 }, { 302, 121 } };
  const Point flourish[] = { { 90, 160 }, { 180, 152 }, { 280, 150 }, { 380, 153 }, { 470, 160 } };
  guint n_loops;

  if (!have_x11 ())
    return;

  dialog = open_dialog (&run);
  pad = fn_signature_dialog_get_pad (dialog);

  /* The dialog fits a 1366×768 laptop screen. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, 1366);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (dialog)), <=, 768);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (pad)), >=, 120);

  /* No name. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_nonnull (dialog_error (dialog));
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "name_row")), "  Ada Smith ");
  g_assert_null (dialog_error (dialog));

  /* An empty pad is refused, with a message, and the dialog stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_nonnull (dialog_error (dialog));
  g_test_message ("empty: %s", dialog_error (dialog));
  screenshot (GTK_WIDGET (dialog), "signature-dialog-empty");
  fn_test_spin (100);
  g_assert_false (run.done);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* So is a dot. */
  draw_stroke (pad, tiny, G_N_ELEMENTS (tiny), 15);
  g_assert_null (dialog_error (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_nonnull (dialog_error (dialog));
  g_test_message ("too small: %s", dialog_error (dialog));
  fn_test_spin (100);
  g_assert_false (run.done);

  /* The dialog's Clear and Undo reach the pad. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.clear", NULL));
  g_assert_true (fn_signature_pad_get_is_empty (pad));

  loops = make_loops (90, 470, 140, 95, 6, &n_loops);
  draw_stroke (pad, loops, n_loops, 18);
  draw_stroke (pad, flourish, G_N_ELEMENTS (flourish), 25);
  draw_stroke (pad, tiny, G_N_ELEMENTS (tiny), 15);
  g_assert_cmpuint (fn_signature_pad_get_n_strokes (pad), ==, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.undo", NULL));
  g_assert_cmpuint (fn_signature_pad_get_n_strokes (pad), ==, 2);

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (dialog), "signature.role",
                                                     g_variant_new_string ("relative")));
  screenshot (GTK_WIDGET (dialog), "signature-dialog");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_true (spin_until (is_true, &run.done, WAIT_MS));
  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);
  g_assert_cmpstr (run.result->signer_name, ==, "Ada Smith");
  g_assert_cmpstr (run.result->signer_role, ==, "relative");
  g_assert_null (run.result->unable_reason);
  g_assert_nonnull (run.result->strokes);
  g_assert_cmpuint (fn_strokes_get_n_strokes (run.result->strokes), ==, 2);

  /* The answer is a copy: the pad is gone with the dialog. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_finalize_object (dialog);
  fn_signature_result_free (run.result);
}

static void
test_dialog_unable (void)
{
  RunResult run = { 0 };
  FnSignatureDialog *dialog;
  GtkStack *stack;
  guint n_unable = 0, n_role = 0;

  if (!have_x11 ())
    return;

  dialog = open_dialog (&run);
  stack = dialog_child (dialog, "stack");
  fn_signature_dialog_set_signer (dialog, "Bob Jones", "patient");

  g_signal_connect (dialog, "notify::unable-to-sign", G_CALLBACK (count_notify_cb), &n_unable);
  g_signal_connect (dialog, "notify::signer-role", G_CALLBACK (count_notify_cb), &n_role);
  fn_signature_dialog_set_signer (dialog, NULL, "patient");
  g_assert_cmpuint (n_role, ==, 0);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (dialog), "signature.role",
                                                     g_variant_new_string ("caregiver")));
  g_assert_cmpuint (n_role, ==, 1);
  fn_signature_dialog_set_signer (dialog, NULL, "patient");
  g_assert_cmpuint (n_role, ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.unable-to-sign",
                                             NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "unable");
  g_assert_cmpuint (n_unable, ==, 1);

  /* A reason and a witness are needed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_nonnull (dialog_error (dialog));
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "reason_row")),
                         "Cannot hold a pen after the stroke");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_nonnull (dialog_error (dialog));
  fn_test_spin (50);
  g_assert_false (run.done);
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "witness_row")), "Carol White");
  screenshot (GTK_WIDGET (dialog), "signature-dialog-unable");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_true (spin_until (is_true, &run.done, WAIT_MS));
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.result->signer_name, ==, "Bob Jones");
  g_assert_cmpstr (run.result->signer_role, ==, "patient");
  g_assert_null (run.result->strokes);
  g_assert_cmpstr (run.result->unable_reason, ==, "Cannot hold a pen after the stroke");
  g_assert_cmpstr (run.result->witness_name, ==, "Carol White");

  g_assert_finalize_object (dialog);
  fn_signature_result_free (run.result);
}

static void
test_dialog_cancel (void)
{
  RunResult run = { 0 };
  FnSignatureDialog *dialog;
  g_autoptr (GCancellable) cancellable = NULL;

  if (!have_x11 ())
    return;

  /* Cancel button. */
  dialog = open_dialog (&run);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.cancel", NULL));
  g_assert_true (spin_until (is_true, &run.done, WAIT_MS));
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run.result);
  g_assert_finalize_object (dialog);
  g_clear_error (&run.error);

  /* The caller's cancellable. */
  memset (&run, 0, sizeof run);
  cancellable = g_cancellable_new ();
  dialog = fn_signature_dialog_new (NULL);
  g_object_ref (dialog);
  fn_signature_dialog_run_async (dialog, cancellable, run_cb, &run);
  g_assert_true (spin_until (is_mapped, dialog, WAIT_MS));
  g_cancellable_cancel (cancellable);
  g_assert_true (spin_until (is_true, &run.done, WAIT_MS));
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fn_test_spin (50);
  g_assert_finalize_object (dialog);
  g_clear_error (&run.error);
}

/* The view */

/* A signature written by program: loops, then an underline, with times
 * as a hand would give them. */
static FnStrokes *
make_strokes (void)
{
  FnStrokes *strokes = fn_strokes_new (FN_SIGNATURE_PAD_WIDTH, FN_SIGNATURE_PAD_HEIGHT);
  g_autofree Point *loops = NULL;
  guint n_loops;
  guint32 t = 0;

  loops = make_loops (70, 470, 135, 90, 6, &n_loops);
  fn_strokes_begin_stroke (strokes);
  for (guint i = 0; i < n_loops; i++)
    {
      FnStrokePoint point = { loops[i].x, loops[i].y, t, -1 };

      fn_strokes_add_point (strokes, &point);
      t += 12;
    }
  fn_strokes_end_stroke (strokes);

  t += 300;
  fn_strokes_begin_stroke (strokes);
  for (guint i = 0; i <= 20; i++)
    {
      FnStrokePoint point = { 80 + i * 21.0, 162 - 6 * sin (i / 20.0 * G_PI), t, -1 };

      fn_strokes_add_point (strokes, &point);
      t += 8 + i;
    }
  fn_strokes_end_stroke (strokes);

  return strokes;
}

static void
test_view (void)
{
  FnSignatureView *view = FN_SIGNATURE_VIEW (fn_signature_view_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autoptr (FnStrokes) strokes = make_strokes ();
  g_autoptr (GDateTime) when = g_date_time_new_utc (2026, 11, 28, 14, 5, 0);
  GtkWidget *earlier, *missing;
  GtkWindow *window;
  guint notified = 0;

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (view));
  window = show_in_window (box, 700, 320);
  g_signal_connect (view, "notify::matches", G_CALLBACK (count_notify_cb), &notified);

  fn_signature_view_set_signature (view, strokes, "Ada Smith", "relative", when);
  g_assert_nonnull (strstr (fn_signature_view_get_caption (view),
                            "Signed by Ada Smith (relative) on "));
  g_assert_nonnull (strstr (fn_signature_view_get_caption (view), "2026"));

  earlier = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), FN_TYPE_SIGNATURE_VIEW,
                                                      "earlier_box"));
  g_assert_true (fn_signature_view_get_matches (view));
  g_assert_false (gtk_widget_get_visible (earlier));
  screenshot (GTK_WIDGET (window), "signature-view");

  fn_signature_view_set_matches (view, FALSE);
  fn_signature_view_set_matches (view, FALSE);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (gtk_widget_get_visible (earlier));
  screenshot (GTK_WIDGET (window), "signature-view-earlier");

  g_object_set (view, "matches", TRUE, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_false (gtk_widget_get_visible (earlier));

  /* A signature whose strokes have not arrived yet. */
  missing = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), FN_TYPE_SIGNATURE_VIEW,
                                                      "missing_label"));
  g_assert_false (gtk_widget_get_visible (missing));
  fn_signature_view_set_signature (view, NULL, "Ada Smith", "patient", when);
  g_assert_true (gtk_widget_get_visible (missing));
  g_assert_nonnull (strstr (fn_signature_view_get_caption (view), "(patient)"));

  destroy_window (window);
}

/* Signing a note in the editor */

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
has_signature_dialog (gpointer data)
{
  return find_toplevel (FN_TYPE_SIGNATURE_DIALOG) != NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
no_signature_dialog (gpointer data)
{
  return find_toplevel (FN_TYPE_SIGNATURE_DIALOG) == NULL;
}

static gpointer
editor_child (FnNoteEditor *editor,
              const char   *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (editor), FN_TYPE_NOTE_EDITOR, name);

  g_assert_nonnull (object);
  return object;
}

static char *
get_body (FnNoteEditor *editor)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (editor_child (editor, "body_view"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Scrolls @widget's scrolled window to its end, to show the signature. */
static void
scroll_to_end (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  /* The section appeared just now: let it be measured first. */
  fn_test_spin (200);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

static gboolean
is_shown (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
body_has_not_signed (gpointer data)
{
  g_autofree char *body = get_body (data);

  return strstr (body, "Not signed: ") != NULL;
}

static FnSignatureDialog *
ask_for_signature (FnNoteEditor *editor)
{
  FnSignatureDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "note.ask-signature", NULL));
  g_assert_true (spin_until (has_signature_dialog, NULL, WAIT_MS));
  dialog = find_toplevel (FN_TYPE_SIGNATURE_DIALOG);
  g_assert_true (spin_until (is_mapped, fn_signature_dialog_get_pad (dialog), WAIT_MS));
  fn_test_spin (100);

  return dialog;
}

/* Ctrl+Shift+S in the note editor asks for a signature: a real key press
 * through the X server, so that the binding itself is tested. */
static void
test_editor_shortcut (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("fn-test-signature-XXXXXX", &error);
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autofree char *window_id = NULL;
  FnSignatureDialog *dialog;
  FnNoteEditor *editor;
  GtkWindow *window;

  if (!have_x11 ())
    return;

  g_assert_no_error (error);
  store = fn_store_new (data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (fn_store_load_demo_data (store, 2, 6, &error));
  patients = fn_store_list_patients (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (patients->len, >, 0);
  notes = fn_store_list_notes (store, fn_record_get_id (g_ptr_array_index (patients, 0)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, >, 0);

  editor = FN_NOTE_EDITOR (fn_note_editor_new ());
  fn_note_editor_set_store (editor, store);
  window = show_in_window (GTK_WIDGET (editor), 900, 760);
  fn_note_editor_set_note (editor, g_ptr_array_index (notes, 0));
  gtk_widget_grab_focus (editor_child (editor, "body_view"));
  window_id = get_window_id (GTK_NATIVE (window));

  /* One xdotool run: focus the window, then the key press. */
  args = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (args, g_strdup ("windowfocus"));
  g_ptr_array_add (args, g_strdup ("--sync"));
  g_ptr_array_add (args, g_strdup (window_id));
  g_ptr_array_add (args, g_strdup ("key"));
  g_ptr_array_add (args, g_strdup ("ctrl+shift+s"));
  run_xdotool (args);

  g_assert_true (spin_until (has_signature_dialog, NULL, WAIT_MS));
  dialog = find_toplevel (FN_TYPE_SIGNATURE_DIALOG);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.cancel", NULL));
  g_assert_true (spin_until (no_signature_dialog, NULL, WAIT_MS));
  /* The editor hears the answer from an idle and drops the dialog. */
  fn_test_spin (100);

  destroy_window (window);
  fn_test_remove_tree (data_dir);
}

static void
test_editor_sign (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("fn-test-signature-XXXXXX", &error);
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (FnRecord) stored = NULL;
  g_autofree Point *loops = NULL;
  g_autofree char *body = NULL;
  const Point flourish[] = { { 90, 160 }, { 180, 152 }, { 280, 150 }, { 380, 153 }, { 470, 160 } };
  FnSignatureView *view;
  FnSignatureDialog *dialog;
  FnNoteEditor *editor;
  GtkWindow *window;
  const char *note_id;
  guint n_loops;

  if (!have_x11 ())
    return;

  g_assert_no_error (error);
  store = fn_store_new (data_dir, &error);
  g_assert_no_error (error);
  fn_store_load_demo_data (store, 2, 6, &error);
  g_assert_no_error (error);
  patients = fn_store_list_patients (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (patients->len, >, 0);
  notes = fn_store_list_notes (store, fn_record_get_id (g_ptr_array_index (patients, 0)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, >=, 2);

  editor = FN_NOTE_EDITOR (fn_note_editor_new ());
  fn_note_editor_set_store (editor, store);
  window = show_in_window (GTK_WIDGET (editor), 900, 760);
  fn_note_editor_set_note (editor, g_ptr_array_index (notes, 0));
  note_id = fn_record_get_id (FN_RECORD (fn_note_editor_get_note (editor)));
  view = editor_child (editor, "signature_view");
  g_assert_true (gtk_widget_get_visible (editor_child (editor, "ask_signature_button")));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "signature_box")));

  /* The patient signs; the dialog knows the patient's name. */
  dialog = ask_for_signature (editor);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_child (dialog, "name_row"))),
                   !=, "");
  loops = make_loops (90, 470, 140, 95, 6, &n_loops);
  draw_stroke (fn_signature_dialog_get_pad (dialog), loops, n_loops, 18);
  draw_stroke (fn_signature_dialog_get_pad (dialog), flourish, G_N_ELEMENTS (flourish), 25);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_true (spin_until (no_signature_dialog, NULL, WAIT_MS));

  /* The dialog answers from an idle. */
  g_assert_true (spin_until (is_shown, editor_child (editor, "signature_box"), WAIT_MS));
  signature = fn_store_get_signature_for_note (store, note_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signature);
  g_assert_cmpint (fn_store_check_signature (store, note_id, NULL, NULL), ==,
                   FN_SIGNATURE_CHECK_VALID);

  /* The note shows it and is locked. */
  g_assert_true (gtk_widget_get_visible (editor_child (editor, "signature_box")));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "ask_signature_button")));
  g_assert_nonnull (strstr (fn_signature_view_get_caption (view), "Signed by "));
  g_assert_true (fn_signature_view_get_matches (view));
  g_assert_false (gtk_text_view_get_editable (editor_child (editor, "body_view")));
  g_assert_false (gtk_editable_get_editable (editor_child (editor, "title_row")));
  scroll_to_end (GTK_WIDGET (view));
  screenshot (GTK_WIDGET (window), "signed-note");

  /* Editing it asks first; then the signature covers an earlier version. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "note.edit-signed", NULL));
  g_assert_true (spin_until (has_message_dialog, NULL, WAIT_MS));
  adw_message_dialog_response (find_toplevel (ADW_TYPE_MESSAGE_DIALOG), "edit");
  g_assert_true (gtk_text_view_get_editable (editor_child (editor, "body_view")));
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (editor_child (editor, "body_view"));
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_insert (buffer, &end, " Added after signing.", -1);
  }
  g_assert_true (fn_note_editor_save (editor, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fn_store_check_signature (store, note_id, NULL, NULL), ==,
                   FN_SIGNATURE_CHECK_NOTE_CHANGED);
  g_assert_false (fn_signature_view_get_matches (view));
  g_assert_true (gtk_widget_get_visible (editor_child (editor, "signature_box")));
  scroll_to_end (GTK_WIDGET (view));
  screenshot (GTK_WIDGET (window), "signed-note-edited");

  /* A second note: the relative cannot sign; the note says why and who saw it. */
  fn_note_editor_set_note (editor, g_ptr_array_index (notes, 1));
  note_id = fn_record_get_id (FN_RECORD (fn_note_editor_get_note (editor)));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "signature_box")));
  g_assert_true (gtk_text_view_get_editable (editor_child (editor, "body_view")));
  dialog = ask_for_signature (editor);
  fn_signature_dialog_set_signer (dialog, "Bob Jones", "relative");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.unable-to-sign",
                                             NULL));
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "reason_row")), "Away until Monday");
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "witness_row")), "Carol White");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "signature.accept", NULL));
  g_assert_true (spin_until (no_signature_dialog, NULL, WAIT_MS));
  g_assert_true (spin_until (body_has_not_signed, editor, WAIT_MS));

  body = get_body (editor);
  g_assert_nonnull (strstr (body, "Not signed: Bob Jones (relative) was unable to sign. "
                                  "Reason: Away until Monday. Witness: Carol White."));
  stored = fn_store_get (store, FN_ENTITY_NOTE, note_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fn_note_get_body (FN_NOTE (stored)), ==, body);
  g_assert_null (fn_store_get_signature_for_note (store, note_id, NULL));

  destroy_window (window);
  g_clear_pointer (&notes, g_ptr_array_unref);
  g_clear_pointer (&patients, g_ptr_array_unref);
  g_clear_object (&signature);
  g_clear_object (&stored);
  g_assert_finalize_object (g_steal_pointer (&store));
  fn_test_remove_tree (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/signature/pad/draw", test_pad_draw);
  g_test_add_func ("/ui/signature/pad/png-deterministic", test_pad_png_deterministic);
  g_test_add_func ("/ui/signature/dialog/accept", test_dialog_accept);
  g_test_add_func ("/ui/signature/dialog/unable", test_dialog_unable);
  g_test_add_func ("/ui/signature/dialog/cancel", test_dialog_cancel);
  g_test_add_func ("/ui/signature/view", test_view);
  g_test_add_func ("/ui/signature/editor", test_editor_sign);
  g_test_add_func ("/ui/signature/editor/shortcut", test_editor_shortcut);

  return g_test_run ();
}
