// TLS for RPC over a network (kj/compat/tls.h over OpenSSL): the server's
// context from --tls-cert and --tls-key, and a client's from the
// certificates it trusts. Both require TLS 1.2 or later.
#ifndef ANNALS_ENGINE_SRC_SERVE_TLS_H_
#define ANNALS_ENGINE_SRC_SERVE_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "kj/async-io.h"
#include "kj/compat/tls.h"
#include "kj/timer.h"

namespace annals::internal {

// A server's context: `cert_file` holds its certificate in PEM, then any
// intermediate ones; `key_file` its private key in PEM, unencrypted, in a
// file only its owner may read (serve/private_file.h). Checked before any
// client comes: kInvalidArgument naming the file when one holds no PEM
// certificate or key, when the key is encrypted or does not match the
// certificate; kFailedPrecondition when the certificate has expired or is
// not valid yet, and as ReadPrivateFile/ReadConfigFile.
absl::StatusOr<std::unique_ptr<kj::TlsContext>> NewServerTls(const std::string& cert_file,
                                                             const std::string& key_file);

// The server's side of `stream`'s TLS handshake, cut off (OVERLOADED)
// after `limit`; an error OpenSSL raises at once is the promise's too, so
// it never escapes into an accept loop. Loop thread.
kj::Promise<kj::Own<kj::AsyncIoStream>> AcceptTls(kj::TlsContext& tls, kj::Timer& timer,
                                                  kj::Duration limit,
                                                  kj::Own<kj::AsyncIoStream> stream);

// A client's context: it trusts the system's certificate authorities and,
// when `ca_file` is not "", every PEM certificate in it (a private CA, or
// a server's self-signed certificate). Errors as NewServerTls's for the
// file.
absl::StatusOr<std::unique_ptr<kj::TlsContext>> NewClientTls(const std::string& ca_file);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_TLS_H_
