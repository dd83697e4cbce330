// CSV with a header row (RFC 4180) -> statements. Columns named like the
// JSON Lines fields set them; the rest become attributes.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "annals/fields.h"
#include "io/key_set.h"
#include "io/row_mapper.h"
#include "model/subject.h"
#include "model/sv.h"
#include "simdjson.h"

namespace annals::internal {
namespace {

enum class Role {
  kId,
  kField,           // a field of the field table (annals/fields.h)
  kAttributesJson,  // `annals log --format csv`'s "attributes" object
  kIgnored,         // seq, recorded_at: the target store assigns its own
  kKind,            // must be "statement"
  kAttribute,       // attr.NAME or any other column
};

struct Column {
  std::string name;  // as in the header
  Role role;
  std::string attribute;                   // kAttribute: the attribute's key
  const StatementField* field = nullptr;  // kField
};

// A column is named like a JSON Lines field ("source.outlet"), like a CSV
// export's column ("source_outlet") or by the field's short name
// ("outlet"), in any case.
Column ColumnOf(std::string name) {
  const std::string n = absl::AsciiStrToLower(name);
  Column c{std::move(name), Role::kAttribute, "", nullptr};
  if (n == "id") {
    c.role = Role::kId;
  } else if (const StatementField* f = FindStatementField(n)) {
    c.role = f->type == FieldType::kAttributes ? Role::kAttributesJson : Role::kField;
    c.field = f;
  } else if (n == "seq" || n == "recorded_at") {
    c.role = Role::kIgnored;
  } else if (n == "kind") {
    c.role = Role::kKind;
  } else {
    c.attribute = c.name.starts_with("attr.") ? c.name.substr(5) : c.name;
  }
  return c;
}

absl::Status SplitList(const Column& c, std::string_view v, std::vector<std::string>* out) {
  size_t start = 0;
  while (start <= v.size()) {
    size_t semi = v.find(';', start);
    if (semi == std::string_view::npos) semi = v.size();
    std::string_view item = SV(absl::StripAsciiWhitespace(AV(v.substr(start, semi - start))));
    if (!item.empty() && out->size() >= Limits::kListItems) return TooManyItems(c.name);
    if (!item.empty()) out->emplace_back(item);
    start = semi + 1;
  }
  return absl::OkStatus();
}

class CsvMapper : public RowMapper {
 public:
  explicit CsvMapper(std::vector<Column> columns) : columns_(std::move(columns)) {}

  bool first_is_header() const override { return true; }

