/* fn-conflict-view.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-conflict-view"

#include "config.h"

#include "fn-conflict-view.h"

#include <glib/gi18n.h>
#include <string.h>

/* One conflicting note text at a time: this laptop's version beside the
 * office's, the lines that differ highlighted, and the three ways out. The
 * choice is an ordinary write (fn_store_resolve_conflict) that syncs. */

/* Above this many line pairs the diff marks everything as changed rather
 * than spend time on a note nobody can compare by eye anyway. */
#define MAX_DIFF_CELLS (2000 * 2000)

struct _FnConflictView
{
  AdwBin parent_instance;

  /* template children */
  GtkLabel    *heading_label;
  GtkLabel    *explanation_label;
  GtkStack    *stack;
  GtkBox      *sides_box;
  GtkLabel    *mine_origin_label;
  GtkLabel    *theirs_origin_label;
  GtkTextView *mine_view;
  GtkTextView *theirs_view;
  GtkLabel    *diff_label;
  GtkTextView *merged_view;
  GtkLabel    *error_label;

  /* owned */
  FnStore     *store;
  FnConflict  *conflict;
  char        *note_id;
  char        *mine;
  char        *theirs;
};

enum
{
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FnConflictView, fn_conflict_view, ADW_TYPE_BIN)

void
fn_line_diff (const char  *a,
              const char  *b,
              GArray     **a_changed,
              GArray     **b_changed)
{
  g_auto (GStrv) la = g_strsplit (a ? a : "", "\n", -1);
  g_auto (GStrv) lb = g_strsplit (b ? b : "", "\n", -1);
  guint n = g_strv_length (la);
  guint m = g_strv_length (lb);
  GArray *ca = g_array_new (FALSE, TRUE, sizeof (gboolean));
  GArray *cb = g_array_new (FALSE, TRUE, sizeof (gboolean));

  g_array_set_size (ca, n);
  g_array_set_size (cb, m);

  if ((gsize)(n + 1) * (m + 1) > MAX_DIFF_CELLS)
    {
      for (guint i = 0; i < n; i++)
        g_array_index (ca, gboolean, i) = TRUE;
      for (guint j = 0; j < m; j++)
        g_array_index (cb, gboolean, j) = TRUE;
    }
  else
    {
      /* lcs[i][j]: the longest common subsequence of la[i..] and lb[j..]. */
      guint *lcs = g_new0 (guint, (gsize)(n + 1) * (m + 1));
#define LCS(i, j) lcs[(gsize)(i) * (m + 1) + (j)]
      guint i = 0, j = 0;

      for (guint ii = n; ii-- > 0;)
        for (guint jj = m; jj-- > 0;)
          LCS (ii, jj) = strcmp (la[ii], lb[jj]) == 0 ? LCS (ii + 1, jj + 1) + 1
                                                      : MAX (LCS (ii + 1, jj), LCS (ii, jj + 1));

      while (i < n && j < m)
        {
          if (strcmp (la[i], lb[j]) == 0)
            i++, j++;
          else if (LCS (i + 1, j) >= LCS (i, j + 1))
            g_array_index (ca, gboolean, i++) = TRUE;
          else
            g_array_index (cb, gboolean, j++) = TRUE;
        }
      for (; i < n; i++)
        g_array_index (ca, gboolean, i) = TRUE;
      for (; j < m; j++)
        g_array_index (cb, gboolean, j) = TRUE;
#undef LCS
      g_free (lcs);
    }

  *a_changed = ca;
  *b_changed = cb;
}

static guint
show_text (GtkTextView *view,
           const char  *text,
           GArray      *changed)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  guint n_changed = 0;

  gtk_text_buffer_set_text (buffer, text ? text : "", -1);

  for (guint i = 0; i < changed->len; i++)
    {
      GtkTextIter start, end;

      if (!g_array_index (changed, gboolean, i))
        continue;

      n_changed++;
      gtk_text_buffer_get_iter_at_line (buffer, &start, (int)i);
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_apply_tag_by_name (buffer, "changed", &start, &end);
    }

  return n_changed;
}

static gboolean
same_day (GDateTime *a,
          GDateTime *b)
{
  return g_date_time_get_year (a) == g_date_time_get_year (b) &&
         g_date_time_get_day_of_year (a) == g_date_time_get_day_of_year (b);
}

/* When, as a caregiver says it: today, yesterday, or the date, in local
 * time and the translation's formats. */
