/* test-clock.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-clock.h"

#include <string.h>

static gint64 fake_now;

static gint64
fake_wall (gpointer user_data)
{
  return fake_now;
}

static void
test_parse_format (void)
{
  gint64 ms;
  guint counter;
  const char *node;
  g_autofree char *formatted = fn_hlc_format (1764240000000, 1, "7f3a9c");

  g_assert_cmpstr (formatted, ==, "1764240000000-0001-7f3a9c");
  g_assert_true (fn_hlc_parse (formatted, &ms, &counter, &node));
  g_assert_cmpint (ms, ==, 1764240000000);
  g_assert_cmpuint (counter, ==, 1);
  g_assert_cmpstr (node, ==, "7f3a9c");

  /* Anything off the contract's shape is refused. */
  g_assert_false (fn_hlc_parse (NULL, NULL, NULL, NULL));
  g_assert_false (fn_hlc_parse ("", NULL, NULL, NULL));
  g_assert_false (fn_hlc_parse ("176424000000-0001-7f3a9c", NULL, NULL, NULL));
  g_assert_false (fn_hlc_parse ("1764240000000-001-7f3a9c", NULL, NULL, NULL));
  g_assert_false (fn_hlc_parse ("1764240000000-000G-7f3a9c", NULL, NULL, NULL));
  g_assert_false (fn_hlc_parse ("1764240000000-000A-7f3a9c", NULL, NULL, NULL));
  g_assert_false (fn_hlc_parse ("1764240000000-0001-", NULL, NULL, NULL));
  g_assert_false (fn_hlc_parse ("1764240000000-0001-a b", NULL, NULL, NULL));
  g_assert_false (fn_hlc_parse ("1764240000000_0001-abc", NULL, NULL, NULL));
}

