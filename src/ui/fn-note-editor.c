/* fn-note-editor.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-note-editor"

#include "config.h"

#include "fn-note-editor.h"

#include "fn-conflict-view.h"
#include "fn-signature-dialog.h"
#include "fn-signature-view.h"

#include <glib/gi18n.h>

/* The order of the kind dropdown's items. */
static const char * const kinds[] = { "visit", "observation", "medication", "incident" };

struct _FnNoteEditor
{
  AdwBin parent_instance;

  /* template children */
  AdwEntryRow   *title_row;
  AdwComboRow   *kind_row;
  AdwActionRow  *visit_row;
  GtkCalendar   *calendar;
  GtkSpinButton *hour_spin;
  GtkSpinButton *minute_spin;
  GtkSwitch     *final_switch;
  GtkTextView   *body_view;
  GtkRevealer   *error_revealer;
  GtkLabel      *error_label;
  GtkLabel      *status_label;
  GtkRevealer   *conflict_revealer;
  GtkWidget     *resolve_button;
  GtkWidget     *ask_signature_button;
  GtkWidget     *signature_box;
  FnSignatureView *signature_view;
  GtkWidget     *edit_signed_button;
  GtkWidget     *history_box;
  GtkListBox    *history_list;
  GtkRevealer   *notice_revealer;
  GtkLabel      *notice_label;

  /* owned */
  FnStore       *store;
  FnNote        *note;     /* our working copy, never a list's object */
  GHashTable    *touched;  /* field name → Touched, typed into since the last save */
  guint          autosave_id;
  GCancellable  *cancellable;
  gboolean       edit_signed;  /* the caregiver chose to edit a signed note */
  gboolean       revive;       /* deleted elsewhere while being typed into */
  gboolean       title_overtaken;  /* changed elsewhere while typed, until synced */
  gboolean       body_overtaken;

  gboolean       dirty;
  gboolean       loading;
};

enum
{
  PROP_0,
  PROP_STORE,
  PROP_NOTE,
  PROP_DIRTY,
  N_PROPS
};

enum
{
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FnNoteEditor, fn_note_editor, ADW_TYPE_BIN)

/* A field typed into since the last save: what it started from, and
 * whether someone else changed it meanwhile. */
typedef struct
{
  gint64    base_version;
  char     *base_value;
  gboolean  overtaken;
} Touched;

static void
touched_free (gpointer data)
{
  Touched *touched = data;

  g_free (touched->base_value);
  g_free (touched);
}

