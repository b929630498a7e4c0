/* fn-clock.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-clock"

#include "config.h"

#include "fn-clock.h"

#include <string.h>

struct _FnClock
{
  GObject parent_instance;

  char *node_id;
  gint64 last_ms;
  guint last_counter;
  char *last;

  FnWallClockFunc wall;
  gpointer wall_data;
};

enum {
  PROP_0,
  PROP_LAST,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (FnClock, fn_clock, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

#define MAX_COUNTER 0xffff
#define MAX_MS      G_GINT64_CONSTANT (9999999999999)

static gboolean
is_node_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.';
}

static void
set_last (FnClock *self,
          gint64   ms,
          guint    counter)
{
  self->last_ms = ms;
  self->last_counter = counter;
  g_free (self->last);
  self->last = fn_hlc_format (ms, counter, self->node_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST]);
}

static void
fn_clock_finalize (GObject *object)
{
  FnClock *self = (FnClock *)object;

  g_clear_pointer (&self->node_id, g_free);
  g_clear_pointer (&self->last, g_free);

  G_OBJECT_CLASS (fn_clock_parent_class)->finalize (object);
}

static void
fn_clock_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  FnClock *self = FN_CLOCK (object);

  switch (prop_id)
    {
    case PROP_LAST:
      g_value_set_string (value, self->last);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_clock_class_init (FnClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fn_clock_finalize;
  object_class->get_property = fn_clock_get_property;

  properties[PROP_LAST] =
    g_param_spec_string ("last", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fn_clock_init (FnClock *self)
{
}

/**
 * fn_clock_new:
 * @node_id: (nullable): this replica's node id, or %NULL for a new random one
 * @last: (nullable): the last value this node issued, persisted by the caller
 *
 * Returns: (transfer full): a clock that never goes back behind @last
 */
FnClock *
fn_clock_new (const char *node_id,
              const char *last)
{
  FnClock *self = g_object_new (FN_TYPE_CLOCK, NULL);
  gint64 ms;
  guint counter;

  if (node_id && *node_id && strlen (node_id) <= FN_HLC_MAX_NODE_LEN)
    self->node_id = g_strdup (node_id);
  else
    self->node_id = fn_hlc_new_node_id ();

  if (last && fn_hlc_parse (last, &ms, &counter, NULL))
    {
      self->last_ms = ms;
      self->last_counter = counter;
      self->last = fn_hlc_format (ms, counter, self->node_id);
    }

  return self;
}

const char *
fn_clock_get_node_id (FnClock *self)
{
  g_return_val_if_fail (FN_IS_CLOCK (self), NULL);

  return self->node_id;
}

/**
 * fn_clock_get_last:
 *
 * Returns: (nullable): the last value issued or observed, for persisting
 */
const char *
fn_clock_get_last (FnClock *self)
{
  g_return_val_if_fail (FN_IS_CLOCK (self), NULL);

  return self->last;
}

/**
 * fn_clock_set_wall_clock:
 * @func: (nullable): returns Unix milliseconds; %NULL for the real clock
 *
 * Lets tests and the server's skew handling drive the physical part.
 */
void
fn_clock_set_wall_clock (FnClock         *self,
                         FnWallClockFunc  func,
                         gpointer         user_data)
{
  g_return_if_fail (FN_IS_CLOCK (self));

  self->wall = func;
  self->wall_data = user_data;
}

gint64
fn_clock_get_wall_ms (FnClock *self)
{
  g_return_val_if_fail (FN_IS_CLOCK (self), 0);

  if (self->wall)
    return self->wall (self->wall_data);

  return g_get_real_time () / 1000;
}

/**
 * fn_clock_tick:
 *
 * Issues the value for a local write: never smaller than anything this clock
 * issued or observed before, even when the wall clock steps back.
 *
 * Returns: (transfer full): the new value
 */
char *
fn_clock_tick (FnClock *self)
{
  gint64 wall;

  g_return_val_if_fail (FN_IS_CLOCK (self), NULL);

  wall = fn_clock_get_wall_ms (self);

  if (wall > self->last_ms && wall <= MAX_MS)
    set_last (self, wall, 0);
  else if (self->last_counter < MAX_COUNTER)
    set_last (self, self->last_ms, self->last_counter + 1);
  else if (self->last_ms < MAX_MS)
    set_last (self, self->last_ms + 1, 0);
  else
    /* Only a value folded in from a broken or hostile peer gets the clock
     * to the end of its range; it stays there rather than leaving it. */
    set_last (self, MAX_MS, MAX_COUNTER);

  return g_strdup (self->last);
}

