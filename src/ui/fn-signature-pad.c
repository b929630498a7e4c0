/* fn-signature-pad.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-signature-pad"

#include "config.h"

#include "fn-signature-pad.h"

#include <glib/gi18n.h>
#include <math.h>

/* A sheet of paper to sign on. Pen tablets come in through GtkGestureStylus
 * (with pressure), mouse, touchpad and touchscreen through GtkGestureDrag;
 * a drag that a stylus drives is left to the stylus gesture so that no
 * stroke is recorded twice. Points are kept in a fixed logical space
 * (FN_SIGNATURE_PAD_WIDTH × FN_SIGNATURE_PAD_HEIGHT) scaled to fit the
 * widget, so the signature does not depend on the screen it was made on,
 * and the ink is drawn by fn_strokes_draw(), the same code that renders the
 * stored PNG. */

/* Where the "Sign here" line runs, in logical units. */
#define BASELINE_Y      (FN_SIGNATURE_PAD_HEIGHT * 0.74)
#define BASELINE_MARGIN (FN_SIGNATURE_PAD_WIDTH * 0.05)

/* Big enough for a finger on a touchscreen even in half of a 1366 px
 * screen. */
#define MIN_WIDTH       320
#define MIN_HEIGHT      100
#define MAX_HEIGHT      300
#define DISPLAY_WIDTH   420
#define DISPLAY_HEIGHT  140

#define CORNER_RADIUS   12.0

typedef enum
{
  SOURCE_NONE,
  SOURCE_DRAG,
  SOURCE_STYLUS,
} InputSource;

struct _FnSignaturePad
{
  GtkWidget    parent_instance;

  /* owned */
  FnStrokes   *strokes;
  gboolean     editable;

  /* the stroke being drawn */
  InputSource  source;
  gboolean     have_t0;
  guint32      t0;
  guint32      last_t;
};

enum
{
  PROP_0,
  PROP_IS_EMPTY,
  PROP_N_STROKES,
  PROP_EDITABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FnSignaturePad, fn_signature_pad, GTK_TYPE_WIDGET)

/* The paper: the logical space scaled uniformly into the allocation and
 * centred in it. */
static void
get_paper (FnSignaturePad *self,
           double         *scale,
           double         *x,
           double         *y)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double s = MIN (width / FN_SIGNATURE_PAD_WIDTH, height / FN_SIGNATURE_PAD_HEIGHT);

  if (s <= 0)
    s = 1;

  *scale = s;
  *x = (width - FN_SIGNATURE_PAD_WIDTH * s) / 2;
  *y = (height - FN_SIGNATURE_PAD_HEIGHT * s) / 2;
}

static void
update_actions (FnSignaturePad *self)
{
  gboolean has_ink = fn_strokes_get_n_strokes (self->strokes) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signature.clear",
                                 self->editable && has_ink);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signature.undo",
                                 self->editable && has_ink);
}

/* Notifies what changed since the pad held @old_n strokes. */
static void
strokes_changed (FnSignaturePad *self,
                 guint           old_n)
{
  guint n = fn_strokes_get_n_strokes (self->strokes);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (n == old_n)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STROKES]);
  if ((old_n == 0) != (n == 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_EMPTY]);
  g_object_thaw_notify (G_OBJECT (self));

  update_actions (self);
}

