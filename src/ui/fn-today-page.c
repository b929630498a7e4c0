/* fn-today-page.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-today-page"

#include "config.h"

#include "fn-today-page.h"

#include "fn-sync-status.h"

#include <glib/gi18n.h>

/* The visits of one day (today unless the caregiver steps to another one)
 * with their sync and signature state, and the end-of-day report of that
 * day. Every state is an icon and words, never a colour alone. */

struct _FnTodayPage
{
  AdwBin           parent_instance;

  /* template children */
  GtkLabel        *day_label;
  GtkStack        *stack;
  GtkLabel        *summary_label;
  GtkListBox      *visits_list;
  AdwStatusPage   *empty_page;

  /* owned */
  FnStore         *store;
  GPtrArray       *rows;          /* the visits' rows, in order; borrowed widgets */
  GCancellable    *cancellable;
  GtkNativeDialog *chooser;
  GtkSizeGroup    *states_group;  /* lines up the state columns of the rows */
  GDate            day;
  guint            reload_id;
  guint            midnight_id;
  gboolean         stale;
  gboolean         writing;
};

/* What the report thread needs; it opens its own connection to the store. */
typedef struct
{
  char  *data_dir;
  char  *path;
  GDate  day;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_free (job->data_dir);
  g_free (job->path);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReportJob, report_job_free)

G_DEFINE_FINAL_TYPE (FnTodayPage, fn_today_page, ADW_TYPE_BIN)

static void
get_today (GDate *date)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
}

static GDateTime *
day_start_local (const GDate *day)
{
  return g_date_time_new_local (g_date_get_year (day), g_date_get_month (day),
                                g_date_get_day (day), 0, 0, 0);
}

static const char *
sync_state_short_text (FnSyncState state)
{
  switch (state)
    {
    case FN_SYNC_STATE_PENDING:
      return C_("sync state", "Waiting");
    case FN_SYNC_STATE_CONFLICT:
      return C_("sync state", "Conflict");
    case FN_SYNC_STATE_REJECTED:
      return C_("sync state", "Refused");
    case FN_SYNC_STATE_SYNCED:
    default:
      return C_("sync state", "Synced");
    }
}

static const char *
signature_icon_name (FnSignatureCheck check)
{
  switch (check)
    {
    case FN_SIGNATURE_CHECK_VALID:
    case FN_SIGNATURE_CHECK_BLOBS_MISSING:
      return "document-edit-symbolic";
    case FN_SIGNATURE_CHECK_NOTE_CHANGED:
      return "dialog-warning-symbolic";
    case FN_SIGNATURE_CHECK_UNSIGNED:
    default:
      return "action-unavailable-symbolic";
    }
}

static const char *
signature_short_text (FnSignatureCheck check)
{
  switch (check)
    {
    case FN_SIGNATURE_CHECK_VALID:
    case FN_SIGNATURE_CHECK_BLOBS_MISSING:
      return C_("signature state", "Signed");
    case FN_SIGNATURE_CHECK_NOTE_CHANGED:
      return C_("signature state", "Signed an earlier version");
    case FN_SIGNATURE_CHECK_UNSIGNED:
    default:
      return C_("signature state", "Not signed");
    }
}

static const char *
signature_description (FnSignatureCheck check)
{
  switch (check)
    {
    case FN_SIGNATURE_CHECK_VALID:
      return _("Signed");
    case FN_SIGNATURE_CHECK_BLOBS_MISSING:
      return _("Signed; the signature image is not on this laptop yet");
    case FN_SIGNATURE_CHECK_NOTE_CHANGED:
      return _("Signed an earlier version: the note changed after it was signed");
    case FN_SIGNATURE_CHECK_UNSIGNED:
    default:
      return _("Not signed");
    }
}

static GtkWidget *
create_state_box (const char *key,
                  GtkWidget  *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *image = gtk_image_new ();
  GtkWidget *label = gtk_label_new (NULL);
  g_autofree char *image_key = g_strconcat (key, "-image", NULL);
  g_autofree char *label_key = g_strconcat (key, "-label", NULL);

  gtk_widget_add_css_class (image, "sync-marker");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  g_object_set_data (G_OBJECT (row), image_key, image);
  g_object_set_data (G_OBJECT (row), label_key, label);

  return box;
}

