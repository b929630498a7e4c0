/* fn-sync-indicator.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-sync-indicator"

#include "config.h"

#include "fn-sync-indicator.h"

#include "fn-sync-status.h"

#include <glib/gi18n.h>

/* The header's sync button: an icon and a few words that follow the
 * engine, and a popover with the details, "Sync Now", the last error and
 * what needs the caregiver (conflicts, changes the office refused). */

struct _FnSyncIndicator
{
  AdwBin parent_instance;

  /* template children */
  GtkMenuButton *button;
  GtkImage      *icon;
  GtkLabel      *label;
  GtkPopover    *popover;
  GtkImage      *popover_icon;
  GtkLabel      *title_label;
  GtkLabel      *details_label;
  GtkWidget     *error_box;
  GtkLabel      *error_label;
  GtkWidget     *sync_button;
  GtkWidget     *sign_in_button;
  GtkWidget     *conflicts_box;
  GtkListBox    *conflicts_list;
  GtkWidget     *rejected_box;
  GtkListBox    *rejected_list;

  /* owned */
  FnSyncEngine  *engine;
  FnStore       *store;
  char          *text;
  const char    *icon_name;
  guint          tick_id;
  guint          tick_seconds;
  gboolean       compact;
};

enum
{
  PROP_0,
  PROP_ENGINE,
  PROP_STORE,
  PROP_COMPACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FnSyncIndicator, fn_sync_indicator, ADW_TYPE_BIN)

static void update (FnSyncIndicator *self);

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gboolean
tick_cb (gpointer data)
{
  FnSyncIndicator *self = data;

  self->tick_id = 0;
  update (self);

  return G_SOURCE_REMOVE;
}

/* "Retrying in 40 s" counts down every second; "Synced 2 minutes ago"
 * needs a look every half minute. */
static void
schedule_tick (FnSyncIndicator *self,
               guint            seconds)
{
  if (self->tick_id && self->tick_seconds == seconds)
    return;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->tick_seconds = seconds;
  if (seconds > 0)
    self->tick_id = g_timeout_add_seconds (seconds, tick_cb, self);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, row);
}

static char *
describe_record (FnStore    *store,
                 FnEntity    entity,
                 const char *id)
{
  g_autoptr (FnRecord) record = fn_store_get (store, entity, id, NULL);

  if (entity == FN_ENTITY_NOTE)
    {
      const char *title = record ? fn_note_get_title (FN_NOTE (record)) : NULL;

      if (title && *title)
        /* Translators: %s is the title of a note. */
        return g_strdup_printf (_("Note “%s”"), title);
      return g_strdup (_("Untitled note"));
    }

  if (entity == FN_ENTITY_PATIENT)
    {
      g_autofree char *name = record ? fn_patient_dup_display_name (FN_PATIENT (record)) : NULL;

      if (name && *name)
        /* Translators: %s is a patient's name. */
        return g_strdup_printf (_("Patient %s"), name);
      return g_strdup (_("A patient"));
    }

  if (entity == FN_ENTITY_SIGNATURE)
    return g_strdup (_("A signature"));

  return g_strdup (_("A change"));
}

/* @button: (nullable): a button at the end of the row, before its arrow */
static GtkWidget *
new_row (const char *title,
         const char *subtitle,
         const char *action,
         const char *target,
         GtkWidget  *button)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (button)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  if (action)
    {
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), action);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", target);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
    }

  return row;
}

static void
fill_conflicts (FnSyncIndicator *self)
{
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  clear_list (self->conflicts_list);
  if (self->store)
    conflicts = fn_store_list_conflicts (self->store, NULL, NULL);

  for (guint i = 0; conflicts && i < conflicts->len; i++)
    {
      FnConflict *conflict = g_ptr_array_index (conflicts, i);
      const char *note_id = fn_conflict_get_record_id (conflict);
      g_autofree char *title = NULL;

      /* One row per note, even when both its title and its text differ. */
      if (!g_hash_table_add (seen, (gpointer)note_id))
        continue;

      title = describe_record (self->store, FN_ENTITY_NOTE, note_id);
      gtk_list_box_append (self->conflicts_list,
                           new_row (title, _("Changed here and at the office. Choose what to keep."),
                                    "win.show-conflicts", note_id, NULL));
    }

  gtk_widget_set_visible (self->conflicts_box, conflicts && conflicts->len > 0);
}

/* "Discard…" asks first (win.discard-refused, which closes the popover to
 * make room for the question). */
