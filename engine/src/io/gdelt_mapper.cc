// GDELT 1.0 / 2.0 event rows -> statements (mapping in annals/import.h).
// Without a header every row names its layout by its column count (57, 58
// or 61), so files `cat`-ed together import whole; with a header row
// (tab-separated, or CSV as BigQuery exports write it) columns are found by
// name, in any order and any subset that has the columns a statement needs.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "annals/cameo.h"
#include "io/compact_date.h"
#include "io/gdelt_columns.h"
#include "io/gdelt_files.h"
#include "io/row_mapper.h"
#include "model/subject.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

constexpr size_t kNone = SIZE_MAX;

// Where a statement's fields are among one layout's columns; kNone if absent.
struct Layout {
  std::vector<std::string> names;  // every column, in order
  size_t id = kNone, sql_date = kNone, actor1 = kNone, actor2 = kNone, code = kNone,
         date_added = kNone, url = kNone;
  enum class Added { kDay, kSecond, kEither } added = Added::kEither;
  std::string what;  // "GDELT 2.0", "the header row" ...

  size_t At(std::string_view name) const {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? kNone : it - names.begin();
  }
  void FindColumns() {
    id = At("GLOBALEVENTID");
    sql_date = At("SQLDATE");
    actor1 = At("Actor1Name");
    actor2 = At("Actor2Name");
    code = At("EventCode");
    date_added = At("DATEADDED");
    url = At("SOURCEURL");
  }
  bool Taken(size_t i) const {
    return i == id || i == sql_date || i == actor1 || i == actor2 || i == code ||
           i == date_added || i == url;
  }
};

Layout Headerless(size_t columns) {
  Layout l;
  for (std::string_view n : GdeltColumns(columns)) l.names.emplace_back(n);
  l.FindColumns();
  l.added = columns == 61 ? Layout::Added::kSecond : Layout::Added::kDay;
  l.what = columns == 61 ? "GDELT 2.0" : columns == 58 ? "GDELT 1.0 daily" : "GDELT 1.0 backfile";
  return l;
}

class GdeltMapper : public RowMapper {
 public:
  // Headerless: the layout of each row follows from its column count.
  GdeltMapper() : layouts_{Headerless(57), Headerless(58), Headerless(61)} {}
  // With a header row.
  GdeltMapper(Layout header, char separator)
      : layouts_{std::move(header)}, separator_(separator), has_header_(true) {}