static void
update_row (FnTodayPage *self,
            GtkWidget   *row,
            FnNote      *note)
{
  const char *id = fn_record_get_id (FN_RECORD (note));
  const char *title = fn_note_get_title (note);
  FnSyncState state = fn_record_get_sync_state (FN_RECORD (note));
  g_autoptr (FnRecord) patient = NULL;
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (GDateTime) utc = fn_note_dup_visit_time (note);
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;
  FnSignatureCheck check;
  GtkImage *sync_image = g_object_get_data (G_OBJECT (row), "sync-image");
  GtkImage *signature_image = g_object_get_data (G_OBJECT (row), "signature-image");

  patient = fn_store_get (self->store, FN_ENTITY_PATIENT, fn_note_get_patient_id (note), NULL);
  name = patient ? fn_patient_dup_display_name (FN_PATIENT (patient))
                 : g_strdup (_("Unknown patient"));
  check = fn_store_check_signature (self->store, id, &signature, NULL);

  if (utc)
    {
      local = g_date_time_to_local (utc);
      /* Translators: the time of a visit in the Today view, see g_date_time_format(). */
      time_text = g_date_time_format (local, _("%H:%M"));
    }

  if (!title || !*title)
    title = _("Untitled Note");

  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "time-label"),
                      time_text ? time_text : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), name);

  fn_sync_state_apply_to_image (state, sync_image);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "sync-label"),
                      sync_state_short_text (state));

  gtk_image_set_from_icon_name (signature_image, signature_icon_name (check));
  gtk_widget_set_tooltip_text (GTK_WIDGET (signature_image), signature_description (check));
  gtk_accessible_update_property (GTK_ACCESSIBLE (signature_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, signature_description (check),
                                  -1);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "signature-label"),
                      signature_short_text (check));

  /* Translators: what a screen reader says for a visit in the Today view:
   * time, note title, patient. */
  label = g_strdup_printf (_("%s, %s, %s"), time_text ? time_text : "", title, name);
  /* Translators: the sync state and the signature state of a visit. */
  description = g_strdup_printf (_("%s. %s."), fn_sync_state_description (state),
                                 signature_description (check));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static GtkWidget *
create_row (FnTodayPage *self,
            FnNote      *note)
{
  const char *id = fn_record_get_id (FN_RECORD (note));
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *time_label = gtk_label_new (NULL);
  GtkWidget *states = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-note");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", id);
  g_object_set_data_full (G_OBJECT (row), "note-id", g_strdup (id), g_free);

  gtk_widget_add_css_class (time_label, "numeric");
  gtk_widget_add_css_class (time_label, "heading");
  gtk_widget_set_valign (time_label, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (row), "time-label", time_label);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), time_label);

  gtk_widget_set_valign (states, GTK_ALIGN_CENTER);
  gtk_size_group_add_widget (self->states_group, states);
  gtk_box_append (GTK_BOX (states), create_state_box ("sync", row));
  gtk_box_append (GTK_BOX (states), create_state_box ("signature", row));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), states);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));

  /* The row's own label and description say everything, in the order a
   * caregiver reads it; the title and subtitle alone would not. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
  update_row (self, row, note);

  return row;
}

static const char *
row_get_note_id (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "note-id");
}

static gboolean
rows_match (FnTodayPage *self,
            GPtrArray   *notes)
{
  if (notes->len != self->rows->len)
    return FALSE;

  for (guint i = 0; i < notes->len; i++)
    if (g_strcmp0 (fn_record_get_id (g_ptr_array_index (notes, i)),
                   row_get_note_id (g_ptr_array_index (self->rows, i))) != 0)
      return FALSE;

  return TRUE;
}

static char *
focused_note_id (FnTodayPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  for (guint i = 0; focus && i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      if (focus == row || gtk_widget_is_ancestor (focus, row))
        return g_strdup (row_get_note_id (row));
    }

  return NULL;
}

static void
update_summary (FnTodayPage *self,
                GPtrArray   *notes)
{
  guint waiting = 0;
  guint unsigned_notes = 0;
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < notes->len; i++)
    {
      FnRecord *note = g_ptr_array_index (notes, i);

      if (fn_record_get_sync_state (note) != FN_SYNC_STATE_SYNCED)
        waiting++;
      if (fn_store_check_signature (self->store, fn_record_get_id (note), NULL, NULL) ==
          FN_SIGNATURE_CHECK_UNSIGNED)
        unsigned_notes++;
    }

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%u visit", "%u visits", notes->len),
                          notes->len);
  if (waiting == 0)
    /* Translators: follows "%u visits" in the Today view. */
    g_string_append (text, _(" · all synced with the office"));
  else
    g_string_append_printf (text,
                            /* Translators: follows "%u visits" in the Today view. */
                            g_dngettext (GETTEXT_PACKAGE,
                                         " · %u not yet synced",
                                         " · %u not yet synced",
                                         waiting),
                            waiting);
  if (unsigned_notes > 0)
    g_string_append_printf (text,
                            /* Translators: follows "%u visits" in the Today view. */
                            g_dngettext (GETTEXT_PACKAGE,
                                         " · %u not signed",
                                         " · %u not signed",
                                         unsigned_notes),
                            unsigned_notes);

  gtk_label_set_text (self->summary_label, text->str);
}