  absl::Status Map(const Record& record, Statement* s) override {
    if (auto st = SplitCsvRecord(record.text, &fields_); !st.ok()) return st;
    if (fields_.size() != columns_.size())
      return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                             "wrong column count: ", fields_.size(), " columns, expected ",
                             columns_.size(), " (as the header row)")),
                         "column count");
    for (size_t i = 0; i < columns_.size(); ++i) {
      const Column& c = columns_[i];
      std::string& v = fields_[i];
      if (v.empty()) continue;
      absl::Status st;
      switch (c.role) {
        case Role::kId: st = Set(c, v, Limits::kId, &s->id); break;
        case Role::kField: st = SetField(c, v, s); break;
        case Role::kAttributesJson: st = AttributesJson(c, v, s); break;
        case Role::kIgnored: break;
        case Role::kKind:
          if (v != "statement") st = FieldError(c.name, "only \"statement\" rows can be imported");
          break;
        case Role::kAttribute:
          if (s->attributes.size() >= Limits::kAttributes) return TooManyAttributes(c.name);
          st = CheckLength(c.name, v, Limits::kAttributeValue);
          if (st.ok()) s->attributes.push_back({c.attribute, std::move(v)});
          break;
      }
      if (!st.ok()) return st;
    }
    // A content id written by an export is derived again by the store.
    if (s->id.starts_with("h:") && s->id == ContentId(*s)) s->id.clear();
    return absl::OkStatus();
  }

 private:
  // Lists are split on ";".
  static absl::Status SetField(const Column& c, std::string& v, Statement* s) {
    const StatementField& f = *c.field;
    switch (f.type) {
      case FieldType::kText: return Set(c, v, f.max_bytes, f.text(*s));
      case FieldType::kTextList: return SplitList(c, v, f.list(*s));
      case FieldType::kTime: return Time(c, v, f.time(*s));
      case FieldType::kAttributes: break;
    }
    return absl::OkStatus();
  }
  static absl::Status Set(const Column& c, std::string& v, size_t limit, std::string* out) {
    if (auto st = CheckLength(c.name, v, limit); !st.ok()) return st;
    *out = std::move(v);
    return absl::OkStatus();
  }
  static absl::Status Time(const Column& c, const std::string& v, Timestamp* out) {
    auto t = ParseTime(v);
    if (!t.ok())
      return FieldError(c.name, absl::StrCat("unparseable date \"", v.substr(0, 40), "\" (",
                                             t.status().message(), ")"));
    *out = *t;
    return absl::OkStatus();
  }
  absl::Status AttributesJson(const Column& c, const std::string& v, Statement* s) {
    simdjson::dom::element root;
    if (parser_.parse(v).get(root) || !root.is_object())
      return FieldError(c.name, "expected a JSON object of text values");
    simdjson::dom::object fields = root.get_object().value_unsafe();
    for (auto [k, val] : fields) {
      if (val.is_null()) continue;
      std::string value = val.is_string() ? std::string(std::string_view(val.get_string().value_unsafe()))
                                          : simdjson::minify(val);
      s->attributes.push_back({std::string(k), std::move(value)});
    }
    return absl::OkStatus();
  }

  std::vector<Column> columns_;
  std::vector<std::string> fields_;
  simdjson::dom::parser parser_;
};

}  // namespace

absl::Status SplitCsvRecord(std::string_view rec, std::vector<std::string>* out) {
  out->clear();
  size_t i = 0, n = rec.size();
  for (;;) {
    std::string field;
    if (i < n && rec[i] == '"') {
      size_t start = i;
      ++i;
      for (;;) {
        if (i >= n)
          return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                                 "column ", out->size() + 1,
                                 ": unterminated quoted field (opened at byte ", start + 1, ")")),
                             "quoting");
        if (rec[i] == '"') {
          if (i + 1 < n && rec[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(rec[i++]);
      }
      if (i < n && rec[i] != ',')
        return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                               "column ", out->size() + 1, ": text after a closing quote at byte ",
                               i + 1, " (a quote inside a quoted field must be doubled)")),
                           "quoting");
    } else {
      size_t end = rec.find(',', i);
      if (end == std::string_view::npos) end = n;
      field.assign(rec.substr(i, end - i));
      i = end;
    }
    out->push_back(std::move(field));
    if (i >= n) return absl::OkStatus();
    ++i;  // the comma
    if (i == n) {
      out->emplace_back();
      return absl::OkStatus();
    }
  }
}

absl::StatusOr<std::unique_ptr<RowMapper>> NewCsvMapper(std::string_view header) {
  std::vector<std::string> names;
  if (auto st = SplitCsvRecord(header, &names); !st.ok())
    return absl::InvalidArgumentError(absl::StrCat("not csv: the header row: ", st.message()));
  std::vector<Column> columns;
  columns.reserve(names.size());
  KeySet seen;  // views into `names`, which stays put: linear (issue 16.11)
  for (std::string& name : names) {
    if (name.empty())
      return absl::InvalidArgumentError(absl::StrCat(
          "not csv: header column ", columns.size() + 1,
          " has no name (expected a header row naming every column)"));
    if (!seen.Insert(name))
      return absl::InvalidArgumentError(absl::StrCat(
          "not csv: the header row names column \"", name.substr(0, 64), "\" twice"));
    Column c = ColumnOf(name);
    if (c.role == Role::kAttribute && c.attribute.empty())
      return absl::InvalidArgumentError("not csv: header column \"attr.\" names no attribute");
    columns.push_back(std::move(c));
  }
  return std::make_unique<CsvMapper>(std::move(columns));
}

}  // namespace annals::internal
