// The full-text index behind annals/search.h: one Xapian database per
// stemming language, one document per statement version, caught up with
// the log by replay (exactly once: each batch commits with its checkpoint).
#ifndef ANNALS_ENGINE_SRC_SEARCH_SEARCH_INDEX_H_
#define ANNALS_ENGINE_SRC_SEARCH_SEARCH_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "annals/engine.h"

namespace Xapian {
class Database;
class Document;
class TermGenerator;
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

// An index that answers for a log's head, open for reading. Not
// thread-safe; one per search.
class SearchIndex {
 public:
  // Opens the index for `language` in `dir` for reading when it already
  // answers for `engine` up to `upto` (also when it is ahead, on the same
  // log: another process's engine saw more). Otherwise takes its write lock
  // (waiting for another process's), creates it, or rebuilds it from seq 1
  // (an index of another log, layout or language), applies the events up
  // to `upto`, and opens the result for reading.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> OpenCaughtUp(const Engine& engine,
                                                                  const std::string& dir,
                                                                  const std::string& language,
                                                                  uint64_t upto);
  ~SearchIndex();

  Xapian::Database& db() { return *db_; }

 private:
  explicit SearchIndex(std::unique_ptr<Xapian::Database> db);

  std::unique_ptr<Xapian::Database> db_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SEARCH_SEARCH_INDEX_H_
