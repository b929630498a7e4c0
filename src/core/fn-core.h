/* fn-core.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fn-accounts.h"
#include "fn-clock.h"
#include "fn-conflict.h"
#include "fn-connectivity.h"
#include "fn-event-socket.h"
#include "fn-fields.h"
#include "fn-note-list.h"
#include "fn-note.h"
#include "fn-patient-list.h"
#include "fn-patient.h"
#include "fn-record-list.h"
#include "fn-record.h"
#include "fn-report.h"
#include "fn-signature.h"
#include "fn-store.h"
#include "fn-sync-client.h"
#include "fn-sync-engine.h"
#include "fn-token-store.h"
#include "fn-types.h"
