#include "serve/store_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kj/async.h"
#include "serve/off_loop.h"
#include "serve/wire.h"

namespace annals::internal {
namespace {

// Up to `limit` events from `from` on, as wire bytes, and about kReplyBytes:
// read from the engine in small chunks, so that no more than one chunk past
// a full reply is ever held.
absl::StatusOr<std::vector<std::string>> ReadReply(Engine& engine, uint64_t from,
                                                   uint64_t limit) {
  constexpr uint64_t kChunk = 256;
  std::vector<std::string> out;
  size_t bytes = 0;
  while (out.size() < limit) {
    const uint64_t want = std::min(kChunk, limit - out.size());
    auto events = engine.Read(from, want);
    if (!events.ok()) return events.status();
    for (const Event& ev : *events)
      if (!AddToReply(EventToWire(ev), out, &bytes)) return out;
    if (events->size() < want) break;  // the head
    from = events->back().seq + 1;
  }
  return out;
}

std::string TextOf(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

class StoreService final : public rpc::Store::Server {
 public:
  StoreService(ServerState& s, uint64_t connection, std::shared_ptr<ConnectionNotes> notes)
      : s_(s), connection_(connection), notes_(std::move(notes)) {}

  kj::Promise<void> stats(StatsContext ctx) override {
    Engine* e = &s_.engine;
    return OffLoop<absl::StatusOr<StoreStats>>(s_.reads, [e] { return e->Stats(); })
        .then([ctx](absl::StatusOr<StoreStats> r) mutable {
          auto res = ctx.getResults();
          StatusToWire(r.status(), res.initStatus());
          if (r.ok()) StatsToWire(*r, res.initStats());
        });
  }

  kj::Promise<void> get(GetContext ctx) override {
    Engine* e = &s_.engine;
    uint64_t seq = ctx.getParams().getSeq();
    return OffLoop<absl::StatusOr<std::string>>(
               s_.reads,
               [e, seq]() -> absl::StatusOr<std::string> {
                 auto ev = e->Get(seq);
                 if (!ev.ok()) return ev.status();
                 return EventToWire(*ev);
               })
        .then([ctx](absl::StatusOr<std::string> r) mutable {
          auto res = ctx.getResults();
          StatusToWire(r.status(), res.initStatus());
          if (r.ok()) res.setEvent(AsData(*r));
        });
  }

  kj::Promise<void> findById(FindByIdContext ctx) override {
    Engine* e = &s_.engine;
    std::string id = TextOf(ctx.getParams().getId());
    return OffLoop<absl::StatusOr<uint64_t>>(s_.reads,
                                             [e, id = std::move(id)] { return e->FindById(id); })
        .then([ctx](absl::StatusOr<uint64_t> r) mutable {
          auto res = ctx.getResults();
          StatusToWire(r.status(), res.initStatus());
          if (r.ok()) res.setSeq(*r);
        });
  }

  kj::Promise<void> read(ReadContext ctx) override {
    Engine* e = &s_.engine;
    uint64_t from = ctx.getParams().getFromSeq();
    uint64_t limit = std::min(ctx.getParams().getLimit(), kMaxReadPerCall);
    using Wire = std::vector<std::string>;
    return OffLoop<absl::StatusOr<Wire>>(s_.reads,
                                         [e, from, limit] { return ReadReply(*e, from, limit); })
        .then([ctx](absl::StatusOr<Wire> r) mutable {
          auto res = ctx.getResults();
          StatusToWire(r.status(), res.initStatus());
          if (!r.ok()) return;
          auto list = res.initEvents(r->size());
          for (size_t i = 0; i < r->size(); ++i) list.set(i, AsData((*r)[i]));
        });
  }

  kj::Promise<void> head(HeadContext ctx) override {
    auto res = ctx.getResults();  // an atomic load: cheap enough for the loop
    StatusToWire(absl::OkStatus(), res.initStatus());
    res.setHead(s_.engine.Head());
    return kj::READY_NOW;
  }

  kj::Promise<void> timeline(TimelineContext ctx) override {
    Engine* e = &s_.engine;
    TimelineQuery q = QueryFromWire(ctx.getParams().getQuery());
    return OffLoop<absl::StatusOr<TimelinePage>>(s_.reads,
                                                 [e, q = std::move(q)] { return PageOf(*e, q); })
        .then([ctx](absl::StatusOr<TimelinePage> r) mutable {
          auto res = ctx.getResults();
          StatusToWire(r.status(), res.initStatus());
          if (r.ok()) PageToWire(*r, res.initPage());
        });
  }

  kj::Promise<void> append(AppendContext ctx) override {
    std::vector<Statement> statements;
    auto list = ctx.getParams().getStatements();
    statements.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      auto s = StatementFromWire(list[i]);
      if (!s.ok()) {
        auto res = ctx.getResults();
        StatusToWire(absl::Status(s.status().code(),
                                  absl::StrCat("statements[", i, "]: ", s.status().message())),
                     res.initStatus());
        return kj::READY_NOW;
      }
      statements.push_back(std::move(*s));
    }
    using Results = absl::StatusOr<std::vector<AppendResult>>;
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Results>();
    s_.committer.Submit(std::move(statements),
                        [ful = kj::mv(paf.fulfiller)](Results r) mutable {
                          ful->fulfill(std::move(r));
                        });
    uint64_t connection = connection_;
    return paf.promise.then([ctx, connection](Results r) mutable {
      auto res = ctx.getResults();
      StatusToWire(r.status(), res.initStatus());
      if (!r.ok()) {
        if (r.status().code() != absl::StatusCode::kInvalidArgument)
          ServerLog(absl::StrCat("connection ", connection, ": append failed: ",
                                 r.status().ToString()));
        return;
      }
      auto out = res.initResults(r->size());
      for (size_t i = 0; i < r->size(); ++i) {
        out[i].setSeq((*r)[i].seq);
        out[i].setDuplicate((*r)[i].duplicate);
      }
    });
  }

  kj::Promise<void> subscribe(SubscribeContext ctx) override {
    auto p = ctx.getParams();
    if (p.getFilter().getProjection().size() > 0 || p.getFilter().getKey().size() > 0) {
      StatusToWire(absl::UnimplementedError(
                       "subscription filters by projection and key are not implemented yet "
                       "(filter by actors, topics and kinds)"),
                   ctx.getResults().initStatus());
      return kj::READY_NOW;
    }
    SubscriptionContext c{s_.engine, s_.reads, s_.watch, s_.max_subscriber_lag, connection_,
                          notes_};
    auto res = ctx.getResults();
    StatusToWire(absl::OkStatus(), res.initStatus());
    res.setSubscription(
        StartSubscription(c, p.getFromSeq(), FilterFromWire(p.getFilter()), p.getSink()));
    return kj::READY_NOW;
  }

 private:
  ServerState& s_;
  uint64_t connection_;
  std::shared_ptr<ConnectionNotes> notes_;
};

}  // namespace

// A timeline page of at most kMaxTimelinePage entries (limit 0, "no
// limit", asks for that many) and about kReplyBytes of events: a page that
// would be bigger is asked again, as of the same seq, with the limit that
// fits, so that its next_cursor continues exactly after it.
absl::StatusOr<TimelinePage> PageOf(Engine& engine, TimelineQuery q) {
  if (q.limit == 0 || q.limit > kMaxTimelinePage) q.limit = kMaxTimelinePage;
  auto page = engine.Timeline(q);
  if (!page.ok()) return page;
  size_t bytes = 0, fit = 0;
  for (const TimelineEntry& entry : page->entries) {
    bytes += WireBytesBound(entry.event);
    if (fit > 0 && bytes > kReplyBytes) break;
    ++fit;
  }
  if (fit == page->entries.size()) return page;
  q.limit = fit;
  q.as_of = page->as_of;
  return engine.Timeline(q);
}

kj::Own<rpc::Store::Server> NewStoreService(ServerState& state, uint64_t connection,
                                            std::shared_ptr<ConnectionNotes> notes) {
  return kj::heap<StoreService>(state, connection, std::move(notes));
}

}  // namespace annals::internal
