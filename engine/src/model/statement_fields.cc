// THE field table (annals/fields.h): every field of Statement, once. To add
// a field, see annals/statement.h.
#include "annals/fields.h"

#include <array>

#include "model/statement_fields.h"
#include "model/sv.h"

namespace annals {
namespace {

using T = FieldType;

constexpr StatementField Text(std::string_view name, std::string_view column,
                              std::string_view alias, size_t max_bytes,
                              std::string_view content_id, bool grouping,
                              std::string* (*at)(Statement&)) {
  return {name, column, alias, T::kText, max_bytes, 0, false, content_id, grouping, "",
          at, nullptr, nullptr};
}
constexpr StatementField List(std::string_view name, std::string_view content_id,
                              bool grouping, std::vector<std::string>* (*at)(Statement&)) {
  return {name, name, "", T::kTextList, Limits::kName, Limits::kListItems, false, content_id,
          grouping, "", nullptr, at, nullptr};
}
constexpr StatementField Time(std::string_view name, std::string_view column,
                              std::string_view alias, std::string_view content_id,
                              bool grouping, std::string_view precision_column,
                              Timestamp* (*at)(Statement&)) {
  return {name, column, alias, T::kTime, 0, 0, false, content_id, grouping, precision_column,
          nullptr, nullptr, at};
}

// In the order of the schema (schema/annals.capnp): stored events are
// written in this order.
constexpr std::array kFields = {
    Text("speaker", "speaker", "", Limits::kName, "s", true,
         [](Statement& s) { return &s.speaker; }),
    List("targets", "Tt", true, [](Statement& s) { return &s.targets; }),
    Text("verb", "verb", "", Limits::kVerb, "v", true, [](Statement& s) { return &s.verb; }),
    StatementField{"code", "code", "", T::kText, Limits::kCode, 0, /*ascii_alnum=*/true, "k",
                   true, "", [](Statement& s) { return &s.code; }, nullptr, nullptr},
    Text("event_type", "event_type", "", Limits::kVerb, "", true,
         [](Statement& s) { return &s.event_type; }),
    List("topics", "", true, [](Statement& s) { return &s.topics; }),
    Text("content", "content", "", Limits::kContent, "c", false,
         [](Statement& s) { return &s.content; }),
    Text("quote", "quote", "", Limits::kContent, "q", false,
         [](Statement& s) { return &s.quote; }),
    Time("occurred_at", "occurred_at", "", "op", true, "occurred_precision",
         [](Statement& s) { return &s.occurred_at; }),
    Text("source.outlet", "source_outlet", "outlet", Limits::kOutlet, "", true,
         [](Statement& s) { return &s.source.outlet; }),
    Text("source.url", "source_url", "url", Limits::kUrl, "u", false,
         [](Statement& s) { return &s.source.url; }),
    Time("source.published_at", "source_published_at", "published_at", "", false, "",
         [](Statement& s) { return &s.source.published_at; }),
    Text("source.via", "source_via", "via", Limits::kOutlet, "", false,
         [](Statement& s) { return &s.source.via; }),
    StatementField{"attributes", "attributes", "", T::kAttributes, Limits::kAttributeValue,
                   Limits::kAttributes, false, "", false, "", nullptr, nullptr, nullptr},
};

}  // namespace

std::span<const StatementField> StatementFields() { return kFields; }

const StatementField* FindStatementField(std::string_view name) {
  for (const StatementField& f : kFields)
    if (f.name == name || f.column == name || (!f.alias.empty() && f.alias == name)) return &f;
  return nullptr;
}

}  // namespace annals
