#include "search/search_index.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>
#include <xapian.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "annals/search.h"
#include "model/names.h"
#include "search/xapian_status.h"

namespace annals::internal {
namespace {

// IdKey: "annals.id." + each applied event's seq, zero-padded to 20
// digits: its id (to tell whether an index ahead of a head is of the same
// log).
constexpr char kIdPrefix[] = "annals.id.";
// Events applied per Xapian transaction (one commit with the checkpoint);
// tests make it small (SetSearchBatchEventsForTest).
std::atomic<uint64_t> batch_events{10000};

// Applies log events to the index (inside the caller's transaction).
class Indexer {
 public:
  Indexer(Xapian::WritableDatabase& db, const std::string& language) : db_(db) {
    ConfigureGenerator(generator_, language);
  }

  void Apply(const Event& e) {
    switch (e.kind) {
      case EventKind::kStatement:
        AddVersion(e.seq, e.seq, e.statement);
        break;
      case EventKind::kCorrection:
        EndCurrent(e.target, e.seq);
        AddVersion(e.target, e.seq, e.statement);
        break;
      case EventKind::kRetraction:
        EndCurrent(e.target, e.seq);
        break;
      default:
        break;  // aliases apply at query time; mentions carry no text
    }
  }

 private:
  void AddVersion(uint64_t seq, uint64_t version, const Statement& s) {
    // A batch commits with its checkpoint in one transaction (no automatic
    // commit inside one), so no version after the checkpoint is stored yet.
    db_.add_document(VersionDocument(generator_, seq, version, kForever, s));
  }

  // Ends the current version of statement `seq` at event `at`.
  void EndCurrent(uint64_t seq, uint64_t at) {
    const std::string term = SeqTerm(seq);
    const std::string forever = OrderedValue(static_cast<int64_t>(kForever));
    std::vector<Xapian::docid> versions;  // collected before any is changed
    for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it)
      versions.push_back(*it);
    for (Xapian::docid id : versions) {
      Xapian::Document doc = db_.get_document(id);
      if (doc.get_value(kValidUntil) != forever) continue;
      doc.add_value(kValidUntil, OrderedValue(static_cast<int64_t>(at)));
      db_.replace_document(id, doc);
    }
  }

  Xapian::WritableDatabase& db_;
  Xapian::TermGenerator generator_;
};

// Xapian raises DatabaseLockError whenever its lock file cannot be locked:
// another writer holding it, but also a directory or lock file that cannot
// be written, or no file descriptor left. Those two are told apart here,
// by asking the system, so that only a busy index reads as kUnavailable.
void ThrowUnlessBusy(const std::string& dir) {
  const std::string lock_file = dir + "/flintlock";
  // As this process's effective user; a lock file not there yet is made.
  if (faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0 ||
      (faccessat(AT_FDCWD, lock_file.c_str(), W_OK, AT_EACCESS) != 0 && errno != ENOENT))
    throw Xapian::DatabaseOpeningError(
        absl::StrCat("the search index ", dir, " cannot be written: ", std::strerror(errno)));
  const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Xapian::DatabaseOpeningError(absl::StrCat(
        "cannot lock the search index ", dir, ": ", std::strerror(errno)));
  close(fd);
}

std::unique_ptr<Xapian::WritableDatabase> OpenDb(const std::string& dir, int action,
                                                 bool wait_for_lock) {
  try {
    return std::make_unique<Xapian::WritableDatabase>(
        dir, action | (wait_for_lock ? Xapian::DB_RETRY_LOCK : 0) | Xapian::DB_BACKEND_GLASS);
  } catch (const Xapian::DatabaseLockError&) {
    ThrowUnlessBusy(dir);
    throw;
  }
}

}  // namespace

std::string SeqTerm(uint64_t seq) { return absl::StrCat("S", seq); }

std::optional<uint64_t> OwnCheckpoint(const Xapian::Database& db, const std::string& language) {
  uint64_t checkpoint = 0;
  if (db.get_metadata(kLayoutKey) != kLayout || db.get_metadata(kLanguageKey) != language ||
      !absl::SimpleAtoi(db.get_metadata(kCheckpointKey), &checkpoint))
    return std::nullopt;
  return checkpoint;
}

