// VerifyStore: opens the store's RocksDB read-only and checks, in order,
// the log (gapless, decodable, each entry under its own seq), the head
// marker and log metadata, the id index in both directions, the records
// corrections, retractions and aliases leave in `meta`, and each projection
// against a replay of the log (projection_check.cc).
#include "annals/verify.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <system_error>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/keys.h"
#include "log/raw_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "log/scratch_dir.h"
#include "model/sv.h"
#include "projection/declarative_projection.h"
#include "projection/grouped_timeline.h"
#include "verify/mention_check.h"
#include "verify/problems.h"
#include "verify/projection_check.h"
#include "verify/search_check.h"
#include "xxhash.h"

namespace annals {

namespace internal {
namespace {

namespace fs = std::filesystem;

using Family = RawStore::Family;

uint64_t IdHash(std::string_view id) { return XXH64(id.data(), id.size(), 0); }

std::string Escaped(std::string_view s) {
  return absl::CHexEscape(AV(s.substr(0, 200)));
}

// What the log scan learned, for the index and projection checks.
struct LogFacts {
  uint64_t last = 0;                                   // last log key
  std::vector<std::pair<uint64_t, uint64_t>> id_hash;  // (seq, IdHash), seq order
  std::set<uint64_t> damaged;                          // seqs not decodable as themselves
  std::map<uint64_t, uint64_t> corrected;              // target -> latest correction
  std::map<uint64_t, uint64_t> retracted;              // target -> retraction
  std::map<uint64_t, std::string> aliases;             // seq -> meta record value
  std::vector<std::pair<uint64_t, uint64_t>> mentions;  // (seq, MentionRecordHash), seq order
  int64_t last_recorded_at = 0;
  Timestamp occurred_min, occurred_max;
};

class Verifier {
 public:
  Verifier(const RawStore& store, std::string path, const VerifyOptions& options,
           VerifyReport* report)
      : store_(store), path_(std::move(path)), options_(options),
        sink_(report, options.max_problems) {}

  // Every check runs: one that meets damage (kDataLoss from a scan that
  // reached a bad block) reports where it stopped and the next goes on.
  absl::Status Run() {
    for (const RawStore::DamagedFile& f : store_.CheckFiles())
      sink_.Add(ProblemKind::kDamagedFile, 0, f.file,
                absl::StrCat(f.file, " (", f.family, "): ", f.detail));
    using Step = absl::Status (Verifier::*)();
    const std::pair<Step, const char*> steps[] = {
        {&Verifier::ReadHead, "reading the head"},
        {&Verifier::ReadLost, "reading the lost-seq records"},
        {&Verifier::ScanLog, "the log scan"},
        {&Verifier::CheckMeta, "the metadata check"},
        {&Verifier::CheckIds, "the id index check"},
        {&Verifier::CheckAmendRecords, "the amendment records check"},
        {&Verifier::CheckProjections, "the projection check"},
        {&Verifier::CheckSearch, "the search index check"}};
    for (const auto& [step, name] : steps) {
      absl::Status st = (this->*step)();
      if (st.ok()) continue;
      if (st.code() != absl::StatusCode::kDataLoss) return st;
      sink_.Add(ProblemKind::kDamagedFile, 0, "",
                absl::StrCat(name, " stopped at damage: ", st.message()));
      if (step == &Verifier::ScanLog || step == &Verifier::ReadHead) {
        // The later checks compare against the whole log: they would only
        // repeat the damage as false problems.
        report().notes.push_back(
            "the log could not be read in full, so the indexes, records and "
            "projections were not checked against it");
        break;
      }
    }
    return absl::OkStatus();
  }

 private:
  VerifyReport& report() { return sink_.report(); }

  // Reads a meta value; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Meta(std::string_view key) {
    return store_.Get(Family::kMeta, key);
  }

  absl::Status ReadHead() {
    auto v = Meta(kMetaHead);
    if (!v.ok()) return v.status();
    if (!v->has_value()) return absl::OkStatus();  // empty store
    auto head = DecodeU64(**v);
    if (!head) {
      sink_.Add(ProblemKind::kHeadMismatch, 0, "head", "the head marker is damaged");
      return absl::OkStatus();
    }
    report().head = *head;
    return absl::OkStatus();
  }

