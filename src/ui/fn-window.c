/* fn-window.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-window"

#include "config.h"

#include "fn-window.h"

#include "fn-conflict-view.h"
#include "fn-note-editor.h"
#include "fn-patient-page.h"
#include "fn-patient-row.h"
#include "fn-settings.h"
#include "fn-sync-indicator.h"
#include "fn-today-page.h"

#include <glib/gi18n.h>

struct _FnWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay    *toast_overlay;
  AdwLeaflet         *leaflet;
  GtkWidget          *sidebar;
  GtkWidget          *content;
  AdwHeaderBar       *sidebar_header;
  AdwHeaderBar       *content_header;
  GtkSearchEntry     *search_entry;
  GtkStack           *sidebar_stack;
  GtkListView        *patient_list_view;
  AdwWindowTitle     *content_title;
  GtkWidget          *back_button;
  GtkWidget          *delete_button;
  GtkWidget          *new_note_button;
  GtkStack           *content_stack;
  FnPatientPage      *patient_page;
  FnNoteEditor       *note_editor;
  FnConflictView     *conflict_view;
  FnTodayPage        *today_page;
  FnSyncIndicator    *sidebar_indicator;
  FnSyncIndicator    *content_indicator;
  GtkRevealer        *offline_revealer;
  GtkLabel           *offline_label;

  /* owned */
  FnStore            *store;
  FnPatientList      *patients;
  GtkSingleSelection *selection;
  FnPatient          *patient;
  GSettings          *settings;
  GCancellable       *cancellable;
  FnSyncEngine       *engine;

  gboolean            close_refused;
  gboolean            unsent_while_away;
  gboolean            quit_informed;
  gboolean            from_today;
  guint               last_rejected;
  gint64              created_at;
};

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FnWindow, fn_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
is_showing_note (FnWindow *self)
{
  return gtk_stack_get_visible_child (self->content_stack) == GTK_WIDGET (self->note_editor);
}

static gboolean
is_showing_conflict (FnWindow *self)
{
  return gtk_stack_get_visible_child (self->content_stack) == GTK_WIDGET (self->conflict_view);
}

static gboolean
is_showing_today (FnWindow *self)
{
  return gtk_stack_get_visible_child (self->content_stack) == GTK_WIDGET (self->today_page);
}

/* Where leaving a note or a conflict goes back to. */
static const char *
page_behind_note (FnWindow *self)
{
  if (self->from_today)
    return "today";

  return self->patient ? "patient" : "empty";
}

static void
update_title (FnWindow *self)
{
  g_autofree char *name = NULL;

  if (self->patient)
    name = fn_patient_dup_display_name (self->patient);

  adw_window_title_set_title (self->content_title, name ? name : "");

  if (is_showing_today (self))
    {
      adw_window_title_set_title (self->content_title, _("Visits"));
      adw_window_title_set_subtitle (self->content_title, "");
    }
  else if (is_showing_conflict (self))
    adw_window_title_set_subtitle (self->content_title, _("Conflict"));
  else if (is_showing_note (self))
    {
      FnNote *note = fn_note_editor_get_note (self->note_editor);

      if (note && !fn_record_get_id (FN_RECORD (note)))
        adw_window_title_set_subtitle (self->content_title, _("New Note"));
      else
        adw_window_title_set_subtitle (self->content_title, _("Note"));
    }
  else
    adw_window_title_set_subtitle (self->content_title, "");
}

static void
update_sidebar (FnWindow *self)
{
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  const char *page = "list";

  if (g_list_model_get_n_items (G_LIST_MODEL (self->patients)) == 0)
    page = search && *search ? "no-results" : "no-patients";

  gtk_stack_set_visible_child_name (self->sidebar_stack, page);
}

/* Shows @message as a toast; @message is plain text. */
static void
show_error_toast (FnWindow   *self,
                  const char *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  fn_window_show_toast (self, escaped);
}

/* Writes the note being edited. On failure the editor keeps the text and
 * shows why, and the caller must not leave it. */
