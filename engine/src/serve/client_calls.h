// What the client's calls share (serve/client.cc): reading a reply's
// status and result, and waits that ask the server again until a deadline.
#ifndef ANNALS_ENGINE_SRC_SERVE_CLIENT_CALLS_H_
#define ANNALS_ENGINE_SRC_SERVE_CLIENT_CALLS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/backup.h"
#include "annals/engine.h"
#include "kj/async.h"
#include "schema/annals_rpc.capnp.h"
#include "serve/wire.h"

namespace annals::internal {

// A call that failed in transport: the server cannot be reached.
inline absl::Status Unreachable(const kj::Exception& e) {
  return absl::UnavailableError(absl::StrCat("server: ", e.getDescription().cStr()));
}

// A reply carrying an AppendResult.
template <typename R>
absl::StatusOr<AppendResult> ResultOf(R& r) {
  if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
  return AppendResult{r.getResult().getSeq(), r.getResult().getDuplicate()};
}

// A reply carrying the AppendResults of a batch (append, appendMentions).
template <typename R>
absl::StatusOr<std::vector<AppendResult>> ResultsOf(R& r) {
  if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
  std::vector<AppendResult> out;
  for (auto a : r.getResults()) out.push_back(AppendResult{a.getSeq(), a.getDuplicate()});
  return out;
}

// A backup's reply.
template <typename R>
absl::StatusOr<BackupInfo> BackupInfoOf(R& r) {
  if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
  BackupInfo info;
  info.path = std::string(r.getPath().cStr(), r.getPath().size());
  info.head = r.getHead();
  info.bytes = r.getBytes();
  info.backup_id = r.getBackupId();
  for (auto lang : r.getSearchIndexes()) info.search_indexes.emplace_back(lang.cStr());
  return info;
}

// A reply carrying events (read).
template <typename R>
absl::StatusOr<std::vector<Event>> EventsOf(R& r) {
  if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
  std::vector<Event> out;
  for (auto bytes : r.getEvents()) {
    auto e = EventFromWire(bytes);
    if (!e.ok()) return e.status();
    out.push_back(std::move(*e));
  }
  return out;
}

// A reply carrying lists of mentions (mentionsOf).
template <typename R>
absl::StatusOr<std::vector<std::vector<MentionRef>>> MentionRefsOf(R& r) {
  if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
  std::vector<std::vector<MentionRef>> out;
  for (auto refs : r.getMentions()) {
    auto seqs = refs.getSeqs();
    auto outlets = refs.getOutlets();
    if (outlets.size() != seqs.size())
      return absl::DataLossError("server: a mention list's outlets do not match its seqs");
    auto& list = out.emplace_back();
    for (size_t i = 0; i < seqs.size(); ++i)
      list.push_back({seqs[i], std::string(outlets[i].cStr(), outlets[i].size())});
  }
  return out;
}

// Fills a request's list of Data with `wire`.
template <typename List>
void FillData(List list, const std::vector<std::string>& wire) {
  for (size_t i = 0; i < wire.size(); ++i) list.set(i, AsData(wire[i]));
}

// A subscription's filter, as subscribe sends it.
template <typename Filter, typename Builder>
void FilterToWire(const Filter& filter, Builder f) {
  auto actors = f.initActors(filter.actors.size());
  for (size_t i = 0; i < filter.actors.size(); ++i) actors.set(i, filter.actors[i]);
  auto topics = f.initTopics(filter.topics.size());
  for (size_t i = 0; i < filter.topics.size(); ++i) topics.set(i, filter.topics[i]);
  auto kinds = f.initKinds(filter.kinds.size());
  for (size_t i = 0; i < filter.kinds.size(); ++i)
    kinds.set(i, static_cast<uint8_t>(filter.kinds[i]));
  f.setProjection(filter.projection);
  auto key = f.initKey(filter.key.size());
  for (size_t i = 0; i < filter.key.size(); ++i) key.set(i, filter.key[i]);
}

// A reply carrying only a status (true when OK).
template <typename R>
absl::StatusOr<bool> Done(R& r) {
  if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
  return true;
}

// What the server does beyond what an older one did (rpc features @26):
// its list, or none from a server older than the method (UNIMPLEMENTED).
// Run on the client's I/O thread.
inline kj::Promise<absl::StatusOr<std::vector<std::string>>> FeaturesOf(
    rpc::Store::Client& store) {
  using Features = absl::StatusOr<std::vector<std::string>>;
  return store.featuresRequest()
      .send()
      .then([](auto r) -> Features {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        std::vector<std::string> out;
        for (auto f : r.getFeatures()) out.emplace_back(f.cStr(), f.size());
        return out;
      })
      .catch_([](kj::Exception&& e) -> Features {
        if (e.getType() != kj::Exception::Type::UNIMPLEMENTED) kj::throwFatalException(kj::mv(e));
        return std::vector<std::string>();
      });
}

// The error for a request that needs server feature `feature` (`what`
// says what it would have lost) from a server without it. Nothing was sent.
inline absl::Status MissingFeature(std::string_view feature, std::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the server is an older annals without \"", std::string(feature), "\": it would drop ",
      std::string(what),
      "; nothing was sent (upgrade the server, or leave them out)"));
}

// Calls once(micros left) until it answers anything but
// kDeadlineExceeded or `timeout` has passed (the server cuts each wait
// short, so that it never holds a read thread for long).
template <typename F>
inline absl::Status WaitUntil(absl::Duration timeout, F once) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    absl::Duration left = deadline - absl::Now();
    if (left < absl::ZeroDuration()) left = absl::ZeroDuration();
    int64_t micros = left == absl::InfiniteDuration() ? INT64_MAX : absl::ToInt64Microseconds(left);
    absl::Status st = once(micros);
    if (!absl::IsDeadlineExceeded(st) || absl::Now() >= deadline) return st;
  }
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_CLIENT_CALLS_H_
