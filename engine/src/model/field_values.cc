// Values of the field table's fields (model/statement_fields.h).
#include <cstdint>

#include "absl/strings/str_join.h"
#include "model/statement_fields.h"

namespace annals::internal {
namespace {

void Append(char tag, std::string_view v, std::string* out) {
  out->push_back(tag);
  const uint64_t n = v.size();
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(n >> (8 * i)));
  out->append(v);
}

}  // namespace

namespace {

std::string FieldBytes(const Statement& s, bool provenance) {
  std::string out;
  for (const StatementField& f : StatementFields()) {
    switch (f.type) {
      case FieldType::kText:
        Append('s', f.Text(s), &out);
        break;
      case FieldType::kTextList:
        Append('L', std::to_string(f.List(s).size()), &out);
        for (const std::string& item : f.List(s)) Append('i', item, &out);
        break;
      case FieldType::kTime: {
        const Timestamp& t = f.Time(s);
        Append('t', std::to_string(t.micros) + "/" + std::to_string(static_cast<int>(t.precision)),
               &out);
        break;
      }
      case FieldType::kAttributes:
        for (const Attribute& a : s.attributes) {
          if (!provenance && a.key.starts_with(kProvenancePrefix)) continue;
          Append('k', a.key, &out);
          Append('v', a.value, &out);
        }
        Append('A', "", &out);
        break;
    }
  }
  return out;
}

}  // namespace

std::string ComparableBytes(const Statement& s) { return FieldBytes(s, false); }

std::string EveryValueBytes(const Statement& s) { return FieldBytes(s, true); }

std::string FlatValue(const StatementField& f, const Statement& s) {
  switch (f.type) {
    case FieldType::kText: return f.Text(s);
    case FieldType::kTextList: return absl::StrJoin(f.List(s), ";");
    case FieldType::kTime: return FormatTime(f.Time(s));
    case FieldType::kAttributes: break;
  }
  return std::string();
}

}  // namespace annals::internal