static gboolean
save_note (FnWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!fn_note_editor_save (self->note_editor, &error))
    {
      /* Translators: %s says why a note could not be saved. */
      g_autofree char *message = g_strdup_printf (_("The note is not saved: %s"), error->message);

      show_error_toast (self, message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
close_note (FnWindow *self)
{
  if (is_showing_conflict (self))
    {
      gtk_stack_set_visible_child_name (self->content_stack, page_behind_note (self));
      update_title (self);
      fn_window_update_actions (self);
      return TRUE;
    }

  if (!is_showing_note (self))
    return TRUE;

  if (!save_note (self))
    return FALSE;

  fn_note_editor_set_note (self->note_editor, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, page_behind_note (self));
  update_title (self);
  fn_window_update_actions (self);

  return TRUE;
}

static void
open_note (FnWindow *self,
           FnNote   *note)
{
  g_assert (FN_IS_NOTE (note));

  if (!close_note (self))
    return;

  fn_note_editor_set_note (self->note_editor, note);
  gtk_stack_set_visible_child (self->content_stack, GTK_WIDGET (self->note_editor));
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  update_title (self);
  fn_window_update_actions (self);
  fn_note_editor_focus (self->note_editor);
}

static void
save_window_state (FnWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, FN_SETTINGS_WINDOW_MAXIMIZED,
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, FN_SETTINGS_WINDOW_WIDTH, width);
      g_settings_set_int (self->settings, FN_SETTINGS_WINDOW_HEIGHT, height);
    }
}

static void
restore_window_state (FnWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, FN_SETTINGS_WINDOW_WIDTH),
                               g_settings_get_int (self->settings, FN_SETTINGS_WINDOW_HEIGHT));
  if (g_settings_get_boolean (self->settings, FN_SETTINGS_WINDOW_MAXIMIZED))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
select_current_patient (FnWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->patients);
  guint position = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; self->patient && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (FnPatient) patient = g_list_model_get_item (model, i);

      if (patient == self->patient)
        {
          position = i;
          break;
        }
    }

  gtk_single_selection_set_selected (self->selection, position);
}

static void
setup_patient_row_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  gtk_list_item_set_child (item, fn_patient_row_new ());
}

static void
bind_patient_row_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  fn_patient_row_set_patient (FN_PATIENT_ROW (gtk_list_item_get_child (item)),
                              gtk_list_item_get_item (item));
}

