// The full-text index behind annals/search.h: one Xapian database per
// stemming language, one document per statement version, caught up with
// the log by replay (exactly once: each batch commits with its checkpoint).
#ifndef ANNALS_ENGINE_SRC_SEARCH_SEARCH_INDEX_H_
#define ANNALS_ENGINE_SRC_SEARCH_SEARCH_INDEX_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"

namespace Xapian {
class Database;
class Document;
class TermGenerator;
class WritableDatabase;
}

namespace annals::internal {

// Document layout (kLayout in the index's metadata):
//  - terms: content and quote through Xapian's TermGenerator (positions
//    kept, for phrases), stemmed (only) as the index's language says;
//  - boolean terms: "XA" + each normalised actor (speaker and targets),
//    "XT" + each normalised topic (NameTerm), "S" + the statement's seq
//    (on each of its versions);
//  - values: kValidFrom (the version's seq), kValidUntil (the seq of the
//    correction or retraction that ended it; kForever while current),
//    kOccurred (occurred_at), each OrderedValue-encoded; kTieOrder, the
//    order of equal scores (occurred_at, then the statement's seq);
//  - data: "SEQ VERSION_SEQ".
inline constexpr unsigned kValidFrom = 0;
inline constexpr unsigned kValidUntil = 1;
inline constexpr unsigned kOccurred = 2;
inline constexpr unsigned kTieOrder = 3;  // occurred_at then the statement's seq
inline constexpr uint64_t kForever = ~0ull >> 1;

// `v` as 8 bytes whose bytewise order is the numeric order (Xapian compares
// values as strings).
std::string OrderedValue(int64_t v);

// The boolean term for a normalised name under `prefix` ("XA", "XT"); names
// longer than Xapian's term limit allows are hashed.
std::string NameTerm(std::string_view prefix, std::string_view normalized);

// The index's metadata keys: its layout (kLayout), language, checkpoint
// (the last seq applied) and, per applied event, its id (IdKey).
inline constexpr char kLayoutKey[] = "annals.layout";
inline constexpr char kLayout[] = "2";
inline constexpr char kLanguageKey[] = "annals.language";
inline constexpr char kCheckpointKey[] = "annals.checkpoint";
std::string IdKey(uint64_t seq);

// True if `layout` (kLayoutKey's value) is of a newer annals than this one.
bool NewerLayout(const std::string& layout);

// The boolean term on every version of statement `seq`.
std::string SeqTerm(uint64_t seq);

// The checkpoint of `db` when it is an annals index of this layout and
// `language` (what search would use or catch up), else nullopt. Throws
// Xapian's errors.
std::optional<uint64_t> OwnCheckpoint(const Xapian::Database& db, const std::string& language);

// Sets up `generator` as the index of `language` does.
void ConfigureGenerator(Xapian::TermGenerator& generator, const std::string& language);

// The document of statement `seq`'s version written by event `version`
// (seq itself, or a correction), current until event `until` (kForever
// while current); `generator` as ConfigureGenerator left it. Indexing and
// verify share it, so verify compares with exactly what indexing writes.
Xapian::Document VersionDocument(Xapian::TermGenerator& generator, uint64_t seq,
                                 uint64_t version, uint64_t until, const Statement& s);

// For tests: events per transaction (default 10,000; 0 restores it).
void SetSearchBatchEventsForTest(uint64_t n);

// The languages with an index under `root` (STORE/search), in order:
// directories named for a language SearchLanguages knows, holding a
// Xapian database. None when `root` does not exist; when it cannot be
// listed, none either, and `*error` (if given) says why.
std::vector<std::string> IndexedLanguages(const std::string& root,
                                          std::error_code* error = nullptr);

// How a catch-up runs (CatchUpIndex).
struct CatchUpLimits {
  // Stop early, with what was applied committed, once true: kCancelled.
  const std::atomic<bool>* cancel = nullptr;
  // false: kUnavailable at once when another writer holds the index. (An
  // index whose directory or lock file cannot be written, or no file
  // descriptor left, is kFailedPrecondition either way.)
  bool wait_for_lock = true;
  // Stop after this many events (committed); 0: none.
  uint64_t max_events = 0;
};

// Catches the index for `language` in `dir` up with `engine` towards
// `upto`, as OpenCaughtUp does (creating or rebuilding it if it must),
// without opening it for reading; true when it now answers for `upto`
// (false: `max_events` ran out first).
absl::StatusOr<bool> CatchUpIndex(const Engine& engine, const std::string& dir,
                                  const std::string& language, uint64_t upto,
                                  const CatchUpLimits& limits);

// Holds the write lock of the index in `dir` while it lives, if it can be
// taken at once: no other writer can commit meanwhile, so a long read of
// the index (a backup's copy) is not cut short by
// Xapian's DatabaseModifiedError. Holds nothing when another writer has
// the lock or the index cannot be written (reads then retry). Changes
// nothing in the index. Not thread-safe.
class IndexWriteHold {
 public:
  explicit IndexWriteHold(const std::string& dir);
  ~IndexWriteHold();
  IndexWriteHold(const IndexWriteHold&) = delete;
  IndexWriteHold& operator=(const IndexWriteHold&) = delete;
  bool held() const { return db_ != nullptr; }

 private:
  std::unique_ptr<Xapian::WritableDatabase> db_;
};

// An index that answers for a log's head, open for reading. Not
// thread-safe; one per search.
class SearchIndex {
 public:
  // Opens the index for `language` in `dir` for reading when it already
  // answers for `engine` up to `upto` (also when it is ahead, on the same
  // log: another process's engine saw more). Otherwise takes its write lock
  // (waiting for another process's unless `limits` say not: kUnavailable),
  // creates it, or rebuilds it from seq 1 (an index of another log, layout
  // or language), applies the events up to `upto` (kCancelled when
  // limits.cancel turns true; kUnavailable when limits.max_events run out
  // first), and opens the result for reading.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> OpenCaughtUp(
      const Engine& engine, const std::string& dir, const std::string& language, uint64_t upto,
      const CatchUpLimits& limits = {});
  ~SearchIndex();

  Xapian::Database& db() { return *db_; }

 private:
  explicit SearchIndex(std::unique_ptr<Xapian::Database> db);

  std::unique_ptr<Xapian::Database> db_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SEARCH_SEARCH_INDEX_H_
