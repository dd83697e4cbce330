// The TCP addresses a server listens on and a client connects to
// (serve/tcp_address.h: --listen, --http, "tcp:"/"tls:HOST:PORT"): never a
// crash or undefined behaviour; a loopback address is one TLS accepts too,
// with a loopback host; and an address that parses reads back the same
// from its own ToString.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "serve/tcp_address.h"

namespace {

using annals::internal::ParseLoopbackAddress;
using annals::internal::ParseTlsAddress;
using annals::internal::TcpAddress;

bool Same(const TcpAddress& a, const TcpAddress& b) { return a.host == b.host && a.port == b.port; }

void FuzzAddress(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loopback = ParseLoopbackAddress(text, "fuzz");
  auto any = ParseTlsAddress(text, "fuzz");
  if (loopback.ok()) {
    ANNALS_FUZZ_CHECK(any.ok());
    ANNALS_FUZZ_CHECK(loopback->host == "::1" || loopback->host.rfind("127.", 0) == 0);
    auto again = ParseLoopbackAddress(loopback->ToString(), "fuzz");
    ANNALS_FUZZ_CHECK(again.ok() && Same(*again, *loopback));
  }
  if (any.ok()) {
    ANNALS_FUZZ_CHECK(!any->host.empty());
    auto again = ParseTlsAddress(any->ToString(), "fuzz");
    ANNALS_FUZZ_CHECK(again.ok() && Same(*again, *any));
  }
}

}  // namespace

ANNALS_FUZZ_TARGET(FuzzAddress)
