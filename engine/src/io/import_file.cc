// The import pipeline every format shares: read records, map each to a
// Statement (row_mapper.h), validate, add provenance, account for every
// row, and append in batches on a helper thread while parsing goes on.
#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "annals/import.h"
#include "facade/services.h"
#include "io/amend_check.h"
#include "io/byte_source.h"
#include "io/import_appender.h"
#include "io/import_input_reader.h"
#include "io/record_reader.h"
#include "io/row_mapper.h"
#include "model/amend_checks.h"
#include "model/subject.h"
#include "model/sv.h"
#include "model/utf8.h"

namespace annals {
namespace {

using internal::AV;
using internal::ByteSource;
using internal::Record;
using internal::RecordReader;
using internal::RowMapper;
using internal::Appender;
using internal::Batch;
using internal::Conflict;
using internal::ConflictCheck;

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

// A pass's reader, set to the input's format, with its first record.
struct PassStart {
  ImportFormat format = ImportFormat::kAuto;
  RecordReader::Mode mode = RecordReader::Mode::kLines;
  std::unique_ptr<RowMapper> mapper;
  Record rec;         // the first row (after any header)
  bool have = false;  // whether there is one
  bool header_only = false;  // a header row, unterminated, and nothing else
};

// Decides the format from the first bytes, and reads the header row of a
// format that has one.
absl::StatusOr<PassStart> StartPass(RecordReader& reader, const ImportOptions& options) {
  PassStart p;
  std::string_view head = reader.Head(kHeadBytes);
  if (!reader.status().ok()) return reader.status();
  p.format = options.format;
  if (p.format == ImportFormat::kAuto) {
    auto detected = DetectImportFormat(head);
    if (!detected.ok()) return detected.status();
    p.format = *detected;
  }
  if (auto st = internal::CheckImportFormat(p.format, head); !st.ok()) return st;
  p.mode = internal::RecordModeFor(p.format, head);
  reader.set_mode(p.mode);
  p.have = reader.Next(&p.rec);
  if (!p.have) return p;
  auto m = internal::NewRowMapper(p.format, p.rec.text);
  if (!m.ok()) return m.status();
  p.mapper = *std::move(m);
  if (p.mapper->first_is_header()) {
    if (p.rec.unterminated) {
      p.have = false;
      p.header_only = true;
      return p;
    }
    p.have = reader.Next(&p.rec);
  }
  return p;
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

absl::Status Rejected(std::string reason, std::string_view kind) {
  return internal::WithSubject(absl::InvalidArgumentError(reason), kind);
}

// What a pass maps each row with.
struct RowContext {
  const PassStart& start;
  const std::string& path;
  const std::string format_name;
  const std::string file_name;
  const ImportOptions& options;
  size_t max_record_bytes;
};

// Adds attribute key=value unless `s` has key already (a copy of a copy
// keeps its first origin).
void AddProvenance(Statement& s, std::string_view key, std::string value) {
  if (std::none_of(s.attributes.begin(), s.attributes.end(),
                   [&](const Attribute& a) { return a.key == key; }))
    s.attributes.push_back({std::string(key), std::move(value)});
}

// Maps one row to a valid statement, with provenance, repairing invalid
// UTF-8 when asked (*repaired); what a log row says besides goes to *row
// (a retraction's or an alias's statement is empty and not validated). A
// row to reject is an error whose message is the reason and whose subject
// (model/subject.h) its kind.
absl::StatusOr<Statement> MapRow(const RowContext& ctx, const Record& rec, bool* repaired,
                                 internal::LogRow* row) {
  const ImportOptions& options = ctx.options;
  RowMapper& mapper = *ctx.start.mapper;
  if (rec.overlong)
    return Rejected(absl::StrCat("over-long row: more than ", ctx.max_record_bytes >> 20,
                                 " MiB without a line end; skipped"),
                    "over-long row");
  if (rec.unclosed_array)
    return Rejected("truncated file: it ends before the closing \"]\" of its JSON array "
                    "(any records that followed are missing)",
                    "truncated");
  Record parsed = rec;
  std::string repaired_text;
  *repaired = false;
  if (size_t bad = FindInvalidUtf8Fast(rec.text); bad != std::string_view::npos) {
    std::string where = absl::StrCat(mapper.Locate(rec.text, bad), ", byte ", bad + 1, " of the row");
    if (options.invalid_utf8 == InvalidUtf8::kReject)
      return Rejected(absl::StrCat("invalid UTF-8 at ", where,
                                   "; row rejected (--repair-utf8 imports it with U+FFFD in "
                                   "place of the bad bytes)"),
                      "invalid UTF-8");
    repaired_text = RepairUtf8(rec.text);
    parsed.text = repaired_text;
    *repaired = true;
    if (options.on_repair)
      options.on_repair({ctx.path, rec.line,
                         absl::StrCat("invalid UTF-8 at ", where,
                                      " repaired (bad bytes replaced with U+FFFD)"),
                         rec.text, "invalid UTF-8"});
  }
  Statement s;
  absl::Status st = mapper.MapLogRow(parsed, &s, row);
  const bool array = ctx.start.mode == RecordReader::Mode::kJsonArray;
  if (rec.unterminated) {
    const std::string what = TruncationReason(rec, ctx.start.mode);
    if (!st.ok())
      st = Rejected(absl::StrCat(what, " (", st.message(), ")"), "truncated");
    else if (mapper.rows_always_terminated())
      st = Rejected(absl::StrCat(what, ", so this row may be cut short (", ctx.format_name,
                                 " files end every row with one)"),
                    "truncated");
  }
  if (!st.ok()) return st;
  if (options.provenance && row->seq != 0) {
    AddProvenance(s, "import.source_seq", absl::StrCat(row->seq));
    if (!row->recorded_at.empty())
      AddProvenance(s, "import.source_recorded_at", row->recorded_at);
  }
  // A retraction or an alias keeps only the source's seq and time (its
  // statement is otherwise empty and not validated); an alias from a file
  // of aliases, where it was read.
  if (row->kind == EventKind::kRetraction || row->kind == EventKind::kActorAlias) {
    if (options.provenance && ctx.start.format == ImportFormat::kAliases) {
      s.attributes.push_back({"import.file", ctx.file_name});
      s.attributes.push_back({"import.line", absl::StrCat(rec.line)});
    }
    if (absl::Status valid = internal::CheckEventAttributes(s.attributes); !valid.ok())
      return valid;
    return s;
  }
  if (options.provenance &&
      std::none_of(s.attributes.begin(), s.attributes.end(),
                   [](const Attribute& a) { return a.key == "import.format"; })) {
    s.attributes.push_back({"import.format", ctx.format_name});
    s.attributes.push_back({"import.file", ctx.file_name});
    s.attributes.push_back({"import.line", absl::StrCat(rec.line)});
    if (array) s.attributes.push_back({"import.record", absl::StrCat(rec.index)});
  }
  if (row->kind == EventKind::kMention) {
    if (absl::Status valid = ValidateMention({row->event_id, s.source, s.attributes});
        !valid.ok())
      return valid;
    return s;
  }
  if (absl::Status valid = Validate(s); !valid.ok()) return valid;
  return s;
}

// Adds one row to `batch`: a statement, or a mention of `event_id`.
void AddRow(Batch& batch, Statement s, const Record& rec, std::string event_id = "") {
  if (event_id.empty()) batch.ids.push_back(EffectiveId(s));
  else batch.event_ids.push_back(std::move(event_id));
  batch.statements.push_back(std::move(s));
  batch.lines.push_back(rec.line);
  batch.texts.append(rec.text);
  batch.text_ends.push_back(batch.texts.size());
}

// `batch` holds rows, and of the other kind than a mention when `mention`.
bool OtherKind(const Batch& batch, bool mention) {
  return !batch.statements.empty() && batch.event_ids.empty() == mention;
}

// What a log row amends, its target named by id: the row's `target_id`,
// or the id of the statement the input gave source seq `target`.
absl::StatusOr<internal::Amendment> ResolveAmendment(
    const internal::LogRow& row, const absl::flat_hash_map<uint64_t, std::string>& source_ids) {
  internal::Amendment a{row.kind, row.target_id, row.reason, row.alias, row.canonical};
  if (row.kind == EventKind::kActorAlias || !a.target_id.empty()) return a;
  auto it = source_ids.find(row.target);
  if (it == source_ids.end())
    return absl::NotFoundError(absl::StrCat(
        "target: the ", EventKindName(row.kind), " amends seq ", row.target,
        ", which is not a statement earlier in the input (and the row has no target_id); "
        "not imported"));
  a.target_id = it->second;
  return a;
}

// The end of a pass that wrote: synced, flushed (issue 16.1: for every
// caller of ImportFile, the CLI, C++ and Python programs, not left in the
// WAL), and reported durable.
absl::Status EndWritingPass(Engine& engine, const ImportOptions& options, uint64_t last_line,
                            const ImportSummary& sum) {
  if (auto st = engine.Sync(); !st.ok()) return st;
  if (internal::EngineServices* services = internal::ServicesOf(engine); services != nullptr)
    if (auto st = services->FlushMemtables(); !st.ok()) return st;
  if (options.on_durable)
    options.on_durable({last_line, sum.imported, sum.duplicates, engine.Head()});
  return absl::OkStatus();
}

// One pass over `source`. Unless `write`, it only parses, validates and
// counts (dry run / the first pass of --strict).
absl::StatusOr<ImportSummary> Pass(Engine& engine, bool write, ByteSource& source,
                                   const std::string& path, const ImportOptions& options,
                                   const RejectSink& on_reject) {
  ImportSummary sum{.file = path};
  RecordReader reader(source, RecordReader::Mode::kLines);
  auto start = StartPass(reader, options);
  if (!start.ok()) return start.status();
  sum.format = start->format;
  if (start->header_only) return sum;
  bool have = start->have;
  Record& rec = start->rec;
  const RowContext ctx{*start, path, ImportFormatName(start->format), BaseName(path), options,
                       reader.max_record_bytes()};
  std::unique_ptr<Appender> appender;
  std::unique_ptr<ConflictCheck> check;
  std::unique_ptr<internal::AmendCheck> amend_check;
  if (write) {
    appender = std::make_unique<Appender>(engine, options);
  } else {
    check = std::make_unique<ConflictCheck>(&engine);
    amend_check = std::make_unique<internal::AmendCheck>(engine);
  }
  Batch batch;
  const size_t batch_size = std::max<size_t>(options.batch_size, 1);
  uint64_t next_progress = kProgressBytes;
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
      reject(r, c.reason, c.kind);
    }
  };
  // Source seq -> id of the log's statements read so far, for amendments
  // that name their target by source seq only (logs of versions before
  // target_id). Kept until the first amendment naming its target by id:
  // the log is then of a version that names every one so (~100 bytes a
  // statement saved).
  absl::flat_hash_map<uint64_t, std::string> source_ids;
  bool track_seqs = true;
  auto submit = [&]() -> absl::Status {
    absl::Status st = appender->Submit(std::move(batch));
    batch = Batch();
    batch.statements.reserve(batch_size);
    batch.ids.reserve(batch_size);
    report_conflicts();
    return st;
  };

