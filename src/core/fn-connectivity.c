/* fn-connectivity.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-connectivity"

#include "config.h"

#include "fn-connectivity.h"

#include <NetworkManager.h>

/* Whether the laptop can reach the office, for the sync engine. The answer
 * comes from NetworkManager when it is on the system bus, because only NM
 * knows the result of its connectivity check. Where NM is not reachable (a
 * Flatpak without the permission, a container, CI) GNetworkMonitor answers
 * instead; it says "full" for any default route, which is the best guess
 * there is. Until the first answer arrives the laptop counts as online: a
 * sync that fails costs a retry, a sync never tried costs a caregiver's
 * edits. */

struct _FnConnectivity
{
  GObject parent_instance;

  /* owned */
  GCancellable *cancellable;
  NMClient *client;
  GNetworkMonitor *monitor;

  FnConnectivitySource source;
  guint online : 1;
  guint metered : 1;
};

enum {
  PROP_0,
  PROP_ONLINE,
  PROP_METERED,
  PROP_SOURCE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (FnConnectivity, fn_connectivity, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

GType
fn_connectivity_source_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { FN_CONNECTIVITY_SOURCE_NONE, "FN_CONNECTIVITY_SOURCE_NONE", "none" },
        { FN_CONNECTIVITY_SOURCE_NETWORKMANAGER, "FN_CONNECTIVITY_SOURCE_NETWORKMANAGER",
          "networkmanager" },
        { FN_CONNECTIVITY_SOURCE_NETWORK_MONITOR, "FN_CONNECTIVITY_SOURCE_NETWORK_MONITOR",
          "network-monitor" },
        { 0, NULL, NULL }
      };
      GType id = g_enum_register_static (g_intern_static_string ("FnConnectivitySource"),
                                         values);

      g_once_init_leave (&type_id, id);
    }

  return type_id;
}

/**
 * fn_connectivity_source_to_string:
 *
 * Returns: "none", "networkmanager" or "network-monitor"
 */
const char *
fn_connectivity_source_to_string (FnConnectivitySource source)
{
  GEnumClass *klass = g_type_class_ref (FN_TYPE_CONNECTIVITY_SOURCE);
  GEnumValue *value = g_enum_get_value (klass, source);

  g_type_class_unref (klass);
  return value ? value->value_nick : "unknown";
}

/* NM's own verdict wins when its connectivity check has one. Without a
 * check (switched off, or not done yet) NM says "unknown", and being
 * connected globally, i.e. having a default route, is the best evidence.
 * The state is checked as well because NM keeps the last connectivity
 * while it tears a connection down. */
static gboolean
nm_says_online (NMClient *client)
{
  NMState state = nm_client_get_state (client);
  NMConnectivityState connectivity = nm_client_get_connectivity (client);

  switch (state)
    {
    case NM_STATE_ASLEEP:
    case NM_STATE_DISCONNECTED:
    case NM_STATE_DISCONNECTING:
    case NM_STATE_CONNECTING:
      return FALSE;

    case NM_STATE_UNKNOWN:
    case NM_STATE_CONNECTED_LOCAL:
    case NM_STATE_CONNECTED_SITE:
    case NM_STATE_CONNECTED_GLOBAL:
    default:
      break;
    }

  if (connectivity == NM_CONNECTIVITY_FULL)
    return TRUE;

  return connectivity == NM_CONNECTIVITY_UNKNOWN && state == NM_STATE_CONNECTED_GLOBAL;
}

static gboolean
nm_says_metered (NMClient *client)
{
  NMMetered metered = nm_client_get_metered (client);

  return metered == NM_METERED_YES || metered == NM_METERED_GUESS_YES;
}