static void
test_tick_monotonic (void)
{
  g_autoptr (FnClock) clock = fn_clock_new ("node1", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  fn_clock_set_wall_clock (clock, fake_wall, NULL);
  fake_now = 1764240000000;

  a = fn_clock_tick (clock);
  b = fn_clock_tick (clock);
  g_assert_cmpstr (a, ==, "1764240000000-0000-node1");
  g_assert_cmpstr (b, ==, "1764240000000-0001-node1");

  /* The wall clock steps back an hour: values still go forward. */
  fake_now -= 3600 * 1000;
  c = fn_clock_tick (clock);
  g_assert_cmpint (fn_hlc_compare (c, b), >, 0);
  g_assert_cmpstr (c, ==, "1764240000000-0002-node1");

  fake_now += 2 * 3600 * 1000;
  d = fn_clock_tick (clock);
  g_assert_cmpint (fn_hlc_compare (d, c), >, 0);
  g_assert_cmpstr (fn_clock_get_last (clock), ==, d);
}

static void
test_counter_overflow (void)
{
  g_autoptr (FnClock) clock = fn_clock_new ("n", "1764240000000-fffe-n");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  fn_clock_set_wall_clock (clock, fake_wall, NULL);
  fake_now = 1000;

  a = fn_clock_tick (clock);
  b = fn_clock_tick (clock);
  g_assert_cmpstr (a, ==, "1764240000000-ffff-n");
  g_assert_cmpstr (b, ==, "1764240000001-0000-n");
}

static void
test_end_of_range (void)
{
  g_autoptr (FnClock) clock = fn_clock_new ("n", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  fn_clock_set_wall_clock (clock, fake_wall, NULL);
  fake_now = G_GINT64_CONSTANT (9999999999999) - 1000;

  /* A peer that sends the last value there is must not break the clock
   * (found by tests/fuzz/fuzz-hlc): it stays at the end of its range. */
  fn_clock_observe (clock, "9999999999999-fffe-zzzz");
  a = fn_clock_tick (clock);
  b = fn_clock_tick (clock);
  g_assert_cmpstr (a, ==, "9999999999999-ffff-n");
  g_assert_cmpstr (b, ==, "9999999999999-ffff-n");
}

static void
test_observe (void)
{
  g_autoptr (FnClock) clock = fn_clock_new ("slow", NULL);
  g_autofree char *after = NULL;

  fn_clock_set_wall_clock (clock, fake_wall, NULL);
  fake_now = 1764240000000 - 3 * 3600 * 1000;

  /* A device whose clock runs hours slow orders its next write after what
   * it saw. */
  fn_clock_observe (clock, "1764240000000-0005-fast");
  after = fn_clock_tick (clock);
  g_assert_cmpstr (after, ==, "1764240000000-0006-slow");

  /* A value a year ahead is a broken clock elsewhere: it is not folded in. */
  fn_clock_observe (clock, "1796000000000-0000-broken");
  g_assert_cmpstr (fn_clock_get_last (clock), ==, after);

  /* Garbage and older values change nothing. */
  fn_clock_observe (clock, "not a clock");
  fn_clock_observe (clock, "0000000000001-0000-old");
  g_assert_cmpstr (fn_clock_get_last (clock), ==, after);
}

static void
test_restore_and_node (void)
{
  g_autoptr (FnClock) fresh = fn_clock_new (NULL, NULL);
  g_autoptr (FnClock) restored = fn_clock_new ("abc", "1764240000000-0003-abc");
  g_autofree char *next = NULL;

  g_assert_cmpuint (strlen (fn_clock_get_node_id (fresh)), ==, 12);
  g_assert_null (fn_clock_get_last (fresh));

  fn_clock_set_wall_clock (restored, fake_wall, NULL);
  fake_now = 5;
  next = fn_clock_tick (restored);
  g_assert_cmpstr (next, ==, "1764240000000-0004-abc");
}

static void
test_compare_and_skew (void)
{
  g_assert_cmpint (fn_hlc_compare (NULL, NULL), ==, 0);
  g_assert_cmpint (fn_hlc_compare (NULL, "1764240000000-0000-a"), <, 0);
  g_assert_cmpint (fn_hlc_compare ("1764240000000-0000-a", NULL), >, 0);
  g_assert_cmpint (fn_hlc_compare ("1764240000000-0000-b", "1764240000000-0000-a"), >, 0);
  g_assert_cmpint (fn_hlc_compare ("1764240000000-0001-a", "1764240000000-0000-b"), >, 0);

  g_assert_false (fn_hlc_is_skewed ("1764240300000-0000-a", 1764240000000));
  g_assert_true (fn_hlc_is_skewed ("1764240300001-0000-a", 1764240000000));
  g_assert_false (fn_hlc_is_skewed ("garbage", 0));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *n)
{
  (*n)++;
}

static void
test_notify_last (void)
{
  g_autoptr (FnClock) clock = fn_clock_new ("n", NULL);
  g_autofree char *a = NULL;
  guint notified = 0;

  fn_clock_set_wall_clock (clock, fake_wall, NULL);
  fake_now = 1764240000000;
  g_signal_connect (clock, "notify::last", G_CALLBACK (count_notify), &notified);

  a = fn_clock_tick (clock);
  g_assert_cmpuint (notified, ==, 1);

  /* Observing an older value is no change and says nothing. */
  fn_clock_observe (clock, "1000000000000-0000-x");
  g_assert_cmpuint (notified, ==, 1);

  fn_clock_observe (clock, "1764240000001-0000-x");
  g_assert_cmpuint (notified, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clock/parse-format", test_parse_format);
  g_test_add_func ("/clock/tick-monotonic", test_tick_monotonic);
  g_test_add_func ("/clock/counter-overflow", test_counter_overflow);
  g_test_add_func ("/clock/end-of-range", test_end_of_range);
  g_test_add_func ("/clock/observe", test_observe);
  g_test_add_func ("/clock/restore-and-node", test_restore_and_node);
  g_test_add_func ("/clock/compare-and-skew", test_compare_and_skew);
  g_test_add_func ("/clock/notify-last", test_notify_last);

  return g_test_run ();
}