static void
unbind_patient_row_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  fn_patient_row_set_patient (FN_PATIENT_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
on_selection_selected_item_cb (FnWindow *self)
{
  FnPatient *patient = gtk_single_selection_get_selected_item (self->selection);

  /* Losing the selection (the search hid the patient) keeps the page. */
  if (!patient)
    return;

  if (patient == self->patient && !adw_leaflet_get_folded (self->leaflet))
    return;

  /* The note being edited could not be saved: stay with its patient. */
  if (!fn_window_show_patient (self, patient))
    select_current_patient (self);
}

static void
on_patients_items_changed_cb (FnWindow *self)
{
  update_sidebar (self);
}

static void
on_search_entry_search_changed_cb (FnWindow *self)
{
  fn_patient_list_set_search (self->patients,
                              gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_sidebar (self);
}

static void
on_search_entry_stop_search_cb (FnWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_search_entry_activate_cb (FnWindow *self)
{
  FnPatient *first;

  /* Enter opens the first match. */
  first = g_list_model_get_item (G_LIST_MODEL (self->patients), 0);
  if (first)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      fn_window_show_patient (self, first);
      g_object_unref (first);
    }
}

static void
on_patient_list_view_activate_cb (FnWindow *self,
                                  guint     position)
{
  g_autoptr (FnPatient) patient = g_list_model_get_item (G_LIST_MODEL (self->patients), position);

  if (patient)
    fn_window_show_patient (self, patient);
}

static void
on_leaflet_notify_cb (FnWindow *self)
{
  /* Coming back to the folded list: clear the selection so that tapping
   * the same patient again opens it. */
  if (adw_leaflet_get_folded (self->leaflet) &&
      adw_leaflet_get_visible_child (self->leaflet) == self->sidebar)
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  fn_window_update_actions (self);
}

static void
on_leaflet_folded_cb (FnWindow *self)
{
  fn_conflict_view_set_narrow (self->conflict_view, adw_leaflet_get_folded (self->leaflet));
}

static void
on_note_editor_saved_cb (FnWindow *self)
{
  update_title (self);
  fn_window_update_actions (self);
}

static void
on_store_changed_cb (FnWindow   *self,
                     FnEntity    entity,
                     const char *id,
                     FnStore    *store)
{
  FnNote *note = fn_note_editor_get_note (self->note_editor);

  /* The note being read was deleted elsewhere: there is nothing to edit. */
  if (entity == FN_ENTITY_NOTE && is_showing_note (self) && note &&
      fn_record_get_deleted (FN_RECORD (note)) && !fn_note_editor_get_dirty (self->note_editor))
    {
      fn_note_editor_set_note (self->note_editor, NULL);
      close_note (self);
    }
}

static void
on_conflict_view_done_cb (FnWindow       *self,
                          const char     *note_id,
                          FnConflictView *view)
{
  fn_window_show_toast (self, _("Conflict resolved. Your choice syncs like any other change."));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-note", "s", note_id);
}

static void
show_sync_toast (FnWindow   *self,
                 const char *markup,
                 const char *button_label,
                 const char *action)
{
  AdwToast *toast = adw_toast_new (markup);

  adw_toast_set_timeout (toast, 5);
  if (button_label)
    {
      adw_toast_set_button_label (toast, button_label);
      adw_toast_set_action_name (toast, action);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The offline bar, whether a signature without its image says it waits
 * for a network that is not metered, and toasts for the moments that
 * matter: everything delivered after a time away, a change the office
 * refused. */
static void
on_engine_notify_cb (FnWindow     *self,
                     GParamSpec   *pspec,
                     FnSyncEngine *engine)
{
  FnSyncEngineState state = fn_sync_engine_get_state (engine);
  guint pending = fn_sync_engine_get_pending (engine);
  guint rejected = fn_sync_engine_get_rejected (engine);
  gboolean offline = state == FN_SYNC_ENGINE_OFFLINE;

  if (offline)
    {
      g_autofree char *text = NULL;

      if (pending > 0)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "You are offline. %u change is saved on this laptop "
                                             "and syncs when the network returns.",
                                             "You are offline. %u changes are saved on this laptop "
                                             "and sync when the network returns.",
                                             pending),
                                pending);
      else
        text = g_strdup (_("You are offline. What you write is saved on this laptop and syncs "
                           "when the network returns."));
      gtk_label_set_text (self->offline_label, text);
    }
  gtk_revealer_set_reveal_child (self->offline_revealer, offline);
  fn_note_editor_set_metered (self->note_editor, fn_sync_engine_get_defers_attachments (engine));

  if ((offline || state == FN_SYNC_ENGINE_BACKING_OFF || state == FN_SYNC_ENGINE_ERROR) &&
      pending > 0)
    self->unsent_while_away = TRUE;
  else if (state == FN_SYNC_ENGINE_IDLE && pending == 0 && self->unsent_while_away)
    {
      self->unsent_while_away = FALSE;
      show_sync_toast (self, _("All changes synced with the office"), NULL, NULL);
    }

  if (rejected > self->last_rejected)
    show_sync_toast (self,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The office refused a change. It is kept on this laptop.",
                                  "The office refused some changes. They are kept on this laptop.",
                                  rejected - self->last_rejected),
                     _("_Details"), "win.show-sync-status");
  self->last_rejected = rejected;
}

static void
on_frame_clock_after_paint_cb (FnWindow      *self,
                               GdkFrameClock *frame_clock)
{
  /* The benchmark reads this line (G_MESSAGES_DEBUG=fn-window). */
  g_debug ("First frame drawn, %.1f ms after the window was created",
           (g_get_monotonic_time () - self->created_at) / 1000.0);
  g_signal_handlers_disconnect_by_func (frame_clock, on_frame_clock_after_paint_cb, self);
}

static void
on_realize_cb (FnWindow *self)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  g_signal_connect_object (frame_clock, "after-paint",
                           G_CALLBACK (on_frame_clock_after_paint_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
window_search_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
window_new_note_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);
  g_autoptr (FnNote) note = NULL;

  if (!self->patient)
    return;

  note = fn_note_new (fn_record_get_id (FN_RECORD (self->patient)));
  open_note (self, note);
}

static void
window_open_note_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (GError) error = NULL;

  note = fn_store_get (self->store, FN_ENTITY_NOTE, g_variant_get_string (parameter, NULL), &error);
  if (!note)
    {
      show_error_toast (self, error->message);
      return;
    }

  /* From the Today view the note may belong to another patient than the
   * one shown: that patient becomes the current one. */
  if (!self->patient ||
      g_strcmp0 (fn_record_get_id (FN_RECORD (self->patient)),
                 fn_note_get_patient_id (FN_NOTE (note))) != 0)
    {
      g_autoptr (FnRecord) patient = fn_store_get (self->store, FN_ENTITY_PATIENT,
                                                   fn_note_get_patient_id (FN_NOTE (note)), NULL);

      /* The note being edited could not be saved: stay with it. */
      if (!close_note (self))
        return;
      if (patient)
        {
          g_set_object (&self->patient, FN_PATIENT (patient));
          fn_patient_page_set_patient (self->patient_page, FN_PATIENT (patient));
          select_current_patient (self);
        }
    }

  open_note (self, FN_NOTE (note));
}

