// GDELT 2.0 Mentions files (issue 21) -> mention events: one row per
// article that mentioned an event. GLOBALEVENTID names the event as the
// events import ids it ("gdelt:" + GLOBALEVENTID); MentionSourceName,
// MentionIdentifier and MentionTimeDate are the article's outlet, url and
// time; every other non-empty column is kept as an attribute by its
// codebook name. Tab-separated without a header (GDELT's downloads), or
// with a header row, tab- or comma-separated (BigQuery's CSV).
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "io/compact_date.h"
#include "io/gdelt_columns.h"
#include "io/gdelt_files.h"
#include "io/key_set.h"
#include "io/row_mapper.h"
#include "model/subject.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class GdeltMentionsMapper : public RowMapper {
 public:
  GdeltMentionsMapper(std::vector<std::string> names, char separator, bool header)
      : names_(std::move(names)), separator_(separator), header_(header) {}

  bool first_is_header() const override { return header_; }
  bool rows_always_terminated() const override { return true; }

  absl::Status Map(const Record& record, Statement* s) override {
    LogRow row;
    return MapLogRow(record, s, &row);
  }

  absl::Status MapLogRow(const Record& record, Statement* s, LogRow* row) override {
    if (auto st = Split(record.text); !st.ok()) return st;
    if (fields_.size() != names_.size())
      return WithSubject(absl::InvalidArgumentError(absl::StrCat(
                             "wrong column count: ", fields_.size(), " columns, expected ",
                             names_.size(), header_ ? " (as the header row)" : "")),
                         "column count");
    row->kind = EventKind::kMention;
    for (size_t i = 0; i < fields_.size(); ++i)
      if (auto st = Column(names_[i], fields_[i], s, row); !st.ok()) return st;
    if (row->event_id.empty()) return FieldError("GLOBALEVENTID", "empty");
    return absl::OkStatus();
  }

  std::string Locate(std::string_view text, size_t offset) const override {
    size_t col = std::count(text.begin(), text.begin() + std::min(offset, text.size()), separator_);
    if (col < names_.size()) return absl::StrCat("column ", names_[col]);
    return RowMapper::Locate(text, offset);
  }

 private:
  absl::Status Split(std::string_view text) {
    return SplitRow(text, separator_, &fields_, &cells_);
  }

  static absl::Status Column(std::string_view name, std::string_view v, Statement* s,
                             LogRow* row) {
    if (name == "GLOBALEVENTID") {
      if (!AllDigits(v)) return FieldError(name, "expected the event's number (digits only)");
      row->event_id = absl::StrCat("gdelt:", AV(v));
      return CheckLength(name, row->event_id, Limits::kId);
    }
    if (name == "MentionSourceName") {
      s->source.outlet = std::string(v);
      return CheckLength(name, v, Limits::kOutlet);
    }
    if (name == "MentionIdentifier") {
      s->source.url = std::string(v);
      return CheckLength(name, v, Limits::kUrl);
    }
    if (name == "MentionTimeDate" && !v.empty()) {
      auto t = ParseCompactDate(v);
      if (!t) return FieldError(name, "expected YYYYMMDDHHMMSS");
      s->source.published_at = *t;
      return absl::OkStatus();
    }
    if (v.empty()) return absl::OkStatus();
    // Three slots stay free for import.format, import.file and import.line.
    if (s->attributes.size() + 3 >= Limits::kAttributes) return TooManyAttributes(name);
    if (auto st = CheckLength(name, v, Limits::kAttributeValue); !st.ok()) return st;
    s->attributes.push_back({std::string(name), std::string(v)});
    return absl::OkStatus();
  }

  std::vector<std::string> names_;
  char separator_;
  bool header_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> cells_;
};

absl::Status NotMentions(std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("not gdelt-mentions: ", AV(why)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RowMapper>> NewGdeltMentionsMapper(std::string_view first) {
  const GdeltShape shape = RecogniseGdeltFile(first);
  if (shape.kind != GdeltFile::kMentions)
    return NotMentions(absl::StrCat(
        "expected a GDELT 2.0 mentions file (16 tab-separated columns: GLOBALEVENTID, "
        "EventTimeDate, MentionTimeDate, ..., or a header row naming GLOBALEVENTID and "
        "MentionIdentifier), found ", DescribeHead(first)));
  const bool header = !AllDigits(first.substr(0, first.find(shape.separator)));
  if (!header) {
    std::vector<std::string> names(std::begin(kGdeltMentionsColumns),
                                   std::end(kGdeltMentionsColumns));
    return std::make_unique<GdeltMentionsMapper>(std::move(names), '\t', false);
  }
  std::vector<std::string> names;
  if (shape.separator == ',') {
    if (auto st = SplitCsvRecord(first, &names); !st.ok())
      return NotMentions(absl::StrCat("the header row: ", st.message()));
  } else {
    std::vector<std::string_view> cols;
    SplitFields(first, '\t', &cols);
    names.assign(cols.begin(), cols.end());
  }
  KeySet seen;  // views into `names`, which stays put
  for (std::string& n : names) {
    absl::StripAsciiWhitespace(&n);
    for (std::string_view known : kGdeltMentionsColumns)  // the codebook's spelling
      if (absl::EqualsIgnoreCase(AV(n), AV(known))) n = std::string(known);
  }
  for (const std::string& n : names) {
    if (n.empty()) return NotMentions("a header column has no name");
    if (!seen.Insert(n))
      return NotMentions(absl::StrCat("the header row names column \"", n.substr(0, 64),
                                      "\" twice"));
  }
  if (std::find(names.begin(), names.end(), "GLOBALEVENTID") == names.end())
    return NotMentions("the header row names no GLOBALEVENTID column");
  return std::make_unique<GdeltMentionsMapper>(std::move(names), shape.separator, true);
}

}  // namespace annals::internal
