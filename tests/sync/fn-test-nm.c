/* fn-test-nm.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fn-test-nm.h"

#include "fn-test-util.h"

#include <signal.h>

#define WAIT_MS 5000
#define PYTHON "/usr/bin/python3"

#define NM_NAME "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"

gboolean
fn_test_nm_available (void)
{
  return g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE);
}

static void
on_name_appeared_cb (GDBusConnection *connection,
                     const char      *name,
                     const char      *owner,
                     gpointer         user_data)
{
  ((FnTestNm *)user_data)->up = TRUE;
}

static void
on_name_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  ((FnTestNm *)user_data)->up = FALSE;
}

static gboolean
is_up (gpointer user_data)
{
  return ((FnTestNm *)user_data)->up;
}

static gboolean
is_down (gpointer user_data)
{
  return !((FnTestNm *)user_data)->up;
}

/* A private bus that this process (libnm, GNetworkMonitor) takes for the
 * system bus. */
void
fn_test_nm_bus_up (FnTestNm *nm)
{
  g_autoptr (GError) error = NULL;
  const char *address;

  nm->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (nm->bus);
  address = g_test_dbus_get_bus_address (nm->bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);

  nm->connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
      G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);

  g_bus_watch_name_on_connection (nm->connection, NM_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                  on_name_appeared_cb, on_name_vanished_cb, nm, NULL);
}

void
fn_test_nm_start (FnTestNm *nm)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (nm->mock);
  nm->mock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                               PYTHON, "-m", "dbusmock", "--system",
                               "--template", "networkmanager",
                               "-p", "{\"Version\": \"1.42.4\"}",
                               NULL);
  g_assert_no_error (error);
  g_assert_true (fn_test_spin_until (is_up, nm, WAIT_MS));
  nm->has_metered = FALSE;
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *)user_data = TRUE;
}

static gboolean
flag_is_set (gpointer user_data)
{
  return *(gboolean *)user_data;
}

void
fn_test_nm_stop (FnTestNm *nm)
{
  gboolean exited = FALSE;

  if (!nm->mock)
    return;

  g_subprocess_send_signal (nm->mock, SIGTERM);
  g_subprocess_wait_async (nm->mock, NULL, wait_cb, &exited);
  if (!fn_test_spin_until (flag_is_set, &exited, WAIT_MS))
    {
      g_subprocess_force_exit (nm->mock);
      fn_test_spin_until (flag_is_set, &exited, WAIT_MS);
    }
  g_clear_object (&nm->mock);
}

/* Stops the mock and takes the bus down. */
void
fn_test_nm_down (FnTestNm *nm)
{
  fn_test_nm_stop (nm);
  if (nm->connection)
    {
      fn_test_spin_until (is_down, nm, 500);
      g_dbus_connection_close_sync (nm->connection, NULL, NULL);
      g_clear_object (&nm->connection);
    }
  if (nm->bus)
    {
      g_test_dbus_down (nm->bus);
      g_clear_object (&nm->bus);
    }
}

/* A method of the mock's org.freedesktop.DBus.Mock interface. */
void
fn_test_nm_call (FnTestNm   *nm,
                 const char *method,
                 GVariant   *parameters)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (nm->connection, NM_NAME, NM_PATH,
                                       "org.freedesktop.DBus.Mock", method, parameters, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL, &error);
  g_assert_no_error (error);
}

/* NM's "Metered" (NMMetered: 1 yes, 2 no, 3 guess yes, 4 guess no), which
 * the template lacks until it is added. */
void
fn_test_nm_set_metered (FnTestNm *nm,
                        guint     metered)
{
  if (!nm->has_metered)
    {
      fn_test_nm_call (nm, "AddProperty",
                       g_variant_new ("(ssv)", NM_NAME, "Metered", g_variant_new_uint32 (0)));
      nm->has_metered = TRUE;
    }
  fn_test_nm_call (nm, "SetProperty",
                   g_variant_new ("(sssv)", NM_PATH, NM_NAME, "Metered",
                                  g_variant_new_uint32 (metered)));
}

typedef struct
{
  GTestFunc func;
  guint timeout_s;
} Case;

static void
run_case (gconstpointer data)
{
  const Case *c = data;

  if (g_test_subprocess ())
    {
      c->func ();
      return;
    }

  if (!fn_test_nm_available ())
    {
      g_test_skip (PYTHON " with python-dbusmock is needed");
      return;
    }

  g_test_trap_subprocess (NULL, c->timeout_s * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/**
 * fn_test_nm_add:
 *
 * Adds a test that runs @func in a process of its own (which may then
 * bring up its own bus with fn_test_nm_bus_up()), failing after
 * @timeout_s; skipped where python-dbusmock's interpreter is missing.
 */
void
fn_test_nm_add (const char *path,
                GTestFunc   func,
                guint       timeout_s)
{
  /* Static: the child process of a test exits without freeing the other
   * tests' data, which LeakSanitizer would report. */
  static Case cases[64];
  static guint n_cases;
  Case *c;

  g_assert_cmpuint (n_cases, <, G_N_ELEMENTS (cases));
  c = &cases[n_cases++];
  c->func = func;
  c->timeout_s = timeout_s;
  g_test_add_data_func (path, c, run_case);
}