static gboolean
is_blank (const char *text)
{
  if (!text)
    return TRUE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static char *
dup_body_text (FnNoteEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_dirty (FnNoteEditor *self,
           gboolean      dirty)
{
  if (self->dirty == dirty)
    return;

  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

static void
show_error (FnNoteEditor *self,
            const char   *message)
{
  if (message)
    gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* Whether the working copy may be written: a new note is only worth saving
 * once the caregiver has typed something. */
static gboolean
should_save (FnNoteEditor *self)
{
  if (!self->note || !self->dirty)
    return FALSE;

  if (fn_record_get_id (FN_RECORD (self->note)))
    return TRUE;

  return !is_blank (fn_note_get_title (self->note)) ||
         !is_blank (fn_note_get_body (self->note));
}

static void
update_status (FnNoteEditor *self)
{
  const char *text = "";

  if (!self->note)
    text = "";
  else if (should_save (self))
    text = _("Saving…");
  else if (fn_record_get_id (FN_RECORD (self->note)))
    text = _("All changes saved");

  gtk_label_set_text (self->status_label, text);
}

/* A conflict on the title or text: say so above the note, with the way
 * to the conflict view. */
static void
update_conflict_banner (FnNoteEditor *self)
{
  const char *id = self->note ? fn_record_get_id (FN_RECORD (self->note)) : NULL;
  gboolean conflict = id &&
                      fn_record_get_sync_state (FN_RECORD (self->note)) == FN_SYNC_STATE_CONFLICT;

  if (conflict)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->resolve_button), "s", id);
  /* Hidden as well, so that it takes no spacing when there is nothing. */
  gtk_widget_set_visible (GTK_WIDGET (self->conflict_revealer), conflict);
  gtk_revealer_set_reveal_child (self->conflict_revealer, conflict);
}

static void
describe (GtkAccessible *accessible,
          const char    *description)
{
  if (description)
    gtk_accessible_update_property (accessible, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    description, -1);
  else
    gtk_accessible_reset_property (accessible, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* Says what happened under the fields being typed into: the office
 * changed them (both texts are kept for a person to choose), or the note
 * was deleted (it stays, with what was typed). The notice sits under the
 * text, so that nothing above the cursor moves; the fields' accessible
 * descriptions say the same while it shows. */
static void
update_notice (FnNoteEditor *self)
{
  const char *text = NULL;

  if (self->revive)
    text = _("This note was deleted elsewhere while you were typing. It stays, with what "
             "you typed; delete it again if it is no longer needed.");
  else if (self->title_overtaken && self->body_overtaken)
    text = _("The office changed the title and the text while you were typing. Both "
             "versions are kept: once the note has synced, you will be asked which to keep.");
  else if (self->title_overtaken)
    text = _("The office changed the title while you were typing. Both versions are kept: "
             "once the note has synced, you will be asked which to keep.");
  else if (self->body_overtaken)
    text = _("The office changed the text of this note while you were typing. Both "
             "versions are kept: once the note has synced, you will be asked which to keep.");

  if (text)
    gtk_label_set_text (self->notice_label, text);
  /* Hidden as well, so that it takes no spacing when there is nothing. */
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), text != NULL);
  gtk_revealer_set_reveal_child (self->notice_revealer, text != NULL);

  describe (GTK_ACCESSIBLE (self->title_row),
            (self->revive || self->title_overtaken) ? text : NULL);
  describe (GTK_ACCESSIBLE (self->body_view),
            (self->revive || self->body_overtaken) ? text : NULL);
}

static void
clear_notice (FnNoteEditor *self)
{
  self->revive = FALSE;
  self->title_overtaken = FALSE;
  self->body_overtaken = FALSE;
  update_notice (self);
}

static void
update_history (FnNoteEditor *self)
{
  const char *id = self->note ? fn_record_get_id (FN_RECORD (self->note)) : NULL;
  guint n = fn_conflict_history_fill (self->history_list, self->store, FN_ENTITY_NOTE, id);

  gtk_widget_set_visible (self->history_box, n > 0);
}

static GDateTime *
dup_visit_time (FnNoteEditor *self)
{
  g_autoptr (GDateTime) time = NULL;

  if (self->note)
    time = fn_note_dup_visit_time (self->note);
  if (!time)
    time = g_date_time_new_now_local ();

  return g_date_time_to_local (time);
}

static void
update_visit_row (FnNoteEditor *self)
{
  g_autoptr (GDateTime) time = dup_visit_time (self);
  g_autofree char *text = NULL;

  /* Translators: how a visit time is shown, see g_date_time_format(). */
  text = g_date_time_format (time, _("%A, %-d %B %Y, %H:%M"));
  adw_action_row_set_subtitle (self->visit_row, text);
}

static gboolean
autosave_cb (gpointer user_data)
{
  FnNoteEditor *self = user_data;
  g_autoptr (GError) error = NULL;

  self->autosave_id = 0;

  /* The error is already shown inline; the text stays where it is. */
  if (!fn_note_editor_save (self, &error))
    g_debug ("Autosave failed: %s", error->message);

  return G_SOURCE_REMOVE;
}

/* The caregiver set @field to @value. The first change since the last save
 * remembers what the field held, and in which version of the note. */
static void
changed (FnNoteEditor *self,
         const char   *field,
         const char   *value)
{
  if (self->loading || !self->note)
    return;

  if (!g_hash_table_contains (self->touched, field))
    {
      Touched *touched = g_new0 (Touched, 1);

      touched->base_version = fn_record_get_version (FN_RECORD (self->note));
      touched->base_value = g_strdup (fn_record_get_field (FN_RECORD (self->note), field));
      g_hash_table_insert (self->touched, (gpointer)field, touched);
    }
  fn_record_set_field (FN_RECORD (self->note), field, value);

  set_dirty (self, TRUE);
  update_status (self);

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->autosave_id = g_timeout_add (FN_NOTE_EDITOR_AUTOSAVE_MS, autosave_cb, self);
}

/* A signed note is locked until the caregiver chooses to edit it anyway. */
static void
set_locked (FnNoteEditor *self,
            gboolean      locked)
{
  gtk_editable_set_editable (GTK_EDITABLE (self->title_row), !locked);
  gtk_text_view_set_editable (self->body_view, !locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), !locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->visit_row), !locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->final_switch), !locked);
}