static GtkWidget *
new_discard_button (const char *title,
                    const char *record_id)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Discard…"));
  g_autofree char *accessible = NULL;

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.discard-refused");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", record_id);
  /* Translators: the accessible name of the "Discard…" button; %s says what
   * was refused, such as "Note “Wound care”". */
  accessible = g_strdup_printf (_("Discard the refused change: %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  gtk_widget_set_tooltip_text (button, _("Give up this change"));

  return button;
}

static void
fill_rejected (FnSyncIndicator *self)
{
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = 0;

  clear_list (self->rejected_list);
  if (self->store)
    ops = fn_store_list_outbox (self->store, NULL);

  for (guint i = 0; ops && i < ops->len; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (ops, i);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      if (g_strcmp0 (op->state, "rejected") != 0)
        continue;

      title = describe_record (self->store, op->entity, op->record_id);
      /* Translators: %s is the office's reason, a sentence. */
      subtitle = g_strdup_printf (_("The office said: %s"),
                                  op->last_error && *op->last_error ? op->last_error
                                                                    : _("no reason given."));
      /* One button per record, even when several of its ops were refused. */
      gtk_list_box_append (self->rejected_list,
                           new_row (title, subtitle,
                                    op->entity == FN_ENTITY_NOTE ? "win.open-note" : NULL,
                                    op->record_id,
                                    g_hash_table_add (seen, op->record_id)
                                        ? new_discard_button (title, op->record_id)
                                        : NULL));
      n++;
    }

  gtk_widget_set_visible (self->rejected_box, n > 0);
}

static void
update (FnSyncIndicator *self)
{
  FnSyncSnapshot snapshot = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *details = NULL;
  g_autofree char *accessible = NULL;
  const char *error = NULL;

  if (!self->engine)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->button), FALSE);
      schedule_tick (self, 0);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->button), TRUE);
  fn_sync_snapshot_from_engine (&snapshot, self->engine);

  text = fn_sync_status_short_text (&snapshot, now_ms ());
  details = fn_sync_status_long_text (&snapshot, now_ms ());
  self->icon_name = fn_sync_status_icon_name (&snapshot);

  if (g_strcmp0 (text, self->text) != 0)
    {
      g_free (self->text);
      self->text = g_steal_pointer (&text);
      gtk_label_set_text (self->label, self->text);
      gtk_label_set_text (self->title_label, self->text);

      /* Translators: the accessible name of the sync button, %s its text. */
      accessible = g_strdup_printf (_("Sync status: %s"), self->text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                      -1);
    }

  gtk_image_set_from_icon_name (self->icon, self->icon_name);
  gtk_image_set_from_icon_name (self->popover_icon, self->icon_name);
  gtk_label_set_text (self->details_label, details);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), details);

  /* Offline, signed out and "sign in again" already say it all. */
  if (snapshot.state == FN_SYNC_ENGINE_BACKING_OFF || snapshot.state == FN_SYNC_ENGINE_ERROR)
    error = fn_sync_engine_get_last_error (self->engine);
  gtk_label_set_text (self->error_label, error ? error : "");
  gtk_widget_set_visible (self->error_box, error != NULL);

  gtk_widget_set_visible (self->sync_button, snapshot.state != FN_SYNC_ENGINE_SIGNED_OUT &&
                                             snapshot.state != FN_SYNC_ENGINE_AUTH_REQUIRED);
  /* Demo data must never reach an office: no way to sign in from there. */
  gtk_widget_set_visible (self->sign_in_button,
                          (snapshot.state == FN_SYNC_ENGINE_SIGNED_OUT ||
                           snapshot.state == FN_SYNC_ENGINE_AUTH_REQUIRED) &&
                          !(self->store && fn_store_is_demo (self->store)));
  gtk_widget_set_sensitive (self->sync_button, snapshot.state != FN_SYNC_ENGINE_SYNCING &&
                                               snapshot.state != FN_SYNC_ENGINE_OFFLINE);

  /* A style class per state, so that the theme can tint it; the icon and
   * the words already say it all. */
  gtk_widget_remove_css_class (GTK_WIDGET (self->button), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->button), "error");
  if (snapshot.state == FN_SYNC_ENGINE_ERROR || snapshot.state == FN_SYNC_ENGINE_AUTH_REQUIRED ||
      (snapshot.state == FN_SYNC_ENGINE_IDLE && snapshot.rejected > 0))
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "error");
  else if (snapshot.conflicts > 0 || snapshot.state == FN_SYNC_ENGINE_OFFLINE ||
           snapshot.state == FN_SYNC_ENGINE_BACKING_OFF)
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "warning");

  schedule_tick (self, snapshot.state == FN_SYNC_ENGINE_BACKING_OFF ? 1 : 30);
}

static void
on_popover_show_cb (FnSyncIndicator *self)
{
  fill_conflicts (self);
  fill_rejected (self);
}

/* The lists change only with their counts; rebuilding them on every
 * progress step would make the rows flicker under the pointer. */
static void
on_engine_lists_changed_cb (FnSyncIndicator *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    on_popover_show_cb (self);
}

static void
on_list_row_activated_cb (FnSyncIndicator *self)
{
  gtk_popover_popdown (self->popover);
}

static void
fn_sync_indicator_dispose (GObject *object)
{
  FnSyncIndicator *self = FN_SYNC_INDICATOR (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->engine)
    {
      g_signal_handlers_disconnect_by_func (self->engine, update, self);
      g_signal_handlers_disconnect_by_func (self->engine, on_engine_lists_changed_cb, self);
    }
  g_clear_object (&self->engine);
  g_clear_object (&self->store);

  /* The popover belongs to the template but not to the bin's child. */
  if (self->button && self->popover)
    gtk_menu_button_set_popover (self->button, NULL);
  self->popover = NULL;

  G_OBJECT_CLASS (fn_sync_indicator_parent_class)->dispose (object);
}