static char *
format_when (GDateTime *time,
             GDateTime *now)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (time);
  g_autoptr (GDateTime) local_now = g_date_time_to_local (now);
  g_autoptr (GDateTime) yesterday = g_date_time_add_days (local_now, -1);

  if (same_day (local, local_now))
    /* Translators: when a version of a note was written, see g_date_time_format(). */
    return g_date_time_format (local, _("today at %H:%M"));
  if (same_day (local, yesterday))
    /* Translators: when a version of a note was written, see g_date_time_format(). */
    return g_date_time_format (local, _("yesterday at %H:%M"));

  /* Translators: a date and time, see g_date_time_format(). */
  return g_date_time_format (local, _("%-d %B %Y at %H:%M"));
}

char *
fn_conflict_describe_origin (const char *author,
                             GDateTime  *time,
                             GDateTime  *now)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (now, NULL);

  if (author && !*author)
    author = NULL;
  if (time)
    when = format_when (time, now);

  if (author && when)
    /* Translators: who wrote a version of a conflicting note, then when:
     * "alice, today at 14:05". */
    return g_strdup_printf (C_("conflict origin", "%s, %s"), author, when);
  if (when)
    /* Translators: when a version of a conflicting note was written, by
     * someone the office did not name: "Written today at 14:05". */
    return g_strdup_printf (C_("conflict origin", "Written %s"), when);

  return g_strdup (author);
}

static void
show_origin (GtkLabel       *label,
             FnConflictSide *side,
             GDateTime      *now)
{
  g_autofree char *text = fn_conflict_describe_origin (side->author, side->time, now);

  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

static void
show_error (FnConflictView *self,
            const char     *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static gboolean
load_next (FnConflictView *self)
{
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GArray) mine_changed = NULL;
  g_autoptr (GArray) theirs_changed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FnRecord) note = NULL;
  g_autoptr (FnConflictSide) mine = NULL;
  g_autoptr (FnConflictSide) theirs = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *heading = NULL;
  g_autofree char *diff = NULL;
  const char *field;
  const char *title;
  guint n_mine, n_theirs;

  g_clear_object (&self->conflict);
  g_clear_pointer (&self->mine, g_free);
  g_clear_pointer (&self->theirs, g_free);
  show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "compare");

  if (!self->store || !self->note_id)
    return FALSE;

  conflicts = fn_store_list_conflicts (self->store, self->note_id, &error);
  if (!conflicts || conflicts->len == 0)
    return FALSE;

  self->conflict = g_object_ref (g_ptr_array_index (conflicts, 0));
  if (!fn_store_describe_conflict (self->store, self->conflict, &mine, &theirs, &error))
    {
      show_error (self, error->message);
      return TRUE;
    }
  self->mine = g_steal_pointer (&mine->text);
  self->theirs = g_steal_pointer (&theirs->text);
  show_origin (self->mine_origin_label, mine, now);
  show_origin (self->theirs_origin_label, theirs, now);

  note = fn_store_get (self->store, FN_ENTITY_NOTE, self->note_id, NULL);
  title = note ? fn_note_get_title (FN_NOTE (note)) : NULL;
  field = fn_conflict_get_field_name (self->conflict);

  if (g_strcmp0 (field, "title") == 0)
    heading = g_strdup (_("The Title Was Changed in Two Places"));
  else if (title && *title)
    /* Translators: %s is the title of a note. */
    heading = g_strdup_printf (_("“%s” Was Changed in Two Places"), title);
  else
    heading = g_strdup (_("This Note Was Changed in Two Places"));
  gtk_label_set_text (self->heading_label, heading);
  gtk_label_set_text (self->explanation_label,
                      g_strcmp0 (field, "title") == 0
                      ? _("This laptop and the office both changed the note’s title before they "
                          "synced. Nothing is lost: choose which title to keep, or write one "
                          "that combines both.")
                      : _("This laptop and the office both changed the note’s text before they "
                          "synced. Nothing is lost: choose which text to keep, or write one "
                          "that combines both."));

  fn_line_diff (self->mine, self->theirs, &mine_changed, &theirs_changed);
  n_mine = show_text (self->mine_view, self->mine, mine_changed);
  n_theirs = show_text (self->theirs_view, self->theirs, theirs_changed);

  if (n_mine + n_theirs == 0)
    diff = g_strdup (_("The two versions are the same."));
  else
    diff = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Highlighted: %u line that is not in both versions.",
                                         "Highlighted: %u lines that are not in both versions.",
                                         n_mine + n_theirs),
                            n_mine + n_theirs);
  gtk_label_set_text (self->diff_label, diff);

  return TRUE;
}

