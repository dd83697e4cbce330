#include "serve/store_service.h"
#include "search/search_follower.h"
#include "serve/search_wire.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "annals/backup.h"
#include "kj/async.h"
#include "model/error_kinds.h"
#include "serve/off_loop.h"
#include "serve/wire.h"

namespace annals::internal {
namespace {

// The longest one wait call holds a thread of the slow pool: a client
// waiting longer asks again (so that waits take turns there).
constexpr absl::Duration kMaxWaitPerCall = absl::Milliseconds(500);

absl::Duration WaitOf(int64_t micros) {
  return std::min(absl::Microseconds(std::max<int64_t>(micros, 0)), kMaxWaitPerCall);
}

// An amendment appended outside the committer wakes the subscriptions too.
absl::StatusOr<AppendResult> Notified(HeadWatch& watch, absl::StatusOr<AppendResult> r) {
  if (r.ok() && !r->duplicate) watch.Notify();
  return r;
}

void ResultToWire(const AppendResult& r, rpc::AppendResult::Builder out) {
  out.setSeq(r.seq);
  out.setDuplicate(r.duplicate);
}

class StoreService final : public rpc::Store::Server {
 public:
  StoreService(ServerState& s, uint64_t connection, std::shared_ptr<ConnectionNotes> notes,
               StoreAccess access)
      : s_(s),
        connection_(connection),
        notes_(std::move(notes)),
        read_only_(access.read_only),
        remote_(access.remote),
        subscriptions_(access.subscriptions ? access.subscriptions
                                            : std::make_shared<size_t>(0)) {}

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
    return OffLoop<absl::StatusOr<StoredPage>>(
               s_.reads, [e, q = std::move(q)] { return StoredPageOf(*e, q); })
        .then([ctx](absl::StatusOr<StoredPage> r) mutable {
          auto res = ctx.getResults();
          StatusToWire(r.status(), res.initStatus());
          if (r.ok()) PageToWire(*r, res.initPage());
        });
  }

