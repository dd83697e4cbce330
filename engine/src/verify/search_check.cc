#include "verify/search_check.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <xapian.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "annals/search.h"
#include "codec/event_codec.h"
#include "log/keys.h"
#include "log/rocks_status.h"
#include "search/search_index.h"
#include "search/xapian_status.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

// Calls `fn` on each log event with seq <= `upto`, in seq order.
absl::Status ForEachEvent(const RawStore& store, uint64_t upto,
                          const std::function<void(const Event&)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(RawStore::Family::kLog);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto seq = DecodeU64(std::string_view(it->key().data(), it->key().size()));
    if (!seq) continue;  // reported by the log scan
    if (*seq > upto) break;
    auto e = DecodeEvent(std::string_view(it->value().data(), it->value().size()));
    if (!e.ok()) return e.status();
    fn(*e);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning the log");
  return absl::OkStatus();
}

// Positions are compared in one document of this many (those whose event's
// seq is 1 more than a multiple of it, so the first one too): reading
// each term's position list is a B-tree seek of its own, and comparing
// every one made the check 4x slower (200k statements: 30 s, against 7 s
// for terms, frequencies and values).
constexpr uint64_t kPositionSample = 8;

// The first difference between the terms (with wdf, and positions if
// `positions`) of two documents, or "".
std::string TermDiff(const Xapian::Document& want, const Xapian::Document& got,
                     bool positions) {
  auto w = want.termlist_begin();
  auto g = got.termlist_begin();
  for (; w != want.termlist_end() && g != got.termlist_end(); ++w, ++g) {
    if (*w != *g) return absl::StrCat("term '", *g, "' where a replay makes '", *w, "'");
    if (w.get_wdf() != g.get_wdf()) return absl::StrCat("term '", *w, "' has another frequency");
    if (!positions) continue;
    std::vector<Xapian::termpos> wp(w.positionlist_begin(), w.positionlist_end());
    std::vector<Xapian::termpos> gp(g.positionlist_begin(), g.positionlist_end());
    if (wp != gp) return absl::StrCat("term '", *w, "' has other positions");
  }
  if (w != want.termlist_end()) return absl::StrCat("term '", *w, "' is missing");
  if (g != got.termlist_end()) return absl::StrCat("term '", *g, "' is extra");
  return "";
}

std::string DocDiff(const Xapian::Document& want, const Xapian::Document& got,
                    bool positions) {
  if (want.get_data() != got.get_data()) return "its statement reference differs";
  const char* names[] = {"valid-from", "valid-until", "occurred", "tie order"};
  for (unsigned v : {kValidFrom, kValidUntil, kOccurred, kTieOrder})
    if (want.get_value(v) != got.get_value(v)) return absl::StrCat("its ", names[v], " differs");
  return TermDiff(want, got, positions);
}

class IndexChecker {
 public:
  IndexChecker(const SearchCheck& check, ProblemSink& sink, std::string language,
               std::string subject)
      : check_(check), sink_(sink), language_(std::move(language)),
        subject_(std::move(subject)) {}

  // Throws Xapian's errors (the caller's XapianCall catches them).
  absl::Status Run(const Xapian::Database& db) {
    auto checkpoint = Comparable(db);
    if (!checkpoint.ok() || !*checkpoint) return checkpoint.status();
    if (auto st = ReplayEnds(**checkpoint); !st.ok()) return st;
    uint64_t matched = 0;
    Xapian::TermGenerator generator;
    ConfigureGenerator(generator, language_);
    if (auto st = ForEachEvent(*check_.store, **checkpoint,
                               [&](const Event& e) { Compare(db, generator, e, &matched); });
        !st.ok())
      return st;
    if (db.get_doccount() != matched)
      Add(0, absl::StrCat("it holds ", db.get_doccount(), " documents; a replay makes ", matched));
    sink_.report().projections_checked.push_back(subject_);
    return absl::OkStatus();
  }

 private:
  void Add(uint64_t seq, std::string detail) {
    sink_.Add(ProblemKind::kSearchMismatch, seq, subject_,
              absl::StrCat(subject_, ": ", std::move(detail)));
  }
  void Note(std::string why) {
    sink_.report().notes.push_back(absl::StrCat(subject_, ": ", why, "; not compared"));
  }