static void
window_show_today_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);

  if (!close_note (self))
    return;

  self->from_today = TRUE;
  gtk_stack_set_visible_child (self->content_stack, GTK_WIDGET (self->today_page));
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  update_title (self);
  fn_window_update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->today_page));
}

static void
window_export_report_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  fn_today_page_export_report (FN_WINDOW (widget)->today_page);
}

static void
window_sync_now_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);

  if (self->engine)
    fn_sync_engine_sync_now (self->engine);
}

/* What a refused change is about, for the question before discarding it:
 * "Discard Your Change to “Wound care”?" */
static char *
describe_refused (FnRecord *record)
{
  if (record && fn_record_get_entity (record) == FN_ENTITY_NOTE)
    {
      const char *title = fn_note_get_title (FN_NOTE (record));

      if (title && *title)
        /* Translators: %s is the title of a note, already in quotes. */
        return g_strdup_printf (_("Discard Your Change to “%s”?"), title);
      return g_strdup (_("Discard Your Change to This Untitled Note?"));
    }

  if (record && fn_record_get_entity (record) == FN_ENTITY_PATIENT)
    {
      g_autofree char *name = fn_patient_dup_display_name (FN_PATIENT (record));

      if (name && *name)
        /* Translators: %s is a patient's name. */
        return g_strdup_printf (_("Discard Your Change to %s?"), name);
    }

  return g_strdup (_("Discard This Refused Change?"));
}

static void
on_discard_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        FnWindow         *self)
{
  const char *record_id = g_object_get_data (G_OBJECT (dialog), "record-id");
  g_autoptr (GError) error = NULL;
  gboolean removed = FALSE;

  if (g_strcmp0 (response, "discard") != 0)
    return;

  /* A pull under way would store its cursor over the one the discard
   * resets: the office's version would then not come back. */
  if (self->engine && fn_sync_engine_get_state (self->engine) == FN_SYNC_ENGINE_SYNCING)
    {
      show_error_toast (self, _("A sync is running. Discard the change again when it has "
                                "finished."));
      return;
    }

  /* The editor must not write the note back after it is gone. */
  if (is_showing_note (self) && fn_note_editor_get_note (self->note_editor) &&
      g_strcmp0 (fn_record_get_id (FN_RECORD (fn_note_editor_get_note (self->note_editor))),
                 record_id) == 0 &&
      !close_note (self))
    return;

  if (!fn_store_discard_rejected (self->store, record_id, &removed, &error))
    {
      show_error_toast (self, error->message);
      return;
    }

  show_sync_toast (self,
                   removed ? _("Change discarded. It is removed from this laptop.")
                           : _("Change discarded. The office’s version comes with the next sync."),
                   NULL, NULL);
  if (self->engine)
    fn_sync_engine_sync_now (self->engine);
}

