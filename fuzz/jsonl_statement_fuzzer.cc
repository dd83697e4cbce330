// The JSON Lines statement parser, line by line as `annals import` reads
// it. Every line that parses and validates must survive the round trips the
// store relies on: through the stored (Cap'n Proto) form, and through
// `log --format jsonl` back into the parser ("imports unchanged").
#include <string>
#include <string_view>

#include "annals/event.h"
#include "annals/json.h"
#include "annals/statement.h"
#include "codec/event_codec.h"
#include "fuzz_target.h"

namespace {

void FuzzLine(std::string_view line) {
  auto s = annals::ParseStatementJson(line);
  if (!s.ok()) return;
  (void)annals::ContentId(*s);
  if (!annals::Validate(*s).ok()) return;
  annals::Event e;
  e.seq = 1;
  e.recorded_at = 1;
  e.kind = annals::EventKind::kStatement;
  e.schema_version = annals::internal::kSchemaVersion;
  e.id = annals::EffectiveId(*s);
  e.statement = *s;
  e.statement.id = e.id;

  std::string stored;
  annals::internal::EncodeEvent(e, &stored);
  auto decoded = annals::internal::DecodeEvent(stored);
  ANNALS_FUZZ_CHECK(decoded.ok());
  ANNALS_FUZZ_CHECK(*decoded == e);

  // Re-imported, it is the same statement under the same id (a content id
  // "h:..." is dropped by the parser and derived again).
  std::string json = annals::EventToJson(e);
  auto again = annals::ParseStatementJson(json);
  ANNALS_FUZZ_CHECK(again.ok());
  ANNALS_FUZZ_CHECK(annals::EffectiveId(*again) == e.id);
  again->id = e.id;
  ANNALS_FUZZ_CHECK(*again == e.statement);
}

void FuzzJsonl(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (!in.empty()) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    FuzzLine(line);
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
}

}  // namespace

ANNALS_FUZZ_TARGET(FuzzJsonl)
