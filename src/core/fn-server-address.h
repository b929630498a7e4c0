/* fn-server-address.h
 *
 * SPDX-FileCopyrightText: 2026 Field Notes authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What every connection to the office server shares: which addresses are
 * acceptable, and trusting an organisation's own CA. */

GUri     *fn_server_api_uri            (const char       *server_url,
                                        const char       *suffix,
                                        GError          **error);
gboolean  fn_server_check_extra_ca     (GTlsDatabase     *extra_ca,
                                        SoupMessage      *msg,
                                        GTlsCertificate  *certificate);

G_END_DECLS