/* Shows the note's signature, if it has one, and whether the stored note
 * still says what was signed. */
static void
update_signature (FnNoteEditor *self)
{
  const char *id = self->note ? fn_record_get_id (FN_RECORD (self->note)) : NULL;
  g_autoptr (FnSignature) signature = NULL;
  FnSignatureCheck check = FN_SIGNATURE_CHECK_UNSIGNED;
  gboolean locked;

  if (self->store && id)
    check = fn_store_check_signature (self->store, id, &signature, NULL);

  if (signature)
    {
      FnRecord *record = FN_RECORD (signature);
      g_autoptr (GBytes) blob = NULL;
      g_autoptr (FnStrokes) strokes = NULL;
      g_autoptr (GDateTime) captured_at = NULL;

      /* The strokes may still be on their way from the office. */
      blob = fn_store_get_blob (self->store, fn_record_get_field (record, "strokes_blob"), NULL);
      if (blob)
        strokes = fn_strokes_parse (blob, NULL);
      captured_at = g_date_time_new_from_iso8601 (fn_record_get_field (record, "captured_at"),
                                                  NULL);
      fn_signature_view_set_signature (self->signature_view, strokes,
                                       fn_record_get_field (record, "signer_name"),
                                       fn_record_get_field (record, "signer_role"),
                                       captured_at);
      fn_signature_view_set_matches (self->signature_view,
                                     check != FN_SIGNATURE_CHECK_NOTE_CHANGED);
    }

  locked = signature && check != FN_SIGNATURE_CHECK_NOTE_CHANGED && !self->edit_signed;
  set_locked (self, locked);
  gtk_widget_set_visible (self->signature_box, signature != NULL);
  gtk_widget_set_visible (self->ask_signature_button, id && !signature);
  gtk_widget_set_visible (self->edit_signed_button, locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "note.ask-signature", id && !signature);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "note.edit-signed", locked);
}

static void
load_note (FnNoteEditor *self)
{
  g_autoptr (GDateTime) time = NULL;
  const char *kind;
  guint kind_index = 0;

  self->loading = TRUE;

  kind = self->note ? fn_note_get_kind (self->note) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kind, kinds[i]) == 0)
      kind_index = i;

  gtk_editable_set_text (GTK_EDITABLE (self->title_row),
                         self->note ? fn_note_get_title (self->note) ?: "" : "");
  /* Put the cursor at the end rather than leave the text selected. */
  gtk_editable_set_position (GTK_EDITABLE (self->title_row), -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view),
                            self->note ? fn_note_get_body (self->note) ?: "" : "", -1);
  adw_combo_row_set_selected (self->kind_row, kind_index);
  gtk_switch_set_active (self->final_switch,
                         self->note && g_strcmp0 (fn_note_get_status (self->note), "final") == 0);

  time = dup_visit_time (self);
  gtk_calendar_select_day (self->calendar, time);
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (time));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (time));
  update_visit_row (self);

  self->loading = FALSE;

  show_error (self, NULL);
  update_status (self);
  update_conflict_banner (self);
  update_history (self);
  update_signature (self);
}

static void
on_title_row_changed_cb (FnNoteEditor *self)
{
  if (self->loading || !self->note)
    return;

  changed (self, "title", gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
}

static void
on_body_buffer_changed_cb (FnNoteEditor  *self,
                           GtkTextBuffer *buffer)
{
  g_autofree char *text = NULL;

  if (self->loading || !self->note)
    return;

  text = dup_body_text (self);
  changed (self, "body", text);
}

static void
on_kind_row_selected_cb (FnNoteEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  if (self->loading || !self->note || selected >= G_N_ELEMENTS (kinds))
    return;

  changed (self, "kind", kinds[selected]);
}

static void
on_final_switch_active_cb (FnNoteEditor *self)
{
  if (self->loading || !self->note)
    return;

  changed (self, "status", gtk_switch_get_active (self->final_switch) ? "final" : "draft");
}

static void
on_visit_time_changed_cb (FnNoteEditor *self)
{
  g_autoptr (GDateTime) day = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  if (self->loading || !self->note)
    return;

  day = gtk_calendar_get_date (self->calendar);
  local = g_date_time_new_local (g_date_time_get_year (day),
                                 g_date_time_get_month (day),
                                 g_date_time_get_day_of_month (day),
                                 gtk_spin_button_get_value_as_int (self->hour_spin),
                                 gtk_spin_button_get_value_as_int (self->minute_spin),
                                 0);
  if (!local)
    return;

  utc = g_date_time_to_utc (local);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  changed (self, "visit_at", text);
  update_visit_row (self);
}

static gboolean
on_time_spin_output_cb (GtkSpinButton *spin,
                        gpointer       user_data)
{
  g_autofree char *text = NULL;

  text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));
  gtk_editable_set_text (GTK_EDITABLE (spin), text);

  return TRUE;
}