void ConfigureGenerator(Xapian::TermGenerator& generator, const std::string& language) {
  generator.set_stemmer(Xapian::Stem(language));
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
}

Xapian::Document VersionDocument(Xapian::TermGenerator& generator, uint64_t seq,
                                 uint64_t version, uint64_t until, const Statement& s) {
  Xapian::Document doc;
  generator.set_document(doc);
  generator.index_text(s.content);
  generator.increase_termpos();  // no phrase across the two fields
  generator.index_text(s.quote);
  if (!s.speaker.empty()) doc.add_boolean_term(NameTerm("XA", NormalizeName(s.speaker)));
  for (const std::string& t : s.targets) doc.add_boolean_term(NameTerm("XA", NormalizeName(t)));
  for (const std::string& t : s.topics) doc.add_boolean_term(NameTerm("XT", NormalizeName(t)));
  doc.add_boolean_term(SeqTerm(seq));
  doc.add_value(kValidFrom, OrderedValue(static_cast<int64_t>(version)));
  doc.add_value(kValidUntil, OrderedValue(static_cast<int64_t>(until)));
  doc.add_value(kOccurred, OrderedValue(s.occurred_at.micros));
  doc.add_value(kTieOrder, OrderedValue(s.occurred_at.micros) +
                               OrderedValue(static_cast<int64_t>(seq)));
  doc.set_data(absl::StrCat(seq, " ", version));
  return doc;
}

std::string OrderedValue(int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v) ^ (1ull << 63);
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(u >> (56 - 8 * i));
  return out;
}

std::string NameTerm(std::string_view prefix, std::string_view normalized) {
  // Xapian refuses terms over 245 bytes.
  if (prefix.size() + normalized.size() <= 200)
    return std::string(prefix) + std::string(normalized);
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across runs
  for (unsigned char c : normalized) h = (h ^ c) * 1099511628211ull;
  // NUL never occurs in a stored name (Validate refuses it).
  return std::string(prefix) + std::string(1, '\0') + absl::StrCat(absl::Hex(h, absl::kZeroPad16));
}

std::string IdKey(uint64_t seq) {
  std::string digits = absl::StrCat(seq);
  return absl::StrCat(kIdPrefix, std::string(20 - digits.size(), '0'), digits);
}

bool NewerLayout(const std::string& layout) {
  int version = 0;
  return absl::SimpleAtoi(layout, &version) && version > std::atoi(kLayout);
}

void SetSearchBatchEventsForTest(uint64_t n) { batch_events.store(n == 0 ? 10000 : n); }

SearchIndex::SearchIndex(std::unique_ptr<Xapian::Database> db) : db_(std::move(db)) {}

SearchIndex::~SearchIndex() = default;

namespace {

// What an index needs before it can answer for a log whose head is `head`.
enum class Fit { kCurrent, kBehind, kReset };

// Whether the log's event at `seq` has the id `id`; a seq the log no
// longer has (lost to a repair) is "no".
absl::StatusOr<bool> SameEvent(const Engine& engine, uint64_t seq, const std::string& id) {
  auto e = engine.Get(seq);
  if (absl::IsNotFound(e.status()) || absl::IsDataLoss(e.status())) return false;
  if (!e.ok()) return e.status();
  return e->id == id;
}

// Reads the index's metadata: kCurrent (answer as it is), kBehind (apply
// the events after *checkpoint), kReset (another log, layout or language:
// rebuild). kFailedPrecondition for a Xapian database that is not ours or
// was made by a newer annals.
absl::StatusOr<Fit> Judge(const Xapian::Database& db, const Engine& engine,
                          const std::string& language, const std::string& dir, uint64_t upto,
                          uint64_t* checkpoint) {
  *checkpoint = 0;
  const std::string layout = db.get_metadata(kLayoutKey);
  if (layout.empty()) {
    if (db.get_doccount() > 0 || db.metadata_keys_begin() != db.metadata_keys_end())
      return absl::FailedPreconditionError(
          absl::StrCat(dir, " holds a Xapian database that is not an annals search index"));
    return upto == 0 ? Fit::kCurrent : Fit::kBehind;
  }
  if (NewerLayout(layout))
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " is a search index of a newer annals (layout ", layout, ")"));
  if (layout != kLayout || db.get_metadata(kLanguageKey) != language) return Fit::kReset;
  if (!absl::SimpleAtoi(db.get_metadata(kCheckpointKey), checkpoint)) return Fit::kReset;
  // Of the same log if it indexed the same event at its checkpoint, or,
  // ahead of the head (another process's engine saw more of the log), at
  // the head: what came after the head only ever set seqs after it. (Not
  // at `upto`, which may be a seq lost to a repair: no event to compare.)
  if (const uint64_t at = std::min(*checkpoint, engine.Head()); at > 0) {
    auto same = SameEvent(engine, at, db.get_metadata(IdKey(at)));
    if (!same.ok()) return same.status();
    if (!*same) return Fit::kReset;
  }
  return *checkpoint >= upto ? Fit::kCurrent : Fit::kBehind;
}