static void
fn_sync_indicator_finalize (GObject *object)
{
  FnSyncIndicator *self = FN_SYNC_INDICATOR (object);

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (fn_sync_indicator_parent_class)->finalize (object);
}

static void
fn_sync_indicator_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FnSyncIndicator *self = FN_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_sync_indicator_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FnSyncIndicator *self = FN_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      fn_sync_indicator_set_engine (self, g_value_get_object (value));
      break;

    case PROP_STORE:
      fn_sync_indicator_set_store (self, g_value_get_object (value));
      break;

    case PROP_COMPACT:
      fn_sync_indicator_set_compact (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_sync_indicator_class_init (FnSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fn_sync_indicator_dispose;
  object_class->finalize = fn_sync_indicator_finalize;
  object_class->get_property = fn_sync_indicator_get_property;
  object_class->set_property = fn_sync_indicator_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL,
                         FN_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         FN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Only the icon (the words stay in the tooltip, the accessible label
   * and the popover), for a header with little room. */
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, label);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, popover);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, popover_icon);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, details_label);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, error_box);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, error_label);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, sync_button);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, conflicts_box);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, conflicts_list);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, rejected_box);
  gtk_widget_class_bind_template_child (widget_class, FnSyncIndicator, rejected_list);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show_cb);
}

static void
fn_sync_indicator_init (FnSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->conflicts_list, "row-activated",
                           G_CALLBACK (on_list_row_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->rejected_list, "row-activated",
                           G_CALLBACK (on_list_row_activated_cb), self, G_CONNECT_SWAPPED);
  update (self);
}

GtkWidget *
fn_sync_indicator_new (void)
{
  return g_object_new (FN_TYPE_SYNC_INDICATOR, NULL);
}

FnSyncEngine *
fn_sync_indicator_get_engine (FnSyncIndicator *self)
{
  g_return_val_if_fail (FN_IS_SYNC_INDICATOR (self), NULL);

  return self->engine;
}

/**
 * fn_sync_indicator_set_engine:
 * @engine: (nullable): the engine to follow; without one the indicator
 *   hides
 */
void
fn_sync_indicator_set_engine (FnSyncIndicator *self,
                              FnSyncEngine    *engine)
{
  g_return_if_fail (FN_IS_SYNC_INDICATOR (self));
  g_return_if_fail (!engine || FN_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine)
    {
      g_signal_handlers_disconnect_by_func (self->engine, update, self);
      g_signal_handlers_disconnect_by_func (self->engine, on_engine_lists_changed_cb, self);
    }
  g_set_object (&self->engine, engine);
  if (engine)
    {
      g_signal_connect_object (engine, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "notify::conflicts",
                               G_CALLBACK (on_engine_lists_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "notify::rejected",
                               G_CALLBACK (on_engine_lists_changed_cb), self, G_CONNECT_SWAPPED);
    }

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
}

FnStore *
fn_sync_indicator_get_store (FnSyncIndicator *self)
{
  g_return_val_if_fail (FN_IS_SYNC_INDICATOR (self), NULL);

  return self->store;
}

/**
 * fn_sync_indicator_set_store:
 * @store: (nullable): where the popover reads conflicts and refused changes
 */
void
fn_sync_indicator_set_store (FnSyncIndicator *self,
                             FnStore         *store)
{
  g_return_if_fail (FN_IS_SYNC_INDICATOR (self));
  g_return_if_fail (!store || FN_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * fn_sync_indicator_get_text:
 *
 * Returns: (nullable): the words shown in the header
 */
const char *
fn_sync_indicator_get_text (FnSyncIndicator *self)
{
  g_return_val_if_fail (FN_IS_SYNC_INDICATOR (self), NULL);

  return self->engine ? self->text : NULL;
}

const char *
fn_sync_indicator_get_icon_name (FnSyncIndicator *self)
{
  g_return_val_if_fail (FN_IS_SYNC_INDICATOR (self), NULL);

  return self->icon_name;
}

void
fn_sync_indicator_popup (FnSyncIndicator *self)
{
  g_return_if_fail (FN_IS_SYNC_INDICATOR (self));

  gtk_menu_button_popup (self->button);
}

void
fn_sync_indicator_popdown (FnSyncIndicator *self)
{
  g_return_if_fail (FN_IS_SYNC_INDICATOR (self));

  if (self->popover)
    gtk_popover_popdown (self->popover);
}

/* Reads the time-dependent words again ("Synced 2 minutes ago"). */
void
fn_sync_indicator_refresh (FnSyncIndicator *self)
{
  g_return_if_fail (FN_IS_SYNC_INDICATOR (self));

  update (self);
}

void
fn_sync_indicator_set_compact (FnSyncIndicator *self,
                               gboolean         compact)
{
  g_return_if_fail (FN_IS_SYNC_INDICATOR (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  gtk_widget_set_visible (GTK_WIDGET (self->label), !compact);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}