/* Puts a value that arrived from elsewhere into its widget, without
 * counting it as an edit. The text keeps its cursor where it can. */
static void
load_field (FnNoteEditor *self,
            const char   *field,
            const char   *value)
{
  fn_record_set_field (FN_RECORD (self->note), field, value);

  self->loading = TRUE;

  if (g_str_equal (field, "title"))
    {
      int position = gtk_editable_get_position (GTK_EDITABLE (self->title_row));

      gtk_editable_set_text (GTK_EDITABLE (self->title_row), value ? value : "");
      gtk_editable_set_position (GTK_EDITABLE (self->title_row), position);
    }
  else if (g_str_equal (field, "body"))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
      GtkTextIter iter;
      int offset;

      gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
      offset = gtk_text_iter_get_offset (&iter);
      gtk_text_buffer_set_text (buffer, value ? value : "", -1);
      gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
      gtk_text_buffer_place_cursor (buffer, &iter);
    }
  else if (g_str_equal (field, "kind"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (g_strcmp0 (value, kinds[i]) == 0)
          adw_combo_row_set_selected (self->kind_row, i);
    }
  else if (g_str_equal (field, "status"))
    gtk_switch_set_active (self->final_switch, g_strcmp0 (value, "final") == 0);
  else if (g_str_equal (field, "visit_at"))
    {
      g_autoptr (GDateTime) time = dup_visit_time (self);

      gtk_calendar_select_day (self->calendar, time);
      gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (time));
      gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (time));
      update_visit_row (self);
    }

  self->loading = FALSE;
}

/* Whether the store's @value of a field being typed into came from
 * someone else since the typing began: not what it started from, not what
 * is typed, and not a change of this laptop still to be sent (a pull never
 * overwrites those, so such a value was written here, by the command-line
 * client for example). */
static gboolean
is_overtaken (FnNoteEditor *self,
              const char   *field,
              Touched      *touched,
              const char   *value)
{
  g_autoptr (GError) error = NULL;
  gboolean pending;

  if (touched->overtaken || g_strcmp0 (value, touched->base_value) == 0 ||
      g_strcmp0 (value, fn_record_get_field (FN_RECORD (self->note), field)) == 0)
    return FALSE;

  /* When the outbox cannot be read, keeping both texts is the safe side. */
  pending = fn_store_is_field_pending (self->store, fn_record_get_id (FN_RECORD (self->note)),
                                       field, &error);
  if (error)
    g_debug ("Reading the pending changes failed: %s", error->message);

  return !pending;
}

/* Someone else changed the note (a sync, the command-line client): each
 * field the caregiver has not typed into since the last save takes the new
 * value in place; the ones being typed into keep what is typed. When the
 * office changed one of those meanwhile, the save sends the caregiver's
 * text as based on the version the typing started from, so that the
 * server keeps both texts as a conflict; the notice says so at once. A
 * note deleted while being typed into stays, and the save brings it back.
 * Nothing else moves, not even the cursor. */
