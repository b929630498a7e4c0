/* fn-types.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FnClock       FnClock;
typedef struct _FnRecord      FnRecord;
typedef struct _FnPatient     FnPatient;
typedef struct _FnNote        FnNote;
typedef struct _FnStore       FnStore;
typedef struct _FnPatientList FnPatientList;
typedef struct _FnNoteList    FnNoteList;
typedef struct _FnRecordList  FnRecordList;
typedef struct _FnOutboxOp    FnOutboxOp;
typedef struct _FnConflict    FnConflict;
typedef struct _FnConflictSide FnConflictSide;
typedef struct _FnSignature   FnSignature;
typedef struct _FnSyncEngine  FnSyncEngine;
typedef struct _FnSyncClient  FnSyncClient;
typedef struct _FnTokenStore  FnTokenStore;
typedef struct _FnConnectivity FnConnectivity;
typedef struct _FnEventSocket FnEventSocket;

/* What a caregiver needs to know about one record. */
typedef enum
{
  FN_SYNC_STATE_SYNCED,
  FN_SYNC_STATE_PENDING,
  FN_SYNC_STATE_CONFLICT,
  FN_SYNC_STATE_REJECTED,
} FnSyncState;

G_END_DECLS
