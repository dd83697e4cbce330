// ICEWS coded-event rows (tab-separated, header row) -> statements.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "io/key_set.h"
#include "io/row_mapper.h"
#include "model/subject.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

class IcewsMapper : public RowMapper {
 public:
  explicit IcewsMapper(std::vector<std::string> names) : names_(std::move(names)) {
    auto at = [&](std::string_view n) -> size_t {
      auto it = std::find(names_.begin(), names_.end(), n);
      return it == names_.end() ? SIZE_MAX : it - names_.begin();
    };
    id_ = at("Event ID");
    date_ = at("Event Date");
    source_ = at("Source Name");
    target_ = at("Target Name");
    text_ = at("Event Text");
    code_ = at("CAMEO Code");
    publisher_ = at("Publisher");
  }

  std::vector<std::string_view> Missing() const {
    std::vector<std::string_view> m;
    if (id_ == SIZE_MAX) m.push_back("Event ID");
    if (date_ == SIZE_MAX) m.push_back("Event Date");
    if (source_ == SIZE_MAX) m.push_back("Source Name");
    if (target_ == SIZE_MAX) m.push_back("Target Name");
    if (text_ == SIZE_MAX) m.push_back("Event Text");
    if (code_ == SIZE_MAX) m.push_back("CAMEO Code");
    return m;
  }

  absl::Status Map(const Record& record, Statement* s) override {
    SplitFields(record.text, '\t', &fields_);
    if (fields_.size() != names_.size())
      return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                             "wrong column count: ", fields_.size(),
                             " tab-separated columns, expected ", names_.size(),
                             " (as the header row)")),
                         "column count");
    std::string_view id = fields_[id_], date = fields_[date_];
    if (id.empty()) return FieldError("Event ID", "empty");
    auto t = ParseTime(date);
    if (!t.ok() || t->precision != Precision::kDay)
      return FieldError("Event Date", absl::StrCat("unparseable date \"",
                                                   AV(date.substr(0, 40)),
                                                   "\" (expected YYYY-MM-DD)"));
    s->id = absl::StrCat("icews:", AV(id), ":", AV(date));
    if (auto st = CheckLength("Event ID", s->id, Limits::kId); !st.ok()) return st;
    s->occurred_at = *t;
    if (auto st = CheckLength("Source Name", fields_[source_], Limits::kName); !st.ok()) return st;
    if (auto st = CheckLength("Target Name", fields_[target_], Limits::kName); !st.ok()) return st;
    if (auto st = CheckLength("Event Text", fields_[text_], Limits::kVerb); !st.ok()) return st;
    if (auto st = CheckLength("CAMEO Code", fields_[code_], Limits::kCode); !st.ok()) return st;
    s->speaker = fields_[source_];
    if (!fields_[target_].empty()) s->targets.emplace_back(fields_[target_]);
    s->verb = fields_[text_];
    s->code = fields_[code_];
    if (publisher_ != SIZE_MAX) {
      if (auto st = CheckLength("Publisher", fields_[publisher_], Limits::kOutlet); !st.ok())
        return st;
      s->source.outlet = fields_[publisher_];
    }
    for (size_t i = 0; i < names_.size(); ++i) {
      if (fields_[i].empty() || i == id_ || i == date_ || i == source_ || i == target_ ||
          i == text_ || i == code_ || i == publisher_)
        continue;
      if (auto st = CheckLength(names_[i], fields_[i], Limits::kAttributeValue); !st.ok())
        return st;
      if (s->attributes.size() >= Limits::kAttributes) return TooManyAttributes(names_[i]);
      s->attributes.push_back({names_[i], std::string(fields_[i])});
    }
    return absl::OkStatus();
  }

  std::string Locate(std::string_view text, size_t offset) const override {
    size_t col = std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\t');
    if (col < names_.size()) return absl::StrCat("column ", names_[col]);
    return RowMapper::Locate(text, offset);
  }

  bool rows_always_terminated() const override { return true; }
  bool first_is_header() const override { return true; }

 private:
  std::vector<std::string> names_;
  size_t id_, date_, source_, target_, text_, code_, publisher_;
  std::vector<std::string_view> fields_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RowMapper>> NewIcewsMapper(std::string_view header) {
  std::vector<std::string_view> cols;
  SplitFields(header, '\t', &cols);
  std::vector<std::string> names;
  KeySet seen;  // views into `header`: linear in the columns (issue 16.11)
  for (std::string_view c : cols) {
    if (c.empty())
      return absl::InvalidArgumentError("not icews: the header row has an empty column name");
    if (!seen.Insert(c))
      return absl::InvalidArgumentError(absl::StrCat(
          "not icews: the header row names column \"", AV(c.substr(0, 64)), "\" twice"));
    names.emplace_back(c);
  }
  auto m = std::make_unique<IcewsMapper>(std::move(names));
  if (auto missing = m->Missing(); !missing.empty()) {
    std::string list;
    for (std::string_view n : missing) absl::StrAppend(&list, list.empty() ? "" : ", ", AV(n));
    return absl::InvalidArgumentError(absl::StrCat(
        "not icews: expected ICEWS events (a tab-separated header row naming Event ID, "
        "Event Date, Source Name, Target Name, Event Text, CAMEO Code), found ",
        DescribeHead(header), " without ", list));
  }
  return m;
}

}  // namespace annals::internal
