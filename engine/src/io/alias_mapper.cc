// A CSV of actor aliases (issue 21: `annals alias --file`, or `import
// --format aliases`) -> alias events. The header names the columns `alias`
// and `canonical` (any case, any order); every other column is kept as an
// attribute of the alias event (`attr.` stripped), so a reviewed
// `actors --suggest-aliases` file keeps its evidence.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "io/key_set.h"
#include "io/row_mapper.h"
#include "model/subject.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

constexpr size_t kNoColumn = static_cast<size_t>(-1);

class AliasMapper : public RowMapper {
 public:
  AliasMapper(std::vector<std::string> names, size_t alias, size_t canonical)
      : names_(std::move(names)), alias_(alias), canonical_(canonical) {}

  bool first_is_header() const override { return true; }

  absl::Status Map(const Record& record, Statement* s) override {
    LogRow row;
    return MapLogRow(record, s, &row);
  }

  absl::Status MapLogRow(const Record& record, Statement* s, LogRow* row) override {
    if (auto st = SplitCsvRecord(record.text, &fields_); !st.ok()) return st;
    if (fields_.size() != names_.size())
      return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                             "wrong column count: ", fields_.size(), " columns, expected ",
                             names_.size(), " (as the header row)")),
                         "column count");
    row->kind = EventKind::kActorAlias;
    for (size_t i = 0; i < fields_.size(); ++i) {
      std::string& v = fields_[i];
      if (i == alias_ || i == canonical_) {
        if (absl::StripAsciiWhitespace(v).empty())
          return FieldError(names_[i], "empty: every row names an alias and its canonical name");
        if (auto st = CheckLength(names_[i], v, Limits::kName); !st.ok()) return st;
        (i == alias_ ? row->alias : row->canonical) = std::move(v);
        continue;
      }
      if (v.empty()) continue;
      // Two slots stay free for import.file and import.line.
      if (s->attributes.size() + 2 >= Limits::kAttributes) return TooManyAttributes(names_[i]);
      if (auto st = CheckLength(names_[i], v, Limits::kAttributeValue); !st.ok()) return st;
      std::string_view key = names_[i];
      if (key.starts_with("attr.")) key.remove_prefix(5);
      s->attributes.push_back({std::string(key), std::move(v)});
    }
    return absl::OkStatus();
  }

 private:
  std::vector<std::string> names_;
  size_t alias_, canonical_;
  std::vector<std::string> fields_;
};

absl::Status NotAliases(std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("not aliases: ", AV(why)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RowMapper>> NewAliasMapper(std::string_view header) {
  std::vector<std::string> names;
  if (auto st = SplitCsvRecord(header, &names); !st.ok())
    return NotAliases(absl::StrCat("the header row: ", st.message()));
  size_t alias = kNoColumn, canonical = kNoColumn;
  KeySet seen;  // views into `names`, which stays put: linear in the header
  for (size_t i = 0; i < names.size(); ++i) {
    std::string& name = names[i];
    absl::StripAsciiWhitespace(&name);  // "alias, canonical"
    if (name.empty() || name == "attr.")
      return NotAliases(absl::StrCat("header column ", i + 1, " has no name"));
    if (!seen.Insert(name))
      return NotAliases(
          absl::StrCat("the header row names column \"", name.substr(0, 64), "\" twice"));
    const std::string lower = absl::AsciiStrToLower(name);
    if (lower == "import.file" || lower == "import.line" || lower == "attr.import.file" ||
        lower == "attr.import.line")
      return NotAliases(absl::StrCat("column \"", name, "\" is the provenance the import "
                                     "adds itself (where each row was read)"));
    size_t* role = lower == "alias" ? &alias : lower == "canonical" ? &canonical : nullptr;
    if (role != nullptr && *role != kNoColumn)
      return NotAliases(absl::StrCat("the header row names column \"", lower, "\" twice"));
    if (role != nullptr) *role = i;
  }
  if (alias == kNoColumn || canonical == kNoColumn)
    return NotAliases(
        "expected a CSV header row naming the columns alias and canonical (one row per "
        "alias: the other name, then the name to show)");
  return std::make_unique<AliasMapper>(std::move(names), alias, canonical);
}

}  // namespace annals::internal