static void
on_store_changed_cb (FnNoteEditor *self,
                     FnEntity      entity,
                     const char   *id,
                     FnStore      *store)
{
  static const char * const fields[] = { "title", "body", "kind", "status", "visit_at" };
  g_autoptr (FnRecord) fresh = NULL;
  const char *note_id;
  FnSyncState state;

  if (entity == FN_ENTITY_CONFLICT && self->note)
    update_history (self);

  if (entity == FN_ENTITY_SIGNATURE && self->note)
    update_signature (self);

  if (entity != FN_ENTITY_NOTE || !self->note)
    return;

  note_id = fn_record_get_id (FN_RECORD (self->note));
  if (!note_id || (id && g_strcmp0 (id, note_id) != 0))
    return;

  fresh = fn_store_get (store, FN_ENTITY_NOTE, note_id, NULL);
  if (!fresh)
    return;

  if (fn_record_get_deleted (fresh))
    {
      if (!self->dirty)
        fn_record_set_deleted (FN_RECORD (self->note), TRUE);
      else if (!self->revive)
        {
          g_debug ("Note %s deleted while being typed into", note_id);
          self->revive = TRUE;
          update_notice (self);
        }
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *value = fn_record_get_field (fresh, fields[i]);
      Touched *touched = g_hash_table_lookup (self->touched, fields[i]);

      if (touched)
        {
          if (is_overtaken (self, fields[i], touched, value))
            {
              g_debug ("Note %s: %s changed elsewhere while being typed", note_id, fields[i]);
              touched->overtaken = TRUE;
              self->title_overtaken |= g_str_equal (fields[i], "title");
              self->body_overtaken |= g_str_equal (fields[i], "body");
              update_notice (self);
            }
          continue;
        }

      if (g_strcmp0 (value, fn_record_get_field (FN_RECORD (self->note), fields[i])) == 0)
        continue;

      g_debug ("Note %s: %s changed in the store", note_id, fields[i]);
      load_field (self, fields[i], value);
    }

  /* The rest (version, author, sync state) is never typed. */
  if (!self->dirty)
    fn_record_update_from (FN_RECORD (self->note), fresh);
  fn_record_set_version (FN_RECORD (self->note), fn_record_get_version (fresh));
  state = fn_record_get_sync_state (fresh);
  fn_record_set_sync_state (FN_RECORD (self->note), state);

  /* Synced: the notice has done its work (a conflict has its own banner). */
  if (!self->dirty && state != FN_SYNC_STATE_PENDING)
    clear_notice (self);

  update_conflict_banner (self);
  update_status (self);
  update_signature (self);
}

typedef struct
{
  FnNoteEditor *self;
  char         *note_id;
} SignatureRequest;

static void
signature_request_free (SignatureRequest *request)
{
  g_object_unref (request->self);
  g_free (request->note_id);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignatureRequest, signature_request_free)

/* The person could not sign: the note says so, with the reason and the
 * witness, as a paper form would. */
static void
record_unable_to_sign (FnNoteEditor      *self,
                       FnSignatureResult *result)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  g_autofree char *role = fn_signature_role_to_label (result->signer_role);
  g_autofree char *body = dup_body_text (self);
  g_autofree char *text = NULL;
  GtkTextIter end;

  /* Translators: added to a note when the patient or relative could not
   * sign it: name, role, reason, witness's name. */
  text = g_strdup_printf (_("Not signed: %s (%s) was unable to sign. Reason: %s. Witness: %s."),
                          result->signer_name, role, result->unable_reason,
                          result->witness_name);

  gtk_text_buffer_get_end_iter (buffer, &end);
  if (!is_blank (body))
    gtk_text_buffer_insert (buffer, &end, "\n\n", -1);
  gtk_text_buffer_insert (buffer, &end, text, -1);
  fn_note_editor_save (self, NULL);
}

static void
ask_signature_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (SignatureRequest) request = user_data;
  FnNoteEditor *self = request->self;
  g_autoptr (FnSignatureResult) answer = NULL;
  g_autoptr (FnSignature) signature = NULL;
  g_autoptr (GError) error = NULL;

  answer = fn_signature_dialog_run_finish (FN_SIGNATURE_DIALOG (source), result, &error);
  if (!answer)
    return;

  /* The dialog is modal, but the note may have gone meanwhile. */
  if (!self->note || g_strcmp0 (fn_record_get_id (FN_RECORD (self->note)), request->note_id) != 0)
    return;

  if (!answer->strokes)
    {
      record_unable_to_sign (self, answer);
      return;
    }

  signature = fn_store_add_signature (self->store, request->note_id, answer->signer_name,
                                      answer->signer_role, answer->strokes, &error);
  if (!signature)
    show_error (self, error->message);
  update_signature (self);
}

