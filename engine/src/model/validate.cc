// The rules every stored statement satisfies (see annals/statement.h): the
// rules that tie fields together, then each field's own limits, from the
// field table (annals/fields.h).
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "annals/fields.h"
#include "annals/mention.h"
#include "annals/statement.h"
#include "model/subject.h"
#include "model/sv.h"
#include "model/utf8.h"

namespace annals {
using internal::AV;
namespace {

// Subject: the field, without a list index ("targets[3]" -> "targets").
absl::Status Invalid(std::string_view field, std::string_view why) {
  return internal::WithSubject(absl::InvalidArgumentError(absl::StrCat(AV(field), ": ", AV(why))),
                               field.substr(0, field.find('[')));
}

// What is wrong with a text of at most `limit` bytes; nullopt if nothing.
std::optional<std::string> TextProblem(std::string_view value, size_t limit) {
  if (value.size() > limit)
    return absl::StrCat("too long (", value.size(), " bytes; the limit is ", limit, ")");
  size_t bad = internal::FindInvalidUtf8(value);
  if (bad != std::string_view::npos) return absl::StrCat("not valid UTF-8 at byte ", bad);
  if (size_t nul = value.find('\0'); nul != std::string_view::npos)
    return absl::StrCat("a NUL character (U+0000) at byte ", nul, "; text may not contain NUL");
  return std::nullopt;
}

std::optional<std::string> AsciiAlnumProblem(std::string_view value, size_t limit) {
  if (value.size() > limit)
    return absl::StrCat("too long (", value.size(), " bytes; the limit is ", limit, ")");
  for (char c : value) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!alnum) return "only ASCII letters and digits allowed";
  }
  return std::nullopt;
}

absl::Status CheckList(std::string_view field, const std::vector<std::string>& items,
                       size_t max_items, size_t limit) {
  if (items.size() > max_items)
    return Invalid(field, absl::StrCat("too many items (", items.size(), "; the limit is ",
                                       max_items, ")"));
  for (size_t i = 0; i < items.size(); ++i) {
    // The field's name is built only for an error message.
    auto name = [&] { return absl::StrCat(AV(field), "[", i, "]"); };
    if (items[i].empty()) return Invalid(name(), "empty");
    if (auto why = TextProblem(items[i], limit)) return Invalid(name(), *why);
  }
  return absl::OkStatus();
}

// Valid timestamps lie in years 1..9999 and start their period, so that
// FormatTime shows them exactly and ParseTime reads them back unchanged.
absl::Status CheckTime(std::string_view field, const Timestamp& t) {
  static const int64_t kMin =
      absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(1, 1, 1), absl::UTCTimeZone()));
  static const int64_t kMax =
      absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(10000, 1, 1), absl::UTCTimeZone()));
  if (t.micros < kMin || t.micros >= kMax) return Invalid(field, "outside the years 0001-9999");
  // UTC has no leap seconds in absl's model, so a day is a fixed number of
  // microseconds; only year and month need the calendar.
  constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
  bool aligned = true;
  switch (t.precision) {
    case Precision::kYear:
    case Precision::kMonth: {
      absl::CivilSecond cs =
          absl::ToCivilSecond(absl::FromUnixMicros(t.micros), absl::UTCTimeZone());
      aligned = t.micros % kMicrosPerDay == 0 &&
                cs == (t.precision == Precision::kYear ? absl::CivilSecond(absl::CivilYear(cs))
                                                       : absl::CivilSecond(absl::CivilMonth(cs)));
      break;
    }
    case Precision::kDay:
      aligned = t.micros % kMicrosPerDay == 0;
      break;
    case Precision::kSecond:
      break;
    default:
      return Invalid(field, "unknown precision");
  }
  if (!aligned) return Invalid(field, "not at the start of its period");
  return absl::OkStatus();
}

absl::Status CheckAttributes(const std::vector<Attribute>& attributes, size_t max_items) {
  if (attributes.size() > max_items)
    return Invalid("attributes", absl::StrCat("too many (", attributes.size(),
                                              "; the limit is ", max_items, ")"));
  for (size_t i = 0; i < attributes.size(); ++i) {
    const Attribute& a = attributes[i];
    if (a.key.empty()) return Invalid("attributes", "empty key");
    // The field's name is built only for an error message.
    auto name = [&] { return absl::StrCat("attributes.", a.key.substr(0, 64)); };
    for (size_t j = 0; j < i; ++j)
      if (attributes[j].key == a.key) return Invalid(name(), "appears twice");
    if (auto why = TextProblem(a.key, Limits::kAttributeKey)) return Invalid(name(), *why);
    if (auto why = TextProblem(a.value, Limits::kAttributeValue)) return Invalid(name(), *why);
  }
  return absl::OkStatus();
}

absl::Status CheckField(const StatementField& f, const Statement& s) {
  switch (f.type) {
    case FieldType::kText: {
      auto why = f.ascii_alnum ? AsciiAlnumProblem(f.Text(s), f.max_bytes)
                               : TextProblem(f.Text(s), f.max_bytes);
      return why ? Invalid(f.name, *why) : absl::OkStatus();
    }
    case FieldType::kTextList:
      return CheckList(f.name, f.List(s), f.max_items, f.max_bytes);
    case FieldType::kTime:
      return f.Time(s).present() ? CheckTime(f.name, f.Time(s)) : absl::OkStatus();
    case FieldType::kAttributes:
      return CheckAttributes(s.attributes, f.max_items);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Validate(const Statement& s) {
  if (!s.id.empty()) {
    if (auto why = TextProblem(s.id, Limits::kId)) return Invalid("id", *why);
    if (s.id.starts_with("h:"))
      return Invalid("id", "the prefix \"h:\" is reserved for content ids");
  }
  if (s.speaker.empty() && s.targets.empty())
    return Invalid("speaker", "a statement needs a speaker or a target");
  if (s.verb.empty() && s.code.empty())
    return Invalid("verb", "a statement needs a verb or a code");
  if (!s.occurred_at.present()) return Invalid("occurred_at", "required");
  if (s.content.empty() && s.quote.empty() && s.code.empty())
    return Invalid("content", "a statement needs content, a quote or a code");
  for (const StatementField& f : StatementFields())
    if (absl::Status st = CheckField(f, s); !st.ok()) return st;
  return absl::OkStatus();
}

absl::Status ValidateMention(const Mention& m) {
  if (m.event_id.empty()) return Invalid("event_id", "required: the id of the event mentioned");
  const std::pair<std::string_view, std::pair<const std::string*, size_t>> texts[] = {
      {"event_id", {&m.event_id, Limits::kId}},
      {"source.outlet", {&m.source.outlet, Limits::kOutlet}},
      {"source.url", {&m.source.url, Limits::kUrl}},
      {"source.via", {&m.source.via, Limits::kOutlet}},
  };
  for (const auto& [name, text] : texts)
    if (auto why = TextProblem(*text.first, text.second)) return Invalid(name, *why);
  if (m.source.published_at.present())
    if (absl::Status st = CheckTime("source.published_at", m.source.published_at); !st.ok())
      return st;
  return CheckAttributes(m.attributes, Limits::kAttributes);
}

namespace internal {

absl::Status CheckEventAttributes(const std::vector<Attribute>& attributes) {
  return CheckAttributes(attributes, Limits::kAttributes);
}

}  // namespace internal

}  // namespace annals
