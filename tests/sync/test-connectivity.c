/* test-connectivity.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* FnConnectivity against python-dbusmock's NetworkManager template on a
 * private system bus, its fallback to GNetworkMonitor where NM is absent,
 * and the sync engine following it. Each test runs in its own process:
 * GIO keeps one system bus connection and one GNetworkMonitor per process,
 * and each test wants its own bus. */

#include "config.h"

#include "fn-core.h"
#include "fn-connectivity.h"
#include "fn-test-nm.h"
#include "fn-test-util.h"

#define WAIT_MS 5000

/* ---- the private system bus and the mock ---- */

typedef struct
{
  FnTestNm nm;
  char *dir;
} Fixture;

static void
set_connectivity (Fixture *f,
                  guint    connectivity)
{
  fn_test_nm_call (&f->nm, "SetConnectivity", g_variant_new ("(u)", connectivity));
}

static void
set_state (Fixture *f,
           guint    state)
{
  fn_test_nm_call (&f->nm, "SetGlobalConnectionState", g_variant_new ("(u)", state));
}

static void
fixture_setup (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("fn-connectivity-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f)
{
  fn_test_nm_down (&f->nm);
  if (f->dir)
    {
      fn_test_remove_tree (f->dir);
      g_clear_pointer (&f->dir, g_free);
    }
}

/* ---- watching a connectivity ---- */

typedef struct
{
  FnConnectivity *connectivity;
  guint online_notifies;
  guint metered_notifies;
  guint source_notifies;
} Watch;

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  Watch *watch = user_data;

  if (g_str_equal (pspec->name, "online"))
    watch->online_notifies++;
  else if (g_str_equal (pspec->name, "metered"))
    watch->metered_notifies++;
  else if (g_str_equal (pspec->name, "source"))
    watch->source_notifies++;
}

static void
watch_init (Watch *watch)
{
  watch->connectivity = fn_connectivity_new ();
  g_signal_connect (watch->connectivity, "notify", G_CALLBACK (on_notify_cb), watch);
}

static void
watch_clear (Watch *watch)
{
  g_signal_handlers_disconnect_by_data (watch->connectivity, watch);
  g_assert_finalize_object (watch->connectivity);
  watch->connectivity = NULL;
}

static gboolean
is_online (gpointer user_data)
{
  return fn_connectivity_get_online (((Watch *)user_data)->connectivity);
}

static gboolean
is_offline (gpointer user_data)
{
  return !fn_connectivity_get_online (((Watch *)user_data)->connectivity);
}

static gboolean
is_metered (gpointer user_data)
{
  return fn_connectivity_get_metered (((Watch *)user_data)->connectivity);
}

static gboolean
source_is_nm (gpointer user_data)
{
  return fn_connectivity_get_source (((Watch *)user_data)->connectivity) ==
         FN_CONNECTIVITY_SOURCE_NETWORKMANAGER;
}

static gboolean
source_is_monitor (gpointer user_data)
{
  return fn_connectivity_get_source (((Watch *)user_data)->connectivity) ==
         FN_CONNECTIVITY_SOURCE_NETWORK_MONITOR;
}

/* A private system bus with NM on it, and a connectivity that has found it. */
static void
setup_nm_watched (Fixture *f,
                  Watch   *watch)
{
  fixture_setup (f);
  fn_test_nm_bus_up (&f->nm);
  fn_test_nm_start (&f->nm);
  watch_init (watch);
  g_assert_true (fn_test_spin_until (source_is_nm, watch, WAIT_MS));
}

/* Online (optimistic) and nobody answering yet, then NM's full
 * connectivity. */
static void
test_nm_full (void)
{
  Fixture f = { 0 };
  Watch watch = { 0 };

  fixture_setup (&f);
  fn_test_nm_bus_up (&f.nm);
  fn_test_nm_start (&f.nm);

  watch_init (&watch);
  g_assert_cmpint (fn_connectivity_get_source (watch.connectivity), ==,
                   FN_CONNECTIVITY_SOURCE_NONE);
  g_assert_true (fn_connectivity_get_online (watch.connectivity));

  g_assert_true (fn_test_spin_until (source_is_nm, &watch, WAIT_MS));
  g_assert_true (fn_connectivity_get_online (watch.connectivity));
  g_assert_false (fn_connectivity_get_metered (watch.connectivity));
  g_assert_cmpuint (watch.source_notifies, ==, 1);
  g_assert_cmpuint (watch.online_notifies, ==, 0);

  {
    g_autofree char *source = NULL;
    GEnumClass *klass = g_type_class_ref (FN_TYPE_CONNECTIVITY_SOURCE);
    GValue value = G_VALUE_INIT;

    g_value_init (&value, FN_TYPE_CONNECTIVITY_SOURCE);
    g_object_get_property (G_OBJECT (watch.connectivity), "source", &value);
    g_assert_cmpstr (g_enum_get_value (klass, g_value_get_enum (&value))->value_nick, ==,
                     "networkmanager");
    g_value_unset (&value);
    g_type_class_unref (klass);
  }

  watch_clear (&watch);
  fixture_teardown (&f);
}

static void
test_nm_connectivity_none (void)
{
  Fixture f = { 0 };
  Watch watch = { 0 };

  setup_nm_watched (&f, &watch);

  /* NONE, then PORTAL and LIMITED: each an explicit "not the internet". */
  set_connectivity (&f, 1);
  g_assert_true (fn_test_spin_until (is_offline, &watch, WAIT_MS));
  g_assert_cmpuint (watch.online_notifies, ==, 1);

  set_connectivity (&f, 4);
  g_assert_true (fn_test_spin_until (is_online, &watch, WAIT_MS));
  g_assert_cmpuint (watch.online_notifies, ==, 2);

  set_connectivity (&f, 2);
  g_assert_true (fn_test_spin_until (is_offline, &watch, WAIT_MS));
  set_connectivity (&f, 3);
  fn_test_spin (100);
  g_assert_false (fn_connectivity_get_online (watch.connectivity));
  g_assert_cmpuint (watch.online_notifies, ==, 3);

  set_connectivity (&f, 4);
  g_assert_true (fn_test_spin_until (is_online, &watch, WAIT_MS));
  g_assert_cmpuint (watch.online_notifies, ==, 4);

  watch_clear (&watch);
  fixture_teardown (&f);
}

static void
test_nm_state_disconnected (void)
{
  Fixture f = { 0 };
  Watch watch = { 0 };

  setup_nm_watched (&f, &watch);
  g_assert_true (fn_connectivity_get_online (watch.connectivity));

  /* The mock leaves connectivity at FULL: the state alone must count. */
  set_state (&f, 20);
  g_assert_true (fn_test_spin_until (is_offline, &watch, WAIT_MS));

  set_state (&f, 70);
  g_assert_true (fn_test_spin_until (is_online, &watch, WAIT_MS));
  g_assert_cmpuint (watch.online_notifies, ==, 2);

  watch_clear (&watch);
  fixture_teardown (&f);
}

/* With its check switched off NM says "unknown": connected globally is
 * then good enough, anything less is not. */
static void
test_nm_check_unknown (void)
{
  Fixture f = { 0 };
  Watch watch = { 0 };

  fixture_setup (&f);
  fn_test_nm_bus_up (&f.nm);
  fn_test_nm_start (&f.nm);
  set_connectivity (&f, 0);
  watch_init (&watch);
  g_assert_true (fn_test_spin_until (source_is_nm, &watch, WAIT_MS));
  g_assert_true (fn_connectivity_get_online (watch.connectivity));

  set_state (&f, 60);
  g_assert_true (fn_test_spin_until (is_offline, &watch, WAIT_MS));

  set_state (&f, 70);
  g_assert_true (fn_test_spin_until (is_online, &watch, WAIT_MS));

  watch_clear (&watch);
  fixture_teardown (&f);
}

static void
test_nm_metered (void)
{
  Fixture f = { 0 };
  Watch watch = { 0 };

  setup_nm_watched (&f, &watch);
  g_assert_false (fn_connectivity_get_metered (watch.connectivity));

  /* The template has no Metered property; NM_METERED_UNKNOWN first, then
   * NM_METERED_YES and NM_METERED_GUESS_NO. */
  fn_test_nm_set_metered (&f.nm, 1);
  g_assert_true (fn_test_spin_until (is_metered, &watch, WAIT_MS));
  g_assert_true (fn_connectivity_get_online (watch.connectivity));
  g_assert_cmpuint (watch.metered_notifies, ==, 1);

  fn_test_nm_set_metered (&f.nm, 4);
  fn_test_spin (200);
  g_assert_false (fn_connectivity_get_metered (watch.connectivity));
  g_assert_cmpuint (watch.metered_notifies, ==, 2);

  watch_clear (&watch);
  fixture_teardown (&f);
}

/* NM going away leaves its last values in NMClient; they must not count. */
static void
test_nm_goes_away (void)
{
  Fixture f = { 0 };
  Watch watch = { 0 };

  setup_nm_watched (&f, &watch);
  set_connectivity (&f, 1);
  g_assert_true (fn_test_spin_until (is_offline, &watch, WAIT_MS));

  fn_test_nm_stop (&f.nm);
  g_assert_true (fn_test_spin_until (source_is_monitor, &watch, WAIT_MS));

  /* And back. */
  fn_test_nm_start (&f.nm);
  g_assert_true (fn_test_spin_until (source_is_nm, &watch, WAIT_MS));
  g_assert_true (fn_test_spin_until (is_online, &watch, WAIT_MS));

  watch_clear (&watch);
  fixture_teardown (&f);
}

/* No system bus at all, the usual case in CI and containers: construction
 * returns at once, says online, and GNetworkMonitor answers soon after. */
static void
test_fallback_no_bus (void)
{
  Watch watch = { 0 };
  gint64 start;
  gint64 elapsed;

  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/fn-test/system_bus_socket",
            TRUE);

  start = g_get_monotonic_time ();
  watch_init (&watch);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("constructed in %" G_GINT64_FORMAT " µs", elapsed);
  g_assert_cmpint (elapsed, <, 100 * 1000);
  g_assert_true (fn_connectivity_get_online (watch.connectivity));
  g_assert_cmpint (fn_connectivity_get_source (watch.connectivity), ==,
                   FN_CONNECTIVITY_SOURCE_NONE);

  g_assert_true (fn_test_spin_until (source_is_monitor, &watch, WAIT_MS));
  g_assert_cmpuint (watch.source_notifies, ==, 1);
  g_test_message ("GNetworkMonitor says %s",
                  fn_connectivity_get_online (watch.connectivity) ? "online" : "offline");

  watch_clear (&watch);
}

