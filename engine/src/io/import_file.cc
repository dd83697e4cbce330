// The import pipeline every format shares: read records, map each to a
// Statement (row_mapper.h), validate, add provenance, account for every
// row, and append in batches on a helper thread while parsing goes on.
#include <algorithm>
#include <cstring>
#include <deque>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "annals/import.h"
#include "io/byte_source.h"
#include "io/import_input_reader.h"
#include "io/record_reader.h"
#include "io/row_mapper.h"
#include "log/db_engine.h"
#include "model/subject.h"
#include "model/sv.h"
#include "model/thread_name.h"
#include "model/utf8.h"

namespace annals {
namespace {

using internal::AV;
using internal::ByteSource;
using internal::Record;
using internal::RecordReader;
using internal::RowMapper;

constexpr size_t kHeadBytes = 64 << 10;
constexpr uint64_t kProgressBytes = 64 << 10;

// Offset of the first invalid UTF-8 byte, or npos; ASCII 8 bytes at a time.
size_t FindInvalidUtf8Fast(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ull) break;
  }
  size_t bad = internal::FindInvalidUtf8(s.substr(i));
  return bad == std::string_view::npos ? bad : i + bad;
}

// `s` with each invalid byte replaced by U+FFFD.
std::string RepairUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (;;) {
    size_t bad = internal::FindInvalidUtf8(s);
    if (bad == std::string_view::npos) {
      out.append(s);
      return out;
    }
    out.append(s.substr(0, bad));
    out.append("\xEF\xBF\xBD");
    s.remove_prefix(bad + 1);
  }
}

std::string BaseName(const std::string& path) {
  if (path == "-") return "-";
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Whether `a` and `b` say the same thing: equal but for provenance
// attributes (import.*), which differ between two copies of one file.
bool SameStatement(const Statement& a, const Statement& b) {
  auto strip = [](const Statement& s) {
    Statement c = s;
    c.id.clear();
    std::erase_if(c.attributes, [](const Attribute& x) { return x.key.starts_with("import."); });
    return c;
  };
  return strip(a) == strip(b);
}

// What is wrong with a record the input ended inside.
std::string TruncationReason(const Record& rec, RecordReader::Mode mode) {
  if (mode == RecordReader::Mode::kJsonArray) return "truncated record: the file ends inside it";
  if (rec.open_quote == std::string_view::npos)
    return "truncated last line: the file ends without a newline";
  const std::string_view before = rec.text.substr(0, rec.open_quote);
  return absl::StrCat("truncated record: the file ends inside a quoted field opened on line ",
                      rec.line + std::count(before.begin(), before.end(), '\n'),
                      " (its closing quote is missing, so the rest of the file was read as "
                      "that one field)");
}

// Rows waiting to be appended, with what a report about them needs.
struct Batch {
  std::vector<Statement> statements;  // each has passed Validate
  std::vector<std::string> ids;       // EffectiveId of each
  std::vector<uint64_t> lines;
  std::string texts;               // the rows verbatim, back to back
  std::vector<size_t> text_ends;   // end offset of row i in `texts`
  std::string_view text(size_t i) const {
    size_t b = i == 0 ? 0 : text_ends[i - 1];
    return std::string_view(texts).substr(b, text_ends[i] - b);
  }
};

// A row whose id is stored already, but for a different statement.
struct Conflict {
  uint64_t line;
  std::string text;
  std::string reason;
};

// Appends batches on its own thread, so parsing the next batch overlaps
// with writing this one. At most two batches wait. A duplicate whose stored
// statement differs is not a duplicate but a conflict: it is reported
// (TakeConflicts) and counted as rejected by the caller.
class Appender {
 public:
  Appender(Engine& engine, const ImportOptions& options)
      : engine_(engine), db_(dynamic_cast<internal::DbEngine*>(&engine)),
        options_(options), thread_([this] {
        internal::NameThisThread("annals-append");
        Loop();
      }) {}
  ~Appender() {
    if (thread_.joinable()) Finish().IgnoreError();
  }

  // Queues `batch`; blocks while the queue is full. Returns the first
  // append error, after which nothing more is appended.
  absl::Status Submit(Batch batch) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Appender* a) { return a->queue_.size() < 2 || !a->error_.ok(); }, this));
    if (!error_.ok()) return error_;
    queue_.push_back(std::move(batch));
    return absl::OkStatus();
  }

  // Waits for every queued batch; returns the first error.
  absl::Status Finish() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    thread_.join();
    absl::MutexLock lock(&mu_);
    return error_;
  }

  std::vector<Conflict> TakeConflicts() {
    absl::MutexLock lock(&mu_);
    return std::move(conflicts_);
  }

  uint64_t imported() const { return imported_; }      // after Finish
  uint64_t duplicates() const { return duplicates_; }  // after Finish

 private:
  void Loop() {
    AppendOptions ao;
    ao.durability = AppendOptions::Durability::kBulk;
    for (;;) {
      Batch* batch;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](Appender* a) { return !a->queue_.empty() || a->done_; }, this));
        if (queue_.empty()) return;
        batch = &queue_.front();  // stays put: deque push_back keeps references
      }
      // Validate and the content ids ran on the parsing thread.
      auto results = db_ != nullptr ? db_->AppendValidated(batch->statements, batch->ids, ao)
                                    : engine_.Append(batch->statements, ao);
      std::vector<Conflict> found;
      absl::Status error = results.status();
      uint64_t imported = 0, duplicates = 0;
      if (error.ok()) {
        for (size_t i = 0; i < results->size(); ++i) {
          const AppendResult& r = (*results)[i];
          if (!r.duplicate) {
            ++imported;
            continue;
          }
          auto stored = engine_.Get(r.seq);
          if (!stored.ok()) {
            error = stored.status();
            break;
          }
          if (SameStatement(stored->statement, batch->statements[i])) {
            ++duplicates;
            continue;
          }
          found.push_back({batch->lines[i], std::string(batch->text(i)),
                           absl::StrCat("id \"", stored->id,
                                        "\" is already taken by a different statement (seq ",
                                        r.seq, "); not imported")});
        }
      }
      if (error.ok() && options_.on_durable && !batch->lines.empty()) {
        // Report only after a sync, and only whole batches: every row up to
        // the batch's last line is then stored, found duplicate, or
        // rejected (by the parser, or as a conflict above).
        undurable_bytes_ += batch->texts.size() + batch->lines.size();
        if (undurable_bytes_ >= options_.durable_every_bytes) {
          error = engine_.Sync();
          if (error.ok()) {
            undurable_bytes_ = 0;
            options_.on_durable({batch->lines.back(), imported_ + imported,
                                 duplicates_ + duplicates, engine_.Head()});
          }
        }
      }
      absl::MutexLock lock(&mu_);
      queue_.pop_front();
      imported_ += imported;
      duplicates_ += duplicates;
      for (Conflict& c : found) conflicts_.push_back(std::move(c));
      if (!error.ok()) {
        error_ = error;
        queue_.clear();
        return;
      }
    }
  }

  Engine& engine_;
  internal::DbEngine* const db_;  // engine_ itself, when it takes AppendValidated
  const ImportOptions& options_;
  uint64_t undurable_bytes_ = 0;  // appender thread only
  absl::Mutex mu_;
  std::deque<Batch> queue_;  // front is being appended
  bool done_ = false;
  absl::Status error_;
  std::vector<Conflict> conflicts_;
  uint64_t imported_ = 0, duplicates_ = 0;
  std::thread thread_;  // last: starts after the members it uses
};

