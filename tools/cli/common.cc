#include "cli/common.h"

#include <cstdio>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "annals/status.h"

namespace annals::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAlreadyExists:
      return kExitBadInput;
    default:
      return kExitStorage;
  }
}

absl::Status WithHint(const absl::Status& status, std::string_view hint) {
  absl::Status out(status.code(),
                   absl::StrCat(status.message(), " (", absl::string_view(hint.data(), hint.size()), ")"));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

int Fail(std::string_view context, const absl::Status& status) {
  std::string msg(status.message());
  if (context.empty())
    std::fprintf(stderr, "annals: %s\n", msg.c_str());
  else
    std::fprintf(stderr, "annals: %.*s: %s\n", static_cast<int>(context.size()),
                 context.data(), msg.c_str());
  return ExitCodeFor(status);
}

absl::StatusOr<std::unique_ptr<Engine>> OpenForWrite(const GlobalFlags& g) {
  Options o;
  return Engine::Open(g.db, o);
}

absl::StatusOr<std::unique_ptr<Engine>> OpenExisting(const GlobalFlags& g,
                                                     Options options) {
  options.create_if_missing = false;
  auto e = Engine::Open(g.db, options);
  if (IsNoStore(e.status()))
    return WithHint(e.status(), "give --db PATH or set ANNALS_DB; `annals import` creates one");
  return e;
}

absl::StatusOr<std::unique_ptr<Engine>> OpenForRead(const GlobalFlags& g) {
  Options o;
  o.read_only = true;
  return OpenExisting(g, o);
}

}  // namespace annals::cli