/* A system bus without NM: the fallback, then NM when it appears. */
static void
test_fallback_bus_without_nm (void)
{
  Fixture f = { 0 };
  Watch watch = { 0 };
  gint64 start;

  fixture_setup (&f);
  fn_test_nm_bus_up (&f.nm);

  start = g_get_monotonic_time ();
  watch_init (&watch);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 100 * 1000);
  g_assert_true (fn_connectivity_get_online (watch.connectivity));

  g_assert_true (fn_test_spin_until (source_is_monitor, &watch, WAIT_MS));

  fn_test_nm_start (&f.nm);
  g_assert_true (fn_test_spin_until (source_is_nm, &watch, WAIT_MS));
  g_assert_true (fn_connectivity_get_online (watch.connectivity));

  set_connectivity (&f, 1);
  g_assert_true (fn_test_spin_until (is_offline, &watch, WAIT_MS));

  watch_clear (&watch);
  fixture_teardown (&f);
}

/* ---- the engine following a connectivity ---- */

typedef struct
{
  FnSyncEngine *engine;
  guint syncing;
} EngineWatch;

static void
on_engine_state_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  EngineWatch *watch = user_data;

  if (fn_sync_engine_get_state (watch->engine) == FN_SYNC_ENGINE_SYNCING)
    watch->syncing++;
}