// For passes that write nothing (dry run, the check of --strict): finds the
// rows an append would count as conflicts -- an id already stored for a
// different statement, or repeated in the input with different values.
class ConflictCheck {
 public:
  explicit ConflictCheck(const Engine* engine) : engine_(engine) {}

  // A reason if `s` conflicts, "" otherwise.
  std::string Check(const Statement& s) {
    const std::string id = EffectiveId(s);
    if (engine_ != nullptr) {
      if (auto seq = engine_->FindById(id); seq.ok()) {
        auto stored = engine_->Get(*seq);
        if (stored.ok() && !SameStatement(stored->statement, s))
          return absl::StrCat("id \"", id, "\" is already taken by a different statement (seq ",
                              *seq, "); not imported");
        return "";
      }
    }
    auto [it, inserted] = seen_.try_emplace(id, Fingerprint(s));
    if (inserted || it->second == Fingerprint(s)) return "";
    return absl::StrCat("id \"", id, "\" is already taken by a different statement earlier "
                        "in the input; not imported");
  }

 private:
  // A hash of everything SameStatement compares.
  static size_t Fingerprint(const Statement& s) {
    std::string buf;
    auto add = [&](std::string_view v) {
      buf.append(v);
      buf.push_back('\0');
    };
    add(s.speaker);
    for (const std::string& t : s.targets) add(t);
    add("|");
    add(s.verb);
    add(s.code);
    add(s.event_type);
    for (const std::string& t : s.topics) add(t);
    add("|");
    add(s.content);
    add(s.quote);
    add(FormatTime(s.occurred_at));
    add(s.source.outlet);
    add(s.source.url);
    add(FormatTime(s.source.published_at));
    add(s.source.via);
    for (const Attribute& a : s.attributes) {
      if (a.key.starts_with("import.")) continue;
      add(a.key);
      add(a.value);
    }
    return std::hash<std::string>()(buf);
  }

