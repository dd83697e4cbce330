// Custom projections (projection.h): they see every event once, in seq
// order; their writes land in their own keyspace; a failing one stops at the
// failing event alone; a version bump rebuilds from seq 1.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using test::FastOptions;
using test::Generator;
using test::ModelLog;
using test::TempDir;

// Which seqs a projection was given, across all its writers.
struct Tracker {
  std::mutex mu;
  std::vector<uint64_t> seqs;
  void Saw(uint64_t seq) {
    std::lock_guard<std::mutex> lock(mu);
    seqs.push_back(seq);
  }
  std::vector<uint64_t> Get() {
    std::lock_guard<std::mutex> lock(mu);
    return seqs;
  }
};

// Counts statement events per CAMEO code, and all statements under "total".
// Fails on `fail_at` when it is set.
class CodeCounter : public Projection {
 public:
  CodeCounter(std::string name, uint32_t version,
              std::shared_ptr<Tracker> tracker = nullptr, uint64_t fail_at = 0)
      : name_(std::move(name)),
        version_(version),
        tracker_(std::move(tracker)),
        fail_at_(fail_at) {}
  std::string name() const override { return name_; }
  uint32_t version() const override { return version_; }
  absl::Status Apply(const Event& event, ProjectionWriter& out) const override {
    if (fail_at_ != 0 && event.seq == fail_at_) {
      return absl::InternalError("boom at " + std::to_string(event.seq));
    }
    if (tracker_) tracker_->Saw(event.seq);
    if (event.kind == EventKind::kStatement) {
      out.Add("code/" + event.statement.code, 1);
      out.Add("total", 1);
    }
    return absl::OkStatus();
  }

 private:
  std::string name_;
  uint32_t version_;
  std::shared_ptr<Tracker> tracker_;
  uint64_t fail_at_;
};