static gboolean
engine_is_offline (gpointer user_data)
{
  return fn_sync_engine_get_state (((EngineWatch *)user_data)->engine) ==
         FN_SYNC_ENGINE_OFFLINE;
}

static gboolean
engine_has_synced (gpointer user_data)
{
  return ((EngineWatch *)user_data)->syncing > 0;
}

static gboolean
engine_is_settled (gpointer user_data)
{
  FnSyncEngineState state = fn_sync_engine_get_state (((EngineWatch *)user_data)->engine);

  return state != FN_SYNC_ENGINE_SYNCING && state != FN_SYNC_ENGINE_IDLE;
}

/* A laptop signed in to a server that is not there: every run fails with
 * a network error, which is all the engine needs to show its triggers. */
static void
test_engine_follows (void)
{
  Fixture f = { 0 };
  Watch watch = { 0 };
  EngineWatch engine_watch = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (FnTokenStore) tokens = NULL;
  const char *server = "http://127.0.0.1:9";
  gint64 start;

  fixture_setup (&f);
  fn_test_nm_bus_up (&f.nm);
  fn_test_nm_start (&f.nm);

  store = fn_store_new (f.dir, &error);
  g_assert_no_error (error);
  tokens = fn_token_store_new (FN_TOKEN_STORE_FILE, f.dir);
  g_assert_true (fn_token_store_save (tokens, server, "alice", "not-a-real-token", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fn_store_set_meta (store, "server_url", server, &error) &&
                 fn_store_set_meta (store, "username", "alice", &error) &&
                 fn_store_set_meta (store, "device_id", "device-1", &error) &&
                 fn_store_set_meta (store, "signed_in", "true", &error));
  g_assert_no_error (error);

  watch_init (&watch);
  engine_watch.engine = fn_sync_engine_new (store, tokens);
  fn_sync_engine_set_interval (engine_watch.engine, 0);
  g_signal_connect (engine_watch.engine, "notify::state", G_CALLBACK (on_engine_state_cb),
                    &engine_watch);
  fn_sync_engine_watch_connectivity (engine_watch.engine, watch.connectivity);
  g_assert_true (fn_sync_engine_get_online (engine_watch.engine));

  fn_sync_engine_start (engine_watch.engine);
  g_assert_true (fn_test_spin_until (engine_has_synced, &engine_watch, WAIT_MS));
  g_assert_true (fn_test_spin_until (engine_is_settled, &engine_watch, WAIT_MS));
  g_assert_true (fn_test_spin_until (source_is_nm, &watch, WAIT_MS));

  /* Going offline: the engine says so and stops retrying. */
  set_connectivity (&f, 1);
  g_assert_true (fn_test_spin_until (engine_is_offline, &engine_watch, WAIT_MS));
  g_assert_false (fn_sync_engine_get_online (engine_watch.engine));
  g_assert_cmpint (fn_sync_engine_get_retry_at (engine_watch.engine), ==, 0);

  /* Back online: a run starts at once, not on the timer or the backoff. */
  engine_watch.syncing = 0;
  start = g_get_monotonic_time ();
  set_connectivity (&f, 4);
  g_assert_true (fn_test_spin_until (engine_has_synced, &engine_watch, 2000));
  g_test_message ("sync started %" G_GINT64_FORMAT " ms after going online",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_true (fn_sync_engine_get_online (engine_watch.engine));
  g_assert_true (fn_test_spin_until (engine_is_settled, &engine_watch, WAIT_MS));

  /* A lost NM must not leave the engine offline for ever. */
  set_connectivity (&f, 1);
  g_assert_true (fn_test_spin_until (engine_is_offline, &engine_watch, WAIT_MS));
  fn_test_nm_stop (&f.nm);
  g_assert_true (fn_test_spin_until (source_is_monitor, &watch, WAIT_MS));
  g_assert_cmpint (fn_sync_engine_get_online (engine_watch.engine), ==,
                   fn_connectivity_get_online (watch.connectivity));

  fn_sync_engine_shutdown (engine_watch.engine);
  fn_test_spin (100);  /* a cancelled token lookup for the event socket returns */
  g_signal_handlers_disconnect_by_data (engine_watch.engine, &engine_watch);
  g_assert_finalize_object (engine_watch.engine);
  watch_clear (&watch);
  g_assert_finalize_object (g_steal_pointer (&tokens));
  g_assert_finalize_object (g_steal_pointer (&store));
  fixture_teardown (&f);
}

/* ---- each test in its own process ---- */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  fn_test_nm_add ("/connectivity/nm/full", test_nm_full, 30);
  fn_test_nm_add ("/connectivity/nm/connectivity-none", test_nm_connectivity_none, 30);
  fn_test_nm_add ("/connectivity/nm/state-disconnected", test_nm_state_disconnected, 30);
  fn_test_nm_add ("/connectivity/nm/check-unknown", test_nm_check_unknown, 30);
  fn_test_nm_add ("/connectivity/nm/metered", test_nm_metered, 30);
  fn_test_nm_add ("/connectivity/nm/goes-away", test_nm_goes_away, 30);
  fn_test_nm_add ("/connectivity/fallback/no-bus", test_fallback_no_bus, 30);
  fn_test_nm_add ("/connectivity/fallback/bus-without-nm", test_fallback_bus_without_nm, 30);
  fn_test_nm_add ("/connectivity/engine/follows", test_engine_follows, 30);

  return g_test_run ();
}