  // The checkpoint to compare up to, or nullopt (noted) when search would
  // not use the index as it is.
  absl::StatusOr<std::optional<uint64_t>> Comparable(const Xapian::Database& db) {
    const std::string layout = db.get_metadata(kLayoutKey);
    if (layout.empty()) {
      const bool empty = db.get_doccount() == 0 && db.metadata_keys_begin() == db.metadata_keys_end();
      Note(empty ? "empty (the next search fills it)"
                 : "not an annals search index (search refuses it)");
      return std::nullopt;
    }
    if (NewerLayout(layout)) {
      Note(absl::StrCat("made by a newer annals (layout ", layout, "; search refuses it)"));
      return std::nullopt;
    }
    if (layout != kLayout || db.get_metadata(kLanguageKey) != language_) {
      Note(absl::StrCat("of layout ", layout, " or another language: rebuilt by the next search"));
      return std::nullopt;
    }
    uint64_t checkpoint = 0;
    if (!absl::SimpleAtoi(db.get_metadata(kCheckpointKey), &checkpoint)) {
      Add(0, "its checkpoint record is damaged");
      return std::nullopt;
    }
    if (checkpoint > check_.log_end) {
      Note(absl::StrCat("it has applied seqs up to ", checkpoint, " but the log ends at ",
                        check_.log_end));
      return std::nullopt;
    }
    if (checkpoint == 0) return checkpoint;
    auto value = check_.store->Get(RawStore::Family::kLog, EncodeU64(checkpoint));
    if (!value.ok()) return value.status();
    if (!value->has_value()) return std::nullopt;  // a gap: reported by the log scan
    auto e = DecodeEvent(**value);
    if (!e.ok()) return e.status();
    if (db.get_metadata(IdKey(checkpoint)) != e->id) {
      Note(absl::StrCat("its event at seq ", checkpoint,
                        " is not the log's (an index of another log, rebuilt by the next "
                        "search)"));
      return std::nullopt;
    }
    return checkpoint;
  }

  // Where each amended statement version ended, as the indexer records it.
  absl::Status ReplayEnds(uint64_t upto) {
    return ForEachEvent(*check_.store, upto, [this](const Event& e) {
      if (e.kind != EventKind::kCorrection && e.kind != EventKind::kRetraction) return;
      auto cur = current_.find(e.target);
      const uint64_t version = cur == current_.end() ? e.target : cur->second;
      until_.try_emplace(version, e.seq);  // a version already ended stays so
      if (e.kind == EventKind::kCorrection) current_[e.target] = e.seq;
    });
  }

  void Compare(const Xapian::Database& db, Xapian::TermGenerator& generator, const Event& e,
               uint64_t* matched) {
    if (db.get_metadata(IdKey(e.seq)) != e.id)
      Add(e.seq, absl::StrCat("the id it recorded for seq ", e.seq, " is not the log's"));
    if (e.kind != EventKind::kStatement && e.kind != EventKind::kCorrection) return;
    const uint64_t seq = e.kind == EventKind::kStatement ? e.seq : e.target;
    auto end = until_.find(e.seq);
    const Xapian::Document want = VersionDocument(
        generator, seq, e.seq, end == until_.end() ? kForever : end->second, e.statement);
    const std::string from = OrderedValue(static_cast<int64_t>(e.seq));
    const std::string term = SeqTerm(seq);
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
      Xapian::Document got = db.get_document(*it);
      if (got.get_value(kValidFrom) != from) continue;
      ++*matched;
      if (std::string diff = DocDiff(want, got, e.seq % kPositionSample == 1); !diff.empty())
        Add(e.seq, absl::StrCat("the document of seq ", seq, " as of ", e.seq, ": ", diff));
      return;
    }
    Add(e.seq, absl::StrCat("no document of seq ", seq, " as of ", e.seq));
  }

  const SearchCheck& check_;
  ProblemSink& sink_;
  const std::string language_;
  const std::string subject_;
  absl::flat_hash_map<uint64_t, uint64_t> current_;  // statement -> its current version
  absl::flat_hash_map<uint64_t, uint64_t> until_;    // version -> the event that ended it
};

}  // namespace

void CheckSearchIndexes(const SearchCheck& check, ProblemSink& sink) {
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (fs::directory_iterator it(check.root, ec), end; !ec && it != end; it.increment(ec))
    if (fs::exists(it->path() / "iamglass", ec)) dirs.push_back(it->path());
  std::sort(dirs.begin(), dirs.end());
  const std::vector<std::string> languages = SearchLanguages();
  for (const fs::path& dir : dirs) {
    const std::string subject = "search:" + dir.filename().string();
    if (std::find(languages.begin(), languages.end(), dir.filename().string()) ==
        languages.end()) {
      sink.report().notes.push_back(subject + ": not named for a language, so no search "
                                              "uses it; not compared");
      continue;
    }
    if (check.log_damaged) {
      sink.report().notes.push_back(subject + ": the log is damaged; not compared");
      continue;
    }
    // Read without the index's write lock: holding it for the whole check
    // (about 45 s per million statements) would hold up a server's
    // searches. A search that commits twice meanwhile cuts the read short
    // (kAborted, noted below).
    IndexChecker checker(check, sink, dir.filename().string(), subject);
    absl::Status st = XapianCall("reading the search index " + dir.string(), [&] {
      return checker.Run(Xapian::Database(dir.string()));
    });
    if (st.code() == absl::StatusCode::kDataLoss)
      sink.Add(ProblemKind::kSearchMismatch, 0, subject,
               absl::StrCat(subject, ": ", st.message(), " (remove ", dir.string(),
                            " to have it rebuilt)"));
    else if (absl::IsAborted(st))
      sink.report().notes.push_back(absl::StrCat(
          subject, ": a search caught it up while it was read; not compared (run verify "
                   "again)"));
    else if (!st.ok())
      sink.report().notes.push_back(absl::StrCat(subject, ": not compared: ", st.message()));
  }
}

}  // namespace annals::internal