  kj::Promise<void> append(AppendContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    std::vector<Statement> statements;
    auto list = ctx.getParams().getStatements();
    if (s_.max_batch != 0 && list.size() > s_.max_batch) {
      StatusToWire(absl::ResourceExhaustedError(absl::StrCat(
                       "a batch of ", list.size(), " statements: this server appends at most ",
                       s_.max_batch, " in one call (--max-batch); nothing was appended, "
                       "send it in smaller batches")),
                   ctx.getResults().initStatus());
      return kj::READY_NOW;
    }
    statements.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      auto s = StatementFromWire(list[i]);
      if (!s.ok()) {
        auto res = ctx.getResults();
        StatusToWire(BadStatementError(s.status(), i, /*prefix=*/true), res.initStatus());
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

  // Amendments run on the read pool: the engine serialises them with the
  // committer's appends, and applies the store's durability (--sync).
  kj::Promise<void> correct(CorrectContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    Engine* e = &s_.engine;
    auto p = ctx.getParams();
    auto statement = StatementFromWire(p.getStatement());
    if (!statement.ok()) {
      StatusToWire(statement.status(), ctx.getResults().initStatus());
      return kj::READY_NOW;
    }
    return Answer<AppendResult>(
        s_.reads, ctx,
        [e, w = &s_.watch, target = p.getTarget(), st = std::move(*statement),
         why = TextOf(p.getReason())] { return Notified(*w, e->Correct(target, st, why)); },
        [](auto& res, const AppendResult& r) { ResultToWire(r, res.initResult()); });
  }

  kj::Promise<void> retract(RetractContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    Engine* e = &s_.engine;
    auto p = ctx.getParams();
    return Answer<AppendResult>(
        s_.reads, ctx,
        [e, w = &s_.watch, target = p.getTarget(), why = TextOf(p.getReason()),
         attributes = AttributesFromWire(p.getAttributes())] {
          return Notified(*w, e->Retract(target, why, {}, attributes));
        },
        [](auto& res, const AppendResult& r) { ResultToWire(r, res.initResult()); });
  }

  kj::Promise<void> alias(AliasContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    Engine* e = &s_.engine;
    auto p = ctx.getParams();
    return Answer<AppendResult>(
        s_.reads, ctx,
        [e, w = &s_.watch, a = TextOf(p.getAlias()), c = TextOf(p.getCanonical()),
         attributes = AttributesFromWire(p.getAttributes())] {
          return Notified(*w, e->Alias(a, c, {}, attributes));
        },
        [](auto& res, const AppendResult& r) { ResultToWire(r, res.initResult()); });
  }

  // Mentions run on the read pool, as amendments do.
  kj::Promise<void> appendMentions(AppendMentionsContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    auto list = ctx.getParams().getMentions();
    if (s_.max_batch != 0 && list.size() > s_.max_batch) {
      StatusToWire(absl::ResourceExhaustedError(absl::StrCat(
                       "a batch of ", list.size(), " mentions: this server appends at most ",
                       s_.max_batch, " in one call (--max-batch); nothing was appended")),
                   ctx.getResults().initStatus());
      return kj::READY_NOW;
    }
    std::vector<Mention> mentions;
    mentions.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      auto m = MentionFromWire(list[i]);
      if (!m.ok()) {
        StatusToWire(BadStatementError(m.status(), i, /*prefix=*/false),
                     ctx.getResults().initStatus());
        return kj::READY_NOW;
      }
      mentions.push_back(std::move(*m));
    }
    Engine* e = &s_.engine;
    return Answer<std::vector<AppendResult>>(
        s_.reads, ctx,
        [e, w = &s_.watch, mentions = std::move(mentions)] {
          auto r = e->AppendMentions(mentions, {});
          if (r.ok()) w->Notify();
          return r;
        },
        [](auto& res, const std::vector<AppendResult>& r) {
          auto out = res.initResults(r.size());
          for (size_t i = 0; i < r.size(); ++i) ResultToWire(r[i], out[i]);
        });
  }

  kj::Promise<void> mentionsOf(MentionsOfContext ctx) override {
    auto p = ctx.getParams();
    if (p.getEventIds().size() > kMaxMentionIds) {
      StatusToWire(absl::ResourceExhaustedError(absl::StrCat(
                       "mentions of ", p.getEventIds().size(), " events asked at once; at most ",
                       kMaxMentionIds, " a call")),
                   ctx.getResults().initStatus());
      return kj::READY_NOW;
    }
    std::vector<std::string> ids;
    for (auto id : p.getEventIds()) ids.push_back(TextOf(id));
    Engine* e = &s_.engine;
    using Lists = std::vector<std::vector<MentionRef>>;
    return Answer<Lists>(
        s_.reads, ctx,
        [e, ids = std::move(ids), as_of = p.getAsOf()] { return e->MentionsOf(ids, as_of); },
        [](auto& res, const Lists& lists) { MentionListsToWire(lists, res); });
  }

  kj::Promise<void> features(FeaturesContext ctx) override {
    auto res = ctx.getResults();
    res.initStatus();
    auto list = res.initFeatures(3);
    list.set(0, "event-attributes");
    list.set(1, "mentions");
    list.set(2, "search");
    return kj::READY_NOW;
  }

  kj::Promise<void> sync(SyncContext ctx) override {
    Engine* e = &s_.engine;
    return Answer<bool>(s_.reads, ctx, [e] { return Done(e->Sync()); }, [](auto&, bool) {});
  }

  kj::Promise<void> counts(CountsContext ctx) override {
    Engine* e = &s_.engine;
    return Answer<std::vector<GroupCount>>(
        s_.reads, ctx, [e, q = CountsQueryFromWire(ctx.getParams())] { return e->Counts(q); },
        [](auto& res, const std::vector<GroupCount>& c) { CountsToWire(c, res); });
  }

  kj::Promise<void> projectionList(ProjectionListContext ctx) override {
    Engine* e = &s_.engine;
    return Answer<std::vector<ProjectionInfo>>(
        s_.reads, ctx,
        [e]() -> absl::StatusOr<std::vector<ProjectionInfo>> { return e->Projections(); },
        [](auto& res, const std::vector<ProjectionInfo>& infos) {
          auto list = res.initProjections(infos.size());
          for (size_t i = 0; i < infos.size(); ++i) ProjectionInfoToWire(infos[i], list[i]);
        });
  }

  kj::Promise<void> createProjection(CreateProjectionContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    Engine* e = &s_.engine;
    return Answer<bool>(
        s_.reads, ctx,
        [e, def = DefinitionFromWire(ctx.getParams())] { return Done(e->CreateProjection(def)); },
        [](auto&, bool) {});
  }

  kj::Promise<void> dropProjection(DropProjectionContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    Engine* e = &s_.engine;
    return Answer<bool>(
        s_.reads, ctx,
        [e, name = TextOf(ctx.getParams().getName())] { return Done(e->DropProjection(name)); },
        [](auto&, bool) {});
  }

  kj::Promise<void> rebuild(RebuildContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    Engine* e = &s_.engine;
    return Answer<bool>(
        s_.reads, ctx,
        [e, name = TextOf(ctx.getParams().getName())] { return Done(e->Rebuild(name)); },
        [](auto&, bool) {});
  }

  kj::Promise<void> readProjection(ReadProjectionContext ctx) override {
    Engine* e = &s_.engine;
    auto p = ctx.getParams();
    return Answer<std::optional<std::string>>(
        s_.reads, ctx,
        [e, name = TextOf(p.getName()), key = TextOf(p.getKey())] {
          return e->ReadProjection(name, key);
        },
        [](auto& res, const std::optional<std::string>& v) {
          res.setFound(v.has_value());
          if (v.has_value()) res.setValue(AsData(*v));
        });
  }

  kj::Promise<void> standing(StandingContext ctx) override {
    Engine* e = &s_.engine;
    return Answer<StatementStanding>(
        s_.reads, ctx, [e, seq = ctx.getParams().getSeq()] { return e->Standing(seq); },
        [](auto& res, const StatementStanding& st) {
          res.setCorrectedBy(st.corrected_by);
          res.setRetractedBy(st.retracted_by);
        });
  }

  kj::Promise<void> currentStatement(CurrentStatementContext ctx) override {
    Engine* e = &s_.engine;
    return Answer<std::string>(
        s_.reads, ctx,
        [e, seq = ctx.getParams().getSeq()]() -> absl::StatusOr<std::string> {
          auto st = e->CurrentStatement(seq);
          if (!st.ok()) return st.status();
          return StatementToWire(*st);
        },
        [](auto& res, const std::string& wire) { res.setStatement(AsData(wire)); });
  }

  kj::Promise<void> seqAt(SeqAtContext ctx) override {
    Engine* e = &s_.engine;
    return Answer<uint64_t>(
        s_.reads, ctx, [e, at = ctx.getParams().getRecordedAt()] { return e->SeqAt(at); },
        [](auto& res, uint64_t seq) { res.setSeq(seq); });
  }

  kj::Promise<void> waitForProjection(WaitForProjectionContext ctx) override {
    Engine* e = &s_.engine;
    auto p = ctx.getParams();
    return Answer<bool>(
        s_.slow, ctx,
        [e, name = TextOf(p.getName()), seq = p.getSeq(), wait = WaitOf(p.getTimeoutMicros())] {
          return Done(e->WaitForProjection(name, seq, wait));
        },
        [](auto&, bool) {});
  }

  kj::Promise<void> waitForRebuild(WaitForRebuildContext ctx) override {
    Engine* e = &s_.engine;
    auto p = ctx.getParams();
    return Answer<bool>(
        s_.slow, ctx,
        [e, name = TextOf(p.getName()), wait = WaitOf(p.getTimeoutMicros())] {
          return Done(e->WaitForRebuild(name, wait));
        },
        [](auto&, bool) {});
  }

  kj::Promise<void> search(SearchContext ctx) override {
    const Engine* e = &s_.engine;
    return Answer<SearchResult>(  // catching the index up can take long
        s_.slow, ctx,
        [e, q = SearchQueryFromWire(ctx.getParams().getQuery()), create = !read_only_,
         f = s_.follower] { return SearchServedStore(*e, q, create, f); },
        [](auto& res, const SearchResult& r) { SearchResultToWire(r, res); });
  }

  kj::Promise<void> backup(BackupContext ctx) override {
    if (RefusedWrite(ctx)) return kj::READY_NOW;
    if (remote_) {
      StatusToWire(absl::PermissionDeniedError(
                       "backup is not served over TCP: it writes files on the server's "
                       "machine as the server's user; back up over the Unix socket"),
                   ctx.getResults().initStatus());
      return kj::READY_NOW;
    }
    Engine* e = &s_.engine;
    return Answer<BackupInfo>(
        s_.slow, ctx,
        [e, f = s_.follower, dir = TextOf(ctx.getParams().getDestination())] {
          LiveSearchPause paused(f);  // its indexes' locks free for the copies
          return Backup(*e, dir);
        },
        [](auto& res, const BackupInfo& info) {
          res.setPath(info.path);
          res.setHead(info.head);
          res.setBytes(info.bytes);
          res.setBackupId(info.backup_id);
          auto langs = res.initSearchIndexes(static_cast<unsigned>(info.search_indexes.size()));
          for (unsigned i = 0; i < langs.size(); ++i) langs.set(i, info.search_indexes[i]);
        });
  }

  kj::Promise<void> subscribe(SubscribeContext ctx) override {
    auto p = ctx.getParams();
    auto matches = SubscriptionMatcher(s_.engine, FilterFromWire(p.getFilter()));
    if (!matches.ok()) {
      StatusToWire(matches.status(), ctx.getResults().initStatus());
      return kj::READY_NOW;
    }
    const size_t most = s_.max_subscriptions_per_connection;
    if (most != 0 && *subscriptions_ >= most) {
      StatusToWire(absl::ResourceExhaustedError(absl::StrCat(
                       "this connection holds ", *subscriptions_, " subscriptions, the most "
                       "the server allows one (serve --max-subscriptions)")),
                   ctx.getResults().initStatus());
      return kj::READY_NOW;
    }
    ++*subscriptions_;
    std::shared_ptr<void> slot(nullptr, [held = subscriptions_](void*) { --*held; });
    SubscriptionContext c{s_.engine, s_.reads, s_.watch, s_.max_subscriber_lag, connection_,
                          notes_, std::move(slot)};
    auto res = ctx.getResults();
    StatusToWire(absl::OkStatus(), res.initStatus());
    res.setSubscription(
        StartSubscription(c, p.getFromSeq(), *std::move(matches), p.getSink()));
    return kj::READY_NOW;
  }

 private:
  // True, with the error sent, for a write on a read-only connection
  // (logged in with a read-only token): nothing is done.
  template <typename Context>
  bool RefusedWrite(Context& ctx) {
    if (!read_only_) return false;
    StatusToWire(absl::PermissionDeniedError(
                     "this connection's token is read-only: it may not change the store"),
                 ctx.getResults().initStatus());
    return true;
  }

  ServerState& s_;
  uint64_t connection_;
  std::shared_ptr<ConnectionNotes> notes_;
  const bool read_only_;
  const bool remote_;
  // Subscriptions of this connection alive now (their slots release them;
  // a slot may outlive this service). Touched on the event loop only.
  std::shared_ptr<size_t> subscriptions_;
};

}  // namespace

kj::Own<rpc::Store::Server> NewStoreService(ServerState& state, uint64_t connection,
                                            std::shared_ptr<ConnectionNotes> notes,
                                            StoreAccess access) {
  return kj::heap<StoreService>(state, connection, std::move(notes), std::move(access));
}

}  // namespace annals::internal
