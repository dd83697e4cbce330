#include "verify/projection_check.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/event_codec.h"
#include "log/add_operator.h"
#include "log/keys.h"
#include "log/log_iterator.h"
#include "log/raw_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/error_kinds.h"
#include "model/sv.h"
#include "projection/entry_keys.h"
#include "rocksdb/write_batch.h"

namespace annals::internal {
namespace {

// Events applied between flushes of the overlay into the scratch store.
constexpr size_t kFlushEvents = 4096;
// Mismatches reported per projection; the rest are counted in one line.
constexpr size_t kMaxReported = 50;

absl::StatusOr<Event> ReadEvent(const RawStore& store, uint64_t seq) {
  auto value = store.Get(RawStore::Family::kLog, EncodeSeq(seq));
  if (!value.ok()) return value.status();
  if (!value->has_value())
    return absl::DataLossError(absl::StrCat("seq ", seq, " is missing from the log"));
  return DecodeAt(seq, **value);
}

// The projection's writes, overlaid on the scratch store until flushed;
// counters are kept as deltas and merged by the scratch store's operator,
// like the live workers do.
class ScratchWriter final : public ProjectionWriter {
 public:
  ScratchWriter(ScratchStore* scratch, const ProjectionCheck& check)
      : scratch_(scratch), check_(check) {}

  void Put(std::string_view key, std::string_view value) override {
    std::string k(key);
    adds_.erase(k);
    puts_[std::move(k)] = std::string(value);
  }
  void Delete(std::string_view key) override {
    std::string k(key);
    adds_.erase(k);
    puts_[std::move(k)] = std::nullopt;
  }
  void Add(std::string_view key, int64_t delta) override { adds_[std::string(key)] += delta; }
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    std::string k(key);
    std::optional<std::string> base;
    if (auto it = puts_.find(k); it != puts_.end()) {
      base = it->second;
    } else {
      auto stored = scratch_->Get(k);
      if (!stored.ok()) return stored.status();
      base = *std::move(stored);
    }
    if (auto it = adds_.find(k); it != adds_.end())
      base = EncodeI64Le((base ? DecodeI64Le(*base) : 0) + it->second);
    return base;
  }
  absl::StatusOr<Event> GetEvent(uint64_t seq) override {
    return ReadEvent(*check_.store, seq);
  }

  absl::Status Flush() {
    rocksdb::WriteBatch batch;
    for (const auto& [k, v] : puts_) {
      if (v) batch.Put(k, *v);
      else batch.Delete(k);
    }
    for (const auto& [k, d] : adds_) {
      if (puts_.count(k)) continue;  // cannot happen: Put clears the delta
      if (d != 0) batch.Merge(k, EncodeI64Le(d));
    }
    puts_.clear();
    adds_.clear();
    return scratch_->Write(&batch);
  }