static void
add_point (FnSignaturePad *self,
           double          widget_x,
           double          widget_y,
           guint32         time,
           double          pressure)
{
  FnStrokePoint point;
  double scale, paper_x, paper_y;
  guint32 t;

  if (!self->have_t0)
    {
      self->have_t0 = TRUE;
      self->t0 = time;
      self->last_t = 0;
    }

  /* Event times are in ms and may wrap; unsigned subtraction copes. Times
   * never go back within a signature. */
  t = time - self->t0;
  if (t < self->last_t || t > G_MAXINT32)
    t = self->last_t;
  self->last_t = t;

  get_paper (self, &scale, &paper_x, &paper_y);
  point.x = CLAMP ((widget_x - paper_x) / scale, 0, FN_SIGNATURE_PAD_WIDTH);
  point.y = CLAMP ((widget_y - paper_y) / scale, 0, FN_SIGNATURE_PAD_HEIGHT);
  point.t_ms = t;
  point.pressure = pressure < 0 ? -1 : CLAMP (pressure, 0, 1);

  fn_strokes_add_point (self->strokes, &point);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Adds the motion events GDK folded into the current one, so that a fast
 * stroke keeps its shape. History coordinates are in the same (surface)
 * space as the event's position; (@widget_x, @widget_y) is the event's
 * position in the pad. */
static void
add_history (FnSignaturePad     *self,
             GtkEventController *controller,
             double              widget_x,
             double              widget_y)
{
  GdkEvent *event = gtk_event_controller_get_current_event (controller);
  g_autofree GdkTimeCoord *history = NULL;
  guint n_history = 0;
  double event_x, event_y;

  if (!event || gdk_event_get_event_type (event) != GDK_MOTION_NOTIFY)
    return;
  if (!gdk_event_get_position (event, &event_x, &event_y))
    return;

  history = gdk_event_get_history (event, &n_history);
  for (guint i = 0; history && i < n_history; i++)
    {
      const GdkTimeCoord *coord = &history[i];
      double pressure = -1;

      if (!(coord->flags & GDK_AXIS_FLAG_X) || !(coord->flags & GDK_AXIS_FLAG_Y))
        continue;
      if (self->source == SOURCE_STYLUS && (coord->flags & GDK_AXIS_FLAG_PRESSURE))
        pressure = coord->axes[GDK_AXIS_PRESSURE];

      add_point (self,
                 coord->axes[GDK_AXIS_X] + widget_x - event_x,
                 coord->axes[GDK_AXIS_Y] + widget_y - event_y,
                 coord->time, pressure);
    }
}

static void
start_stroke (FnSignaturePad     *self,
              InputSource         source,
              GtkEventController *controller,
              double              widget_x,
              double              widget_y,
              double              pressure)
{
  guint old_n = fn_strokes_get_n_strokes (self->strokes);

  if (self->source != SOURCE_NONE)
    fn_strokes_end_stroke (self->strokes);

  /* Times count from the first point of what is on the pad now. */
  if (old_n == 0)
    self->have_t0 = FALSE;

  self->source = source;
  fn_strokes_begin_stroke (self->strokes);
  add_point (self, widget_x, widget_y,
             gtk_event_controller_get_current_event_time (controller), pressure);
  strokes_changed (self, old_n);
}

static void
finish_stroke (FnSignaturePad *self)
{
  guint old_n = fn_strokes_get_n_strokes (self->strokes);

  if (self->source == SOURCE_NONE)
    return;

  self->source = SOURCE_NONE;
  fn_strokes_end_stroke (self->strokes);
  strokes_changed (self, old_n);
}

static void
on_drag_begin_cb (GtkGestureDrag *gesture,
                  double          x,
                  double          y,
                  FnSignaturePad *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  GdkEvent *event = gtk_event_controller_get_current_event (controller);

  /* A pen's events carry its tool: the stylus gesture records those. */
  if (!self->editable || self->source == SOURCE_STYLUS ||
      (event && gdk_event_get_device_tool (event)))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  /* Keep a surrounding scrolled window from taking a finger's stroke. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  start_stroke (self, SOURCE_DRAG, controller, x, y, -1);
}

static void
drag_to (FnSignaturePad *self,
         GtkGestureDrag *gesture,
         double          offset_x,
         double          offset_y)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  double start_x, start_y;

  if (self->source != SOURCE_DRAG)
    return;
  if (!gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y))
    return;

  add_history (self, controller, start_x + offset_x, start_y + offset_y);
  add_point (self, start_x + offset_x, start_y + offset_y,
             gtk_event_controller_get_current_event_time (controller), -1);
}

static void
on_drag_update_cb (GtkGestureDrag *gesture,
                   double          offset_x,
                   double          offset_y,
                   FnSignaturePad *self)
{
  drag_to (self, gesture, offset_x, offset_y);
}

static void
on_drag_end_cb (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                FnSignaturePad *self)
{
  if (self->source != SOURCE_DRAG)
    return;

  drag_to (self, gesture, offset_x, offset_y);
  finish_stroke (self);
}

static void
on_gesture_cancel_cb (GtkGesture       *gesture,
                      GdkEventSequence *sequence,
                      FnSignaturePad   *self)
{
  InputSource source = GTK_IS_GESTURE_STYLUS (gesture) ? SOURCE_STYLUS : SOURCE_DRAG;

  /* What was drawn until the grab broke stays on the pad. */
  if (self->source == source)
    finish_stroke (self);
}

static double
get_stylus_pressure (GtkGestureStylus *gesture)
{
  double pressure;

  if (gtk_gesture_stylus_get_axis (gesture, GDK_AXIS_PRESSURE, &pressure))
    return pressure;

  return -1;
}

static void
on_stylus_down_cb (GtkGestureStylus *gesture,
                   double            x,
                   double            y,
                   FnSignaturePad   *self)
{
  if (!self->editable)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  start_stroke (self, SOURCE_STYLUS, GTK_EVENT_CONTROLLER (gesture), x, y,
                get_stylus_pressure (gesture));
}

static void
on_stylus_motion_cb (GtkGestureStylus *gesture,
                     double            x,
                     double            y,
                     FnSignaturePad   *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);

  if (self->source != SOURCE_STYLUS)
    return;

  add_history (self, controller, x, y);
  add_point (self, x, y, gtk_event_controller_get_current_event_time (controller),
             get_stylus_pressure (gesture));
}