  auto progress = [&] {
    if (!options.on_progress || reader.bytes_done() < next_progress) return;
    next_progress = reader.bytes_done() + kProgressBytes;
    options.on_progress({reader.bytes_done(), source.bytes_total(), sum.read});
  };
  uint64_t last_line = 0;
  for (; have; have = reader.Next(&rec)) {
    ++sum.read;
    last_line = rec.line;
    bool repaired = false;
    internal::LogRow row;
    auto mapped = MapRow(ctx, rec, &repaired, &row);
    if (!mapped.ok()) {
      std::string kind = internal::SubjectOf(mapped.status());
      reject(rec, std::string(mapped.status().message()),
             kind.empty() ? "invalid" : std::move(kind));
      continue;
    }
    Statement& s = *mapped;
    // Statements and mentions go in batches of their own kind.
    const bool mention = row.kind == EventKind::kMention;
    if (write && OtherKind(batch, mention) && !(append_error = submit()).ok()) break;
    if (mention) {
      sum.repaired += repaired;
      if (!write) ++sum.imported;
      else AddRow(batch, std::move(s), rec, std::move(row.event_id));
      if (write && batch.statements.size() >= batch_size && !(append_error = submit()).ok())
        break;
      progress();
      continue;
    }
    if (row.kind != EventKind::kStatement) {
      if (track_seqs && !row.target_id.empty()) {
        track_seqs = false;
        absl::flat_hash_map<uint64_t, std::string>().swap(source_ids);
      }
      auto amend = ResolveAmendment(row, source_ids);
      std::string problem, kind = "unknown target";
      if (!amend.ok()) {
        problem = std::string(amend.status().message());
      } else if (!write) {
        auto dry = internal::DryAmendProblem(*check, *amend_check, *amend, s, rec.line, &kind);
        if (!dry.ok()) return dry.status();
        problem = *std::move(dry);
      }
      if (!problem.empty()) {
        reject(rec, std::move(problem), std::move(kind));
        continue;
      }
      if (repaired) ++sum.repaired;
      if (!write) {
        ++sum.imported;
        continue;
      }
      if (!batch.statements.empty() && !(append_error = submit()).ok()) break;
      batch.amend = *std::move(amend);
      AddRow(batch, std::move(s), rec);
      if (!(append_error = submit()).ok()) break;
      continue;
    }
    if (track_seqs && row.seq != 0) source_ids[row.seq] = EffectiveId(s);
    if (!write) {
      if (std::string conflict = check->Check(s); !conflict.empty()) {
        reject(rec, std::move(conflict), "id taken");
        continue;
      }
      amend_check->NoteStatement(EffectiveId(s), s);
      if (repaired) ++sum.repaired;
      ++sum.imported;
    } else {
      if (repaired) ++sum.repaired;
      AddRow(batch, std::move(s), rec);
      if (batch.statements.size() >= batch_size) {
        append_error = submit();
        if (!append_error.ok()) break;
      }
    }
    progress();
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
  if (write)
    if (absl::Status st = EndWritingPass(engine, options, last_line, sum); !st.ok()) return st;
  return sum;
}

}  // namespace

absl::Status SettleAfterImport(Engine& engine, absl::Duration limit) {
  internal::EngineServices* services = internal::ServicesOf(engine);
  if (services == nullptr || services->read_only()) return absl::OkStatus();
  const absl::Time start = absl::Now();
  absl::Status caught_up = engine.WaitFor(engine.Head(), limit);
  if (absl::IsDeadlineExceeded(caught_up)) return absl::OkStatus();
  if (!caught_up.ok()) return caught_up;
  return services->SettleTables(limit - (absl::Now() - start));
}

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