/* Asks before giving up a change the office refused: it cannot be undone,
 * and the office's version (or nothing) replaces it. */
static void
window_discard_refused_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);
  const char *record_id = g_variant_get_string (parameter, NULL);
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) record = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *reason = NULL;
  const char *outcome;
  GtkWidget *dialog;

  if (!(ops = fn_store_list_outbox (self->store, &error)))
    {
      show_error_toast (self, error->message);
      return;
    }

  for (guint i = 0; i < ops->len && !reason; i++)
    {
      FnOutboxOp *op = g_ptr_array_index (ops, i);

      if (g_str_equal (op->state, "rejected") && g_str_equal (op->record_id, record_id))
        {
          reason = op->last_error && *op->last_error ? op->last_error : _("no reason given.");
          record = fn_store_get (self->store, op->entity, record_id, NULL);
        }
    }

  if (!reason)
    {
      show_error_toast (self, _("This record has no refused change to discard."));
      return;
    }

  if (record && fn_record_get_version (record) == 0 &&
      fn_record_get_entity (record) == FN_ENTITY_NOTE)
    outcome = _("The office never had this note, so it is removed from this laptop.");
  else if (record && fn_record_get_version (record) == 0)
    outcome = _("The office never had it, so it is removed from this laptop.");
  else
    outcome = _("This laptop takes the office’s version at the next sync.");

  heading = describe_refused (record);
  /* Translators: %s is the office's reason (a sentence), %s what happens next. */
  body = g_strdup_printf (_("The office refused it: %s\n\n%s This cannot be undone: copy the "
                            "text first if you still need it."),
                          reason, outcome);

  fn_sync_indicator_popdown (self->sidebar_indicator);
  fn_sync_indicator_popdown (self->content_indicator);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "record-id", g_strdup (record_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
window_show_sync_status_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);

  if (gtk_widget_get_visible (GTK_WIDGET (self->content_indicator)) &&
      gtk_widget_get_mapped (GTK_WIDGET (self->content_indicator)))
    fn_sync_indicator_popup (self->content_indicator);
  else
    {
      adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
      fn_sync_indicator_popup (self->sidebar_indicator);
    }
}

static void
window_show_conflicts_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);
  const char *note_id = g_variant_get_string (parameter, NULL);
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (FnRecord) patient = NULL;
  g_autoptr (GError) error = NULL;

  note = fn_store_get (self->store, FN_ENTITY_NOTE, note_id, &error);
  if (!note)
    {
      show_error_toast (self, error->message);
      return;
    }

  /* Show the note's patient behind it, so that Back has somewhere to go. */
  patient = fn_store_get (self->store, FN_ENTITY_PATIENT,
                          fn_note_get_patient_id (FN_NOTE (note)), NULL);
  if (!close_note (self))
    return;
  if (patient && (!self->patient ||
                  g_strcmp0 (fn_record_get_id (FN_RECORD (self->patient)),
                             fn_record_get_id (patient)) != 0))
    {
      GListModel *model = G_LIST_MODEL (self->patients);
      g_autoptr (FnPatient) listed = NULL;

      for (guint i = 0; !listed && i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr (FnPatient) item = g_list_model_get_item (model, i);

          if (g_strcmp0 (fn_record_get_id (FN_RECORD (item)), fn_record_get_id (patient)) == 0)
            listed = g_steal_pointer (&item);
        }
      fn_window_show_patient (self, listed ? listed : FN_PATIENT (patient));
      select_current_patient (self);
    }

  if (!fn_conflict_view_show_note (self->conflict_view, note_id))
    {
      /* Resolved meanwhile (perhaps in another window): just open the note. */
      open_note (self, FN_NOTE (note));
      return;
    }

  gtk_stack_set_visible_child (self->content_stack, GTK_WIDGET (self->conflict_view));
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  update_title (self);
  fn_window_update_actions (self);
}

static void
window_close_note_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  close_note (FN_WINDOW (widget));
}

static void
window_back_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);

  if (is_showing_conflict (self))
    gtk_widget_activate_action (widget, "win.open-note", "s",
                                fn_conflict_view_get_note_id (self->conflict_view));
  else if (is_showing_note (self))
    close_note (self);
  else if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