static void
on_stylus_up_cb (GtkGestureStylus *gesture,
                 double            x,
                 double            y,
                 FnSignaturePad   *self)
{
  if (self->source != SOURCE_STYLUS)
    return;

  finish_stroke (self);
}

static void
signature_clear_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  fn_signature_pad_clear (FN_SIGNATURE_PAD (widget));
}

static void
signature_undo_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  fn_signature_pad_undo (FN_SIGNATURE_PAD (widget));
}

static GtkSizeRequestMode
fn_signature_pad_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
fn_signature_pad_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  FnSignaturePad *self = FN_SIGNATURE_PAD (widget);

  /* Shown under a note, a signature needs less room than to sign. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = self->editable ? (int)FN_SIGNATURE_PAD_WIDTH : DISPLAY_WIDTH;
    }
  else if (!self->editable)
    {
      *minimum = *natural = DISPLAY_HEIGHT;
    }
  else if (for_size < 0)
    {
      /* GTK wants no width to need more than this. */
      *minimum = *natural = MAX_HEIGHT;
    }
  else
    {
      /* The paper's proportions, as a minimum too: scrolled windows give
       * only the minimum. */
      *minimum = *natural = CLAMP ((int)ceil (for_size * FN_SIGNATURE_PAD_HEIGHT /
                                              FN_SIGNATURE_PAD_WIDTH),
                                   MIN_HEIGHT, MAX_HEIGHT);
    }
}

/* A horizontal hairline at @y, snapped to device pixels so that it stays
 * sharp at any scale factor. */
static void
append_line (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             double         x1,
             double         x2,
             double         y,
             double         device_px,
             int            scale_factor)
{
  double thickness = MAX (1, round (device_px * scale_factor)) / scale_factor;
  double top = round ((y - thickness / 2) * scale_factor) / scale_factor;

  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT (x1, top, x2 - x1, thickness));
}