// Keeps the current code of every live statement (Put / Delete / GetEvent)
// and a live count kept by read-modify-write through Get, which must see the
// batch's own earlier writes.
class LiveCodes : public Projection {
 public:
  std::string name() const override { return "live-codes"; }
  uint32_t version() const override { return 1; }
  absl::Status Apply(const Event& event, ProjectionWriter& out) const override {
    auto bump = [&](int d) -> absl::Status {
      auto cur = out.Get("live");
      if (!cur.ok()) return cur.status();
      long v = cur->has_value() ? std::stol(**cur) : 0;
      out.Put("live", std::to_string(v + d));
      return absl::OkStatus();
    };
    switch (event.kind) {
      case EventKind::kStatement:
        out.Put("stmt/" + std::to_string(event.seq), event.statement.code);
        return bump(+1);
      case EventKind::kCorrection: {
        auto target = out.GetEvent(event.target);
        if (!target.ok()) return target.status();
        if (target->kind != EventKind::kStatement || target->seq != event.target) {
          return absl::InternalError("GetEvent returned the wrong event");
        }
        out.Put("stmt/" + std::to_string(event.target), event.statement.code);
        return absl::OkStatus();
      }
      case EventKind::kRetraction:
        out.Delete("stmt/" + std::to_string(event.target));
        return bump(-1);
      case EventKind::kActorAlias:
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }
};

uint64_t DecodeLe(const std::string& v) {
  EXPECT_EQ(v.size(), 8u);
  uint64_t x = 0;
  for (size_t i = 0; i < v.size() && i < 8; ++i) {
    x |= static_cast<uint64_t>(static_cast<unsigned char>(v[i])) << (8 * i);
  }
  return x;
}

std::optional<ProjectionInfo> Info(const Engine& e, const std::string& name) {
  for (const auto& p : e.Projections()) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

class CustomProjectionTest : public ::testing::Test {
 protected:
  void Open() {
    auto opened = Engine::Open(dir_.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
  }
  void SetUp() override { Open(); }

  // Appends `n` random events (statements, corrections, retractions,
  // aliases) in step with the model.
  void Grow(uint64_t seed, int n) {
    Generator gen(seed, engine_.get(), &model_);
    uint64_t stop = model_.head() + static_cast<uint64_t>(n);
    while (model_.head() < stop) {
      absl::Status st = gen.Step();
      ASSERT_TRUE(st.ok()) << st;
    }
  }

  std::map<std::string, uint64_t> CodeCounts(uint64_t up_to) {
    std::map<std::string, uint64_t> m;
    for (const Event& e : model_.events()) {
      if (e.seq <= up_to && e.kind == EventKind::kStatement) {
        ++m["code/" + e.statement.code];
        ++m["total"];
      }
    }
    return m;
  }

  void ExpectCounts(const std::string& name, uint64_t up_to) {
    for (const auto& [key, want] : CodeCounts(up_to)) {
      auto got = engine_->ReadProjection(name, key);
      ASSERT_TRUE(got.ok()) << got.status();
      ASSERT_TRUE(got->has_value()) << name << " " << key;
      EXPECT_EQ(DecodeLe(**got), want) << name << " " << key;
    }
    auto absent = engine_->ReadProjection(name, "code/none");
    ASSERT_TRUE(absent.ok()) << absent.status();
    EXPECT_FALSE(absent->has_value());
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  ModelLog model_;
};

TEST_F(CustomProjectionTest, CountsEveryStatementOnceInSeqOrder) {
  Grow(1, 40);  // history from before the projection existed
  auto tracker = std::make_shared<Tracker>();
  ASSERT_TRUE(engine_->AddProjection(
                          std::make_shared<CodeCounter>("codes", 1, tracker))
                  .ok());
  ASSERT_TRUE(engine_->AddProjection(std::make_shared<LiveCodes>()).ok());
  Grow(2, 260);
  absl::Status st = engine_->WaitFor(engine_->Head(), absl::Seconds(60));
  ASSERT_TRUE(st.ok()) << st;

  ExpectCounts("codes", model_.head());
  std::vector<uint64_t> want;
  for (uint64_t s = 1; s <= model_.head(); ++s) want.push_back(s);
  EXPECT_EQ(tracker->Get(), want);

  // LiveCodes: current code of each live statement, none for retracted.
  ModelLog::View v = model_.ViewAt(model_.head());
  uint64_t live = 0;
  for (uint64_t s : model_.statement_seqs()) {
    auto got = engine_->ReadProjection("live-codes", "stmt/" + std::to_string(s));
    ASSERT_TRUE(got.ok()) << got.status();
    if (v.IsRetracted(s)) {
      EXPECT_FALSE(got->has_value()) << s;
    } else {
      ++live;
      ASSERT_TRUE(got->has_value()) << s;
      EXPECT_EQ(**got, v.Current(s).code) << s;
    }
  }
  auto got = engine_->ReadProjection("live-codes", "live");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, std::to_string(live));

  auto info = Info(*engine_, "codes");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->version, 1u);
  EXPECT_EQ(info->state, ProjectionState::kLive);
  EXPECT_EQ(info->checkpoint, model_.head());
  EXPECT_EQ(info->lag, 0u);
  EXPECT_TRUE(info->error.empty());
  ASSERT_TRUE(Info(*engine_, "actors").has_value());
  ASSERT_TRUE(Info(*engine_, "topics").has_value());
  // A seq that is not there yet cannot be waited for.
  EXPECT_EQ(engine_->WaitFor(engine_->Head() + 1, absl::Milliseconds(50)).code(),
            absl::StatusCode::kDeadlineExceeded);

  // Names are unique.
  EXPECT_EQ(engine_->AddProjection(std::make_shared<CodeCounter>("codes", 1))
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(engine_->AddProjection(std::make_shared<CodeCounter>("actors", 1))
                .code(),
            absl::StatusCode::kAlreadyExists);
  auto unknown = engine_->ReadProjection("no-such-projection", "total");
  EXPECT_TRUE(!unknown.ok() || !unknown->has_value());
  // Projections do not see each other's keys.
  auto foreign = engine_->ReadProjection("live-codes", "total");
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(foreign->has_value());
}

TEST_F(CustomProjectionTest, AFailingProjectionStopsAloneAtTheFailingSeq) {
  constexpr uint64_t kFailAt = 57;
  ASSERT_TRUE(engine_->AddProjection(std::make_shared<CodeCounter>("good", 1)).ok());
  ASSERT_TRUE(engine_->AddProjection(
                          std::make_shared<CodeCounter>("bad", 1, nullptr, kFailAt))
                  .ok());
  Generator gen(3, engine_.get(), &model_);
  ASSERT_TRUE(gen.AppendBatch(30).ok());  // several events per worker batch
  ASSERT_TRUE(gen.AppendBatch(40).ok());
  Grow(4, 60);
  absl::Status st = engine_->WaitFor(engine_->Head(), absl::Seconds(60));
  ASSERT_TRUE(st.ok()) << "a failed projection must not hold up WaitFor: " << st;

  auto check_bad = [&](const char* when) {
    SCOPED_TRACE(when);
    auto bad = Info(*engine_, "bad");
    ASSERT_TRUE(bad.has_value());
    EXPECT_EQ(bad->state, ProjectionState::kFailed);
    EXPECT_EQ(bad->failed_seq, kFailAt);
    EXPECT_EQ(bad->checkpoint, kFailAt - 1);
    EXPECT_THAT(bad->error, HasSubstr("boom at 57"));
    // Everything before the failing event was committed, nothing after.
    ExpectCounts("bad", kFailAt - 1);
  };
  check_bad("after the first appends");
  for (const char* name : {"good", "actors", "topics"}) {
    auto info = Info(*engine_, name);
    ASSERT_TRUE(info.has_value()) << name;
    EXPECT_EQ(info->state, ProjectionState::kLive) << name;
    EXPECT_EQ(info->checkpoint, engine_->Head()) << name;
  }
  ExpectCounts("good", model_.head());

  // The others keep going.
  Grow(5, 50);
  st = engine_->WaitFor(engine_->Head(), absl::Seconds(60));
  ASSERT_TRUE(st.ok()) << st;
  ExpectCounts("good", model_.head());
  check_bad("after more appends");
  for (const auto& name : {"Vladimir Putin", "NATO"}) {
    TimelineQuery q;
    q.name = name;
    q.limit = 0;
    EXPECT_TRUE(test::EngineMatchesModel(*engine_, model_, q));
  }

  // Reopening retries it: still failing, it stops at the same place.
  engine_.reset();
  Open();
  ASSERT_TRUE(engine_->AddProjection(std::make_shared<CodeCounter>("good", 1)).ok());
  ASSERT_TRUE(engine_->AddProjection(
                          std::make_shared<CodeCounter>("bad", 1, nullptr, kFailAt))
                  .ok());
  st = engine_->WaitFor(engine_->Head(), absl::Seconds(60));
  ASSERT_TRUE(st.ok()) << st;
  check_bad("after reopening");

  // Fixed (same version): resumes after its checkpoint, none applied twice.
  engine_.reset();
  Open();
  auto tracker = std::make_shared<Tracker>();
  ASSERT_TRUE(engine_->AddProjection(
                          std::make_shared<CodeCounter>("bad", 1, tracker))
                  .ok());
  st = engine_->WaitFor(engine_->Head(), absl::Seconds(60));
  ASSERT_TRUE(st.ok()) << st;
  auto bad = Info(*engine_, "bad");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->state, ProjectionState::kLive);
  EXPECT_EQ(bad->checkpoint, engine_->Head());
  EXPECT_EQ(bad->failed_seq, 0u);
  ExpectCounts("bad", model_.head());
  std::vector<uint64_t> seqs = tracker->Get();
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(seqs.front(), kFailAt);
  EXPECT_EQ(seqs.size(), model_.head() - kFailAt + 1);
}

// Puts one key per event and notes, for each event, the checkpoint its
// projection had committed when the event was applied: a batch's events
// all see the checkpoint from before the batch.
class CheckpointWitness : public Projection {
 public:
  struct Seen {
    uint64_t seq;
    uint64_t checkpoint;
  };
  explicit CheckpointWitness(std::function<uint64_t()> checkpoint)
      : checkpoint_(std::move(checkpoint)) {}
  std::string name() const override { return "witness"; }
  uint32_t version() const override { return 1; }
  absl::Status Apply(const Event& event, ProjectionWriter& out) const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back({event.seq, checkpoint_()});
    }
    out.Put("seq/" + std::to_string(event.seq), "x");
    return absl::OkStatus();
  }
  std::vector<Seen> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  std::function<uint64_t()> checkpoint_;
  mutable std::mutex mu_;
  mutable std::vector<Seen> seen_;
};