  // The seqs `annals repair` recorded as lost to a damaged write-ahead log
  // ("l/" records): a gap there is reported as a note, not a problem.
  absl::Status ReadLost() {
    const std::string prefix = kMetaLost;
    std::unique_ptr<rocksdb::Iterator> it = store_.NewIterator(Family::kMeta);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string_view key(it->key().data(), it->key().size());
      auto first = DecodeU64(key.substr(prefix.size()));
      auto last = DecodeU64(std::string_view(it->value().data(), it->value().size()));
      if (!first || !last || *last < *first) {
        sink_.Add(ProblemKind::kMetadata, 0, "lost", "a lost-range record is damaged");
        continue;
      }
      lost_.emplace_back(*first, *last);
      report().notes.push_back(absl::StrCat(
          "seqs ", *first, "..", *last,
          " were recorded as lost to a damaged write-ahead log (annals repair)"));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the metadata");
    return absl::OkStatus();
  }

  bool Lost(uint64_t first, uint64_t last) const {
    uint64_t at = first;
    for (const auto& [a, b] : lost_)
      if (a <= at && b >= at) at = b + 1;
    return at > last;
  }

  absl::Status ScanLog() {
    std::unique_ptr<rocksdb::Iterator> it = store_.NewIterator(Family::kLog);
    uint64_t expect = 1;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report().events;
      std::string_view key(it->key().data(), it->key().size());
      auto seq = DecodeU64(key);
      if (!seq || *seq == 0) {
        sink_.Add(ProblemKind::kMisplacedSeq, 0, "",
                  absl::StrCat("the log holds a malformed key '", Escaped(key), "'"));
        continue;
      }
      if (*seq > expect && !Lost(expect, *seq - 1))
        sink_.Add(ProblemKind::kGap, expect, "",
                  *seq == expect + 1
                      ? absl::StrCat("seq ", expect, " is missing from the log")
                      : absl::StrCat("seqs ", expect, "..", *seq - 1,
                                     " are missing from the log"));
      expect = *seq + 1;
      facts_.last = *seq;
      auto e = DecodeEvent(std::string_view(it->value().data(), it->value().size()));
      if (!e.ok()) {
        facts_.damaged.insert(*seq);
        sink_.Add(ProblemKind::kUndecodable, *seq, "",
                  absl::StrCat("seq ", *seq, ": ", e.status().message()));
        continue;
      }
      if (e->seq != *seq) {
        facts_.damaged.insert(*seq);
        sink_.Add(ProblemKind::kMisplacedSeq, *seq, "",
                  absl::StrCat("the entry at seq ", *seq, " claims seq ", e->seq));
        continue;
      }
      Note(*e);
      // Log -> index: the event's id must lead back to it.
      auto found = store_.Get(Family::kIds, e->id);
      if (!found.ok()) return found.status();
      if (!found->has_value()) {
        sink_.Add(ProblemKind::kIdMissing, *seq, e->id,
                  absl::StrCat("seq ", *seq, ": its id '", Escaped(e->id),
                               "' is not in the id index"));
      } else if (DecodeSeq(**found) != *seq) {
        auto other = DecodeSeq(**found);
        sink_.Add(ProblemKind::kIdMissing, *seq, e->id,
                  other ? absl::StrCat("seq ", *seq, ": its id '", Escaped(e->id),
                                       "' is indexed at seq ", *other)
                        : absl::StrCat("seq ", *seq, ": the index entry of its id '",
                                       Escaped(e->id), "' is damaged"));
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning the log");
    if (facts_.last != report().head)
      sink_.Add(ProblemKind::kHeadMismatch, std::max(facts_.last, report().head), "head",
                absl::StrCat("the head marker says ", report().head,
                             " but the log ends at seq ", facts_.last));
    return absl::OkStatus();
  }

  // Records what the metadata and indexes should say about `e`.
  void Note(const Event& e) {
    facts_.id_hash.emplace_back(e.seq, IdHash(e.id));
    if (e.recorded_at < facts_.last_recorded_at)
      sink_.Add(ProblemKind::kMetadata, e.seq, "recorded_at",
                absl::StrCat("seq ", e.seq, " was recorded before seq ", e.seq - 1,
                             " (recordedAt must not decrease)"));
    facts_.last_recorded_at = std::max(facts_.last_recorded_at, e.recorded_at);
    switch (e.kind) {
      case EventKind::kStatement: {
        const Timestamp& at = e.statement.occurred_at;
        if (!facts_.occurred_min.present() || at < facts_.occurred_min)
          facts_.occurred_min = at;
        if (!facts_.occurred_max.present() || at > facts_.occurred_max)
          facts_.occurred_max = at;
        break;
      }
      case EventKind::kCorrection:
        facts_.corrected[e.target] = e.seq;
        break;
      case EventKind::kRetraction:
        facts_.retracted[e.target] = e.seq;
        break;
      case EventKind::kActorAlias:
        facts_.aliases[e.seq] = EncodeAliasRecord(e.alias, e.canonical);
        break;
      case EventKind::kMention:
        facts_.mentions.emplace_back(e.seq, MentionRecordHash(e.mentioned,
                                                              e.statement.source.outlet));
        break;
    }
  }

  absl::Status CheckMeta() {
    // Damaged events may hold the extremes: compare only an intact log.
    if (!facts_.damaged.empty() || report().events == 0) return absl::OkStatus();
    auto at = Meta(kMetaRecordedAt);
    if (!at.ok()) return at.status();
    if (!at->has_value() || DecodeU64(**at) != static_cast<uint64_t>(facts_.last_recorded_at))
      sink_.Add(ProblemKind::kMetadata, 0, "recorded_at",
                "the stored last recordedAt differs from the log's last event");
    for (auto [key, want] : {std::pair{kMetaOccurredMin, &facts_.occurred_min},
                             std::pair{kMetaOccurredMax, &facts_.occurred_max}}) {
      auto v = Meta(key);
      if (!v.ok()) return v.status();
      std::optional<Timestamp> t;
      if (v->has_value()) t = DecodeTimestamp(**v);
      bool same = want->present() ? (t && *t == *want) : !v->has_value();
      if (!same)
        sink_.Add(ProblemKind::kMetadata, 0, key,
                  absl::StrCat("the stored ", key, " differs from the log's statements"));
    }
    return absl::OkStatus();
  }

  // Index -> log: every entry names an event carrying that id.
  absl::Status CheckIds() {
    std::unique_ptr<rocksdb::Iterator> it = store_.NewIterator(Family::kIds);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report().id_entries;
      std::string_view id(it->key().data(), it->key().size());
      auto seq = DecodeU64(std::string_view(it->value().data(), it->value().size()));
      if (!seq) {
        sink_.Add(ProblemKind::kIdDangling, 0, std::string(id),
                  absl::StrCat("the id index entry of '", Escaped(id), "' is damaged"));
        continue;
      }
      if (facts_.damaged.count(*seq)) continue;  // reported with the event
      auto pos = std::lower_bound(facts_.id_hash.begin(), facts_.id_hash.end(),
                                  std::pair<uint64_t, uint64_t>{*seq, 0});
      if (pos == facts_.id_hash.end() || pos->first != *seq) {
        sink_.Add(ProblemKind::kIdDangling, *seq, std::string(id),
                  absl::StrCat("the id index maps '", Escaped(id), "' to seq ", *seq,
                               ", which is not in the log"));
      } else if (pos->second != IdHash(id)) {
        sink_.Add(ProblemKind::kIdDangling, *seq, std::string(id),
                  absl::StrCat("the id index maps '", Escaped(id), "' to seq ", *seq,
                               ", which has another id"));
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning the id index");
    return absl::OkStatus();
  }

  // The "c/", "r/" and "a/" records against the events that wrote them.
  absl::Status CheckAmendRecords() {
    auto check = [&](const char* prefix, const char* what,
                     const auto& expected, auto value_of) -> absl::Status {
      std::map<uint64_t, std::string> stored;
      std::unique_ptr<rocksdb::Iterator> it = store_.NewIterator(Family::kMeta);
      const std::string p = prefix;
      for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next()) {
        auto seq = DecodeAmendKey(std::string_view(it->key().data(), it->key().size()), p);
        if (!seq) {
          sink_.Add(ProblemKind::kAmendRecord, 0, what,
                    absl::StrCat("a ", what, " record has a malformed key"));
          continue;
        }
        stored[*seq] = it->value().ToString();
      }
      if (!it->status().ok()) return FromRocks(it->status(), "scanning metadata");
      const bool alias = std::string_view(prefix) == kMetaAlias;
      // The event that wrote a stored record (alias records are keyed by it);
      // a record written by a damaged event cannot be checked.
      auto written_by_damaged = [&](uint64_t seq, const std::string& value) {
        auto by = alias ? std::optional<uint64_t>(seq) : DecodeAmendRecord(value);
        return by && facts_.damaged.count(*by) > 0;
      };
      for (const auto& [seq, want] : expected) {
        auto s = stored.find(seq);
        if (s == stored.end())
          sink_.Add(ProblemKind::kAmendRecord, seq, what,
                    absl::StrCat("the ", what, " record for seq ", seq, " is missing"));
        else if (s->second != value_of(want) && !written_by_damaged(seq, s->second))
          sink_.Add(ProblemKind::kAmendRecord, seq, what,
                    absl::StrCat("the ", what, " record for seq ", seq,
                                 " disagrees with the log"));
      }
      for (const auto& [seq, value] : stored) {
        if (expected.count(seq) || written_by_damaged(seq, value)) continue;
        sink_.Add(ProblemKind::kAmendRecord, seq, what,
                  absl::StrCat("a ", what, " record for seq ", seq,
                               " has no event in the log"));
      }
      return absl::OkStatus();
    };
    auto seq_value = [](uint64_t s) { return EncodeAmendRecord(s); };
    auto same = [](const std::string& s) { return s; };
    if (auto st = check(kMetaCorrected, "correction", facts_.corrected, seq_value); !st.ok())
      return st;
    if (auto st = check(kMetaRetracted, "retraction", facts_.retracted, seq_value); !st.ok())
      return st;
    if (auto st = check(kMetaAlias, "alias", facts_.aliases, same); !st.ok()) return st;
    std::unique_ptr<rocksdb::Iterator> it = store_.NewIterator(Family::kMeta);
    return CheckMentionRecords(*it, facts_.mentions, facts_.damaged, sink_);
  }

  absl::Status CheckProjections() {
    std::vector<std::pair<std::string, std::string>> actives;  // name, gen bytes
    {
      std::unique_ptr<rocksdb::Iterator> it = store_.NewIterator(Family::kMeta);
      const std::string p = kMetaProjActive;
      for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next())
        actives.emplace_back(it->key().ToString().substr(p.size()), it->value().ToString());
      if (!it->status().ok()) return FromRocks(it->status(), "scanning metadata");
    }
    std::error_code ec;
    std::string scratch = options_.scratch_dir;
    if (scratch.empty()) scratch = fs::temp_directory_path(ec).string();
    if (scratch.empty()) scratch = "/tmp";
    for (const auto& [name, gen_bytes] : actives) {
      auto gen = DecodeActiveRecord(gen_bytes);
      if (!gen) {
        sink_.Add(ProblemKind::kMetadata, 0, name,
                  absl::StrCat("projection ", name, ": its generation record is damaged"));
        continue;
      }
      auto rec = Meta(GenerationKey(name, *gen));
      if (!rec.ok()) return rec.status();
      if (!rec->has_value()) {
        report().notes.push_back(absl::StrCat(
            "projection ", name, ": no checkpoint record; rebuilt at the next open"));
        continue;
      }
      auto record = DecodeGeneration(**rec);
      if (!record) {
        sink_.Add(ProblemKind::kMetadata, 0, name,
                  absl::StrCat("projection ", name, ": its checkpoint record is damaged"));
        continue;
      }
      // Against the log as it is, whatever the head marker says.
      const uint64_t end = std::min(report().head, facts_.last);
      if (record->checkpoint > end) {
        sink_.Add(ProblemKind::kCheckpointAhead, record->checkpoint, name,
                  absl::StrCat("projection ", name, " claims to have applied seq ",
                               record->checkpoint, " but the log ends at seq ", end));
        continue;
      }
      // Every projection verify can rebuild is a grouped timeline.
      std::shared_ptr<const GroupedTimeline> projection;
      if (name == "actors") projection = NewActorTimeline();
      else if (name == "topics") projection = NewTopicTimeline();
      else {
        auto def = Meta(DefinitionKey(name));
        if (!def.ok()) return def.status();
        if (!def->has_value()) {
          report().notes.push_back(absl::StrCat(
              "projection ", name, ": registered from C++; its code is not in the "
              "store, so it was not compared"));
          continue;
        }
        auto parsed = DecodeDefinition(name, **def);
        if (parsed.ok()) {
          if (absl::Status st = CheckDefinition(*parsed); !st.ok()) parsed = st;
        }
        if (!parsed.ok()) {
          sink_.Add(ProblemKind::kMetadata, 0, name,
                    absl::StrCat("projection ", name, ": its stored definition is damaged: ",
                                 parsed.status().message()));
          continue;
        }
        auto made = NewDeclarativeProjection(*parsed);
        if (!made.ok()) return made.status();
        projection = *std::move(made);
      }
      if (projection->version() != record->version) {
        report().notes.push_back(absl::StrCat(
            "projection ", name, ": stored version ", record->version, " is not this code's ",
            projection->version(), "; rebuilt at the next open, not compared"));
        continue;
      }
      if (!options_.projections) continue;
      if (!store_.has(Family::kProj)) continue;
      ProjectionCheck check;
      check.store = &store_;
      check.name = name;
      check.gen = *gen;
      check.checkpoint = record->checkpoint;
      check.projection = projection.get();
      check.timeline = projection.get();
      check.scratch_dir = scratch;
      if (auto st = CheckProjection(check, sink_); !st.ok()) {
        report().notes.push_back(absl::StrCat("projection ", name, ": not compared: ",
                                              st.message()));
        continue;
      }
      report().projections_checked.push_back(name);
    }
    return absl::OkStatus();
  }