static void
update_day (FnTodayPage *self)
{
  g_autoptr (GDateTime) start = day_start_local (&self->day);
  g_autofree char *date_text = NULL;
  g_autofree char *label = NULL;
  GDate today;
  int delta;

  get_today (&today);
  delta = (int)g_date_get_julian (&self->day) - (int)g_date_get_julian (&today);
  /* Translators: a day in the Today view's header, see g_date_time_format(). */
  date_text = g_date_time_format (start, _("%A %-d %B %Y"));

  if (delta == 0)
    /* Translators: %s is a date, "Saturday 28 November 2026". */
    label = g_strdup_printf (_("Today, %s"), date_text);
  else if (delta == -1)
    /* Translators: %s is a date, "Friday 27 November 2026". */
    label = g_strdup_printf (_("Yesterday, %s"), date_text);
  else
    label = g_strdup (date_text);

  gtk_label_set_text (self->day_label, label);
  adw_status_page_set_title (self->empty_page,
                             delta == 0 ? _("No Visits Today") : _("No Visits on This Day"));
  adw_status_page_set_description (self->empty_page,
                                   delta == 0
                                   ? _("Notes you write today appear here with their sync and "
                                       "signature state")
                                   : _("No visit notes on this laptop are dated on this day"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "today.go-today", delta != 0);
}

static void
reload (FnTodayPage *self)
{
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;
  g_autoptr (GPtrArray) notes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *focus_id = NULL;

  update_day (self);

  if (self->store)
    {
      start = day_start_local (&self->day);
      end = g_date_time_add_days (start, 1);
      notes = fn_store_list_notes_between (self->store,
                                           g_date_time_to_unix (start) * 1000,
                                           g_date_time_to_unix (end) * 1000,
                                           &error);
      if (!notes)
        g_debug ("Could not list the day's visits: %s", error->message);
    }
  if (!notes)
    notes = g_ptr_array_new_with_free_func (g_object_unref);

  if (rows_match (self, notes))
    {
      /* The same visits: update them in place, the focus stays. */
      for (guint i = 0; i < notes->len; i++)
        update_row (self, g_ptr_array_index (self->rows, i), g_ptr_array_index (notes, i));
    }
  else
    {
      GtkWidget *child;

      focus_id = focused_note_id (self);
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->visits_list))))
        gtk_list_box_remove (self->visits_list, child);
      g_ptr_array_set_size (self->rows, 0);

      for (guint i = 0; i < notes->len; i++)
        {
          GtkWidget *row = create_row (self, g_ptr_array_index (notes, i));

          gtk_list_box_append (self->visits_list, row);
          g_ptr_array_add (self->rows, row);
          if (focus_id && g_strcmp0 (focus_id, row_get_note_id (row)) == 0)
            gtk_widget_grab_focus (row);
        }
    }

  update_summary (self, notes);
  gtk_stack_set_visible_child_name (self->stack, notes->len > 0 ? "list" : "empty");
}

/* The day is read only while the page is on screen: with a large store the
 * window would otherwise wait for a page nobody looks at. */
static void
reload_when_shown (FnTodayPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  FnTodayPage *self = user_data;

  self->reload_id = 0;
  reload_when_shown (self);

  return G_SOURCE_REMOVE;
}

static void
on_store_changed_cb (FnTodayPage *self,
                     FnEntity     entity,
                     const char  *id,
                     FnStore     *store)
{
  /* A sync commits many records at once: load the day once after them. */
  if (!self->reload_id)
    self->reload_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, reload_idle_cb, self, NULL);
}

static void
show_toast (FnTodayPage *self,
            const char  *markup)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (!overlay)
    return;

  toast = adw_toast_new (markup);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