  const Engine* engine_;
  absl::flat_hash_map<std::string, size_t> seen_;
};

// One pass over `source`. Unless `write`, it only parses, validates and
// counts (dry run / the first pass of --strict).
absl::StatusOr<ImportSummary> Pass(Engine& engine, bool write, ByteSource& source,
                                   const std::string& path, const ImportOptions& options,
                                   const RejectSink& on_reject) {
  ImportSummary sum;
  sum.file = path;
  RecordReader reader(source, RecordReader::Mode::kLines);
  std::string_view head = reader.Head(kHeadBytes);
  if (!reader.status().ok()) return reader.status();
  ImportFormat format = options.format;
  if (format == ImportFormat::kAuto) {
    auto detected = DetectImportFormat(head);
    if (!detected.ok()) return detected.status();
    format = *detected;
  }
  if (auto st = internal::CheckImportFormat(format, head); !st.ok()) return st;
  sum.format = format;
  const RecordReader::Mode mode = internal::RecordModeFor(format, head);
  reader.set_mode(mode);

  std::unique_ptr<RowMapper> mapper;
  Record rec;
  bool have = reader.Next(&rec);
  if (have) {
    auto m = internal::NewRowMapper(format, rec.text);
    if (!m.ok()) return m.status();
    mapper = *std::move(m);
    if (mapper->first_is_header()) {
      if (rec.unterminated) return sum;  // a header and nothing else
      have = reader.Next(&rec);
    }
  }

  const std::string format_name = ImportFormatName(format);
  const std::string file_name = BaseName(path);
  std::unique_ptr<Appender> appender;
  std::unique_ptr<ConflictCheck> check;
  if (write) appender = std::make_unique<Appender>(engine, options);
  else check = std::make_unique<ConflictCheck>(&engine);
  Batch batch;
  const size_t batch_size = std::max<size_t>(options.batch_size, 1);
  uint64_t next_progress = kProgressBytes;
  std::string repaired_text;
  absl::Status append_error;

  auto reject = [&](const Record& r, std::string reason, std::string kind) {
    ++sum.rejected;
    if (on_reject) on_reject({path, r.line, std::move(reason), r.text, std::move(kind)});
  };
  auto report_conflicts = [&] {
    for (const Conflict& c : appender->TakeConflicts()) {
      Record r;
      r.line = c.line;
      r.text = c.text;
      reject(r, c.reason, "id taken");
    }
  };
  auto submit = [&]() -> absl::Status {
    absl::Status st = appender->Submit(std::move(batch));
    batch = Batch();
    batch.statements.reserve(batch_size);
    batch.ids.reserve(batch_size);
    report_conflicts();
    return st;
  };

  uint64_t last_line = 0;
  for (; have; have = reader.Next(&rec)) {
    ++sum.read;
    last_line = rec.line;
    if (rec.overlong) {
      reject(rec, absl::StrCat("over-long row: more than ", reader.max_record_bytes() >> 20,
                               " MiB without a line end; skipped"),
             "over-long row");
      continue;
    }
    if (rec.unclosed_array) {
      reject(rec, "truncated file: it ends before the closing \"]\" of its JSON array "
                  "(any records that followed are missing)",
             "truncated");
      continue;
    }
    Record parsed = rec;
    bool repaired = false;
    if (size_t bad = FindInvalidUtf8Fast(rec.text); bad != std::string_view::npos) {
      std::string where = absl::StrCat(mapper->Locate(rec.text, bad), ", byte ", bad + 1, " of the row");
      if (options.invalid_utf8 == InvalidUtf8::kReject) {
        reject(rec, absl::StrCat("invalid UTF-8 at ", where,
                                 "; row rejected (--repair-utf8 imports it with U+FFFD "
                                 "in place of the bad bytes)"),
               "invalid UTF-8");
        continue;
      }
      repaired_text = RepairUtf8(rec.text);
      parsed.text = repaired_text;
      repaired = true;
      if (options.on_repair)
        options.on_repair({path, rec.line,
                           absl::StrCat("invalid UTF-8 at ", where,
                                        " repaired (bad bytes replaced with U+FFFD)"),
                           rec.text, "invalid UTF-8"});
    }
    Statement s;
    absl::Status st = mapper->Map(parsed, &s);
    if (rec.unterminated) {
      const std::string what = TruncationReason(rec, mode);
      if (!st.ok())
        st = internal::WithSubject(
            absl::InvalidArgumentError(absl::StrCat(what, " (", st.message(), ")")), "truncated");
      else if (mapper->rows_always_terminated())
        st = internal::WithSubject(absl::InvalidArgumentError(absl::StrCat(
                                       what, ", so this row may be cut short (", format_name,
                                       " files end every row with one)")),
                                   "truncated");
    }
    if (st.ok() && options.provenance &&
        std::none_of(s.attributes.begin(), s.attributes.end(),
                     [](const Attribute& a) { return a.key == "import.format"; })) {
      s.attributes.push_back({"import.format", format_name});
      s.attributes.push_back({"import.file", file_name});
      s.attributes.push_back({"import.line", absl::StrCat(rec.line)});
      if (mode == RecordReader::Mode::kJsonArray)
        s.attributes.push_back({"import.record", absl::StrCat(rec.index)});
    }
    if (st.ok()) st = Validate(s);
    if (!st.ok()) {
      std::string kind = internal::SubjectOf(st);
      reject(rec, std::string(st.message()), kind.empty() ? "invalid" : std::move(kind));
      continue;
    }
    if (!write) {
      if (std::string conflict = check->Check(s); !conflict.empty()) {
        reject(rec, std::move(conflict), "id taken");
        continue;
      }
      if (repaired) ++sum.repaired;
      ++sum.imported;
    } else {
      if (repaired) ++sum.repaired;
      batch.ids.push_back(EffectiveId(s));
      batch.statements.push_back(std::move(s));
      batch.lines.push_back(rec.line);
      batch.texts.append(rec.text);
      batch.text_ends.push_back(batch.texts.size());
      if (batch.statements.size() >= batch_size) {
        append_error = submit();
        if (!append_error.ok()) break;
      }
    }
    if (options.on_progress && reader.bytes_done() >= next_progress) {
      next_progress = reader.bytes_done() + kProgressBytes;
      options.on_progress({reader.bytes_done(), source.bytes_total(), sum.read});
    }
  }
  if (appender != nullptr) {
    if (append_error.ok() && !batch.statements.empty()) append_error = submit();
    absl::Status st = appender->Finish();
    report_conflicts();
    if (append_error.ok()) append_error = st;
    sum.imported = appender->imported();
    sum.duplicates = appender->duplicates();
    if (!append_error.ok()) return append_error;
  }
  if (!reader.status().ok()) return reader.status();
  if (options.on_progress)
    options.on_progress({source.bytes_total() ? source.bytes_total() : reader.bytes_done(),
                         source.bytes_total(), sum.read});
  if (write) {
    if (auto st = engine.Sync(); !st.ok()) return st;
    if (options.on_durable)
      options.on_durable({last_line, sum.imported, sum.duplicates, engine.Head()});
  }
  return sum;
}

}  // namespace