static void
fn_signature_pad_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  FnSignaturePad *self = FN_SIGNATURE_PAD (widget);
  /* Paper and ink keep their colours in the dark style too, as a signed
   * form and the stored image do. */
  static const GdkRGBA paper = { 1.0, 1.0, 1.0, 1.0 };
  static const GdkRGBA edge = { 0.0, 0.0, 0.0, 0.18 };
  static const GdkRGBA line = { 0.15, 0.2, 0.3, 0.45 };
  static const GdkRGBA hint = { 0.15, 0.2, 0.3, 0.6 };
  int scale_factor = gtk_widget_get_scale_factor (widget);
  double scale, x, y, width, height;
  graphene_rect_t rect;
  GskRoundedRect rounded;

  get_paper (self, &scale, &x, &y);
  width = FN_SIGNATURE_PAD_WIDTH * scale;
  height = FN_SIGNATURE_PAD_HEIGHT * scale;
  graphene_rect_init (&rect, x, y, width, height);
  gsk_rounded_rect_init_from_rect (&rounded, &rect, CORNER_RADIUS);

  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &paper, &rect);

  append_line (snapshot, &line,
               x + BASELINE_MARGIN * scale,
               x + (FN_SIGNATURE_PAD_WIDTH - BASELINE_MARGIN) * scale,
               y + BASELINE_Y * scale, 1.5, scale_factor);

  if (self->editable && fn_strokes_get_n_strokes (self->strokes) == 0)
    {
      g_autoptr (PangoLayout) cross = gtk_widget_create_pango_layout (widget, "×");
      g_autoptr (PangoLayout) words = gtk_widget_create_pango_layout (widget, _("Sign here"));
      PangoAttrList *attrs = pango_attr_list_new ();
      int cross_w, cross_h, words_h;

      pango_attr_list_insert (attrs, pango_attr_scale_new (MAX (1.0, scale * 1.3)));
      pango_layout_set_attributes (cross, attrs);
      pango_layout_set_attributes (words, attrs);
      pango_attr_list_unref (attrs);
      pango_layout_get_pixel_size (cross, &cross_w, &cross_h);
      pango_layout_get_pixel_size (words, NULL, &words_h);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (x + BASELINE_MARGIN * scale,
                                                    y + BASELINE_Y * scale - cross_h - 4 * scale));
      gtk_snapshot_append_layout (snapshot, cross, &hint);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (cross_w + 8 * scale, cross_h - words_h));
      gtk_snapshot_append_layout (snapshot, words, &hint);
      gtk_snapshot_restore (snapshot);
    }

  if (fn_strokes_get_n_strokes (self->strokes) > 0)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &rect);

      /* The stored PNG's ink colour. */
      cairo_set_source_rgb (cr, 0.08, 0.16, 0.43);
      cairo_translate (cr, x, y);
      fn_strokes_draw (self->strokes, cr, scale);
      cairo_destroy (cr);
    }

  gtk_snapshot_pop (snapshot);

  {
    const float widths[4] = { 1, 1, 1, 1 };
    const GdkRGBA colors[4] = { edge, edge, edge, edge };

    gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
  }
}