static void
note_ask_signature_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FnNoteEditor *self = FN_NOTE_EDITOR (widget);
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (FnRecord) patient = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *patient_name = NULL;
  SignatureRequest *request;
  FnSignatureDialog *dialog;
  const char *id;

  if (!self->note || !self->store)
    return;

  /* What is signed is what is stored. */
  if (!fn_note_editor_save (self, NULL))
    return;
  id = fn_record_get_id (FN_RECORD (self->note));
  if (!id)
    return;

  /* Core refuses too; say it before anyone signs. */
  conflicts = fn_store_list_conflicts (self->store, id, &error);
  if (conflicts && conflicts->len > 0)
    {
      show_error (self, _("This note has two versions of its text. Resolve the conflict "
                          "first, then ask for the signature."));
      return;
    }

  patient = fn_store_get (self->store, FN_ENTITY_PATIENT, fn_note_get_patient_id (self->note),
                          NULL);
  if (patient)
    patient_name = fn_patient_dup_display_name (FN_PATIENT (patient));

  dialog = fn_signature_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)));
  fn_signature_dialog_set_signer (dialog, patient_name, "patient");

  request = g_new0 (SignatureRequest, 1);
  request->self = g_object_ref (self);
  request->note_id = g_strdup (id);
  fn_signature_dialog_run_async (dialog, self->cancellable, ask_signature_cb, request);
}