window_delete_note_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *markup = NULL;
  FnNote *note;
  AdwToast *toast;

  note = fn_note_editor_get_note (self->note_editor);
  if (!is_showing_note (self) || !note)
    return;

  /* Save first so that undo brings back everything that was typed; a note
   * the store refuses is deleted as it was last saved. */
  fn_note_editor_save (self->note_editor, NULL);

  id = g_strdup (fn_record_get_id (FN_RECORD (note)));
  title = g_strdup (fn_note_get_title (note));

  if (id && !fn_store_delete (self->store, FN_ENTITY_NOTE, id, &error))
    {
      show_error_toast (self, error->message);
      return;
    }

  fn_note_editor_set_note (self->note_editor, NULL);
  close_note (self);

  /* A note never saved has nothing to bring back. */
  if (!id)
    return;

  if (title && *title)
    {
      escaped = g_markup_escape_text (title, -1);
      /* Translators: %s is the title of a note. */
      markup = g_strdup_printf (_("“%s” deleted"), escaped);
    }
  else
    markup = g_strdup (_("Note deleted"));

  toast = adw_toast_new (markup);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
window_undo_delete_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FnWindow *self = FN_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (!fn_store_restore (self->store, FN_ENTITY_NOTE, g_variant_get_string (parameter, NULL), &error))
    show_error_toast (self, error->message);
}

static void
on_quit_info_response_cb (FnWindow *self)
{
  self->quit_informed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* Changes that have not reached the office are safe: say so once, with
 * nothing to decide, and close. */
static gboolean
inform_about_waiting_changes (FnWindow *self)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  guint pending;

  if (!self->engine || self->quit_informed)
    return FALSE;

  pending = fn_sync_engine_get_pending (self->engine);
  if (pending == 0)
    return FALSE;

  if (fn_sync_engine_get_state (self->engine) == FN_SYNC_ENGINE_SIGNED_OUT)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u change is saved on this laptop. It is sent to the "
                                         "office the next time you sign in.",
                                         "%u changes are saved on this laptop. They are sent to "
                                         "the office the next time you sign in.",
                                         pending),
                            pending);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u change has not reached the office yet. It is saved "
                                         "on this laptop and is sent the next time Field Notes "
                                         "runs with a network.",
                                         "%u changes have not reached the office yet. They are "
                                         "saved on this laptop and are sent the next time Field "
                                         "Notes runs with a network.",
                                         pending),
                            pending);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Your Changes Are Safe"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close Field Notes"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_quit_info_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

static gboolean
fn_window_close_request (GtkWindow *window)
{
  FnWindow *self = FN_WINDOW (window);

  save_window_state (self);

  /* If the note cannot be saved the window stays open once, so that the
   * caregiver sees why; closing again closes. */
  if (!save_note (self) && !self->close_refused)
    {
      self->close_refused = TRUE;
      return TRUE;
    }

  if (inform_about_waiting_changes (self))
    return TRUE;

  return GTK_WINDOW_CLASS (fn_window_parent_class)->close_request (window);
}

static void
fn_window_constructed (GObject *object)
{
  FnWindow *self = FN_WINDOW (object);
  GtkListItemFactory *factory;

  G_OBJECT_CLASS (fn_window_parent_class)->constructed (object);

  g_assert (FN_IS_STORE (self->store));

  self->patients = fn_patient_list_new (self->store);
  g_signal_connect_object (self->patients, "items-changed",
                           G_CALLBACK (on_patients_items_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->patients)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_selected_item_cb), self,
                           G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_patient_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_patient_row_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_patient_row_cb), NULL);
  gtk_list_view_set_factory (self->patient_list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->patient_list_view, GTK_SELECTION_MODEL (self->selection));

  fn_patient_page_set_store (self->patient_page, self->store);
  fn_note_editor_set_store (self->note_editor, self->store);
  fn_conflict_view_set_store (self->conflict_view, self->store);
  fn_today_page_set_store (self->today_page, self->store);
  fn_sync_indicator_set_store (self->sidebar_indicator, self->store);
  fn_sync_indicator_set_store (self->content_indicator, self->store);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed_cb), self,
                           G_CONNECT_SWAPPED);

  update_sidebar (self);
  update_title (self);
  fn_window_update_actions (self);
}

