// GDELT 1.0 / 2.0 event rows -> statements (mapping in annals/import.h).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "annals/cameo.h"
#include "io/compact_date.h"
#include "io/gdelt_columns.h"
#include "io/row_mapper.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

// Column positions shared by all three layouts (the ADM2 columns come later).
enum Col : size_t {
  kId = 0, kSqlDate = 1, kActor1Name = 6, kActor2Name = 16, kEventCode = 26,
};

class GdeltMapper : public RowMapper {
 public:
  explicit GdeltMapper(size_t columns)
      : columns_(columns), names_(GdeltColumns(columns)) {
    date_added_ = columns == 57 ? columns - 1 : columns - 2;
    source_url_ = columns == 57 ? SIZE_MAX : columns - 1;
    fields_.reserve(columns + 1);
  }

  absl::Status Map(const Record& record, Statement* s) override {
    SplitFields(record.text, '\t', &fields_);
    if (fields_.size() != columns_)
      return absl::InvalidArgumentError(absl::StrCat(
          "wrong column count: ", fields_.size(), " tab-separated columns, expected ",
          columns_, " (", Layout(), ", as the file's first row)"));
    std::string_view id = fields_[kId];
    if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return FieldError("GLOBALEVENTID", absl::StrCat("expected a number, got \"",
                                                      AV(id.substr(0, 40)), "\""));
    s->id = absl::StrCat("gdelt:", AV(id));
    auto date = ParseCompactDate(fields_[kSqlDate]);
    if (!date || date->precision != Precision::kDay)
      return FieldError("SQLDATE", absl::StrCat("unparseable date \"",
                                                AV(fields_[kSqlDate].substr(0, 40)),
                                                "\" (expected YYYYMMDD)"));
    s->occurred_at = *date;
    std::string_view added = fields_[date_added_];
    if (!added.empty()) {
      auto t = ParseCompactDate(added);
      bool want_time = columns_ == 61;
      if (!t || (t->precision == Precision::kSecond) != want_time)
        return FieldError("DATEADDED",
                          absl::StrCat("unparseable date \"", AV(added.substr(0, 40)),
                                       want_time ? "\" (expected YYYYMMDDHHMMSS)"
                                                 : "\" (expected YYYYMMDD)"));
      s->source.published_at = *t;
    }
    if (auto st = CheckLength("Actor1Name", fields_[kActor1Name], Limits::kName); !st.ok()) return st;
    if (auto st = CheckLength("Actor2Name", fields_[kActor2Name], Limits::kName); !st.ok()) return st;
    if (auto st = CheckLength("EventCode", fields_[kEventCode], Limits::kCode); !st.ok()) return st;
    s->speaker = fields_[kActor1Name];
    if (!fields_[kActor2Name].empty()) s->targets.emplace_back(fields_[kActor2Name]);
    s->code = fields_[kEventCode];
    if (const CameoCode* c = Lookup(s->code)) s->verb = c->description;
    if (source_url_ != SIZE_MAX) {
      if (auto st = CheckLength("SOURCEURL", fields_[source_url_], Limits::kUrl); !st.ok()) return st;
      s->source.url = fields_[source_url_];
    }
    s->attributes.reserve(columns_);
    for (size_t i = 0; i < columns_; ++i) {
      if (fields_[i].empty() || i == kId || i == kSqlDate || i == kActor1Name ||
          i == kActor2Name || i == kEventCode || i == date_added_ || i == source_url_)
        continue;
      if (auto st = CheckLength(names_[i], fields_[i], Limits::kAttributeValue); !st.ok())
        return st;
      s->attributes.push_back({std::string(names_[i]), std::string(fields_[i])});
    }
    return absl::OkStatus();
  }

  std::string Locate(std::string_view text, size_t offset) const override {
    size_t col = std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\t');
    if (col < names_.size()) return absl::StrCat("column ", AV(names_[col]));
    return RowMapper::Locate(text, offset);
  }

  bool rows_always_terminated() const override { return true; }

 private:
  const char* Layout() const {
    return columns_ == 61 ? "GDELT 2.0" : columns_ == 58 ? "GDELT 1.0 daily" : "GDELT 1.0 backfile";
  }
  // Rows repeat codes; remember the last lookup.
  const CameoCode* Lookup(std::string_view code) {
    if (last_ != nullptr && code == last_->code) return last_;
    const CameoCode* c = FindCameoCode(code);
    if (c != nullptr) last_ = c;
    return c;
  }

  size_t columns_;
  std::span<const std::string_view> names_;
  size_t date_added_, source_url_;
  std::vector<std::string_view> fields_;
  const CameoCode* last_ = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RowMapper>> NewGdeltMapper(std::string_view first_row) {
  size_t columns = std::count(first_row.begin(), first_row.end(), '\t') + 1;
  if (GdeltColumns(columns).empty())
    return absl::InvalidArgumentError(absl::StrCat(
        "not gdelt: expected GDELT events (57, 58 or 61 tab-separated columns), found ",
        DescribeHead(first_row)));
  return std::make_unique<GdeltMapper>(columns);
}

}  // namespace annals::internal
