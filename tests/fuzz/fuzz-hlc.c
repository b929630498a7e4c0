/* fuzz-hlc.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-clock.h"

#include <string.h>

/* The input is one or two clock values separated by a newline. Every value
 * fn_hlc_parse() accepts must format back to itself, sort as text like its
 * parts sort as numbers, and a clock that observed it must tick past it. */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static gint64 wall_ms;

static gint64
fixed_wall_ms (gpointer user_data)
{
  return wall_ms;
}

static void
check_one (const char *hlc)
{
  gint64 ms;
  guint counter;
  const char *node;
  g_autofree char *formatted = NULL;
  g_autoptr (FnClock) clock = NULL;
  g_autofree char *next = NULL;

  if (!fn_hlc_parse (hlc, &ms, &counter, &node))
    {
      g_assert_false (fn_hlc_is_skewed (hlc, 0));
      return;
    }

  g_assert_cmpint (ms, >=, 0);
  g_assert_cmpint (ms, <=, G_GINT64_CONSTANT (9999999999999));
  g_assert_cmpuint (counter, <=, 0xffff);
  g_assert_true (node >= hlc && node < hlc + strlen (hlc));
  g_assert_cmpuint (strlen (node), >=, 1);
  g_assert_cmpuint (strlen (node), <=, FN_HLC_MAX_NODE_LEN);

  formatted = fn_hlc_format (ms, counter, node);
  g_assert_cmpstr (formatted, ==, hlc);
  g_assert_cmpint (fn_hlc_compare (hlc, formatted), ==, 0);

  /* A value far in the future of this device's clock is not folded in. */
  {
    g_autoptr (FnClock) early = fn_clock_new ("fuzz", NULL);
    gint64 last_ms;

    wall_ms = 1764240000000;
    fn_clock_set_wall_clock (early, fixed_wall_ms, NULL);
    fn_clock_observe (early, hlc);
    if (fn_clock_get_last (early))
      {
        g_assert_true (fn_hlc_parse (fn_clock_get_last (early), &last_ms, NULL, NULL));
        g_assert_cmpint (last_ms - wall_ms, <=, FN_HLC_MAX_OBSERVE_AHEAD_MS);
      }
  }

  /* A device that folds this value in orders its next write after it. */
  clock = fn_clock_new ("fuzz", NULL);
  wall_ms = ms;
  fn_clock_set_wall_clock (clock, fixed_wall_ms, NULL);
  fn_clock_observe (clock, hlc);
  next = fn_clock_tick (clock);
  g_assert_nonnull (next);
  g_assert_true (fn_hlc_parse (next, NULL, NULL, NULL));
  /* At the very end of the range there is nothing later to tick to. */
  if (ms < G_GINT64_CONSTANT (9999999999999) || counter < 0xffff)
    g_assert_cmpint (fn_hlc_compare (next, hlc), >, 0);
  else
    g_assert_cmpstr (next, ==, "9999999999999-ffff-fuzz");
}

static int
sign (int value)
{
  return value < 0 ? -1 : value > 0 ? 1 : 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  char *second = strchr (text, '\n');
  gint64 ms_a, ms_b;
  guint counter_a, counter_b;
  const char *node_a, *node_b;

  if (second)
    *second++ = '\0';

  check_one (text);
  if (!second)
    return 0;
  check_one (second);

  g_assert_cmpint (sign (fn_hlc_compare (text, second)), ==, -sign (fn_hlc_compare (second, text)));

  /* Text order is time order: milliseconds first, then the counter. */
  if (fn_hlc_parse (text, &ms_a, &counter_a, &node_a) &&
      fn_hlc_parse (second, &ms_b, &counter_b, &node_b))
    {
      int cmp = sign (fn_hlc_compare (text, second));

      if (ms_a != ms_b)
        g_assert_cmpint (cmp, ==, ms_a < ms_b ? -1 : 1);
      else if (counter_a != counter_b)
        g_assert_cmpint (cmp, ==, counter_a < counter_b ? -1 : 1);
      else
        g_assert_cmpint (cmp, ==, sign (strcmp (node_a, node_b)));
    }

  return 0;
}