absl::StatusOr<ImportSummary> ImportFile(Engine& engine, ImportInput& input,
                                         const ImportOptions& options,
                                         const RejectSink& on_reject) {
  using internal::ImportInputReader;
  const std::string& path = input.path();
  const bool two_passes = options.strict && !options.dry_run;
  if (two_passes && !input.rereadable())
    return absl::FailedPreconditionError(absl::StrCat(
        "--strict reads ", path, " twice, but it can be read only once "
        "(open it with ImportInput::Open(path, rereadable=true))"));
  auto source = ImportInputReader::NewSource(input);
  if (!source.ok()) return source.status();
  if (!two_passes) return Pass(engine, !options.dry_run, **source, path, options, on_reject);

  // Strict: a dry pass first; write only if it found nothing to reject.
  auto dry = Pass(engine, false, **source, path, options, on_reject);
  if (!dry.ok()) return dry;
  if (dry->rejected > 0) {
    dry->held_back = dry->imported;
    dry->imported = 0;
    dry->repaired = 0;
    return dry;
  }
  source = ImportInputReader::NewSource(input);
  if (!source.ok()) return source.status();
  ImportOptions quiet = options;
  quiet.on_repair = nullptr;  // reported by the first pass
  return Pass(engine, true, **source, path, quiet, nullptr);
}

absl::StatusOr<ImportSummary> ImportFile(Engine& engine, const std::string& path,
                                         const ImportOptions& options,
                                         const RejectSink& on_reject) {
  auto input = ImportInput::Open(path, options.strict && !options.dry_run);
  if (!input.ok()) return input.status();
  return ImportFile(engine, **input, options, on_reject);
}

absl::StatusOr<ImportSummary> ImportJsonlFile(Engine& engine, const std::string& path,
                                              const ImportOptions& options,
                                              const RejectSink& on_reject) {
  ImportOptions o = options;
  o.format = ImportFormat::kJsonl;
  return ImportFile(engine, path, o, on_reject);
}

}  // namespace annals