static void
resolve (FnConflictView   *self,
         FnConflictChoice  choice,
         const char       *merged)
{
  g_autoptr (GError) error = NULL;

  if (!self->conflict)
    return;

  if (!fn_store_resolve_conflict (self->store, fn_record_get_id (FN_RECORD (self->conflict)),
                                  choice, merged, &error))
    {
      show_error (self, error->message);
      return;
    }

  if (!load_next (self))
    {
      g_autofree char *note_id = g_strdup (self->note_id);

      g_signal_emit (self, signals[DONE], 0, note_id);
    }
}

static void
conflict_keep_mine_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  resolve (FN_CONFLICT_VIEW (widget), FN_CONFLICT_KEEP_MINE, NULL);
}

static void
conflict_keep_theirs_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  resolve (FN_CONFLICT_VIEW (widget), FN_CONFLICT_KEEP_THEIRS, NULL);
}

static void
conflict_edit_merged_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  FnConflictView *self = FN_CONFLICT_VIEW (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->merged_view);
  g_autofree char *text = NULL;

  if (!self->conflict)
    return;

  /* Both versions, mine first, for the caregiver to cut down. A title
   * must stay on one line. */
  if (g_strcmp0 (fn_conflict_get_field_name (self->conflict), "title") == 0)
    text = g_strdup_printf ("%s / %s", self->mine ? self->mine : "",
                            self->theirs ? self->theirs : "");
  else
    text = g_strdup_printf ("%s\n\n%s", self->mine ? self->mine : "",
                            self->theirs ? self->theirs : "");

  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_stack_set_visible_child_name (self->stack, "merge");
  gtk_widget_grab_focus (GTK_WIDGET (self->merged_view));
}

static void
conflict_cancel_merge_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  FnConflictView *self = FN_CONFLICT_VIEW (widget);

  show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "compare");
}

static void
conflict_save_merged_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  FnConflictView *self = FN_CONFLICT_VIEW (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->merged_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  resolve (self, FN_CONFLICT_MERGED, text);
}

static void
fn_conflict_view_dispose (GObject *object)
{
  FnConflictView *self = FN_CONFLICT_VIEW (object);

  /* AdwBin unparents its child itself. */
  g_clear_object (&self->conflict);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fn_conflict_view_parent_class)->dispose (object);
}

static void
fn_conflict_view_finalize (GObject *object)
{
  FnConflictView *self = FN_CONFLICT_VIEW (object);

  g_clear_pointer (&self->note_id, g_free);
  g_clear_pointer (&self->mine, g_free);
  g_clear_pointer (&self->theirs, g_free);

  G_OBJECT_CLASS (fn_conflict_view_parent_class)->finalize (object);
}

static void
fn_conflict_view_class_init (FnConflictViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fn_conflict_view_dispose;
  object_class->finalize = fn_conflict_view_finalize;

  /**
   * FnConflictView::done:
   * @note_id: the note whose conflicts are all resolved
   */
  signals[DONE] =
    g_signal_new ("done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "conflict.keep-mine", NULL,
                                   conflict_keep_mine_action);
  gtk_widget_class_install_action (widget_class, "conflict.keep-theirs", NULL,
                                   conflict_keep_theirs_action);
  gtk_widget_class_install_action (widget_class, "conflict.edit-merged", NULL,
                                   conflict_edit_merged_action);
  gtk_widget_class_install_action (widget_class, "conflict.cancel-merge", NULL,
                                   conflict_cancel_merge_action);
  gtk_widget_class_install_action (widget_class, "conflict.save-merged", NULL,
                                   conflict_save_merged_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldnotes/FieldNotes/ui/fn-conflict-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, heading_label);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, stack);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, sides_box);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, mine_origin_label);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, theirs_origin_label);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, mine_view);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, theirs_view);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, diff_label);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, merged_view);
  gtk_widget_class_bind_template_child (widget_class, FnConflictView, error_label);
}

static void
fn_conflict_view_init (FnConflictView *self)
{
  GtkTextView *views[2];

  gtk_widget_init_template (GTK_WIDGET (self));

  views[0] = self->mine_view;
  views[1] = self->theirs_view;
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    gtk_text_buffer_create_tag (gtk_text_view_get_buffer (views[i]), "changed",
                                "paragraph-background", "rgba(229,165,10,0.28)",
                                "paragraph-background-set", TRUE,
                                NULL);
}

GtkWidget *
fn_conflict_view_new (void)
{
  return g_object_new (FN_TYPE_CONFLICT_VIEW, NULL);
}