// Options::bulk_batch_max_bytes ends a bulk batch after the event whose
// output reaches it: at 1 byte every batch is one event, each committed
// before the next is applied, and every event is applied exactly once.
TEST_F(CustomProjectionTest, BulkBatchesEndAtTheirByteLimit) {
  Grow(7, 120);
  engine_.reset();
  Options options = FastOptions();
  options.bulk_rebuild_min_lag = 1;           // a new projection builds in bulk
  options.bulk_rebuild_batch_events = 1 << 20;  // so only bytes end a batch
  options.bulk_batch_max_bytes = 1;
  auto opened = Engine::Open(dir_.Sub("store"), options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  engine_ = *std::move(opened);
  const Engine* engine = engine_.get();
  auto witness = std::make_shared<CheckpointWitness>([engine] {
    std::optional<ProjectionInfo> info = Info(*engine, "witness");
    return info.has_value() ? info->checkpoint : ~uint64_t{0};
  });
  ASSERT_TRUE(engine_->AddProjection(witness).ok());
  absl::Status st = engine_->WaitFor(engine_->Head(), absl::Seconds(60));
  ASSERT_TRUE(st.ok()) << st;

  std::vector<CheckpointWitness::Seen> seen = witness->seen();
  ASSERT_EQ(seen.size(), model_.head());
  for (uint64_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].seq, i + 1);
    EXPECT_EQ(seen[i].checkpoint, i) << "event " << i + 1 << " shared a batch";
  }
  for (uint64_t seq : {uint64_t{1}, model_.head()}) {
    auto got = engine_->ReadProjection("witness", "seq/" + std::to_string(seq));
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(got->has_value()) << seq;
  }
}