write_report_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ReportJob *job = task_data;
  g_autoptr (FnStore) store = NULL;
  g_autoptr (GError) error = NULL;

  /* A SQLite connection belongs to one thread: this one opens its own. */
  store = fn_store_new (job->data_dir, &error);
  if (!store || !fn_report_write_day_pdf (store, &job->day, job->path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
report_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FnTodayPage *self = FN_TODAY_PAGE (object);
  g_autoptr (GError) error = NULL;

  if (!fn_today_page_write_report_finish (self, result, &error))
    {
      g_autofree char *message = NULL;
      g_autofree char *escaped = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->writing = FALSE;
      /* Translators: %s says why the report could not be written. */
      message = g_strdup_printf (_("The report could not be saved: %s"), error->message);
      escaped = g_markup_escape_text (message, -1);
      show_toast (self, escaped);
      return;
    }

  self->writing = FALSE;
  show_toast (self, _("Report saved"));
}

static void
on_chooser_response_cb (FnTodayPage     *self,
                        int              response,
                        GtkNativeDialog *chooser)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);

  if (!file)
    return;

  self->writing = TRUE;
  fn_today_page_write_report_async (self, file, self->cancellable, report_written_cb, NULL);
}

static void
today_previous_day_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FnTodayPage *self = FN_TODAY_PAGE (widget);
  GDate day = self->day;

  g_date_subtract_days (&day, 1);
  fn_today_page_set_day (self, &day);
}

static void
today_next_day_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FnTodayPage *self = FN_TODAY_PAGE (widget);
  GDate day = self->day;

  g_date_add_days (&day, 1);
  fn_today_page_set_day (self, &day);
}

static void
today_go_today_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  GDate today;

  get_today (&today);
  fn_today_page_set_day (FN_TODAY_PAGE (widget), &today);
}

static void schedule_midnight (FnTodayPage *self);

/* A caregiver who works past midnight keeps the day on screen (its report
 * may still be due); its heading now says "Yesterday". */
static gboolean
midnight_cb (gpointer user_data)
{
  FnTodayPage *self = user_data;

  self->midnight_id = 0;
  update_day (self);
  schedule_midnight (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_midnight (FnTodayPage *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) next = NULL;
  GTimeSpan seconds;
  GDate today;

  get_today (&today);
  start = day_start_local (&today);
  next = g_date_time_add_days (start, 1);

  /* A second late rather than early; a suspended laptop catches up in map. */
  seconds = g_date_time_difference (next, now) / G_USEC_PER_SEC + 1;
  g_clear_handle_id (&self->midnight_id, g_source_remove);
  self->midnight_id = g_timeout_add_seconds ((guint)seconds, midnight_cb, self);
}

static void
fn_today_page_map (GtkWidget *widget)
{
  FnTodayPage *self = FN_TODAY_PAGE (widget);

  GTK_WIDGET_CLASS (fn_today_page_parent_class)->map (widget);

  /* "Today" may have become yesterday while the page was hidden. */
  update_day (self);
  schedule_midnight (self);
  if (self->stale)
    {
      self->stale = FALSE;
      reload (self);
    }
}

static void
fn_today_page_unmap (GtkWidget *widget)
{
  FnTodayPage *self = FN_TODAY_PAGE (widget);

  g_clear_handle_id (&self->midnight_id, g_source_remove);

  GTK_WIDGET_CLASS (fn_today_page_parent_class)->unmap (widget);
}

/* Coming to the page, a keyboard or screen reader user lands on the first
 * visit of the day, or on the day buttons when there is none. */
static gboolean
fn_today_page_grab_focus (GtkWidget *widget)
{
  FnTodayPage *self = FN_TODAY_PAGE (widget);

  if (self->rows->len > 0 && gtk_widget_grab_focus (g_ptr_array_index (self->rows, 0)))
    return TRUE;

  return GTK_WIDGET_CLASS (fn_today_page_parent_class)->grab_focus (widget);
}

static void
fn_today_page_dispose (GObject *object)
{
  FnTodayPage *self = FN_TODAY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->midnight_id, g_source_remove);
  if (self->chooser)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, on_store_changed_cb, self);
  g_clear_object (&self->store);
  if (self->rows)
    g_ptr_array_set_size (self->rows, 0);

  gtk_widget_dispose_template (GTK_WIDGET (self), FN_TYPE_TODAY_PAGE);

  G_OBJECT_CLASS (fn_today_page_parent_class)->dispose (object);
}

static void
fn_today_page_finalize (GObject *object)
{
  FnTodayPage *self = FN_TODAY_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->states_group);

  G_OBJECT_CLASS (fn_today_page_parent_class)->finalize (object);
}

