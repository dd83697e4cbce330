// Every import format's reading half, as `annals import --format F` runs it
// on a file: format detection and check, record splitting (lines, RFC 4180
// CSV, JSON arrays), the header/first-row mapper and each row's mapping and
// validation. Input layout: byte 0 picks the format (auto, jsonl, csv,
// gdelt, icews, plover, aliases, gdelt-mentions: byte % 8); byte 1 picks the record reader's sizes,
// so that refills and the over-long path fall anywhere in small inputs (low
// 4 bits: read chunk, 0 = the default 1 MiB, else 2^(n-1) bytes; high 4
// bits: record limit, 0 = the default 16 MiB, else 64 << n bytes); the rest
// is the file. Properties: never a crash or undefined behaviour; every
// record's text is a slice of the file, in order (no stale buffer bytes);
// a mapped row that validates is storable (encodes and decodes to itself),
// a mention row too.
#include <memory>
#include <string>

#include "annals/event.h"
#include "annals/import.h"
#include "annals/mention.h"
#include "annals/statement.h"
#include "codec/event_codec.h"
#include "fuzz_target.h"
#include "io/byte_source.h"
#include "io/record_reader.h"
#include "io/row_mapper.h"
#include "model/amend_checks.h"

namespace {

using annals::ImportFormat;
namespace in = annals::internal;

in::RecordReader::Sizes SizesFrom(uint8_t b) {
  in::RecordReader::Sizes sizes;
  if ((b & 15) != 0) sizes.chunk = size_t{1} << ((b & 15) - 1);
  if ((b >> 4) != 0) sizes.max_record = size_t{64} << (b >> 4);
  return sizes;
}

void CheckRoundTrip(const annals::Event& e) {
  std::string stored;
  in::EncodeEvent(e, &stored);
  auto decoded = in::DecodeEvent(stored);
  ANNALS_FUZZ_CHECK(decoded.ok());
  ANNALS_FUZZ_CHECK(*decoded == e);
}

// An event of `kind` with id `id`, as the append would number it.
annals::Event NewEvent(annals::EventKind kind, std::string id) {
  annals::Event e;
  e.seq = 1;
  e.recorded_at = 1;
  e.kind = kind;
  e.schema_version = in::kSchemaVersion;
  e.id = std::move(id);
  return e;
}

// A row of a file of aliases that the append would accept is storable.
void CheckAliasStorable(const in::LogRow& row, const annals::Statement& s) {
  auto names = in::CheckAliasNames(row.alias, row.canonical);
  if (!names.ok() || !in::CheckEventAttributes(s.attributes).ok()) return;
  annals::Event e = NewEvent(annals::EventKind::kActorAlias, in::AliasEventId(*names));
  e.statement.attributes = s.attributes;
  e.alias = row.alias;
  e.canonical = row.canonical;
  CheckRoundTrip(e);
}

// A mention row that ValidateMention accepts is storable.
void CheckMentionStorable(const in::LogRow& row, const annals::Statement& s) {
  annals::Mention m{row.event_id, s.source, s.attributes};
  if (!annals::ValidateMention(m).ok()) return;
  annals::Event e = NewEvent(annals::EventKind::kMention, annals::MentionId(m));
  e.mentioned = m.event_id;
  e.statement.source = m.source;
  e.statement.attributes = m.attributes;
  CheckRoundTrip(e);
}

void CheckStorable(const annals::Statement& s) {
  annals::Event e = NewEvent(annals::EventKind::kStatement, annals::EffectiveId(s));
  e.statement = s;
  e.statement.id = e.id;
  CheckRoundTrip(e);
}

void FuzzImport(const uint8_t* data, size_t size) {
  if (size < 2) return;
  static constexpr ImportFormat kFormats[] = {ImportFormat::kAuto,  ImportFormat::kJsonl,
                                              ImportFormat::kCsv,   ImportFormat::kGdelt,
                                              ImportFormat::kIcews, ImportFormat::kPlover,
                                              ImportFormat::kAliases,
                                              ImportFormat::kGdeltMentions};
  ImportFormat format = kFormats[data[0] % 8];
  const std::string file(reinterpret_cast<const char*>(data + 2), size - 2);
  auto source = in::ByteSource::FromString(file);
  in::RecordReader reader(*source, in::RecordReader::Mode::kLines, SizesFrom(data[1]));
  std::string_view head = reader.Head(64 << 10);
  if (format == ImportFormat::kAuto) {
    auto detected = annals::DetectImportFormat(head);
    if (!detected.ok()) return;
    format = *detected;
  }
  if (!in::CheckImportFormat(format, head).ok()) return;
  reader.set_mode(in::RecordModeFor(format, head));
  size_t cursor = 0;  // records are slices of the file, in order
  auto next = [&](in::Record* rec) {
    if (!reader.Next(rec)) return false;
    size_t at = file.find(rec->text, cursor);
    ANNALS_FUZZ_CHECK(at != std::string::npos);
    if (!rec->overlong) cursor = at + rec->text.size();
    ANNALS_FUZZ_CHECK(!rec->unclosed_array || rec->text.empty());
    return true;
  };
  in::Record rec;
  if (!next(&rec)) return;
  auto mapper = in::NewRowMapper(format, rec.text);
  if (!mapper.ok()) return;
  bool have = (*mapper)->first_is_header() ? next(&rec) : true;
  for (int rows = 0; have && rows < 1000; have = next(&rec), ++rows) {
    if (rec.overlong || rec.unclosed_array) continue;
    annals::Statement s;
    in::LogRow row;
    if (!(*mapper)->MapLogRow(rec, &s, &row).ok()) {
      (void)(*mapper)->Locate(rec.text, rec.text.size() / 2);
      continue;
    }
    if (row.kind == annals::EventKind::kActorAlias) {
      CheckAliasStorable(row, s);
      continue;
    }
    if (row.kind == annals::EventKind::kMention) {
      CheckMentionStorable(row, s);
      continue;
    }
    if (!annals::Validate(s).ok()) continue;
    CheckStorable(s);
  }
}

}  // namespace

ANNALS_FUZZ_TARGET(FuzzImport)
