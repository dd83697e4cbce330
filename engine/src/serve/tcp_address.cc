#include "serve/tcp_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace annals::internal {
namespace {

// Four decimal numbers of 0 to 255, with dots between.
bool IsDottedQuad(absl::string_view host) {
  std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4) return false;
  for (absl::string_view p : parts) {
    uint32_t n = 0;
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != p.npos ||
        !absl::SimpleAtoi(p, &n) || n > 255)
      return false;
  }
  return true;
}

bool IsLoopbackV4(absl::string_view host) {
  return IsDottedQuad(host) && absl::StartsWith(host, "127.");
}

// "localhost", "127.x.y.z" or "[::1]", each with an optional ":PORT".
bool IsLoopbackAuthority(absl::string_view authority) {
  absl::string_view host = authority;
  if (size_t close = authority.rfind(']'); close != authority.npos) {
    host = authority.substr(0, close + 1);
    absl::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
  } else if (size_t colon = authority.rfind(':'); colon != authority.npos) {
    host = authority.substr(0, colon);
  }
  return host == "localhost" || host == "[::1]" || IsLoopbackV4(host);
}

}  // namespace

absl::Status CheckLoopbackRequest(std::string_view host_in, std::string_view origin_in) {
  const absl::string_view host(host_in.data(), host_in.size());
  const absl::string_view origin(origin_in.data(), origin_in.size());
  if (!host.empty() && !IsLoopbackAuthority(host))
    return absl::PermissionDeniedError(absl::StrCat(
        "Host \"", host, "\" is not a loopback name: refused, as a web page's request "
        "through a name that resolves here would be (DNS rebinding)"));
  if (!origin.empty() &&
      !(absl::StartsWith(origin, "http://") && IsLoopbackAuthority(origin.substr(7))))
    return absl::PermissionDeniedError(absl::StrCat(
        "Origin \"", origin, "\": requests from web pages of other origins are refused "
        "(cross-site request forgery)"));
  return absl::OkStatus();
}

std::string TcpAddress::ToString() const {
  return absl::StrCat(absl::StrContains(host, ':') ? absl::StrCat("[", host, "]") : host, ":",
                      port);
}

namespace {

// HOST:PORT split, the port checked; HOST is "127.0.0.1" when absent.
absl::StatusOr<std::pair<absl::string_view, uint16_t>> SplitHostPort(absl::string_view text,
                                                                     absl::string_view flag) {
  absl::string_view host = "127.0.0.1", port = text;
  if (size_t colon = text.rfind(':'); colon != text.npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  uint32_t p = 0;
  if (port.empty() || port.find_first_not_of("0123456789") != port.npos ||
      !absl::SimpleAtoi(port, &p) || p > 65535)
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " ", text, ": expected PORT, localhost:PORT or HOST:PORT with a port from 0 "
        "to 65535 (0: any free port)"));
  return std::make_pair(host, static_cast<uint16_t>(p));
}

// The numeric loopback address `host` names, or "".
std::string LoopbackHost(absl::string_view host) {
  if (host == "localhost" || host == "127.0.0.1") return "127.0.0.1";
  if (host == "[::1]") return "::1";
  if (IsLoopbackV4(host)) return std::string(host);
  return "";
}

// A host name, an IPv4 address or a bracketed IPv6 one, without the
// brackets; "" when `host` is none of these.
std::string AnyHost(absl::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    absl::string_view v6 = host.substr(1, host.size() - 2);
    // An IPv6 address has a colon ("[1]" is none: it would read back as the
    // host "1").
    if (v6.find(':') != v6.npos && v6.find_first_not_of("0123456789abcdefABCDEF:.") == v6.npos)
      return std::string(v6);
    return "";
  }
  if (host.empty() || host.size() > 253 || host.front() == '-' || host.front() == '.' ||
      host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789-.") != host.npos)
    return "";
  // Digits and dots only: an IPv4 address, or nothing ("0", "999.1.1.1").
  if (host.find_first_not_of("0123456789.") == host.npos && !IsDottedQuad(host)) return "";
  return std::string(host);
}

}  // namespace

absl::StatusOr<TcpAddress> ParseLoopbackAddress(std::string_view text_in,
                                                std::string_view flag_in) {
  const absl::string_view text(text_in.data(), text_in.size());
  const absl::string_view flag(flag_in.data(), flag_in.size());
  auto split = SplitHostPort(text, flag);
  if (!split.ok()) return split.status();
  TcpAddress out{LoopbackHost(split->first), split->second};
  if (out.host.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " ", text, ": only a loopback address (localhost, 127.0.0.1, [::1]) is served "
        "in clear; any other needs TLS (serve --listen with --tls-cert and --tls-key; "
        "clients connect to tls:HOST:PORT), so that tokens never cross a network in clear"));
  return out;
}

absl::StatusOr<TcpAddress> ParseTlsAddress(std::string_view text_in, std::string_view flag_in) {
  const absl::string_view text(text_in.data(), text_in.size());
  const absl::string_view flag(flag_in.data(), flag_in.size());
  auto split = SplitHostPort(text, flag);
  if (!split.ok()) return split.status();
  std::string host = LoopbackHost(split->first);
  if (host.empty() || split->first == "localhost") host = AnyHost(split->first);
  if (host.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " ", text, ": expected HOST:PORT with a host name, an IPv4 address or an "
        "IPv6 one in brackets ([::])"));
  return TcpAddress{host, split->second};
}

std::string PeerOf(kj::AsyncIoStream& stream) {
  sockaddr_storage addr{};
  uint length = sizeof addr;
  char host[INET6_ADDRSTRLEN] = {};
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    stream.getpeername(reinterpret_cast<sockaddr*>(&addr), &length);
  })) {
    return "";
  }
  if (addr.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    return absl::StrCat(" from ", host, ":", ntohs(v4->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    return absl::StrCat(" from [", host, "]:", ntohs(v6->sin6_port));
  }
  return "";
}

absl::StatusOr<kj::Own<kj::ConnectionReceiver>> ListenTcp(kj::AsyncIoContext& io,
                                                               const TcpAddress& a,
                                                               std::string_view what) {
  try {
    auto address = io.provider->getNetwork()
                       .parseAddress(kj::StringPtr(a.host.c_str()), a.port)
                       .wait(io.waitScope);
    return address->listen();
  } catch (const kj::Exception& e) {
    return absl::UnavailableError(
        absl::StrCat(std::string(what), ": cannot listen: ", e.getDescription().cStr()));
  }
}

}  // namespace annals::internal
