#include "search/search_index.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include <xapian.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "model/names.h"
#include "search/xapian_status.h"

namespace annals::internal {
namespace {

constexpr char kLayoutKey[] = "annals.layout";
constexpr char kLayout[] = "1";
constexpr char kLanguageKey[] = "annals.language";
constexpr char kCheckpointKey[] = "annals.checkpoint";
constexpr char kCheckpointIdKey[] = "annals.checkpoint_id";
// Events applied per Xapian transaction (one commit with the checkpoint).
constexpr uint64_t kBatchEvents = 10000;

std::string SeqTerm(uint64_t seq) { return absl::StrCat("S", seq); }

// Applies log events to the index (inside the caller's transaction).
class Indexer {
 public:
  Indexer(Xapian::WritableDatabase& db, const std::string& language) : db_(db) {
    generator_.set_stemmer(Xapian::Stem(language));
    generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
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
    Xapian::Document doc;
    generator_.set_document(doc);
    generator_.index_text(s.content);
    generator_.increase_termpos();  // no phrase across the two fields
    generator_.index_text(s.quote);
    if (!s.speaker.empty()) doc.add_boolean_term(NameTerm("XA", NormalizeName(s.speaker)));
    for (const std::string& t : s.targets) doc.add_boolean_term(NameTerm("XA", NormalizeName(t)));
    for (const std::string& t : s.topics) doc.add_boolean_term(NameTerm("XT", NormalizeName(t)));
    doc.add_boolean_term(SeqTerm(seq));
    doc.add_value(kValidFrom, OrderedValue(static_cast<int64_t>(version)));
    doc.add_value(kValidUntil, OrderedValue(static_cast<int64_t>(kForever)));
    doc.add_value(kOccurred, OrderedValue(s.occurred_at.micros));
    doc.set_data(absl::StrCat(seq, " ", version));
    // A batch commits with its checkpoint in one transaction (no automatic
    // commit inside one), so no version after the checkpoint is stored yet.
    db_.add_document(doc);
  }

  // Ends the current version of statement `seq` at event `at`.
  void EndCurrent(uint64_t seq, uint64_t at) {
    const std::string term = SeqTerm(seq);
    const std::string forever = OrderedValue(static_cast<int64_t>(kForever));
    for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) {
      Xapian::Document doc = db_.get_document(*it);
      if (doc.get_value(kValidUntil) != forever) continue;
      doc.add_value(kValidUntil, OrderedValue(static_cast<int64_t>(at)));
      db_.replace_document(*it, doc);
    }
  }

  Xapian::WritableDatabase& db_;
  Xapian::TermGenerator generator_;
};

std::unique_ptr<Xapian::WritableDatabase> OpenDb(const std::string& dir, int action) {
  return std::make_unique<Xapian::WritableDatabase>(
      dir, action | Xapian::DB_RETRY_LOCK | Xapian::DB_BACKEND_GLASS);
}

}  // namespace

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
  return std::string(prefix) + absl::StrCat("#", absl::Hex(h, absl::kZeroPad16));
}

SearchIndex::SearchIndex(std::unique_ptr<Xapian::WritableDatabase> db, std::string language)
    : db_(std::move(db)), language_(std::move(language)) {}

SearchIndex::~SearchIndex() = default;

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::OpenCaughtUp(
    const Engine& engine, const std::string& dir, const std::string& language, uint64_t upto) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create the search index ", dir, ": ", ec.message()));
  auto db = XapianCall("opening the search index " + dir,
                       [&]() -> absl::StatusOr<std::unique_ptr<Xapian::WritableDatabase>> {
                         return OpenDb(dir, Xapian::DB_CREATE_OR_OPEN);
                       });
  if (!db.ok()) return db.status();
  std::unique_ptr<SearchIndex> index(new SearchIndex(*std::move(db), language));
  if (absl::Status s = index->CheckOrReset(engine, dir); !s.ok()) return s;
  if (absl::Status s = index->CatchUp(engine, upto); !s.ok()) return s;
  return index;
}

absl::Status SearchIndex::CheckOrReset(const Engine& engine, const std::string& dir) {
  return XapianCall("opening the search index " + dir, [&]() -> absl::Status {
    const std::string layout = db_->get_metadata(kLayoutKey);
    if (layout.empty()) {
      if (db_->get_doccount() > 0 || db_->metadata_keys_begin() != db_->metadata_keys_end())
        return absl::FailedPreconditionError(
            absl::StrCat(dir, " holds a Xapian database that is not an annals search index"));
    }
    bool reset = !layout.empty() && (layout != kLayout ||
                                     db_->get_metadata(kLanguageKey) != language_);
    uint64_t checkpoint = 0;
    if (!reset && !layout.empty()) {
      if (!absl::SimpleAtoi(db_->get_metadata(kCheckpointKey), &checkpoint))
        return absl::DataLossError(absl::StrCat(dir, ": the search index has no checkpoint"));
      if (checkpoint > engine.Head()) {
        reset = true;  // an index of a longer (another) log
      } else if (checkpoint > 0) {
        auto e = engine.Get(checkpoint);
        if (!e.ok()) return e.status();
        reset = e->id != db_->get_metadata(kCheckpointIdKey);
      }
    }
    if (reset) {
      db_.reset();
      db_ = OpenDb(dir, Xapian::DB_CREATE_OR_OVERWRITE);
      checkpoint = 0;
    }
    if (layout.empty() || reset) {
      db_->set_metadata(kLayoutKey, kLayout);
      db_->set_metadata(kLanguageKey, language_);
      db_->set_metadata(kCheckpointKey, "0");
      db_->commit();
    }
    checkpoint_ = checkpoint;
    return absl::OkStatus();
  });
}

absl::Status SearchIndex::CatchUp(const Engine& engine, uint64_t upto) {
  if (checkpoint_ >= upto) return absl::OkStatus();
  std::unique_ptr<LogIterator> it = engine.NewIterator(checkpoint_ + 1);
  return XapianCall("updating the search index", [&]() -> absl::Status {
    Indexer indexer(*db_, language_);
    uint64_t in_batch = 0;
    std::string last_id;
    db_->begin_transaction();
    for (; it->Valid() && it->event().seq <= upto; it->Next()) {
      const Event& e = it->event();
      indexer.Apply(e);
      checkpoint_ = e.seq;
      last_id = e.id;
      if (++in_batch < kBatchEvents) continue;
      db_->set_metadata(kCheckpointKey, absl::StrCat(checkpoint_));
      db_->set_metadata(kCheckpointIdKey, last_id);
      db_->commit_transaction();
      db_->begin_transaction();
      in_batch = 0;
    }
    if (absl::Status s = it->status(); !s.ok()) {
      db_->cancel_transaction();
      return s;
    }
    if (in_batch > 0) {
      db_->set_metadata(kCheckpointKey, absl::StrCat(checkpoint_));
      db_->set_metadata(kCheckpointIdKey, last_id);
    }
    db_->commit_transaction();
    return absl::OkStatus();
  });
}

}  // namespace annals::internal