 private:
  ScratchStore* scratch_;
  const ProjectionCheck& check_;
  absl::flat_hash_map<std::string, std::optional<std::string>> puts_;
  absl::flat_hash_map<std::string, int64_t> adds_;
};

// A counter that nets to zero is stored as zero or not at all depending on
// how events fell into batches; both mean "no statements".
bool IsZeroCounter(std::string_view v) {
  return v.size() == 8 && v.find_first_not_of('\0') == std::string_view::npos;
}

std::string GroupText(std::string_view group) {
  auto values = DecodeGroup(group);
  if (!values) return absl::StrCat("'", absl::CHexEscape(AV(group)), "'");
  return absl::StrCat("'", absl::StrJoin(*values, "/"), "'");
}

// Names a grouped-timeline key for people (entry_keys.h); other keys are
// shown escaped.
std::string DescribeKey(std::string_view key, uint64_t* seq) {
  *seq = 0;
  if (auto e = ParseEntryKey(key)) {
    *seq = e->stmt;
    return absl::StrCat("entry of seq ", e->stmt, " (version from seq ", e->from,
                        ") in group ", GroupText(e->group));
  }
  if (auto s = ParseStateKey(key)) {
    *seq = *s;
    return absl::StrCat("state of seq ", *s);
  }
  if (!key.empty()) {
    std::string_view rest = key.substr(1);
    switch (key[0]) {
      case kCountTag:
        return absl::StrCat("count of group ", GroupText(rest));
      case kDisplayTag:
        return absl::StrCat("display name of group ", GroupText(rest));
      case kFormTag:
        return absl::StrCat("written-form count in group ", GroupText(rest));
      case kClosedTag:
        if (rest.size() == 16)
          return absl::StrCat("forms closed by seq ", *DecodeU64(rest.substr(0, 8)),
                              " of seq ", *DecodeU64(rest.substr(8)));
        break;
    }
  }
  return absl::StrCat("key '", absl::CHexEscape(AV(key)), "'");
}

// Replays events 1..checkpoint into `scratch` exactly as a worker would.
absl::Status Replay(const ProjectionCheck& check, ScratchStore& scratch) {
  ScratchWriter writer(&scratch, check);
  std::unique_ptr<rocksdb::Iterator> it = check.store->NewIterator(RawStore::Family::kLog);
  uint64_t expect = 1;
  size_t pending = 0;
  for (it->Seek(EncodeSeq(1)); expect <= check.checkpoint; it->Next(), ++expect) {
    if (!it->Valid()) break;
    auto seq = DecodeSeq(std::string_view(it->key().data(), it->key().size()));
    if (!seq || *seq != expect)
      return absl::DataLossError(absl::StrCat("seq ", expect, " is missing from the log"));
    const std::string_view stored(it->value().data(), it->value().size());
    auto e = DecodeEvent(stored);
    if (!e.ok() || e->seq != expect)
      return absl::DataLossError(absl::StrCat("seq ", expect, " is damaged"));
    absl::Status st = check.timeline != nullptr ? check.timeline->ApplyStored(*e, stored, writer)
                                                : check.projection->Apply(*e, writer);
    if (!st.ok())
      return WithMessage(st, absl::StrCat("replaying seq ", expect, ": ", st.message()));
    if (++pending == kFlushEvents) {
      if (auto st = writer.Flush(); !st.ok()) return st;
      pending = 0;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning the log");
  if (expect <= check.checkpoint)
    return absl::DataLossError(absl::StrCat("seq ", expect, " is missing from the log"));
  return writer.Flush();
}

// Walks the stored generation and the replay's keys in order, reporting
// every difference.
absl::Status Compare(const ProjectionCheck& check, const ScratchStore& scratch,
                     ProblemSink& sink) {
  const std::string begin = ProjectionPrefix(check.name, check.gen);
  const std::string end = ProjectionPrefix(check.name, check.gen + 1);
  rocksdb::Slice upper(end);
  std::unique_ptr<rocksdb::Iterator> stored =
      check.store->NewIterator(RawStore::Family::kProj, &upper);
  std::unique_ptr<rocksdb::Iterator> fresh = scratch.NewIterator();
  stored->Seek(begin);
  fresh->SeekToFirst();
  auto skip_zero = [](rocksdb::Iterator* it) {
    while (it->Valid() && IsZeroCounter({it->value().data(), it->value().size()})) it->Next();
  };
  size_t mismatches = 0;
  auto report = [&](std::string_view key, std::string_view what) {
    if (++mismatches > kMaxReported) {
      ++sink.report().problem_count;  // counted, not listed
      return;
    }
    uint64_t seq = 0;
    std::string desc = DescribeKey(key, &seq);
    sink.Add(ProblemKind::kProjectionMismatch, seq, check.name, absl::StrCat(desc, " ", AV(what)));
  };
  for (;;) {
    skip_zero(stored.get());
    skip_zero(fresh.get());
    if (!stored->Valid() && !fresh->Valid()) break;
    std::string_view sk, fk;
    if (stored->Valid()) {
      sk = std::string_view(stored->key().data(), stored->key().size());
      sk.remove_prefix(begin.size());
    }
    if (fresh->Valid()) fk = std::string_view(fresh->key().data(), fresh->key().size());
    if (stored->Valid() && (!fresh->Valid() || sk < fk)) {
      report(sk, "is stored but not produced by the log");
      stored->Next();
    } else if (fresh->Valid() && (!stored->Valid() || fk < sk)) {
      report(fk, "is produced by the log but missing from the store");
      fresh->Next();
    } else {
      if (stored->value() != fresh->value()) report(sk, "differs from the log's");
      stored->Next();
      fresh->Next();
    }
  }
  if (!stored->status().ok()) return FromRocks(stored->status(), "scanning projection data");
  if (!fresh->status().ok()) return FromRocks(fresh->status(), "scanning the scratch store");
  if (mismatches > kMaxReported)
    sink.report().notes.push_back(absl::StrCat("projection ", check.name, ": ",
                                               mismatches - kMaxReported,
                                               " more mismatched keys not listed"));
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckProjection(const ProjectionCheck& check, ProblemSink& sink) {
  auto scratch = ScratchStore::Create(check.scratch_dir);
  if (!scratch.ok()) return scratch.status();
  if (auto st = Replay(check, **scratch); !st.ok()) return st;
  return Compare(check, **scratch, sink);
}

}  // namespace annals::internal
