/* fn-settings.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#define FN_SETTINGS_SCHEMA_ID        "io.github.fieldnotes.FieldNotes"

#define FN_SETTINGS_WINDOW_WIDTH     "window-width"
#define FN_SETTINGS_WINDOW_HEIGHT    "window-height"
#define FN_SETTINGS_WINDOW_MAXIMIZED "window-maximized"
#define FN_SETTINGS_SYNC_INTERVAL    "sync-interval"
#define FN_SETTINGS_CA_FILE          "ca-file"
#define FN_SETTINGS_SYNC_ATTACHMENTS_METERED "sync-attachments-metered"
