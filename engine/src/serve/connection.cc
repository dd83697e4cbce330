#include "serve/connection.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace annals::internal {

std::string ConnectionNotes::WhyClosed(bool stopping) const {
  std::string why = stopping           ? "the server is stopping"
                    : read_end.empty() ? "protocol error: an invalid RPC message"
                                       : read_end;
  if (subscriptions_cut > 0)
    absl::StrAppend(&why, " (", subscriptions_cut,
                    subscriptions_cut == 1 ? " subscription" : " subscriptions",
                    " cut off as too slow)");
  return why;
}

kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> NotingMessageStream::tryReadMessage(
    kj::ArrayPtr<kj::AutoCloseFd> fd_space, capnp::ReaderOptions options,
    kj::ArrayPtr<capnp::word> scratch) {
  return kj::evalNow([&] { return inner_.tryReadMessage(fd_space, options, scratch); })
      .then(
          [this](kj::Maybe<capnp::MessageReaderAndFds>&& message) {
            if (message == nullptr) notes_.read_end = "peer closed";
            return kj::mv(message);
          },
          [this](kj::Exception&& e) -> kj::Maybe<capnp::MessageReaderAndFds> {
            // Reading failed: the socket (reset: the peer went away) or a
            // message the reader refuses (too big, malformed).
            notes_.read_end = absl::StrCat(
                e.getType() == kj::Exception::Type::DISCONNECTED ? "connection lost: "
                                                                 : "protocol error: ",
                e.getDescription().cStr());
            kj::throwFatalException(kj::mv(e));
          });
}

}  // namespace annals::internal