/**
 * fn_clock_observe:
 * @hlc: (nullable): a value received from another replica
 *
 * Folds a received value in so that the next local write sorts after it.
 * Values that do not parse are ignored; callers validate before storing.
 */
void
fn_clock_observe (FnClock    *self,
                  const char *hlc)
{
  gint64 ms;
  guint counter;

  g_return_if_fail (FN_IS_CLOCK (self));

  if (!hlc || !fn_hlc_parse (hlc, &ms, &counter, NULL))
    return;

  /* A value from a day or more in the future comes from a broken clock
   * elsewhere; folding it in would date every later local write there. A
   * laptop whose own clock runs minutes or hours slow still catches up. */
  if (ms - fn_clock_get_wall_ms (self) > FN_HLC_MAX_OBSERVE_AHEAD_MS)
    {
      g_debug ("Ignoring a clock value %" G_GINT64_FORMAT " ms ahead",
               ms - fn_clock_get_wall_ms (self));
      return;
    }

  if (ms > self->last_ms || (ms == self->last_ms && counter > self->last_counter))
    set_last (self, ms, counter);
}

/**
 * fn_hlc_parse:
 * @hlc: a clock value
 * @ms: (out) (optional): the physical part
 * @counter: (out) (optional): the logical counter
 * @node: (out) (optional) (transfer none): points into @hlc at the node id
 *
 * Returns: %TRUE if @hlc has exactly the contract's form
 */
gboolean
fn_hlc_parse (const char  *hlc,
              gint64      *ms,
              guint       *counter,
              const char **node)
{
  gint64 m = 0;
  guint c = 0;
  gsize node_len;

  if (!hlc)
    return FALSE;

  for (guint i = 0; i < 13; i++)
    {
      if (!g_ascii_isdigit (hlc[i]))
        return FALSE;
      m = m * 10 + (hlc[i] - '0');
    }
  if (hlc[13] != '-')
    return FALSE;
  for (guint i = 14; i < 18; i++)
    {
      int v = g_ascii_xdigit_value (hlc[i]);

      /* Upper case would break ordering as text. */
      if (v < 0 || g_ascii_isupper (hlc[i]))
        return FALSE;
      c = c * 16 + v;
    }
  if (hlc[18] != '-')
    return FALSE;

  node_len = 0;
  for (const char *p = hlc + 19; *p; p++, node_len++)
    if (!is_node_char (*p) || node_len >= FN_HLC_MAX_NODE_LEN)
      return FALSE;
  if (node_len == 0)
    return FALSE;

  if (ms)
    *ms = m;
  if (counter)
    *counter = c;
  if (node)
    *node = hlc + 19;

  return TRUE;
}

char *
fn_hlc_format (gint64      ms,
               guint       counter,
               const char *node)
{
  g_return_val_if_fail (ms >= 0 && ms <= G_GINT64_CONSTANT (9999999999999), NULL);
  g_return_val_if_fail (counter <= MAX_COUNTER, NULL);
  g_return_val_if_fail (node && *node, NULL);

  return g_strdup_printf ("%013" G_GINT64_FORMAT "-%04x-%s", ms, counter, node);
}

/**
 * fn_hlc_compare:
 * @a: (nullable): a clock value
 * @b: (nullable): a clock value
 *
 * Valid values sort as text; a missing value is older than any value.
 *
 * Returns: negative, 0 or positive like strcmp()
 */
int
fn_hlc_compare (const char *a,
                const char *b)
{
  if (!a || !*a)
    return (!b || !*b) ? 0 : -1;
  if (!b || !*b)
    return 1;

  return strcmp (a, b);
}

/**
 * fn_hlc_is_skewed:
 *
 * Returns: %TRUE if @hlc is more than five minutes ahead of @now_ms
 */
gboolean
fn_hlc_is_skewed (const char *hlc,
                  gint64      now_ms)
{
  gint64 ms;

  if (!fn_hlc_parse (hlc, &ms, NULL, NULL))
    return FALSE;

  return ms - now_ms > FN_HLC_MAX_SKEW_MS;
}

/**
 * fn_hlc_new_node_id:
 *
 * Returns: (transfer full): 12 random lower-case hex digits
 */
char *
fn_hlc_new_node_id (void)
{
  return g_strdup_printf ("%06x%06x",
                          (guint)g_random_int_range (0, 0x1000000),
                          (guint)g_random_int_range (0, 0x1000000));
}