// Applies the events after `checkpoint` up to `upto`, batch_events per
// one transaction committed with the checkpoint (the last seq applied);
// returns the point the index now answers for: `upto` (also when the seqs
// before it were lost to a repair), or the checkpoint reached when it
// stopped after limits.max_events. Stops early, with what it applied
// committed, when limits.cancel turns true (kCancelled).
absl::StatusOr<uint64_t> CatchUp(Xapian::WritableDatabase& db, const Engine& engine,
                                 const std::string& language, uint64_t checkpoint,
                                 uint64_t upto, const CatchUpLimits& limits) {
  if (checkpoint >= upto) return checkpoint;
  const std::atomic<bool>* cancel = limits.cancel;
  uint64_t applied = 0;
  std::unique_ptr<LogIterator> it = engine.NewIterator(checkpoint + 1);
  Indexer indexer(db, language);
  uint64_t in_batch = 0;
  auto commit = [&] {
    db.set_metadata(kCheckpointKey, absl::StrCat(checkpoint));
    db.commit_transaction();
  };
  db.begin_transaction();
  for (; it->Valid() && it->event().seq <= upto; it->Next()) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      if (in_batch > 0) commit();
      else db.cancel_transaction();
      return absl::CancelledError(absl::StrCat("stopped catching up at seq ", checkpoint));
    }
    if (limits.max_events != 0 && applied == limits.max_events) {
      if (in_batch > 0) commit();
      else db.cancel_transaction();
      return checkpoint;
    }
    const Event& e = it->event();
    indexer.Apply(e);
    db.set_metadata(IdKey(e.seq), e.id);
    checkpoint = e.seq;
    ++applied;
    if (++in_batch < batch_events.load()) continue;
    commit();
    db.begin_transaction();
    in_batch = 0;
  }
  if (absl::Status s = it->status(); !s.ok()) {
    db.cancel_transaction();
    return s;
  }
  if (in_batch > 0) commit();
  else db.cancel_transaction();
  return upto;
}

// Under the index's write lock: judges it again (another process may have
// caught it up meanwhile), rebuilds it if it must, and catches it up.
// Returns the point it now answers for (CatchUp).
absl::StatusOr<uint64_t> Update(const Engine& engine, const std::string& dir,
                                const std::string& language, uint64_t head,
                                const CatchUpLimits& limits) {
  auto db = OpenDb(dir, Xapian::DB_CREATE_OR_OPEN, limits.wait_for_lock);
  uint64_t checkpoint = 0;
  auto fit = Judge(*db, engine, language, dir, head, &checkpoint);
  if (!fit.ok()) return fit.status();
  if (*fit == Fit::kCurrent) return std::max(checkpoint, head);
  if (*fit == Fit::kReset || db->get_metadata(kLayoutKey).empty()) {
    if (*fit == Fit::kReset) {
      db.reset();  // ours (its layout record says so): rebuilt from seq 1
      db = OpenDb(dir, Xapian::DB_CREATE_OR_OVERWRITE, limits.wait_for_lock);
      checkpoint = 0;
    }
    db->set_metadata(kLayoutKey, kLayout);
    db->set_metadata(kLanguageKey, language);
    db->set_metadata(kCheckpointKey, "0");
    db->commit();
  }
  return CatchUp(*db, engine, language, checkpoint, head, limits);
}