static void
fn_signature_pad_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FnSignaturePad *self = FN_SIGNATURE_PAD (object);

  switch (prop_id)
    {
    case PROP_IS_EMPTY:
      g_value_set_boolean (value, fn_signature_pad_get_is_empty (self));
      break;
    case PROP_N_STROKES:
      g_value_set_uint (value, fn_signature_pad_get_n_strokes (self));
      break;
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_signature_pad_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FnSignaturePad *self = FN_SIGNATURE_PAD (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      fn_signature_pad_set_editable (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_signature_pad_finalize (GObject *object)
{
  FnSignaturePad *self = FN_SIGNATURE_PAD (object);

  g_clear_pointer (&self->strokes, fn_strokes_free);

  G_OBJECT_CLASS (fn_signature_pad_parent_class)->finalize (object);
}

static void
fn_signature_pad_class_init (FnSignaturePadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = fn_signature_pad_get_property;
  object_class->set_property = fn_signature_pad_set_property;
  object_class->finalize = fn_signature_pad_finalize;

  widget_class->get_request_mode = fn_signature_pad_get_request_mode;
  widget_class->measure = fn_signature_pad_measure;
  widget_class->snapshot = fn_signature_pad_snapshot;

  properties[PROP_IS_EMPTY] =
    g_param_spec_boolean ("is-empty", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_STROKES] =
    g_param_spec_uint ("n-strokes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "signature.clear", NULL,
                                   signature_clear_action);
  gtk_widget_class_install_action (widget_class, "signature.undo", NULL,
                                   signature_undo_action);

  gtk_widget_class_set_css_name (widget_class, "signaturepad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fn_signature_pad_init (FnSignaturePad *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *stylus = gtk_gesture_stylus_new ();

  self->strokes = fn_strokes_new (FN_SIGNATURE_PAD_WIDTH, FN_SIGNATURE_PAD_HEIGHT);
  self->editable = TRUE;

  /* The stylus gesture first: it sees a pen's press before the drag
   * gesture decides that it is not its own. */
  g_signal_connect (stylus, "down", G_CALLBACK (on_stylus_down_cb), self);
  g_signal_connect (stylus, "motion", G_CALLBACK (on_stylus_motion_cb), self);
  g_signal_connect (stylus, "up", G_CALLBACK (on_stylus_up_cb), self);
  g_signal_connect (stylus, "cancel", G_CALLBACK (on_gesture_cancel_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (stylus));

  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_gesture_cancel_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signature"),
                                  -1);
  update_actions (self);
}

GtkWidget *
fn_signature_pad_new (void)
{
  return g_object_new (FN_TYPE_SIGNATURE_PAD, NULL);
}

/* Returns: (transfer none): the strokes on the pad; copy them to keep them. */
const FnStrokes *
fn_signature_pad_get_strokes (FnSignaturePad *self)
{
  g_return_val_if_fail (FN_IS_SIGNATURE_PAD (self), NULL);

  return self->strokes;
}

/* Shows a copy of @strokes (or nothing, for %NULL); a stroke being drawn
 * is dropped. */
void
fn_signature_pad_set_strokes (FnSignaturePad  *self,
                              const FnStrokes *strokes)
{
  guint old_n;

  g_return_if_fail (FN_IS_SIGNATURE_PAD (self));

  old_n = fn_strokes_get_n_strokes (self->strokes);
  self->source = SOURCE_NONE;
  self->have_t0 = FALSE;
  g_clear_pointer (&self->strokes, fn_strokes_free);
  if (strokes)
    self->strokes = fn_strokes_copy (strokes);
  else
    self->strokes = fn_strokes_new (FN_SIGNATURE_PAD_WIDTH, FN_SIGNATURE_PAD_HEIGHT);

  strokes_changed (self, old_n);
}

gboolean
fn_signature_pad_get_is_empty (FnSignaturePad *self)
{
  g_return_val_if_fail (FN_IS_SIGNATURE_PAD (self), TRUE);

  return fn_strokes_get_n_strokes (self->strokes) == 0;
}

guint
fn_signature_pad_get_n_strokes (FnSignaturePad *self)
{
  g_return_val_if_fail (FN_IS_SIGNATURE_PAD (self), 0);

  return fn_strokes_get_n_strokes (self->strokes);
}

gboolean
fn_signature_pad_get_editable (FnSignaturePad *self)
{
  g_return_val_if_fail (FN_IS_SIGNATURE_PAD (self), FALSE);

  return self->editable;
}

void
fn_signature_pad_set_editable (FnSignaturePad *self,
                               gboolean        editable)
{
  g_return_if_fail (FN_IS_SIGNATURE_PAD (self));

  editable = !!editable;
  if (self->editable == editable)
    return;

  self->editable = editable;
  if (!editable)
    finish_stroke (self);

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), editable ? "crosshair" : NULL);
  update_actions (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

void
fn_signature_pad_clear (FnSignaturePad *self)
{
  guint old_n;

  g_return_if_fail (FN_IS_SIGNATURE_PAD (self));

  old_n = fn_strokes_get_n_strokes (self->strokes);
  self->source = SOURCE_NONE;
  self->have_t0 = FALSE;
  fn_strokes_clear (self->strokes);
  strokes_changed (self, old_n);
}

/* Removes the last stroke. Returns: whether there was one. */
gboolean
fn_signature_pad_undo (FnSignaturePad *self)
{
  guint old_n;
  gboolean undone;

  g_return_val_if_fail (FN_IS_SIGNATURE_PAD (self), FALSE);

  old_n = fn_strokes_get_n_strokes (self->strokes);
  if (self->source != SOURCE_NONE)
    {
      self->source = SOURCE_NONE;
      fn_strokes_end_stroke (self->strokes);
    }
  undone = fn_strokes_undo (self->strokes);
  strokes_changed (self, old_n);

  return undone;
}

/* Where the logical point (@x, @y) is in the pad's own coordinates.
 * Returns: %FALSE while the pad has no size. */
gboolean
fn_signature_pad_logical_to_widget (FnSignaturePad *self,
                                    double          x,
                                    double          y,
                                    double         *widget_x,
                                    double         *widget_y)
{
  double scale, paper_x, paper_y;

  g_return_val_if_fail (FN_IS_SIGNATURE_PAD (self), FALSE);

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    return FALSE;

  get_paper (self, &scale, &paper_x, &paper_y);
  *widget_x = paper_x + x * scale;
  *widget_y = paper_y + y * scale;

  return TRUE;
}
