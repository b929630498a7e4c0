/* fn-test-engine.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-test"

#include "config.h"

#include "fn-test-engine.h"

#include <math.h>

/* How long one run may take before the test fails instead of hanging. */
#define SYNC_TIMEOUT_MS 60000

/**
 * fn_test_engine_sync:
 *
 * Runs one complete sync of @engine, waited for on the default main context
 * like the app does. Fails the test if the run has not ended after 60 s.
 *
 * Returns: whether the run succeeded
 */
gboolean
fn_test_engine_sync (FnSyncEngine  *engine,
                     GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  fn_sync_engine_sync_async (engine, NULL, fn_test_store_result_cb, &result);
  g_assert_true (fn_test_spin_until (fn_test_pointer_is_set, &result, SYNC_TIMEOUT_MS));

  return fn_sync_engine_sync_finish (engine, result, error);
}

/**
 * fn_test_scribble:
 *
 * Returns: (transfer full): one wavy stroke across a 600 × 200 pad, large
 *   and inked enough to be signed with
 */
FnStrokes *
fn_test_scribble (void)
{
  FnStrokes *strokes = fn_strokes_new (600, 200);
  guint32 t = 0;

  for (int i = 0; i <= 80; i++, t += 9)
    {
      FnStrokePoint p = { 60 + i * 6, 100 + 50 * sin (i / 6.0), t, 0.5 };

      fn_strokes_add_point (strokes, &p);
    }
  fn_strokes_end_stroke (strokes);

  return strokes;
}