  absl::Status CheckSearch() {
    if (!options_.projections) return absl::OkStatus();
    SearchCheck check;
    check.store = &store_;
    check.root = (fs::path(path_) / "search").string();
    check.log_end = std::min(report().head, facts_.last);
    check.log_damaged = !facts_.damaged.empty();
    CheckSearchIndexes(check, sink_);
    return absl::OkStatus();
  }

  const RawStore& store_;
  const std::string path_;
  const VerifyOptions& options_;
  ProblemSink sink_;
  LogFacts facts_;
  std::vector<std::pair<uint64_t, uint64_t>> lost_;  // recorded lost seqs, in order
};

}  // namespace
}  // namespace internal

absl::StatusOr<VerifyReport> VerifyStore(const std::string& path,
                                         const VerifyOptions& options) {
  auto store = internal::RawStore::Open(path);
  std::error_code ec;
  if (!store.ok() && store.status().code() == absl::StatusCode::kDataLoss &&
      std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec)) {
    // A damaged file stops RocksDB from opening the store: list every one.
    VerifyReport report;
    internal::ProblemSink sink(&report, options.max_problems);
    sink.Add(ProblemKind::kDamagedFile, 0, "",
             absl::StrCat("the store does not open: ", store.status().message()));
    for (const auto& f : internal::RawStore::CheckFilesIn(path))
      sink.Add(ProblemKind::kDamagedFile, 0, f.file, absl::StrCat(f.file, ": ", f.detail));
    report.notes.push_back("the store could not be opened, so only its files were checked");
    return report;
  }
  if (!store.ok()) return store.status();
  VerifyReport report;
  {
    internal::Verifier verifier(**store, path, options, &report);
    if (auto st = verifier.Run(); !st.ok()) return st;
  }
  return report;
}

void RemoveVerifyScratchDirs() { internal::RemoveScratchDirsInUse(); }

}  // namespace annals