  absl::Status Map(const Record& record, Statement* s) override {
    if (auto st = Split(record.text); !st.ok()) return st;
    const Layout* l = LayoutFor(fields_.size());
    if (l == nullptr) return ColumnCountError();
    std::string_view id = fields_[l->id];
    if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return FieldError("GLOBALEVENTID", absl::StrCat("expected a number, got \"",
                                                      AV(id.substr(0, 40)), "\""));
    s->id = absl::StrCat("gdelt:", AV(id));
    std::string_view sql_date = fields_[l->sql_date];
    auto date = ParseCompactDate(sql_date);
    if (!date || date->precision != Precision::kDay)
      return FieldError("SQLDATE", absl::StrCat("unparseable date \"", AV(sql_date.substr(0, 40)),
                                                "\" (expected YYYYMMDD)"));
    s->occurred_at = *date;
    if (auto st = DateAdded(*l, s); !st.ok()) return st;
    if (auto st = Actors(*l, s); !st.ok()) return st;
    if (auto st = CheckLength("EventCode", fields_[l->code], Limits::kCode); !st.ok()) return st;
    s->code = fields_[l->code];
    if (const CameoCode* c = Lookup(s->code)) s->verb = c->description;
    if (l->url != kNone) {
      if (auto st = CheckLength("SOURCEURL", fields_[l->url], Limits::kUrl); !st.ok()) return st;
      s->source.url = fields_[l->url];
    }
    s->attributes.reserve(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].empty() || l->Taken(i)) continue;
      if (auto st = CheckLength(l->names[i], fields_[i], Limits::kAttributeValue); !st.ok())
        return st;
      if (s->attributes.size() >= Limits::kAttributes) return TooManyAttributes(l->names[i]);
      s->attributes.push_back({l->names[i], std::string(fields_[i])});
    }
    return absl::OkStatus();
  }

  std::string Locate(std::string_view text, size_t offset) const override {
    size_t col = std::count(text.begin(), text.begin() + std::min(offset, text.size()), separator_);
    size_t columns = std::count(text.begin(), text.end(), separator_) + 1;
    const Layout* l = LayoutFor(columns);
    if (l != nullptr && col < l->names.size()) return absl::StrCat("column ", l->names[col]);
    return RowMapper::Locate(text, offset);
  }

  bool rows_always_terminated() const override { return true; }
  bool first_is_header() const override { return has_header_; }

 private:
  absl::Status Split(std::string_view text) {
    return SplitRow(text, separator_, &fields_, &cells_);
  }

  const Layout* LayoutFor(size_t columns) const {
    for (const Layout& l : layouts_)
      if (l.names.size() == columns) return &l;
    return nullptr;
  }

  absl::Status ColumnCountError() const {
    const char* sep = separator_ == ',' ? "comma-separated" : "tab-separated";
    std::string expected =
        has_header_ ? absl::StrCat(layouts_[0].names.size(), " (as the header row)")
                    : "57 (GDELT 1.0 backfile), 58 (GDELT 1.0 daily) or 61 (GDELT 2.0)";
    return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                           "wrong column count: ", fields_.size(), " ", sep,
                           " columns, expected ", expected)),
                       "column count");
  }

  absl::Status DateAdded(const Layout& l, Statement* s) const {
    if (l.date_added == kNone || fields_[l.date_added].empty()) return absl::OkStatus();
    std::string_view added = fields_[l.date_added];
    auto t = ParseCompactDate(added);
    bool second = t && t->precision == Precision::kSecond;
    bool ok = t && (l.added == Layout::Added::kEither || second == (l.added == Layout::Added::kSecond));
    if (!ok)
      return FieldError("DATEADDED",
                        absl::StrCat("unparseable date \"", AV(added.substr(0, 40)), "\" (expected ",
                                     l.added == Layout::Added::kSecond ? "YYYYMMDDHHMMSS"
                                     : l.added == Layout::Added::kDay  ? "YYYYMMDD"
                                                                       : "YYYYMMDD or YYYYMMDDHHMMSS",
                                     ")"));
    s->source.published_at = *t;
    return absl::OkStatus();
  }

  absl::Status Actors(const Layout& l, Statement* s) const {
    if (l.actor1 != kNone) {
      if (auto st = CheckLength("Actor1Name", fields_[l.actor1], Limits::kName); !st.ok()) return st;
      s->speaker = fields_[l.actor1];
    }
    if (l.actor2 != kNone && !fields_[l.actor2].empty()) {
      if (auto st = CheckLength("Actor2Name", fields_[l.actor2], Limits::kName); !st.ok()) return st;
      s->targets.emplace_back(fields_[l.actor2]);
    }
    return absl::OkStatus();
  }

  // Rows repeat codes; remember the last lookup.
  const CameoCode* Lookup(std::string_view code) {
    if (last_ != nullptr && code == last_->code) return last_;
    const CameoCode* c = FindCameoCode(code);
    if (c != nullptr) last_ = c;
    return c;
  }

  std::vector<Layout> layouts_;
  char separator_ = '\t';
  bool has_header_ = false;
  std::vector<std::string_view> fields_;
  std::vector<std::string> cells_;  // a CSV row's unquoted cells
  const CameoCode* last_ = nullptr;
};

absl::StatusOr<std::unique_ptr<RowMapper>> WithHeader(std::string_view header, char separator) {
  Layout l;
  l.names = GdeltHeaderNames(header, separator);
  l.FindColumns();
  std::vector<std::string> missing;
  for (std::string_view n : {"GLOBALEVENTID", "SQLDATE", "EventCode"})
    if (l.At(n) == kNone) missing.emplace_back(n);
  if (l.actor1 == kNone && l.actor2 == kNone) missing.emplace_back("Actor1Name or Actor2Name");
  if (!missing.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        "not gdelt: the header row names no ", absl::StrJoin(missing, ", "),
        " (a GDELT events file needs GLOBALEVENTID, SQLDATE, EventCode and an actor)"));
  std::vector<std::string> sorted = l.names;
  std::sort(sorted.begin(), sorted.end());
  if (auto d = std::adjacent_find(sorted.begin(), sorted.end()); d != sorted.end())
    return absl::InvalidArgumentError(
        absl::StrCat("not gdelt: the header row names column \"", d->substr(0, 64), "\" twice"));
  return std::make_unique<GdeltMapper>(std::move(l), separator);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RowMapper>> NewGdeltMapper(std::string_view first_row) {
  GdeltShape shape = RecogniseGdeltFile(first_row);
  if (shape.kind == GdeltFile::kEvents) return std::make_unique<GdeltMapper>();
  if (shape.kind == GdeltFile::kEventsHeader) return WithHeader(first_row, shape.separator);
  return absl::InvalidArgumentError(absl::StrCat(
      "not gdelt: expected GDELT events (57, 58 or 61 tab-separated columns, or a header "
      "row naming GDELT's columns), found ",
      DescribeHead(first_row)));
}

}  // namespace annals::internal
