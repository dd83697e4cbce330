// The Engine over a Client (annals/client.h, NewClientEngine): each
// operation is one call of the public Client, with no private access.
#include <algorithm>
#include <memory>
#include <utility>

#include "annals/client.h"

namespace annals {
namespace {

// Reads the log through the server a page at a time, up to the head it
// saw when created (a snapshot, as a local LogIterator's).
class RemoteLogIterator final : public LogIterator {
 public:
  RemoteLogIterator(Client& client, uint64_t from_seq) : client_(client), next_(from_seq) {
    if (next_ == 0) next_ = 1;
    auto head = client_.Head();
    if (!head.ok()) {
      status_ = head.status();
      return;
    }
    end_ = *head;
    Fill();
  }
  bool Valid() const override { return pos_ < page_.size(); }
  void Next() override {
    if (++pos_ == page_.size()) Fill();
  }
  const Event& event() const override { return page_[pos_]; }
  absl::Status status() const override { return status_; }

 private:
  static constexpr size_t kPage = 1000;

  void Fill() {
    page_.clear();
    pos_ = 0;
    if (next_ > end_) return;
    auto events = client_.Read(next_, std::min<uint64_t>(kPage, end_ - next_ + 1));
    if (!events.ok()) {
      status_ = events.status();
      return;
    }
    page_ = std::move(*events);
    if (!page_.empty()) next_ = page_.back().seq + 1;
    while (!page_.empty() && page_.back().seq > end_) page_.pop_back();
  }

  Client& client_;
  uint64_t next_ = 1;
  uint64_t end_ = 0;
  std::vector<Event> page_;
  size_t pos_ = 0;
  absl::Status status_;
};

class RemoteEngine final : public Engine {
 public:
  explicit RemoteEngine(std::shared_ptr<Client> client) : c_(std::move(client)) {}

  absl::StatusOr<AppendResult> Append(const Statement& statement,
                                      const AppendOptions& options) override {
    auto r = c_->Append(std::span<const Statement>(&statement, 1));
    if (!r.ok()) return r.status();
    if (auto st = SyncIf(options); !st.ok()) return st;
    return r->front();
  }
  absl::StatusOr<std::vector<AppendResult>> Append(std::span<const Statement> statements,
                                                   const AppendOptions& options) override {
    auto r = c_->Append(statements);
    if (!r.ok()) return r;
    if (auto st = SyncIf(options); !st.ok()) return st;
    return r;
  }
  absl::StatusOr<AppendResult> Correct(uint64_t target, const Statement& corrected,
                                       std::string_view reason,
                                       const AppendOptions& options) override {
    return Synced(c_->Correct(target, corrected, reason), options);
  }
  absl::StatusOr<AppendResult> Retract(uint64_t target, std::string_view reason,
                                       const AppendOptions& options,
                                       const std::vector<Attribute>& attributes) override {
    return Synced(c_->Retract(target, reason, attributes), options);
  }
  absl::StatusOr<AppendResult> Alias(std::string_view alias, std::string_view canonical,
                                     const AppendOptions& options,
                                     const std::vector<Attribute>& attributes) override {
    return Synced(c_->Alias(alias, canonical, attributes), options);
  }
  absl::StatusOr<std::vector<AppendResult>> AppendMentions(
      std::span<const Mention> mentions, const AppendOptions& options) override {
    auto r = c_->AppendMentions(mentions);
    if (!r.ok()) return r;
    if (auto st = SyncIf(options); !st.ok()) return st;
    return r;
  }
  absl::StatusOr<std::vector<std::vector<MentionRef>>> MentionsOf(
      std::span<const std::string> event_ids, uint64_t as_of) const override {
    return c_->MentionsOf(event_ids, as_of);
  }
  absl::Status Sync() override { return c_->Sync(); }