static void
fn_window_dispose (GObject *object)
{
  FnWindow *self = FN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), FN_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->patients);
  g_clear_object (&self->patient);
  if (self->engine)
    g_signal_handlers_disconnect_by_func (self->engine, on_engine_notify_cb, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fn_window_parent_class)->dispose (object);
}

static void
fn_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FnWindow *self = FN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FnWindow *self = FN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_SYNC_ENGINE:
      fn_window_set_sync_engine (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_window_class_init (FnWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fn_window_constructed;
  object_class->dispose = fn_window_dispose;
  object_class->get_property = fn_window_get_property;
  object_class->set_property = fn_window_set_property;

  window_class->close_request = fn_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         FN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         FN_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, window_sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.show-sync-status", NULL,
                                   window_show_sync_status_action);
  gtk_widget_class_install_action (widget_class, "win.show-conflicts", "s",
                                   window_show_conflicts_action);
  gtk_widget_class_install_action (widget_class, "win.discard-refused", "s",
                                   window_discard_refused_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, window_search_action);
  gtk_widget_class_install_action (widget_class, "win.new-note", NULL, window_new_note_action);
  gtk_widget_class_install_action (widget_class, "win.open-note", "s", window_open_note_action);
  gtk_widget_class_install_action (widget_class, "win.close-note", NULL, window_close_note_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, window_back_action);
  gtk_widget_class_install_action (widget_class, "win.delete-note", NULL, window_delete_note_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", window_undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.show-today", NULL, window_show_today_action);
  gtk_widget_class_install_action (widget_class, "win.export-report", NULL,
                                   window_export_report_action);

  /* Escape leaves the note, like the back button. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.close-note", NULL);

  g_type_ensure (FN_TYPE_PATIENT_PAGE);
  g_type_ensure (FN_TYPE_NOTE_EDITOR);
  g_type_ensure (FN_TYPE_CONFLICT_VIEW);
  g_type_ensure (FN_TYPE_SYNC_INDICATOR);
  g_type_ensure (FN_TYPE_TODAY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FnWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, content);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, sidebar_header);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, patient_list_view);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, delete_button);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, new_note_button);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, patient_page);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, note_editor);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, conflict_view);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, today_page);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, sidebar_indicator);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, content_indicator);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, FnWindow, offline_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_patient_list_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_note_editor_saved_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_conflict_view_done_cb);
}

static void
fn_window_init (FnWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->created_at = g_get_monotonic_time ();
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "realize", G_CALLBACK (on_realize_cb), NULL);
  self->settings = g_settings_new (FN_SETTINGS_SCHEMA_ID);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  g_object_bind_property (self->leaflet, "folded",
                          self->sidebar_header, "show-end-title-buttons",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->leaflet, "folded",
                          self->content_header, "show-start-title-buttons",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->leaflet, "notify::folded",
                           G_CALLBACK (on_leaflet_folded_cb), self, G_CONNECT_SWAPPED);

  /* Typing while the patient list has the focus searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->patient_list_view));

  restore_window_state (self);
}

FnWindow *
fn_window_new (GtkApplication *application,
               FnStore        *store)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FN_IS_STORE (store), NULL);

  return g_object_new (FN_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

FnStore *
fn_window_get_store (FnWindow *self)
{
  g_return_val_if_fail (FN_IS_WINDOW (self), NULL);

  return self->store;
}

/**
 * fn_window_get_patients:
 *
 * Returns: (transfer none): the patients in the sidebar, filtered by the search
 */
GListModel *
fn_window_get_patients (FnWindow *self)
{
  g_return_val_if_fail (FN_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->patients);
}

/**
 * fn_window_get_patient:
 *
 * Returns: (transfer none) (nullable): the patient whose page is shown
 */
FnPatient *
fn_window_get_patient (FnWindow *self)
{
  g_return_val_if_fail (FN_IS_WINDOW (self), NULL);

  return self->patient;
}

/**
 * fn_window_show_patient:
 *
 * Shows the page of @patient, saving the note being edited first.
 *
 * Returns: %FALSE if the note could not be saved; the editor stays
 */
gboolean
fn_window_show_patient (FnWindow  *self,
                        FnPatient *patient)
{
  g_return_val_if_fail (FN_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (FN_IS_PATIENT (patient), FALSE);

  if (!close_note (self))
    return FALSE;

  self->from_today = FALSE;
  g_set_object (&self->patient, patient);
  fn_patient_page_set_patient (self->patient_page, patient);
  gtk_stack_set_visible_child (self->content_stack, GTK_WIDGET (self->patient_page));
  adw_leaflet_set_visible_child (self->leaflet, self->content);

  update_title (self);
  fn_window_update_actions (self);

  return TRUE;
}

/**
 * fn_window_save:
 *
 * Saves the note being edited and the window's size, as closing does,
 * for a window about to be destroyed without closing (another account
 * takes the laptop).
 *
 * Returns: whether the note could be saved; if not, a toast says why
 */
gboolean
fn_window_save (FnWindow *self)
{
  g_return_val_if_fail (FN_IS_WINDOW (self), FALSE);

  save_window_state (self);
  return save_note (self);
}

/**
 * fn_window_show_toast:
 * @markup: Pango markup; escape any text a person typed
 */
void
fn_window_show_toast (FnWindow   *self,
                      const char *markup)
{
  AdwToast *toast;

  g_return_if_fail (FN_IS_WINDOW (self));
  g_return_if_fail (markup);

  toast = adw_toast_new (markup);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * fn_window_update_actions:
 *
 * Computes which commands are possible from the window's state, and the
 * header buttons that go with them.
 */
void
fn_window_update_actions (FnWindow *self)
{
  gboolean folded;
  gboolean showing_content;
  gboolean showing_note;

  g_return_if_fail (FN_IS_WINDOW (self));

  folded = adw_leaflet_get_folded (self->leaflet);
  showing_content = adw_leaflet_get_visible_child (self->leaflet) == self->content;
  showing_note = is_showing_note (self) && fn_note_editor_get_note (self->note_editor);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-note", self->patient != NULL);
  /* The Today view opens notes of any patient. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-note", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-note", showing_note);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-note", showing_note);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back",
                                 showing_note || is_showing_conflict (self) ||
                                 (folded && showing_content));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-report", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-now", self->engine != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-sync-status", self->engine != NULL);

  gtk_widget_set_visible (self->back_button, showing_note || is_showing_conflict (self) || folded);
  gtk_widget_set_visible (self->delete_button, showing_note);
  gtk_widget_set_visible (self->new_note_button,
                          self->patient != NULL && !showing_note && !is_showing_conflict (self) &&
                          !is_showing_today (self));
}

/**
 * fn_window_get_sync_engine:
 *
 * Returns: (transfer none) (nullable): the engine the window shows
 */
FnSyncEngine *
fn_window_get_sync_engine (FnWindow *self)
{
  g_return_val_if_fail (FN_IS_WINDOW (self), NULL);

  return self->engine;
}

/**
 * fn_window_set_sync_engine:
 * @engine: (nullable): the engine whose state the header, the offline bar
 *   and the toasts show
 */
void
fn_window_set_sync_engine (FnWindow     *self,
                           FnSyncEngine *engine)
{
  g_return_if_fail (FN_IS_WINDOW (self));
  g_return_if_fail (!engine || FN_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine)
    g_signal_handlers_disconnect_by_func (self->engine, on_engine_notify_cb, self);
  g_set_object (&self->engine, engine);

  fn_sync_indicator_set_engine (self->sidebar_indicator, engine);
  fn_sync_indicator_set_engine (self->content_indicator, engine);

  if (engine)
    {
      self->last_rejected = fn_sync_engine_get_rejected (engine);
      g_signal_connect_object (engine, "notify", G_CALLBACK (on_engine_notify_cb), self,
                               G_CONNECT_SWAPPED);
      on_engine_notify_cb (self, NULL, engine);
    }
  else
    {
      gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);
      fn_note_editor_set_metered (self->note_editor, FALSE);
    }

  fn_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}
