// annals::Connect (annals/client.h): a client whose calls run on an I/O
// thread of its own (a KJ event loop holding the connection); callers on
// any thread hand it work with kj::Executor::executeSync.
#include "annals/client.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "capnp/rpc-twoparty.h"
#include "kj/async-io.h"
#include "serve/client_calls.h"
#include "serve/client_connect.h"
#include "serve/client_subscription.h"
#include "serve/search_wire.h"
#include "serve/socket_files.h"
#include "serve/store_service.h"
#include "serve/wire.h"

namespace annals {
namespace internal {
namespace {

class RemoteClient final : public Client {
 public:
  RemoteClient(ServerEndpoint endpoint, const ClientOptions& options)
      : endpoint_(std::move(endpoint)), token_(options.token) {
    reader_.traversalLimitInWords = options.max_message_bytes / 8;
    thread_ = std::thread([this] { Run(); });
  }

  ~RemoteClient() noexcept override {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&ready_));
      if (stop_.get() != nullptr) stop_->fulfill();
    }
    thread_.join();
  }

  // The outcome of connecting.
  absl::Status Started() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&ready_));
    return start_;
  }

  bool read_only() const override { return read_only_; }

  absl::StatusOr<StoreStats> Stats() override {
    return Call<StoreStats>([](rpc::Store::Client& s) {
      return s.statsRequest().send().then([](auto r) -> absl::StatusOr<StoreStats> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return StatsFromWire(r.getStats());
      });
    });
  }

  absl::StatusOr<uint64_t> Head() override {
    return Call<uint64_t>([](rpc::Store::Client& s) {
      return s.headRequest().send().then([](auto r) -> absl::StatusOr<uint64_t> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return r.getHead();
      });
    });
  }

  absl::StatusOr<Event> Get(uint64_t seq) override {
    return Call<Event>([seq](rpc::Store::Client& s) {
      auto req = s.getRequest();
      req.setSeq(seq);
      return req.send().then([](auto r) -> absl::StatusOr<Event> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return EventFromWire(r.getEvent());
      });
    });
  }

  absl::StatusOr<uint64_t> FindById(std::string_view id) override {
    std::string key(id);
    return Call<uint64_t>([&key](rpc::Store::Client& s) {
      auto req = s.findByIdRequest();
      req.setId(key);
      return req.send().then([](auto r) -> absl::StatusOr<uint64_t> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return r.getSeq();
      });
    });
  }

  absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq, size_t limit) override {
    std::vector<Event> out;
    // The server answers at most kMaxReadPerCall events or about
    // kReplyBytes a call (serve/limits.h); an empty answer is the log's end.
    while (out.size() < limit) {
      uint64_t want = std::min<uint64_t>(limit - out.size(), kMaxReadPerCall);
      auto page = ReadOnce(from_seq, want);
      if (!page.ok()) return page.status();
      if (page->empty()) break;
      for (Event& e : *page) out.push_back(std::move(e));
      from_seq = out.back().seq + 1;
    }
    return out;
  }

  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) override {
    return Call<TimelinePage>([&q](rpc::Store::Client& s) {
      auto req = s.timelineRequest();
      QueryToWire(q, req.initQuery());
      return req.send().then([](auto r) -> absl::StatusOr<TimelinePage> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return PageFromWire(r.getPage());
      });
    });
  }

  absl::StatusOr<std::vector<AppendResult>> Append(
      std::span<const Statement> statements) override {
    std::vector<std::string> wire;
    wire.reserve(statements.size());
    for (const Statement& s : statements) wire.push_back(StatementToWire(s));
    return Call<std::vector<AppendResult>>([&wire](rpc::Store::Client& s) {
      auto req = s.appendRequest();
      FillData(req.initStatements(wire.size()), wire);
      return req.send().then([](auto r) { return ResultsOf(r); });
    });
  }

  absl::StatusOr<AppendResult> Correct(uint64_t target, const Statement& corrected,
                                       std::string_view reason) override {
    std::string wire = StatementToWire(corrected), why(reason);
    return Call<AppendResult>([&](rpc::Store::Client& s) {
      auto req = s.correctRequest();
      req.setTarget(target);
      req.setStatement(AsData(wire));
      req.setReason(why);
      return req.send().then([](auto r) { return ResultOf(r); });
    });
  }

  absl::StatusOr<AppendResult> Retract(uint64_t target, std::string_view reason,
                                       const std::vector<Attribute>& attributes) override {
    if (!attributes.empty())
      if (absl::Status st = Require("event-attributes", "the retraction's attributes"); !st.ok())
        return st;
    std::string why(reason);
    return Call<AppendResult>([&](rpc::Store::Client& s) {
      auto req = s.retractRequest();
      req.setTarget(target);
      req.setReason(why);
      AttributesToWire(attributes, req.initAttributes(attributes.size()));
      return req.send().then([](auto r) { return ResultOf(r); });
    });
  }

  absl::StatusOr<AppendResult> Alias(std::string_view alias, std::string_view canonical,
                                     const std::vector<Attribute>& attributes) override {
    if (!attributes.empty())
      if (absl::Status st = Require("event-attributes", "the alias's attributes"); !st.ok())
        return st;
    std::string a(alias), c(canonical);
    return Call<AppendResult>([&](rpc::Store::Client& s) {
      auto req = s.aliasRequest();
      req.setAlias(a);
      req.setCanonical(c);
      AttributesToWire(attributes, req.initAttributes(attributes.size()));
      return req.send().then([](auto r) { return ResultOf(r); });
    });
  }

  absl::StatusOr<std::vector<AppendResult>> AppendMentions(
      std::span<const Mention> mentions) override {
    if (absl::Status st = Require("mentions", "mentions"); !st.ok()) return st;
    std::vector<std::string> wire;
    wire.reserve(mentions.size());
    for (const Mention& m : mentions) wire.push_back(MentionToWire(m));
    return Call<std::vector<AppendResult>>([&wire](rpc::Store::Client& s) {
      auto req = s.appendMentionsRequest();
      FillData(req.initMentions(wire.size()), wire);
      return req.send().then([](auto r) { return ResultsOf(r); });
    });
  }

  absl::StatusOr<std::vector<std::vector<MentionRef>>> MentionsOf(
      std::span<const std::string> event_ids, uint64_t as_of) override {
    if (absl::Status st = Require("mentions", "mentions"); absl::IsFailedPrecondition(st))
      return std::vector<std::vector<MentionRef>>(event_ids.size());
    else if (!st.ok())
      return st;
    return Call<std::vector<std::vector<MentionRef>>>([&](rpc::Store::Client& s) {
      auto req = s.mentionsOfRequest();
      auto ids = req.initEventIds(event_ids.size());
      for (size_t i = 0; i < event_ids.size(); ++i) ids.set(i, event_ids[i]);
      req.setAsOf(as_of);
      return req.send().then([](auto r) { return MentionRefsOf(r); });
    });
  }

  absl::Status Sync() override {
    return Call<bool>([](rpc::Store::Client& s) {
             return s.syncRequest().send().then([](auto r) { return Done(r); });
           })
        .status();
  }

  absl::StatusOr<StatementStanding> Standing(uint64_t seq) override {
    return Call<StatementStanding>([seq](rpc::Store::Client& s) {
      auto req = s.standingRequest();
      req.setSeq(seq);
      return req.send().then([](auto r) -> absl::StatusOr<StatementStanding> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return StatementStanding{r.getCorrectedBy(), r.getRetractedBy()};
      });
    });
  }

  absl::StatusOr<Statement> CurrentStatement(uint64_t seq) override {
    return Call<Statement>([seq](rpc::Store::Client& s) {
      auto req = s.currentStatementRequest();
      req.setSeq(seq);
      return req.send().then([](auto r) -> absl::StatusOr<Statement> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return StatementFromWire(r.getStatement());
      });
    });
  }

  absl::StatusOr<uint64_t> SeqAt(int64_t recorded_at) override {
    return Call<uint64_t>([recorded_at](rpc::Store::Client& s) {
      auto req = s.seqAtRequest();
      req.setRecordedAt(recorded_at);
      return req.send().then([](auto r) -> absl::StatusOr<uint64_t> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return r.getSeq();
      });
    });
  }

  absl::StatusOr<std::vector<GroupCount>> Counts(const CountsQuery& q) override {
    return Call<std::vector<GroupCount>>([&q](rpc::Store::Client& s) {
      auto req = s.countsRequest();
      CountsQueryToWire(q, req);
      return req.send().then([](auto r) -> absl::StatusOr<std::vector<GroupCount>> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        return CountsFromWire(r);
      });
    });
  }

  absl::StatusOr<std::vector<ProjectionInfo>> Projections() override {
    return Call<std::vector<ProjectionInfo>>([](rpc::Store::Client& s) {
      return s.projectionListRequest().send().then(
          [](auto r) -> absl::StatusOr<std::vector<ProjectionInfo>> {
            if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
            std::vector<ProjectionInfo> out;
            for (auto i : r.getProjections()) out.push_back(ProjectionInfoFromWire(i));
            return out;
          });
    });
  }

  absl::Status CreateProjection(const ProjectionDefinition& def) override {
    return Call<bool>([&def](rpc::Store::Client& s) {
             auto req = s.createProjectionRequest();
             DefinitionToWire(def, req);
             return req.send().then([](auto r) { return Done(r); });
           })
        .status();
  }

  absl::Status DropProjection(std::string_view name) override {
    std::string n(name);
    return Call<bool>([&n](rpc::Store::Client& s) {
             auto req = s.dropProjectionRequest();
             req.setName(n);
             return req.send().then([](auto r) { return Done(r); });
           })
        .status();
  }

  absl::Status Rebuild(std::string_view name) override {
    std::string n(name);
    return Call<bool>([&n](rpc::Store::Client& s) {
             auto req = s.rebuildRequest();
             req.setName(n);
             return req.send().then([](auto r) { return Done(r); });
           })
        .status();
  }

  absl::Status WaitForRebuild(std::string_view name, absl::Duration timeout) override {
    std::string n(name);
    return WaitUntil(timeout, [&](int64_t micros) {
      return Call<bool>([&](rpc::Store::Client& s) {
               auto req = s.waitForRebuildRequest();
               req.setName(n);
               req.setTimeoutMicros(micros);
               return req.send().then([](auto r) { return Done(r); });
             })
          .status();
    });
  }

  absl::Status WaitForProjection(std::string_view name, uint64_t seq,
                                 absl::Duration timeout) override {
    std::string n(name);
    return WaitUntil(timeout, [&](int64_t micros) {
      return Call<bool>([&](rpc::Store::Client& s) {
               auto req = s.waitForProjectionRequest();
               req.setName(n);
               req.setSeq(seq);
               req.setTimeoutMicros(micros);
               return req.send().then([](auto r) { return Done(r); });
             })
          .status();
    });
  }

  absl::StatusOr<std::optional<std::string>> ReadProjection(std::string_view name,
                                                            std::string_view key) override {
    std::string n(name), k(key);
    using Value = std::optional<std::string>;
    return Call<Value>([&](rpc::Store::Client& s) {
      auto req = s.readProjectionRequest();
      req.setName(n);
      req.setKey(k);
      return req.send().then([](auto r) -> absl::StatusOr<Value> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        if (!r.getFound()) return Value();
        auto v = r.getValue();
        return Value(std::string(reinterpret_cast<const char*>(v.begin()), v.size()));
      });
    });
  }

  absl::StatusOr<BackupInfo> Backup(const std::string& dir) override {
    std::error_code ec;
    std::string path = std::filesystem::absolute(dir, ec).string();
    if (ec) return absl::InvalidArgumentError(absl::StrCat(dir, ": ", ec.message()));
    return Call<BackupInfo>([&path](rpc::Store::Client& s) {
      auto req = s.backupRequest();
      req.setDestination(path);
      return req.send().then([](auto r) { return BackupInfoOf(r); });
    });
  }

  absl::StatusOr<SearchResult> Search(const SearchQuery& q) override {
    if (absl::Status st = Require("search", "search"); absl::IsFailedPrecondition(st))
      return absl::UnimplementedError("the server is an older annals without search");
    else if (!st.ok())
      return st;
    return Call<SearchResult>([&q](rpc::Store::Client& s) {
      auto req = s.searchRequest();
      SearchQueryToWire(q, req.initQuery());
      return req.send().then([](auto r) { return SearchResultFromWire(r); });
    });
  }

  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      uint64_t from_seq, const SubscriptionFilter& filter,
      std::function<void(const Event&)> on_event) override {
    auto state = std::make_shared<SubscriptionState>();
    {
      absl::MutexLock lock(&state->mu);
      state->resume = std::max<uint64_t>(from_seq, 1);
    }
    // Touched only on the I/O thread.
    auto cap = std::make_shared<kj::Maybe<rpc::Subscription::Client>>();
    auto started = Call<bool>([&](rpc::Store::Client& s) {
      auto req = s.subscribeRequest();
      req.setFromSeq(from_seq);
      FilterToWire(filter, req.initFilter());
      req.setSink(NewEventSink(state, std::move(on_event)));
      return req.send().then([cap](auto r) -> absl::StatusOr<bool> {
        if (auto st = StatusFromWire(r.getStatus()); !st.ok()) return st;
        *cap = r.getSubscription();
        return true;
      });
    });
    if (!started.ok()) return started.status();
    return NewRemoteSubscription(state, [this, cap] {
      try {
        executor_->executeSync([cap] { *cap = nullptr; });
      } catch (const kj::Exception&) {
        // The I/O thread has ended: the capability went with it.
      }
    });
  }

 private:
  // OK if the server has `feature`, else MissingFeature; asks it once.
  absl::Status Require(std::string_view feature, std::string_view what) {
    absl::MutexLock lock(&features_mu_);
    if (!features_) {
      auto got = Call<std::vector<std::string>>(FeaturesOf);
      if (!got.ok()) return got.status();
      features_ = *std::move(got);
    }
    if (std::find(features_->begin(), features_->end(), feature) != features_->end())
      return absl::OkStatus();
    return MissingFeature(feature, what);
  }

  absl::StatusOr<std::vector<Event>> ReadOnce(uint64_t from_seq, uint64_t limit) {
    return Call<std::vector<Event>>([from_seq, limit](rpc::Store::Client& s) {
      auto req = s.readRequest();
      req.setFromSeq(from_seq);
      req.setLimit(limit);
      return req.send().then([](auto r) { return EventsOf(r); });
    });
  }

  // Runs make(store) on the I/O thread and waits for the promise it returns.
  template <typename T, typename F>
  absl::StatusOr<T> Call(F make) {
    if (absl::Status s = Started(); !s.ok()) return s;
    try {
      return executor_->executeSync(
          [&]() -> kj::Promise<absl::StatusOr<T>> { return make(*store_); });
    } catch (const kj::Exception& e) {
      return Unreachable(e);
    }
  }

  void Run() {
    try {
      auto io = kj::setupAsyncIo();
      auto stream = OpenStream(io, endpoint_);
      capnp::TwoPartyVatNetwork network(*stream, capnp::rpc::twoparty::Side::CLIENT, reader_);
      auto rpc = capnp::makeRpcClient(network);
      capnp::word scratch[4] = {};
      capnp::MallocMessageBuilder message(scratch);
      auto vat = message.getRoot<capnp::rpc::twoparty::VatId>();
      vat.setSide(capnp::rpc::twoparty::Side::SERVER);
      auto store = endpoint_.login ? Login(rpc.bootstrap(vat), token_, io)
                                   : LoggedIn{rpc.bootstrap(vat).castAs<rpc::Store>()};
      if (!store.ok()) {
        absl::MutexLock lock(&mu_);
        start_ = store.status();
        ready_ = true;
        return;
      }
      auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
      {
        absl::MutexLock lock(&mu_);
        store_ = &store->store;
        read_only_ = store->read_only;
        executor_ = kj::getCurrentThreadExecutor().addRef();
        stop_ = kj::mv(paf.fulfiller);
        ready_ = true;
      }
      paf.promise.wait(io.waitScope);
    } catch (const kj::Exception& e) {
      absl::MutexLock lock(&mu_);
      if (!ready_) start_ = Unreachable(e);
      ready_ = true;
    }
  }

  const ServerEndpoint endpoint_;
  const std::string token_;
  capnp::ReaderOptions reader_;
  absl::Mutex mu_;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status start_ ABSL_GUARDED_BY(mu_);
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop_ ABSL_GUARDED_BY(mu_);
  // Set once before ready_; used only on the I/O thread / through it.
  rpc::Store::Client* store_ = nullptr;
  bool read_only_ = false;
  absl::Mutex features_mu_;
  std::optional<std::vector<std::string>> features_ ABSL_GUARDED_BY(features_mu_);
  kj::Own<const kj::Executor> executor_;
  std::thread thread_;
};

}  // namespace
}  // namespace internal

absl::StatusOr<std::unique_ptr<Client>> Connect(const std::string& address,
                                                const ClientOptions& options) {
  auto endpoint = internal::ParseServerAddress(address, options);
  if (!endpoint.ok()) return endpoint.status();
  auto client = std::make_unique<internal::RemoteClient>(*std::move(endpoint), options);
  if (absl::Status s = client->Started(); !s.ok()) return s;
  return std::unique_ptr<Client>(std::move(client));
}

std::optional<std::string> ServerAddress(const std::string& store_path) {
  std::ifstream in(std::filesystem::path(store_path) / internal::kAddressFile);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) return std::nullopt;
  return line;
}

}  // namespace annals
