#include "serve/connections.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "serve/tcp_address.h"
#include "serve/tls.h"

namespace annals::internal {

Connections::~Connections() noexcept(false) {
  for (uint64_t id : live_)
    ServerLog(absl::StrCat("connection ", id, " closed: ", notes_[id]->WhyClosed(true)));
}

kj::Promise<void> Connections::Accept(kj::ConnectionReceiver& listener, Bootstrap bootstrap,
                                      Door door) {
  accepts_.push_back(std::make_unique<AcceptLoop>(
      timer_, "", [this, b = std::move(bootstrap), door](kj::Own<kj::AsyncIoStream> s) {
        Add(kj::mv(s), b, door);
      }));
  return accepts_.back()->Run(listener);
}

void Connections::taskFailed(kj::Exception&& e) {
  ServerLog(absl::StrCat("connection error: ", e.getDescription().cStr()));
}

void Connections::Add(kj::Own<kj::AsyncIoStream> stream, const Bootstrap& bootstrap, Door door) {
  uint64_t id = ++next_;
  if (door.login && !AdmitLoginWait(state_)) {
    ServerLog(absl::StrCat("connection ", id, " refused: ", state_.logins_pending,
                           " connections have not logged in yet, the most allowed (half of "
                           "--max-connections)"));
    return;
  }
  if (!AdmitConnection(state_)) {  // `stream` closes as it goes
    if (door.login) EndLoginWait(state_);
    ServerLog(absl::StrCat("connection ", id, " refused: ", state_.open_connections,
                           " connections open, the most allowed (--max-connections)"));
    return;
  }
  ServerLog(absl::StrCat("connection ", id, door.tls != nullptr ? " opened (TLS)" : " opened",
                         PeerOf(*stream)));
  const kj::TimePoint by = timer_.now() + deadline_;
  kj::Maybe<kj::TimePoint> login_by;
  if (door.login) login_by = by;
  if (door.tls == nullptr) return Start(id, kj::mv(stream), bootstrap, login_by);
  tasks_.add(AcceptTls(*door.tls, timer_, deadline_, kj::mv(stream))
                 .then(
                     [this, id, &bootstrap, login_by](kj::Own<kj::AsyncIoStream> s) {
                       Start(id, kj::mv(s), bootstrap, login_by);
                     },
                     [this, id, door](kj::Exception&& e) {
                       ServerLog(absl::StrCat("connection ", id,
                                              " closed: TLS handshake failed: ",
                                              e.getDescription().cStr()));
                       if (door.login) EndLoginWait(state_);
                       ReleaseConnection(state_);
                     }));
}

void Connections::Start(uint64_t id, kj::Own<kj::AsyncIoStream> stream,
                        const Bootstrap& bootstrap, kj::Maybe<kj::TimePoint> login_by) {
  auto notes = std::make_shared<ConnectionNotes>();
  auto c = kj::heap<Connection>(kj::mv(stream), bootstrap(id, notes), notes,
                                state_.max_message_bytes);
  kj::Promise<void> closed = c->network.onDisconnect();
  KJ_IF_MAYBE(by, login_by) { closed = closed.exclusiveJoin(LoginDeadline(*by, notes)); }
  live_.insert(id);
  notes_[id] = notes;
  const bool login = login_by != nullptr;
  tasks_.add(closed.attach(kj::mv(c)).then([this, id, login] {
    ServerLog(absl::StrCat("connection ", id, " closed: ", notes_[id]->WhyClosed(false)));
    if (login && !notes_[id]->logged_in) EndLoginWait(state_);
    ReleaseConnection(state_);
    live_.erase(id);
    notes_.erase(id);
  }));
}

kj::Promise<void> Connections::LoginDeadline(kj::TimePoint by,
                                             std::shared_ptr<ConnectionNotes> notes) {
  return timer_.atTime(by).then([this, notes]() -> kj::Promise<void> {
    if (notes->logged_in) return kj::NEVER_DONE;
    notes->read_end = absl::StrCat("no login within ", deadline_ / kj::SECONDS,
                                   " seconds (--login-timeout)");
    return kj::READY_NOW;
  });
}

}  // namespace annals::internal
