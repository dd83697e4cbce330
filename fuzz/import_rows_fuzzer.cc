// Every import format's reading half, as `annals import --format F` runs it
// on a file: format detection and check, record splitting (lines, RFC 4180
// CSV, JSON arrays), the header/first-row mapper and each row's mapping and
// validation. The first input byte picks the format (auto, jsonl, csv,
// gdelt, icews, plover); the rest is the file. Never a crash or undefined
// behaviour; a mapped row that validates is storable (encodes and decodes
// to itself).
#include <memory>
#include <string>

#include "annals/event.h"
#include "annals/import.h"
#include "annals/statement.h"
#include "codec/event_codec.h"
#include "fuzz_target.h"
#include "io/byte_source.h"
#include "io/record_reader.h"
#include "io/row_mapper.h"

namespace {

using annals::ImportFormat;
namespace in = annals::internal;

void FuzzImport(const uint8_t* data, size_t size) {
  if (size == 0) return;
  static constexpr ImportFormat kFormats[] = {ImportFormat::kAuto,  ImportFormat::kJsonl,
                                              ImportFormat::kCsv,   ImportFormat::kGdelt,
                                              ImportFormat::kIcews, ImportFormat::kPlover};
  ImportFormat format = kFormats[data[0] % 6];
  auto source = in::ByteSource::FromString(
      std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  in::RecordReader reader(*source, in::RecordReader::Mode::kLines);
  std::string_view head = reader.Head(64 << 10);
  if (format == ImportFormat::kAuto) {
    auto detected = annals::DetectImportFormat(head);
    if (!detected.ok()) return;
    format = *detected;
  }
  if (!in::CheckImportFormat(format, head).ok()) return;
  reader.set_mode(in::RecordModeFor(format, head));
  in::Record rec;
  if (!reader.Next(&rec)) return;
  auto mapper = in::NewRowMapper(format, rec.text);
  if (!mapper.ok()) return;
  bool have = in::HasHeaderRow(format) ? reader.Next(&rec) : true;
  for (int rows = 0; have && rows < 1000; have = reader.Next(&rec), ++rows) {
    if (rec.overlong) continue;
    annals::Statement s;
    if (!(*mapper)->Map(rec, &s).ok()) {
      (void)(*mapper)->Locate(rec.text, rec.text.size() / 2);
      continue;
    }
    if (!annals::Validate(s).ok()) continue;
    annals::Event e;
    e.seq = 1;
    e.recorded_at = 1;
    e.kind = annals::EventKind::kStatement;
    e.schema_version = in::kSchemaVersion;
    e.id = annals::EffectiveId(s);
    e.statement = s;
    e.statement.id = e.id;
    std::string stored;
    in::EncodeEvent(e, &stored);
    auto decoded = in::DecodeEvent(stored);
    ANNALS_FUZZ_CHECK(decoded.ok());
    ANNALS_FUZZ_CHECK(*decoded == e);
  }
}

}  // namespace

ANNALS_FUZZ_TARGET(FuzzImport)