static void
on_edit_signed_response_cb (FnNoteEditor     *self,
                            const char       *response,
                            AdwMessageDialog *dialog)
{
  if (g_strcmp0 (response, "edit") != 0)
    return;

  self->edit_signed = TRUE;
  update_signature (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
}

static void
note_edit_signed_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FnNoteEditor *self = FN_NOTE_EDITOR (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Edit a Signed Note?"),
                                   _("The signature will then cover an earlier version of "
                                     "this note, and the note will say so."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "edit", _("_Edit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "edit",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_edit_signed_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fn_note_editor_dispose (GObject *object)
{
  FnNoteEditor *self = FN_NOTE_EDITOR (object);

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  /* AdwBin unparents its child itself; disposing the template too would
   * unparent it twice. */

  g_clear_object (&self->note);
  g_clear_object (&self->store);
  g_clear_pointer (&self->touched, g_hash_table_unref);

  G_OBJECT_CLASS (fn_note_editor_parent_class)->dispose (object);
}

static void
fn_note_editor_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FnNoteEditor *self = FN_NOTE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_NOTE:
      g_value_set_object (value, self->note);
      break;

    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_note_editor_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FnNoteEditor *self = FN_NOTE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      fn_note_editor_set_store (self, g_value_get_object (value));
      break;

    case PROP_NOTE:
      fn_note_editor_set_note (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fn_note_editor_class_init (FnNoteEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fn_note_editor_dispose;
  object_class->get_property = fn_note_editor_get_property;
  object_class->set_property = fn_note_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         FN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* The editor's own copy of the note being edited. */
  properties[PROP_NOTE] =
    g_param_spec_object ("note", NULL, NULL,
                         FN_TYPE_NOTE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FnNoteEditor::saved:
   *
   * Emitted after the note was written to the store.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "note.ask-signature", NULL,
                                   note_ask_signature_action);
  gtk_widget_class_install_action (widget_class, "note.edit-signed", NULL,
                                   note_edit_signed_action);
  /* Bound on the editor: an application accelerator would look for the
   * action on the window, which does not have the editor's actions. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "note.ask-signature", NULL);

  g_type_ensure (FN_TYPE_SIGNATURE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-note-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, visit_row);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, calendar);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, final_switch);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, body_view);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, conflict_revealer);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, resolve_button);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, ask_signature_button);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, signature_box);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, signature_view);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, edit_signed_button);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, history_box);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, history_list);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, FnNoteEditor, notice_label);
  gtk_widget_class_bind_template_callback (widget_class, on_title_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_final_switch_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_visit_time_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_time_spin_output_cb);
}

static void
fn_note_editor_init (FnNoteEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, touched_free);
  g_signal_connect_object (gtk_text_view_get_buffer (self->body_view), "changed",
                           G_CALLBACK (on_body_buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_signature (self);
}

GtkWidget *
fn_note_editor_new (void)
{
  return g_object_new (FN_TYPE_NOTE_EDITOR, NULL);
}

FnStore *
fn_note_editor_get_store (FnNoteEditor *self)
{
  g_return_val_if_fail (FN_IS_NOTE_EDITOR (self), NULL);

  return self->store;
}

void
fn_note_editor_set_store (FnNoteEditor *self,
                          FnStore      *store)
{
  g_return_if_fail (FN_IS_NOTE_EDITOR (self));
  g_return_if_fail (!store || FN_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, on_store_changed_cb, self);
  g_set_object (&self->store, store);
  if (store)
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self,
                             G_CONNECT_SWAPPED);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * fn_note_editor_get_note:
 *
 * Returns: (transfer none) (nullable): the editor's working copy of the note
 */
FnNote *
fn_note_editor_get_note (FnNoteEditor *self)
{
  g_return_val_if_fail (FN_IS_NOTE_EDITOR (self), NULL);

  return self->note;
}

/**
 * fn_note_editor_set_note:
 * @note: (nullable): the note to edit; the editor works on a copy of it
 *
 * Shows @note. Unsaved changes of the previous note are dropped: call
 * fn_note_editor_save() first.
 */
void
fn_note_editor_set_note (FnNoteEditor *self,
                         FnNote       *note)
{
  g_return_if_fail (FN_IS_NOTE_EDITOR (self));
  g_return_if_fail (!note || FN_IS_NOTE (note));

  if (note && self->note == note)
    return;

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_clear_object (&self->note);
  if (note)
    self->note = FN_NOTE (fn_record_copy (FN_RECORD (note)));
  set_dirty (self, FALSE);
  self->edit_signed = FALSE;
  g_hash_table_remove_all (self->touched);
  clear_notice (self);

  load_note (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE]);
}

gboolean
fn_note_editor_get_dirty (FnNoteEditor *self)
{
  g_return_val_if_fail (FN_IS_NOTE_EDITOR (self), FALSE);

  return self->dirty;
}

/**
 * fn_note_editor_save:
 *
 * Writes pending changes now. A new note nobody typed anything into is not
 * saved, and that is no error.
 *
 * Returns: %FALSE if the store refused the note; the editor keeps the text
 *   and shows why.
 */
gboolean
fn_note_editor_save (FnNoteEditor  *self,
                     GError       **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *id;
  gint64 base_version = -1;
  GHashTableIter iter;
  Touched *touched;
  gboolean saved;

  g_return_val_if_fail (FN_IS_NOTE_EDITOR (self), FALSE);

  g_clear_handle_id (&self->autosave_id, g_source_remove);

  if (!should_save (self))
    return TRUE;

  g_assert (self->store);

  /* A field changed elsewhere while being typed: the change is based on
   * the oldest version any such field started from. */
  g_hash_table_iter_init (&iter, self->touched);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&touched))
    if (touched->overtaken && (base_version < 0 || touched->base_version < base_version))
      base_version = touched->base_version;

  /* What was typed into a note deleted meanwhile brings it back; the
   * server keeps it too, since the edit is later than the deletion. */
  id = fn_record_get_id (FN_RECORD (self->note));
  if (self->revive && id)
    saved = fn_store_restore (self->store, FN_ENTITY_NOTE, id, &local_error);
  else
    saved = TRUE;

  if (saved && base_version >= 0)
    saved = fn_store_save_from (self->store, FN_RECORD (self->note), base_version, &local_error);
  else if (saved)
    saved = fn_store_save (self->store, FN_RECORD (self->note), &local_error);

  if (!saved)
    {
      show_error (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  set_dirty (self, FALSE);
  g_hash_table_remove_all (self->touched);
  show_error (self, NULL);
  update_status (self);
  update_signature (self);
  g_signal_emit (self, signals[SAVED], 0);

  return TRUE;
}

void
fn_note_editor_focus (FnNoteEditor *self)
{
  g_return_if_fail (FN_IS_NOTE_EDITOR (self));

  if (self->note && is_blank (fn_note_get_title (self->note)))
    gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->body_view));

  /* Focus may have passed through the title on its way, which selects it. */
  if (!gtk_widget_has_focus (GTK_WIDGET (self->title_row)))
    gtk_editable_select_region (GTK_EDITABLE (self->title_row), -1, -1);
}

/**
 * fn_note_editor_set_metered:
 * @metered: whether the sync engine defers signature images now (a
 *   metered network, and the preference off)
 *
 * A signature whose image has not arrived then says it waits for a
 * network that is not metered, rather than for the next sync.
 */
void
fn_note_editor_set_metered (FnNoteEditor *self,
                            gboolean      metered)
{
  g_return_if_fail (FN_IS_NOTE_EDITOR (self));

  fn_signature_view_set_metered (self->signature_view, metered);
}
