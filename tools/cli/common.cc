#include "cli/common.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "annals/client.h"
#include "annals/search.h"
#include "annals/status.h"
#include "cli/remote_engine.h"
#include "cli/terminal.h"

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
    case absl::StatusCode::kPermissionDenied:  // a wrong token, a read-only one
      return IsStoreNotWritable(status) ? kExitStorage : kExitBadInput;
    default:
      return kExitStorage;
  }
}

absl::Status WithPrefix(const absl::Status& status, std::string_view prefix) {
  absl::Status out(status.code(), absl::StrCat(absl::string_view(prefix.data(), prefix.size()),
                                               ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
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
  std::string msg = EscapeForTerminal(std::string(status.message()));
  if (IsStoreDamaged(status))
    msg += " (run `annals verify` to list the damage; keep a copy of the store directory "
           "before changing anything)";
  if (context.empty())
    std::fprintf(stderr, "annals: %s\n", msg.c_str());
  else
    std::fprintf(stderr, "annals: %s: %s\n", EscapeForTerminal(context).c_str(),
                 msg.c_str());
  return ExitCodeFor(status);
}

void Note(std::string_view text) {
  std::fprintf(stderr, "annals: %s\n", EscapeForTerminal(text).c_str());
}

namespace {
int first_output_errno = 0;  // errno when OutputFailed first saw the error
}  // namespace

bool OutputFailed() {
  if (std::ferror(stdout) == 0) return false;
  if (first_output_errno == 0) first_output_errno = errno;
  return true;
}

bool OutputClosed() { return OutputFailed() && first_output_errno == EPIPE; }

bool FlushOutput() {
  // An earlier write may have failed already (its buffer is then gone, and
  // fflush succeeds): its errno is the most recent one.
  if (OutputFailed()) return false;
  errno = 0;
  if (std::fflush(stdout) == 0) return !OutputFailed();
  if (first_output_errno == 0) first_output_errno = errno;
  return false;
}

int FinishOutput(int code) {
  if (FlushOutput()) return code;
  const int err = first_output_errno;
  std::string reason = err != 0 ? std::strerror(err) : "output incomplete";
  std::fprintf(stderr, "annals: write error on standard output: %s\n", reason.c_str());
  return kExitStorage;
}

absl::StatusOr<uint64_t> StoreHead(const Engine& engine) {
  if (Client* c = ServingClient(engine)) return c->Head();
  return engine.Head();
}

absl::StatusOr<std::vector<ProjectionInfo>> StoreProjections(const Engine& engine) {
  if (Client* c = ServingClient(engine)) return c->Projections();
  return engine.Projections();
}

absl::StatusOr<uint64_t> ResolveEvent(const Engine& engine, std::string_view which) {
  if (which.empty())
    return absl::InvalidArgumentError("expected a seq (a number from 1) or an id, got ''");
  if (which.find_first_not_of("0123456789") == std::string_view::npos) {
    uint64_t seq = 0;
    if (!absl::SimpleAtoi(absl::string_view(which.data(), which.size()), &seq))
      return absl::InvalidArgumentError(
          absl::StrCat("seq ", std::string(which), " is out of range"));
    auto head = StoreHead(engine);
    if (!head.ok()) return head.status();
    if (seq == 0 || seq > *head)
      return absl::NotFoundError(absl::StrCat("no event with seq ", seq, " (head is ",
                                              *head, ")"));
    return seq;
  }
  return engine.FindById(which);
}

namespace {

// The token for a "tcp:" or "tls:" server (ConnectWithToken).
absl::StatusOr<std::string> TokenOf(const GlobalFlags& g) {
  if (g.token_file.empty()) {
    const char* env = std::getenv("ANNALS_TOKEN");
    return std::string(env == nullptr ? "" : env);
  }
  std::ifstream in(g.token_file);
  if (!in)
    return absl::NotFoundError(absl::StrCat("--token-file ", g.token_file, ": cannot read it"));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> words = absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (!words.empty() && words[0][0] != '#') return words[0];
  }
  return absl::InvalidArgumentError(absl::StrCat("--token-file ", g.token_file, ": no token in it"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> ConnectWithToken(const GlobalFlags& g,
                                                         const std::string& address) {
  ClientOptions options;
  if (absl::StartsWith(address, "tcp:") || absl::StartsWith(address, "tls:")) {
    auto token = TokenOf(g);
    if (!token.ok()) return token.status();
    options.token = *std::move(token);
    if (absl::StartsWith(address, "tls:")) options.tls_ca = g.tls_ca;
  }
  return Connect(address, options);
}

absl::StatusOr<std::unique_ptr<Client>> ConnectClient(const GlobalFlags& g) {
  std::optional<std::string> address;
  if (!g.server.empty()) {
    address = g.server;
  } else {
    address = ServerAddress(g.db);
    if (!address.has_value()) return std::unique_ptr<Client>();
  }
  auto client = ConnectWithToken(g, *address);
  if (!client.ok()) {
    // A stale address file (a killed server) or one this version cannot
    // read: the store is not served; open it here.
    if (g.server.empty()) return std::unique_ptr<Client>();
    return WithHint(client.status(), absl::StrCat("--server ", g.server));
  }
  return client;
}

absl::StatusOr<std::unique_ptr<Engine>> ConnectToServer(const GlobalFlags& g) {
  auto client = ConnectClient(g);
  if (!client.ok()) return client.status();
  if (*client == nullptr) return std::unique_ptr<Engine>();
  return NewRemoteEngine(std::move(*client));
}

absl::Status RefuseWhileServed(const GlobalFlags& g, std::string_view what) {
  std::optional<std::string> address = ServerAddress(g.db);
  if (!address.has_value() || !Connect(*address).ok()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "store ", g.db, " is in use by a running server (annals serve): stop it before ",
      std::string(what)));
}

absl::StatusOr<std::unique_ptr<Engine>> OpenForWrite(const GlobalFlags& g) {
  auto served = ConnectToServer(g);
  if (!served.ok() || *served != nullptr) return served;
  Options o;
  return Engine::Open(g.db, o);
}

void KeepSearchIndexesUp(const GlobalFlags& g, const Engine& engine) {
  if (ServingClient(engine) != nullptr) return;
  auto updates = UpdateSearchIndexes(engine, g.db + "/search");
  if (!updates.ok()) {
    Note(absl::StrCat("the search indexes were not brought up to date: ",
                      updates.status().ToString()));
    return;
  }
  for (const SearchIndexUpdate& u : *updates) {
    if (u.status.ok()) continue;
    if (absl::IsUnavailable(u.status))  // busy: the next search catches up
      Note(absl::StrCat("the \"", u.language, "\" search index is held by another process; "
                        "its next search brings it up to date"));
    else
      Note(absl::StrCat("the \"", u.language, "\" search index was not brought up to date: ",
                        u.status.ToString()));
  }
}

absl::StatusOr<std::unique_ptr<Engine>> OpenExisting(const GlobalFlags& g,
                                                     Options options) {
  auto served = ConnectToServer(g);
  if (!served.ok() || *served != nullptr) return served;
  options.create_if_missing = false;
  auto e = Engine::Open(g.db, options);
  if (IsNoStore(e.status()))
    return WithHint(e.status(), "give --db PATH or set ANNALS_DB; `annals import` creates one");
  return e;
}

absl::StatusOr<std::unique_ptr<Engine>> OpenForRead(const GlobalFlags& g) {
  Options o;
  o.read_only = true;
  // One query at a time: a helper thread would cost more to start than it
  // saves on one page's reads.
  o.helper_threads = 0;
  return OpenExisting(g, o);
}

}  // namespace annals::cli
