// Full-text search over statements' content and quote, on a Xapian index.
//
// The index is a projection kept beside the store (in its own directory,
// one per stemming language): every version of a statement (the original,
// then each correction) is one document, carrying the seqs from which and
// until which it was the statement's current text (a correction or a
// retraction ends it). A query as of seq N therefore finds exactly the
// statements whose text at N matches, as timelines see them at N.
//
// The index follows the log by replay: each search first applies the
// events appended since the index's checkpoint, in batches, each batch
// committed with its checkpoint in one Xapian commit, so a crash loses
// or doubles no document; the next search resumes after the last commit.
// An index of another log (its checkpoint beyond the head, or naming
// another event there) or of an older layout is rebuilt from seq 1.
//
// Thread-safe; several processes may search one index: an index that
// already answers is only read (no lock); catching up is serialised by
// Xapian's write lock (a second writer waits), so a read-only store's
// search writes its index only when it must catch it up.
#ifndef ANNALS_SEARCH_H_
#define ANNALS_SEARCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/event.h"
#include "annals/statement.h"
#include "annals/time.h"
#include "annals/visibility.h"

namespace annals {

struct SearchQuery {
  // Xapian's query syntax: words (all required), "quoted phrases",
  // AND / OR / NOT / AND NOT (upper case), +word / -word, prefix*
  // (at least one letter before the *). Words are stemmed in `language`.
  std::string text;
  // Only statements naming this actor as speaker or target (aliases as of
  // the query point apply) and/or listing this topic; "" = any. A topic
  // also finds the topics whose words (split at spaces and punctuation,
  // stemmed in `language`) include all of its words: "rare earth" finds
  // "rare earth metals" and "Rare-earth exports" (names over 200 bytes
  // only exactly).
  std::string actor;
  std::string topic;
  // Only statements whose occurred_at lies in [from, EndOfPeriod(to)]
  // (absent bounds are open).
  Timestamp from;
  Timestamp to;
  // The log as it stood at this seq; default the head (read once).
  std::optional<uint64_t> as_of;
  size_t limit = 20;  // 1..10000
  // A Xapian stemmer's name ("english", "russian", ...; SearchLanguages),
  // or "none" to search words as written (Ukrainian, for one, has no
  // stemmer in Xapian 1.4). Each language has its own index.
  std::string language = "english";
};

struct SearchHit {
  uint64_t seq = 0;          // the statement's seq
  uint64_t version_seq = 0;  // the event whose text matched: seq or a correction
  double score = 0;          // BM25 (Xapian's default weighting)
  // The statement's event (seq, recorded_at, id), its statement as it read
  // at the query point (the text of version_seq), as timelines show it.
  Event event;
};

struct SearchResult {
  // By score, ties by occurred_at then seq. The set of hits as of a seq
  // never changes; their BM25 scores (and so which `limit` come first) use
  // the statistics of the whole index, which grow with the log.
  std::vector<SearchHit> hits;
  uint64_t as_of = 0;           // the log seq the answer is as of
  uint64_t estimated_matches = 0;  // Xapian's estimate of all matches
};

// Searches `engine`'s statements, catching the index in
// `<index_root>/<language>` up to the query point first (the directory is
// created when missing; `index_root` is normally `STORE/search`).
// kInvalidArgument: a query Xapian cannot parse, an empty query, an
// unknown language, limit out of range, an empty [from, to]; kOutOfRange:
// as_of beyond the head; kFailedPrecondition: the directory holds something
// that is not an annals search index, or cannot be written; kDataLoss: a
// damaged index (remove the directory to have it rebuilt); storage errors
// as Engine::NewIterator.
ANNALS_EXPORT absl::StatusOr<SearchResult> Search(const Engine& engine,
                                                  const std::string& index_root,
                                                  const SearchQuery& query);

// What UpdateSearchIndexes did with one index.
struct SearchIndexUpdate {
  std::string language;
  // OK: it answers for the head. kUnavailable: another writer holds it (a
  // search in another process catching it up); its next search catches
  // up. Otherwise as Search.
  absl::Status status;
};

// Brings every index that exists under `index_root` (STORE/search) up to
// `engine`'s head (read once, at the call), as a search would: applying
// the events after its checkpoint, or rebuilding it from seq 1 when it is
// of another log or layout. Never waits for another writer's lock; makes
// no index for a language that has none. Blocks until done (minutes for
// an index a million events behind); not cancellable. For writers that
// keep their indexes live without a server: the CLI's writing commands
// call it after they commit (a server's follower does this for its
// clients, and Options::follow_search_indexes for an engine's own
// appends, on a thread of its own). One result per index, in language
// order (none when `index_root` does not exist); kFailedPrecondition when
// `index_root` cannot be listed. Thread-safe.
ANNALS_EXPORT absl::StatusOr<std::vector<SearchIndexUpdate>> UpdateSearchIndexes(
    const Engine& engine, const std::string& index_root);

// The languages with a stemmer, then "none".
ANNALS_EXPORT std::vector<std::string> SearchLanguages();

}  // namespace annals

#endif  // ANNALS_SEARCH_H_
