// ForEachCurrentStatement (annals/export.h): the current view of a seq
// range as of a point, as export writes it and Python's statements_frame
// reads it.
#include <algorithm>
#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "annals/export.h"

namespace annals {
namespace {

// What the log says about each statement, as of the point.
struct Amendments {
  absl::flat_hash_map<uint64_t, uint64_t> latest_correction;  // target -> seq
  absl::flat_hash_set<uint64_t> retracted;
};

absl::StatusOr<Amendments> ScanAmendments(const Engine& engine, uint64_t from, uint64_t limit) {
  Amendments a;
  auto it = engine.NewIterator(from);
  for (; it->Valid() && it->event().seq <= limit; it->Next()) {
    const Event& e = it->event();
    if (e.kind == EventKind::kCorrection) a.latest_correction[e.target] = e.seq;
    else if (e.kind == EventKind::kRetraction) a.retracted.insert(e.target);
  }
  if (auto st = it->status(); !st.ok()) return st;
  return a;
}

}  // namespace

absl::StatusOr<ExportSummary> ForEachCurrentStatement(const Engine& engine,
                                                      const ExportOptions& options,
                                                      const CurrentStatementSink& fn) {
  ExportSummary sum;
  const uint64_t head = engine.Head();
  if (options.as_of && *options.as_of > head)
    return absl::OutOfRangeError(absl::StrCat("as of seq ", *options.as_of,
                                              " is beyond the head of the log (", head, ")"));
  const uint64_t limit = options.as_of.value_or(head);
  sum.as_of = limit;
  const uint64_t from = std::max<uint64_t>(options.from_seq, 1);
  const uint64_t to = options.to_seq == 0 ? limit : std::min(options.to_seq, limit);
  if (options.to_seq != 0 && options.to_seq < from)
    return absl::InvalidArgumentError(absl::StrCat(
        "the range is empty: from seq ", from, " is after to seq ", options.to_seq));
  if (auto st = CheckRange(options.from, options.to); !st.ok()) return st;
  const int64_t occurred_min = options.from.present() ? options.from.micros : INT64_MIN;
  const int64_t occurred_max = options.to.present() ? EndOfPeriod(options.to) : INT64_MAX;
  auto amendments = ScanAmendments(engine, from, limit);
  if (!amendments.ok()) return amendments.status();

  auto it = engine.NewIterator(from);
  TimelineEntry entry;
  for (; it->Valid() && it->event().seq <= to; it->Next()) {
    const Event& e = it->event();
    if (e.kind != EventKind::kStatement) continue;
    // The current values: the latest correction's, under the original id.
    entry.event = e;
    entry.version_seq = e.seq;
    auto c = amendments->latest_correction.find(e.seq);
    if (c != amendments->latest_correction.end()) {
      auto corr = engine.Get(c->second);
      if (!corr.ok()) return corr.status();
      entry.event.statement = std::move(corr->statement);
      entry.event.statement.id = e.id;
      entry.version_seq = c->second;
    }
    const Timestamp& occ = entry.event.statement.occurred_at;
    if (occ.micros < occurred_min || occ.micros > occurred_max) continue;
    const bool retracted = amendments->retracted.contains(e.seq);
    if (retracted) ++sum.retracted;
    if (retracted && !options.include_retracted) continue;
    entry.status = retracted                   ? EntryStatus::kRetracted
                   : entry.version_seq != e.seq ? EntryStatus::kCorrected
                                                : EntryStatus::kActive;
    ++sum.written;
    if (entry.version_seq != e.seq) ++sum.corrected;
    if (auto st = fn(entry); !st.ok()) return st;
  }
  if (auto st = it->status(); !st.ok()) return st;
  return sum;
}

}  // namespace annals