TEST_F(CustomProjectionTest, ReregisteringResumesAndAVersionBumpRebuilds) {
  ASSERT_TRUE(engine_->AddProjection(std::make_shared<CodeCounter>("codes", 1)).ok());
  Grow(6, 150);
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());
  ExpectCounts("codes", model_.head());
  uint64_t first = model_.head();

  // Same version: resumes after its checkpoint.
  engine_.reset();
  Open();
  auto same = std::make_shared<Tracker>();
  ASSERT_TRUE(engine_->AddProjection(
                          std::make_shared<CodeCounter>("codes", 1, same))
                  .ok());
  Grow(7, 40);
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());
  ExpectCounts("codes", model_.head());
  std::vector<uint64_t> seqs = same->Get();
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(seqs.front(), first + 1);
  EXPECT_EQ(seqs.size(), model_.head() - first);

  // Version 2: rebuilt from seq 1 into a clean keyspace.
  engine_.reset();
  Open();
  auto bumped = std::make_shared<Tracker>();
  ASSERT_TRUE(engine_->AddProjection(
                          std::make_shared<CodeCounter>("codes", 2, bumped))
                  .ok());
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());
  ExpectCounts("codes", model_.head());
  seqs = bumped->Get();
  std::vector<uint64_t> want;
  for (uint64_t s = 1; s <= model_.head(); ++s) want.push_back(s);
  EXPECT_EQ(seqs, want);
  auto info = Info(*engine_, "codes");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->version, 2u);
  EXPECT_EQ(info->state, ProjectionState::kLive);
  EXPECT_EQ(info->checkpoint, model_.head());

  // Not registered this time: its data is not served, nor is it waited on.
  engine_.reset();
  Open();
  Grow(8, 10);
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());
}

}  // namespace
}  // namespace annals
