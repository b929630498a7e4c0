/* fn-note-editor.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fn-core.h"

G_BEGIN_DECLS

/* How long the caregiver must pause typing before the note is saved. */
#define FN_NOTE_EDITOR_AUTOSAVE_MS 700

#define FN_TYPE_NOTE_EDITOR (fn_note_editor_get_type ())
G_DECLARE_FINAL_TYPE (FnNoteEditor, fn_note_editor, FN, NOTE_EDITOR, AdwBin)

GtkWidget *fn_note_editor_new       (void);
FnStore   *fn_note_editor_get_store (FnNoteEditor  *self);
void       fn_note_editor_set_store (FnNoteEditor  *self,
                                     FnStore       *store);
FnNote    *fn_note_editor_get_note  (FnNoteEditor  *self);
void       fn_note_editor_set_note  (FnNoteEditor  *self,
                                     FnNote        *note);
gboolean   fn_note_editor_get_dirty (FnNoteEditor  *self);
gboolean   fn_note_editor_save      (FnNoteEditor  *self,
                                     GError       **error);
void       fn_note_editor_focus     (FnNoteEditor  *self);
void       fn_note_editor_set_metered (FnNoteEditor *self,
                                       gboolean      metered);

G_END_DECLS
