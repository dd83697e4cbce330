// The rules every stored statement satisfies (see annals/statement.h).
#include <string>
#include <string_view>

#include "model/sv.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "annals/statement.h"
#include "model/subject.h"
#include "model/utf8.h"

namespace annals {
using internal::AV;
using internal::SV;
namespace {

// Subject: the field, without a list index ("targets[3]" -> "targets").
absl::Status Invalid(std::string_view field, std::string_view why) {
  return internal::WithSubject(absl::InvalidArgumentError(absl::StrCat(AV(field), ": ", AV(why))),
                               field.substr(0, field.find('[')));
}

absl::Status CheckText(std::string_view field, std::string_view value,
                       size_t limit) {
  if (value.size() > limit)
    return Invalid(field, absl::StrCat("too long (", value.size(),
                                       " bytes; the limit is ", limit, ")"));
  size_t bad = internal::FindInvalidUtf8(value);
  if (bad != std::string_view::npos)
    return Invalid(field, absl::StrCat("not valid UTF-8 at byte ", bad));
  if (size_t nul = value.find('\0'); nul != std::string_view::npos)
    return Invalid(field, absl::StrCat("a NUL character (U+0000) at byte ", nul,
                                       "; text may not contain NUL"));
  return absl::OkStatus();
}

absl::Status CheckList(std::string_view field,
                       const std::vector<std::string>& items, size_t limit) {
  if (items.size() > Limits::kListItems)
    return Invalid(field, absl::StrCat("too many items (", items.size(),
                                       "; the limit is ", Limits::kListItems,
                                       ")"));
  for (size_t i = 0; i < items.size(); ++i) {
    // The field's name is built only for an error message.
    auto name = [&] { return absl::StrCat(AV(field), "[", i, "]"); };
    if (items[i].empty()) return Invalid(name(), "empty");
    if (auto st = CheckText("", items[i], limit); !st.ok())
      return Invalid(name(), SV(st.message()).substr(2));  // drop ": "
  }
  return absl::OkStatus();
}

// Valid timestamps lie in years 1..9999 and start their period, so that
// FormatTime shows them exactly and ParseTime reads them back unchanged.
absl::Status CheckTime(std::string_view field, const Timestamp& t) {
  static const int64_t kMin = absl::ToUnixMicros(
      absl::FromCivil(absl::CivilSecond(1, 1, 1), absl::UTCTimeZone()));
  static const int64_t kMax = absl::ToUnixMicros(absl::FromCivil(
      absl::CivilSecond(10000, 1, 1), absl::UTCTimeZone()));
  if (t.micros < kMin || t.micros >= kMax)
    return Invalid(field, "outside the years 0001-9999");
  // UTC has no leap seconds in absl's model, so a day is a fixed number of
  // microseconds; only year and month need the calendar.
  constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
  bool aligned = true;
  switch (t.precision) {
    case Precision::kYear:
    case Precision::kMonth: {
      absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixMicros(t.micros),
                                                 absl::UTCTimeZone());
      aligned = t.micros % kMicrosPerDay == 0 &&
                cs == (t.precision == Precision::kYear
                           ? absl::CivilSecond(absl::CivilYear(cs))
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

}  // namespace

absl::Status Validate(const Statement& s) {
  if (!s.id.empty()) {
    if (auto st = CheckText("id", s.id, Limits::kId); !st.ok()) return st;
    if (s.id.starts_with("h:"))
      return Invalid("id", "the prefix \"h:\" is reserved for content ids");
  }
  if (s.speaker.empty() && s.targets.empty())
    return Invalid("speaker", "a statement needs a speaker or a target");
  if (s.verb.empty() && s.code.empty())
    return Invalid("verb", "a statement needs a verb or a code");
  if (!s.occurred_at.present())
    return Invalid("occurred_at", "required");
  if (s.content.empty() && s.quote.empty() && s.code.empty())
    return Invalid("content", "a statement needs content, a quote or a code");

  if (auto st = CheckText("speaker", s.speaker, Limits::kName); !st.ok()) return st;
  if (auto st = CheckList("targets", s.targets, Limits::kName); !st.ok()) return st;
  if (auto st = CheckText("verb", s.verb, Limits::kVerb); !st.ok()) return st;
  if (s.code.size() > Limits::kCode)
    return Invalid("code", absl::StrCat("too long (", s.code.size(),
                                        " bytes; the limit is ", Limits::kCode,
                                        ")"));
  for (char c : s.code) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                 (c >= 'a' && c <= 'z');
    if (!alnum) return Invalid("code", "only ASCII letters and digits allowed");
  }
  if (auto st = CheckText("event_type", s.event_type, Limits::kVerb); !st.ok()) return st;
  if (auto st = CheckList("topics", s.topics, Limits::kName); !st.ok()) return st;
  if (auto st = CheckText("content", s.content, Limits::kContent); !st.ok()) return st;
  if (auto st = CheckText("quote", s.quote, Limits::kContent); !st.ok()) return st;
  if (auto st = CheckTime("occurred_at", s.occurred_at); !st.ok()) return st;
  if (auto st = CheckText("source.outlet", s.source.outlet, Limits::kOutlet); !st.ok()) return st;
  if (auto st = CheckText("source.url", s.source.url, Limits::kUrl); !st.ok()) return st;
  if (auto st = CheckText("source.via", s.source.via, Limits::kOutlet); !st.ok()) return st;
  if (s.source.published_at.present()) {
    if (auto st = CheckTime("source.published_at", s.source.published_at); !st.ok())
      return st;
  }
  if (s.attributes.size() > Limits::kAttributes)
    return Invalid("attributes", absl::StrCat("too many (", s.attributes.size(),
                                              "; the limit is ",
                                              Limits::kAttributes, ")"));
  for (size_t i = 0; i < s.attributes.size(); ++i) {
    const Attribute& a = s.attributes[i];
    if (a.key.empty()) return Invalid("attributes", "empty key");
    for (size_t j = 0; j < i; ++j)
      if (s.attributes[j].key == a.key)
        return Invalid(absl::StrCat("attributes.", a.key.substr(0, 64)), "appears twice");
    // The field's name is built only for an error message.
    auto name = [&] { return absl::StrCat("attributes.", a.key.substr(0, 64)); };
    if (auto st = CheckText("", a.key, Limits::kAttributeKey); !st.ok())
      return Invalid(name(), SV(st.message()).substr(2));  // drop ": "
    if (auto st = CheckText("", a.value, Limits::kAttributeValue); !st.ok())
      return Invalid(name(), SV(st.message()).substr(2));
  }
  return absl::OkStatus();
}

}  // namespace annals
