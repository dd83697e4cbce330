#include "serve/gate.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "serve/wire.h"

namespace annals::internal {
namespace {

class Gate final : public rpc::Authenticator::Server {
 public:
  Gate(ServerState& state, const Tokens& tokens, uint64_t connection,
       std::shared_ptr<ConnectionNotes> notes)
      : state_(state), tokens_(tokens), connection_(connection), notes_(std::move(notes)) {}

  kj::Promise<void> login(LoginContext ctx) override {
    auto token = ctx.getParams().getToken();
    const std::optional<TokenGrant> grant = tokens_.Match(
        std::string_view(reinterpret_cast<const char*>(token.begin()), token.size()));
    auto res = ctx.getResults();
    if (failures_ >= kMaxFailures) {
      StatusToWire(absl::PermissionDeniedError(absl::StrCat(
                       kMaxFailures, " wrong tokens on this connection: no more tries on it")),
                   res.initStatus());
      return kj::READY_NOW;
    }
    if (!grant.has_value()) {
      ++failures_;
      ServerLog(absl::StrCat("connection ", connection_, ": login refused: wrong token"));
      StatusToWire(absl::PermissionDeniedError("wrong token"), res.initStatus());
      return kj::READY_NOW;
    }
    ServerLog(absl::StrCat("connection ", connection_, ": logged in",
                           grant->read_only ? " (read-only)" : ""));
    if (!notes_->logged_in) {
      notes_->logged_in = true;
      EndLoginWait(state_);  // counted by Connections::Add
    }
    StatusToWire(absl::OkStatus(), res.initStatus());
    res.setReadOnly(grant->read_only);
    res.setStore(NewStoreService(state_, connection_, notes_,
                                 StoreAccess{grant->read_only, true, subscriptions_}));
    return kj::READY_NOW;
  }

 private:
  ServerState& state_;
  const Tokens& tokens_;
  uint64_t connection_;
  std::shared_ptr<ConnectionNotes> notes_;
  // One count for the connection, whatever its logins (the limit is per
  // connection).
  std::shared_ptr<size_t> subscriptions_ = std::make_shared<size_t>(0);
  // Wrong tokens so far; past kMaxFailures every login is refused unread.
  static constexpr int kMaxFailures = 3;
  int failures_ = 0;
};

}  // namespace

kj::Own<rpc::Authenticator::Server> NewGate(ServerState& state, const Tokens& tokens,
                                            uint64_t connection,
                                            std::shared_ptr<ConnectionNotes> notes) {
  return kj::heap<Gate>(state, tokens, connection, std::move(notes));
}

}  // namespace annals::internal