void
fn_conflict_view_set_store (FnConflictView *self,
                            FnStore        *store)
{
  g_return_if_fail (FN_IS_CONFLICT_VIEW (self));
  g_return_if_fail (!store || FN_IS_STORE (store));

  g_set_object (&self->store, store);
}

/**
 * fn_conflict_view_show_note:
 *
 * Shows the first unresolved text conflict of the note.
 *
 * Returns: %FALSE if the note has none
 */
gboolean
fn_conflict_view_show_note (FnConflictView *self,
                            const char     *note_id)
{
  g_return_val_if_fail (FN_IS_CONFLICT_VIEW (self), FALSE);
  g_return_val_if_fail (note_id, FALSE);

  g_free (self->note_id);
  self->note_id = g_strdup (note_id);

  return load_next (self);
}

const char *
fn_conflict_view_get_note_id (FnConflictView *self)
{
  g_return_val_if_fail (FN_IS_CONFLICT_VIEW (self), NULL);

  return self->note_id;
}

/* In a narrow window the two versions go one above the other. */
void
fn_conflict_view_set_narrow (FnConflictView *self,
                             gboolean        narrow)
{
  g_return_if_fail (FN_IS_CONFLICT_VIEW (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->sides_box),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (self->sides_box, narrow ? 18 : 12);
}

/* A value as a person reads it: a visit time in local time, long text cut
 * short, nothing as "empty". */
static char *
display_value (const FnFieldSpec *spec,
               const char        *value)
{
  if (!value || !*value)
    return g_strdup (_("empty"));

  if (spec && g_str_equal (spec->name, "kind"))
    {
      if (g_str_equal (value, "visit"))
        return g_strdup (C_("note kind", "Visit"));
      if (g_str_equal (value, "observation"))
        return g_strdup (C_("note kind", "Observation"));
      if (g_str_equal (value, "medication"))
        return g_strdup (C_("note kind", "Medication"));
      if (g_str_equal (value, "incident"))
        return g_strdup (C_("note kind", "Incident"));
    }

  if (spec && g_str_equal (spec->name, "status"))
    return g_strdup (g_str_equal (value, "final") ? C_("note status", "Final")
                                                  : C_("note status", "Draft"));

  if (spec && spec->type == FN_FIELD_DATETIME)
    {
      g_autoptr (GDateTime) utc = g_date_time_new_from_iso8601 (value, NULL);

      if (utc)
        {
          g_autoptr (GDateTime) local = g_date_time_to_local (utc);

          /* Translators: a time in the history of a note, see g_date_time_format(). */
          return g_date_time_format (local, _("%-d %b %Y, %H:%M"));
        }
    }

  if (g_utf8_strlen (value, -1) > 80)
    {
      g_autofree char *start = g_utf8_substring (value, 0, 79);

      return g_strconcat (start, "…", NULL);
    }

  return g_strdup (value);
}

/**
 * fn_conflict_history_fill:
 *
 * Lists in @list the record's conflicts that need nobody (decided by the
 * clock, or resolved by a person), each with what was kept and what was
 * replaced.
 *
 * Returns: how many
 */
guint
fn_conflict_history_fill (GtkListBox *list,
                          FnStore    *store,
                          FnEntity    entity,
                          const char *record_id)
{
  g_autoptr (GPtrArray) conflicts = NULL;
  GtkWidget *row;

  g_return_val_if_fail (GTK_IS_LIST_BOX (list), 0);

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, row);

  if (!store || !record_id)
    return 0;

  conflicts = fn_store_list_conflict_history (store, record_id, NULL);
  for (guint i = 0; conflicts && i < conflicts->len; i++)
    {
      FnConflict *conflict = g_ptr_array_index (conflicts, i);
      const char *field = fn_conflict_get_field_name (conflict);
      const FnFieldSpec *spec = fn_entity_find_field (entity, field);
      g_autofree char *kept = display_value (spec, fn_conflict_get_winning_value (conflict));
      g_autofree char *replaced = display_value (spec, fn_conflict_get_losing_value (conflict));
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      const char *label = spec ? fn_field_get_label (spec) : _("Whether it is deleted");

      if (fn_conflict_get_resolved (conflict))
        /* Translators: %s is a field, "The title". */
        title = g_strdup_printf (_("%s: chosen by a person"), label);
      else
        /* Translators: %s is a field, "The visit time". */
        title = g_strdup_printf (_("%s: changed in two places, the later change kept"), label);

      /* Translators: the value a conflict kept, then the one it replaced. */
      subtitle = g_strdup_printf (_("Kept: %s\nReplaced: %s"), kept, replaced);

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (list, row);
    }

  return conflicts ? conflicts->len : 0;
}
