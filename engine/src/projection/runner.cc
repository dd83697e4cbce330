#include "projection/runner.h"

#include "absl/strings/str_cat.h"
#include "log/db_engine.h"
#include "log/keys.h"
#include "model/sv.h"
#include "projection/add_operator.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace annals::internal {

std::string ProjectionPrefix(std::string_view name, uint32_t gen) {
  std::string p(name);
  p.push_back('\0');
  p += EncodeU32(gen);
  return p;
}

std::string GenerationKey(std::string_view name, uint32_t gen) {
  return absl::StrCat(kMetaProjGen, AV(name), "/", EncodeU32(gen));
}

std::string EncodeGeneration(uint32_t version, uint64_t checkpoint) {
  return EncodeU32(version) + EncodeU64(checkpoint);
}

namespace {

// Events applied per WriteBatch: large enough to amortise the commit,
// small enough that a failure or shutdown is noticed quickly.
constexpr size_t kBatchEvents = 2048;

class BatchWriter final : public ProjectionWriter {
 public:
  BatchWriter(DbEngine* engine, rocksdb::WriteBatchWithIndex* wb,
              const std::string& prefix)
      : engine_(engine), wb_(wb), prefix_(prefix) {}

  void Put(std::string_view key, std::string_view value) override {
    wb_->Put(engine_->proj_family(), Key(key), rocksdb::Slice(value.data(), value.size()));
  }
  void Delete(std::string_view key) override {
    wb_->Delete(engine_->proj_family(), Key(key));
  }
  void Add(std::string_view key, int64_t delta) override {
    wb_->Merge(engine_->proj_family(), Key(key), EncodeI64Le(delta));
  }
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    std::string value;
    rocksdb::Status s = wb_->GetFromBatchAndDB(
        engine_->db(), rocksdb::ReadOptions(), engine_->proj_family(), Key(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) return FromRocks(s, "reading projection state");
    return value;
  }
  absl::StatusOr<Event> GetEvent(uint64_t seq) override { return engine_->Get(seq); }

 private:
  std::string Key(std::string_view key) {
    scratch_.assign(prefix_);
    scratch_.append(key);
    return scratch_;
  }
  DbEngine* engine_;
  rocksdb::WriteBatchWithIndex* wb_;
  const std::string& prefix_;
  std::string scratch_;
};

}  // namespace

ProjectionRunner::ProjectionRunner(DbEngine* engine, std::string name,
                                   std::shared_ptr<const Projection> projection,
                                   uint32_t gen, uint64_t checkpoint, Mode mode)
    : engine_(engine),
      name_(std::move(name)),
      projection_(std::move(projection)),
      gen_(gen),
      version_(projection_->version()),
      prefix_(ProjectionPrefix(name_, gen)),
      checkpoint_(checkpoint),
      mode_(mode) {}

ProjectionRunner::~ProjectionRunner() { Stop(); }

void ProjectionRunner::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void ProjectionRunner::Stop() {
  {
    absl::MutexLock lock(&engine_->progress_mu());
    stop_.store(true);
  }
  std::lock_guard<std::mutex> join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void ProjectionRunner::Loop() {
  for (;;) {
    // A rebuild that starts (or is) caught up switches without a batch.
    if (mode() == Mode::kRebuild) engine_->OnRebuildProgress(name_, this);
    {
      absl::MutexLock lock(&engine_->progress_mu());
      auto ready = [this] { return stop_.load() || engine_->Head() > checkpoint(); };
      engine_->progress_mu().Await(absl::Condition(&ready));
      if (stop_.load()) return;
    }
    if (!RunBatch()) {
      if (mode() == Mode::kRebuild) engine_->OnRebuildProgress(name_, this);
      return;
    }
  }
}

bool ProjectionRunner::RunBatch() {
  const uint64_t from = checkpoint() + 1;
  rocksdb::WriteBatchWithIndex wb(rocksdb::BytewiseComparator(), 0, true);
  BatchWriter writer(engine_, &wb, prefix_);
  uint64_t last = from - 1;
  absl::Status failure;
  uint64_t failure_seq = 0;
  auto it = engine_->NewIterator(from);
  for (size_t n = 0; it->Valid() && n < kBatchEvents && !stop_.load(); it->Next(), ++n) {
    const Event& e = it->event();
    wb.SetSavePoint();
    absl::Status st = projection_->Apply(e, writer);
    if (!st.ok()) {
      (void)wb.RollbackToSavePoint();
      failure = st;
      failure_seq = e.seq;
      break;
    }
    (void)wb.PopSavePoint();
    last = e.seq;
  }
  if (failure.ok() && !it->status().ok()) {
    failure = it->status();
    failure_seq = last + 1;
  }
  if (last >= from) {
    wb.Put(engine_->meta_family(), GenerationKey(name_, gen_),
           EncodeGeneration(version_, last));
    rocksdb::WriteOptions wo;  // the log is the durable truth; replay redoes
    rocksdb::Status s = engine_->db()->Write(wo, wb.GetWriteBatch());
    if (!s.ok()) {
      failure = FromRocks(s, "writing projection output");
      failure_seq = from;
      last = from - 1;
    }
  }
  absl::MutexLock lock(&engine_->progress_mu());
  checkpoint_.store(last, std::memory_order_release);
  if (mode() == Mode::kBuilding && last >= engine_->Head()) set_mode(Mode::kLive);
  if (!failure.ok()) {
    failed_seq_ = failure_seq;
    error_ = std::string(failure.message());
    if (error_.empty()) error_ = failure.ToString();
    failed_.store(true, std::memory_order_release);
    return false;
  }
  return true;
}

}  // namespace annals::internal
