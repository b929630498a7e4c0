/* fn-signature.c
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fn-signature"

#include "config.h"

#include "fn-signature.h"

struct _FnSignature
{
  FnRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (FnSignature, fn_signature, FN_TYPE_RECORD)

static void
fn_signature_class_init (FnSignatureClass *klass)
{
  fn_record_class_install_fields (FN_RECORD_CLASS (klass), FN_ENTITY_SIGNATURE);
}

static void
fn_signature_init (FnSignature *self)
{
}

FnSignature *
fn_signature_new (void)
{
  return g_object_new (FN_TYPE_SIGNATURE, NULL);
}

const char *
fn_signature_get_note_id (FnSignature *self)
{
  return fn_record_get_field (FN_RECORD (self), "note_id");
}

const char *
fn_signature_get_signer_name (FnSignature *self)
{
  return fn_record_get_field (FN_RECORD (self), "signer_name");
}

const char *
fn_signature_get_signer_role (FnSignature *self)
{
  return fn_record_get_field (FN_RECORD (self), "signer_role");
}

const char *
fn_signature_get_captured_at (FnSignature *self)
{
  return fn_record_get_field (FN_RECORD (self), "captured_at");
}