static void
fn_today_page_class_init (FnTodayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fn_today_page_dispose;
  object_class->finalize = fn_today_page_finalize;

  widget_class->map = fn_today_page_map;
  widget_class->unmap = fn_today_page_unmap;
  widget_class->grab_focus = fn_today_page_grab_focus;

  gtk_widget_class_install_action (widget_class, "today.previous-day", NULL,
                                   today_previous_day_action);
  gtk_widget_class_install_action (widget_class, "today.next-day", NULL, today_next_day_action);
  gtk_widget_class_install_action (widget_class, "today.go-today", NULL, today_go_today_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_ALT_MASK,
                                       "today.previous-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_ALT_MASK,
                                       "today.next-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK,
                                       "today.go-today", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-today-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FnTodayPage, day_label);
  gtk_widget_class_bind_template_child (widget_class, FnTodayPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FnTodayPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FnTodayPage, visits_list);
  gtk_widget_class_bind_template_child (widget_class, FnTodayPage, empty_page);
}

static void
fn_today_page_init (FnTodayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->states_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->cancellable = g_cancellable_new ();
  get_today (&self->day);
  reload (self);
}

GtkWidget *
fn_today_page_new (void)
{
  return g_object_new (FN_TYPE_TODAY_PAGE, NULL);
}

FnStore *
fn_today_page_get_store (FnTodayPage *self)
{
  g_return_val_if_fail (FN_IS_TODAY_PAGE (self), NULL);

  return self->store;
}

/**
 * fn_today_page_set_store:
 * @store: (nullable): the store whose visits the page lists
 */
void
fn_today_page_set_store (FnTodayPage *self,
                         FnStore     *store)
{
  g_return_if_fail (FN_IS_TODAY_PAGE (self));
  g_return_if_fail (!store || FN_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, on_store_changed_cb, self);
  g_set_object (&self->store, store);
  if (store)
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self,
                             G_CONNECT_SWAPPED);

  reload_when_shown (self);
}

/**
 * fn_today_page_get_day:
 *
 * Returns: (transfer none): the day shown, in local time
 */
const GDate *
fn_today_page_get_day (FnTodayPage *self)
{
  g_return_val_if_fail (FN_IS_TODAY_PAGE (self), NULL);

  return &self->day;
}

void
fn_today_page_set_day (FnTodayPage *self,
                       const GDate *day)
{
  g_return_if_fail (FN_IS_TODAY_PAGE (self));
  g_return_if_fail (day && g_date_valid (day));

  if (g_date_compare (day, &self->day) == 0)
    return;

  self->day = *day;
  reload (self);
}

/**
 * fn_today_page_get_n_visits:
 *
 * Returns: how many visits the page lists
 */
guint
fn_today_page_get_n_visits (FnTodayPage *self)
{
  g_return_val_if_fail (FN_IS_TODAY_PAGE (self), 0);

  return self->rows->len;
}

/**
 * fn_today_page_export_report:
 *
 * Asks where to save the end-of-day report of the day shown, writes it in
 * a thread and says how that went in a toast.
 */
void
fn_today_page_export_report (FnTodayPage *self)
{
  GtkRoot *root;
  g_autoptr (GtkFileFilter) filter = NULL;
  g_autofree char *name = NULL;
  const char *documents;
  char iso[16];

  g_return_if_fail (FN_IS_TODAY_PAGE (self));

  if (self->chooser || self->writing || !self->store)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Save End-of-Day Report"),
                                                                  GTK_IS_WINDOW (root)
                                                                  ? GTK_WINDOW (root) : NULL,
                                                                  GTK_FILE_CHOOSER_ACTION_SAVE,
                                                                  _("_Save"), _("_Cancel")));
  gtk_native_dialog_set_modal (self->chooser, TRUE);

  g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &self->day);
  /* Translators: the suggested file name of the report; %s is the day, 2026-11-28. */
  name = g_strdup_printf (_("visits-%s.pdf"), iso);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);

  documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  if (documents && g_file_test (documents, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) folder = g_file_new_for_path (documents);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PDF Documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

/**
 * fn_today_page_write_report_async:
 * @file: where to write the PDF; a local file
 *
 * Writes the end-of-day report of the day shown in a thread, with its own
 * connection to the store.
 */
void
fn_today_page_write_report_async (FnTodayPage         *self,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (ReportJob) job = NULL;

  g_return_if_fail (FN_IS_TODAY_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fn_today_page_write_report_async);
  g_task_set_name (task, "[fn-today-page] write report");
  g_task_set_return_on_cancel (task, FALSE);

  job = g_new0 (ReportJob, 1);
  job->path = g_file_get_path (file);
  job->day = self->day;
  if (self->store)
    job->data_dir = g_strdup (fn_store_get_data_dir (self->store));

  if (!job->path || !job->data_dir)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Choose a folder on this laptop for the report."));
      return;
    }

  g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify)report_job_free);
  g_task_run_in_thread (task, write_report_thread);
}

gboolean
fn_today_page_write_report_finish (FnTodayPage   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (FN_IS_TODAY_PAGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