  absl::StatusOr<Event> Get(uint64_t seq) const override { return c_->Get(seq); }
  absl::StatusOr<uint64_t> FindById(std::string_view id) const override {
    return c_->FindById(id);
  }
  absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq, size_t limit) const override {
    return c_->Read(from_seq, limit);
  }
  std::unique_ptr<LogIterator> NewIterator(uint64_t from_seq) const override {
    return std::make_unique<RemoteLogIterator>(*c_, from_seq);
  }
  uint64_t Head() const override { return c_->Head().value_or(0); }
  absl::StatusOr<StoreStats> Stats() const override { return c_->Stats(); }
  absl::StatusOr<Statement> CurrentStatement(uint64_t seq) const override {
    return c_->CurrentStatement(seq);
  }
  absl::StatusOr<StatementStanding> Standing(uint64_t seq) const override {
    return c_->Standing(seq);
  }
  absl::StatusOr<uint64_t> SeqAt(int64_t recorded_at) const override {
    return c_->SeqAt(recorded_at);
  }

  absl::Status AddProjection(std::shared_ptr<const Projection>) override {
    return absl::FailedPreconditionError(
        "in-process projections cannot be registered through a server (declarative "
        "projections can: CreateProjection)");
  }
  absl::Status CreateProjection(const ProjectionDefinition& def) override {
    return c_->CreateProjection(def);
  }
  absl::Status DropProjection(std::string_view name) override {
    return c_->DropProjection(name);
  }
  absl::Status Rebuild(std::string_view name) override { return c_->Rebuild(name); }
  absl::Status WaitForRebuild(std::string_view name, absl::Duration timeout) const override {
    return c_->WaitForRebuild(name, timeout);
  }
  std::vector<ProjectionInfo> Projections() const override {
    return c_->Projections().value_or(std::vector<ProjectionInfo>());
  }
  // Every projection that has not failed, as the local engine's.
  absl::Status WaitFor(uint64_t seq, absl::Duration timeout) const override {
    auto infos = c_->Projections();
    if (!infos.ok()) return infos.status();
    const absl::Time deadline = absl::Now() + timeout;
    for (const ProjectionInfo& i : *infos) {
      if (i.state == ProjectionState::kFailed) continue;
      absl::Status st = c_->WaitForProjection(i.name, seq, deadline - absl::Now());
      if (st.ok()) continue;
      if (!absl::IsUnavailable(st)) return st;
      // kUnavailable: the projection failed meanwhile (skipped, as the
      // local engine skips failed ones), or the server went away.
      auto now = c_->Projections();
      if (!now.ok()) return now.status();
    }
    return absl::OkStatus();
  }
  absl::Status WaitForProjection(std::string_view name, uint64_t seq,
                                 absl::Duration timeout) const override {
    return c_->WaitForProjection(name, seq, timeout);
  }
  absl::StatusOr<std::optional<std::string>> ReadProjection(
      std::string_view name, std::string_view key) const override {
    return c_->ReadProjection(name, key);
  }
  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) const override {
    return c_->Timeline(q);
  }
  absl::StatusOr<std::vector<GroupCount>> Counts(const CountsQuery& q) const override {
    return c_->Counts(q);
  }
  absl::Status Refresh() override { return absl::OkStatus(); }

 private:
  // A kSync append's promise (it is on disk) kept through the server,
  // whatever the server's own durability.
  absl::Status SyncIf(const AppendOptions& options) {
    if (options.durability != AppendOptions::Durability::kSync) return absl::OkStatus();
    return c_->Sync();
  }
  absl::StatusOr<AppendResult> Synced(absl::StatusOr<AppendResult> r,
                                      const AppendOptions& options) {
    if (!r.ok()) return r;
    if (auto st = SyncIf(options); !st.ok()) return st;
    return r;
  }

  const std::shared_ptr<Client> c_;
};

}  // namespace

std::unique_ptr<Engine> NewClientEngine(std::shared_ptr<Client> client) {
  return std::make_unique<RemoteEngine>(std::move(client));
}

}  // namespace annals