static void
apply (FnConnectivity       *self,
       FnConnectivitySource  source,
       gboolean              online,
       gboolean              metered)
{
  online = !!online;
  metered = !!metered;

  g_object_freeze_notify (G_OBJECT (self));

  if (self->source != source)
    {
      g_debug ("source %s → %s", fn_connectivity_source_to_string (self->source),
               fn_connectivity_source_to_string (source));
      self->source = source;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
    }

  if (self->online != online)
    {
      g_debug ("%s", online ? "online" : "offline");
      self->online = online;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
    }

  if (self->metered != metered)
    {
      self->metered = metered;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METERED]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static void update (FnConnectivity *self);

static void
on_monitor_changed_cb (FnConnectivity *self)
{
  update (self);
}

static void
start_monitor (FnConnectivity *self)
{
  if (self->monitor)
    return;

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_debug ("falling back to %s", G_OBJECT_TYPE_NAME (self->monitor));

  g_signal_connect_object (self->monitor, "notify::connectivity",
                           G_CALLBACK (on_monitor_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "notify::network-available",
                           G_CALLBACK (on_monitor_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "notify::network-metered",
                           G_CALLBACK (on_monitor_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
stop_monitor (FnConnectivity *self)
{
  if (!self->monitor)
    return;

  g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
}

static void
update (FnConnectivity *self)
{
  if (self->client && nm_client_get_nm_running (self->client))
    {
      stop_monitor (self);
      apply (self, FN_CONNECTIVITY_SOURCE_NETWORKMANAGER, nm_says_online (self->client),
             nm_says_metered (self->client));
    }
  else
    {
      GNetworkConnectivity connectivity;

      start_monitor (self);
      connectivity = g_network_monitor_get_connectivity (self->monitor);
      apply (self, FN_CONNECTIVITY_SOURCE_NETWORK_MONITOR,
             g_network_monitor_get_network_available (self->monitor) &&
               connectivity == G_NETWORK_CONNECTIVITY_FULL,
             g_network_monitor_get_network_metered (self->monitor));
    }
}

static void
on_client_changed_cb (FnConnectivity *self)
{
  update (self);
}

static void
client_new_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr (FnConnectivity) self = g_weak_ref_get (weak);
  g_autoptr (GError) error = NULL;
  g_autoptr (NMClient) client = nm_client_new_finish (result, &error);

  g_weak_ref_clear (weak);
  g_free (weak);

  if (!self)
    return;

  if (!client)
    {
      g_debug ("NetworkManager is not reachable: %s", error->message);
      update (self);
      return;
    }

  self->client = g_steal_pointer (&client);

  /* NM may start, stop or restart under us; nm-running tells. */
  g_signal_connect_object (self->client, "notify::" NM_CLIENT_NM_RUNNING,
                           G_CALLBACK (on_client_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::" NM_CLIENT_STATE,
                           G_CALLBACK (on_client_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::" NM_CLIENT_CONNECTIVITY,
                           G_CALLBACK (on_client_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::" NM_CLIENT_METERED,
                           G_CALLBACK (on_client_changed_cb), self, G_CONNECT_SWAPPED);

  update (self);
}

static void
fn_connectivity_constructed (GObject *object)
{
  FnConnectivity *self = (FnConnectivity *)object;
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  G_OBJECT_CLASS (fn_connectivity_parent_class)->constructed (object);

  /* The callback may come after dispose; it holds only a weak reference. */
  g_weak_ref_init (weak, self);
  nm_client_new_async (self->cancellable, client_new_cb, weak);
}

static void
fn_connectivity_dispose (GObject *object)
{
  FnConnectivity *self = (FnConnectivity *)object;

  g_cancellable_cancel (self->cancellable);
  stop_monitor (self);
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fn_connectivity_parent_class)->dispose (object);
}

static void
fn_connectivity_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FnConnectivity *self = FN_CONNECTIVITY (object);

  switch (prop_id)
    {
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;

    case PROP_METERED:
      g_value_set_boolean (value, self->metered);
      break;

    case PROP_SOURCE:
      g_value_set_enum (value, self->source);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_connectivity_class_init (FnConnectivityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = fn_connectivity_constructed;
  object_class->dispose = fn_connectivity_dispose;
  object_class->get_property = fn_connectivity_get_property;

  /**
   * FnConnectivity:online:
   *
   * Whether the office server may be reachable. %TRUE until the first
   * answer from the network stack.
   */
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, TRUE, ro);

  /**
   * FnConnectivity:metered:
   *
   * Whether the network costs by the byte (a phone's hotspot, a mobile
   * modem), for work that can wait, such as large attachments.
   */
  properties[PROP_METERED] = g_param_spec_boolean ("metered", NULL, NULL, FALSE, ro);

  /**
   * FnConnectivity:source:
   *
   * Who answers: nobody yet, NetworkManager or GNetworkMonitor.
   */
  properties[PROP_SOURCE] =
    g_param_spec_enum ("source", NULL, NULL, FN_TYPE_CONNECTIVITY_SOURCE,
                       FN_CONNECTIVITY_SOURCE_NONE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fn_connectivity_init (FnConnectivity *self)
{
  self->cancellable = g_cancellable_new ();
  self->source = FN_CONNECTIVITY_SOURCE_NONE;
  self->online = TRUE;
}

/**
 * fn_connectivity_new:
 *
 * Starts asking NetworkManager in the background, on the thread-default
 * main context; never blocks.
 *
 * Returns: (transfer full): a connectivity that says online until it knows
 *   better
 */
FnConnectivity *
fn_connectivity_new (void)
{
  return g_object_new (FN_TYPE_CONNECTIVITY, NULL);
}

gboolean
fn_connectivity_get_online (FnConnectivity *self)
{
  g_return_val_if_fail (FN_IS_CONNECTIVITY (self), TRUE);

  return self->online;
}

gboolean
fn_connectivity_get_metered (FnConnectivity *self)
{
  g_return_val_if_fail (FN_IS_CONNECTIVITY (self), FALSE);

  return self->metered;
}

FnConnectivitySource
fn_connectivity_get_source (FnConnectivity *self)
{
  g_return_val_if_fail (FN_IS_CONNECTIVITY (self), FN_CONNECTIVITY_SOURCE_NONE);

  return self->source;
}