// Makes the directory, then Update under XapianCall.
absl::StatusOr<uint64_t> UpdateIn(const Engine& engine, const std::string& dir,
                                  const std::string& language, uint64_t upto,
                                  const CatchUpLimits& limits) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create the search index ", dir, ": ", ec.message()));
  return XapianCall("updating the search index " + dir,
                    [&] { return Update(engine, dir, language, upto, limits); });
}

// The index in `dir` opened for reading when it already answers for
// `upto` (no lock), else null.
absl::StatusOr<std::unique_ptr<Xapian::Database>> OpenIfCurrent(const Engine& engine,
                                                                const std::string& dir,
                                                                const std::string& language,
                                                                uint64_t upto) {
  return XapianCall("opening the search index " + dir,
                    [&]() -> absl::StatusOr<std::unique_ptr<Xapian::Database>> {
                      std::error_code ec;
                      if (!std::filesystem::exists(std::filesystem::path(dir) / "iamglass", ec))
                        return nullptr;
                      auto db = std::make_unique<Xapian::Database>(dir);
                      uint64_t checkpoint = 0;
                      auto fit = Judge(*db, engine, language, dir, upto, &checkpoint);
                      if (!fit.ok()) return fit.status();
                      return *fit == Fit::kCurrent ? std::move(db) : nullptr;
                    });
}

}  // namespace

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::OpenCaughtUp(
    const Engine& engine, const std::string& dir, const std::string& language, uint64_t upto,
    const CatchUpLimits& limits) {
  // Readers take no lock: an index that already answers is only read.
  auto current = OpenIfCurrent(engine, dir, language, upto);
  if (!current.ok()) return current.status();
  if (*current) return std::unique_ptr<SearchIndex>(new SearchIndex(*std::move(current)));
  auto reached = UpdateIn(engine, dir, language, upto, limits);
  if (!reached.ok()) return reached.status();
  if (*reached < upto)  // limits.max_events ran out
    return absl::UnavailableError(absl::StrCat("the search index ", dir, " is at seq ",
                                               *reached, " of ", upto, "; try again"));
  return XapianCall("opening the search index " + dir,
                    [&]() -> absl::StatusOr<std::unique_ptr<SearchIndex>> {
                      return std::unique_ptr<SearchIndex>(
                          new SearchIndex(std::make_unique<Xapian::Database>(dir)));
                    });
}

std::vector<std::string> IndexedLanguages(const std::string& root, std::error_code* error) {
  const std::vector<std::string> known = SearchLanguages();
  std::vector<std::string> out;
  std::error_code ec;
  std::filesystem::directory_iterator it(root, ec);
  if (ec && error != nullptr && ec != std::errc::no_such_file_or_directory) *error = ec;
  for (std::filesystem::directory_iterator end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (std::find(known.begin(), known.end(), name) != known.end() &&
        std::filesystem::exists(it->path() / "iamglass", ec))
      out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<bool> CatchUpIndex(const Engine& engine, const std::string& dir,
                                  const std::string& language, uint64_t upto,
                                  const CatchUpLimits& limits) {
  if (limits.cancel != nullptr && limits.cancel->load())
    return absl::CancelledError("stopped before catching up");
  auto current = OpenIfCurrent(engine, dir, language, upto);
  if (!current.ok()) return current.status();
  if (*current) return true;
  auto reached = UpdateIn(engine, dir, language, upto, limits);
  if (!reached.ok()) return reached.status();
  return *reached >= upto;
}

IndexWriteHold::IndexWriteHold(const std::string& dir) {
  (void)XapianCall("holding the search index " + dir, [&] {
    db_ = std::make_unique<Xapian::WritableDatabase>(dir, Xapian::DB_OPEN);
    return absl::OkStatus();
  });  // another writer has it, or it cannot be written: nothing held
}

IndexWriteHold::~IndexWriteHold() {
  (void)XapianCall("releasing the search index", [&] {
    db_.reset();  // nothing was changed: nothing is written
    return absl::OkStatus();
  });
}

}  // namespace annals::internal
