// JSON <-> Statement/Event. Parsing uses simdjson's DOM (it also rejects
// invalid UTF-8); writing is a small hand-rolled emitter (strings:
// json_string.cc).
#include <algorithm>
#include <cstdio>
#include <string>

#include "model/sv.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "annals/fields.h"
#include "annals/json.h"
#include "annals/timeline.h"
#include "io/json_object.h"
#include "io/key_set.h"
#include "io/log_row.h"
#include "io/row_mapper.h"
#include "model/subject.h"
#include "simdjson.h"

namespace annals {
using internal::AV;
using internal::SV;
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

absl::Status FieldError(std::string_view field, std::string_view why) {
  return internal::WithSubject(
      absl::InvalidArgumentError(absl::StrCat(AV(field), ": ", AV(why))), field);
}

const char* TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "a list";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "something else";
}

// A string field; null leaves `out` empty (absent).
absl::Status GetString(std::string_view field, element e, std::string* out) {
  if (e.is_null()) return absl::OkStatus();
  if (!e.is_string())
    return FieldError(field, absl::StrCat("expected a string, got ", TypeName(e.type())));
  *out = std::string(std::string_view(e.get_string().value_unsafe()));
  return absl::OkStatus();
}

absl::Status GetTime(std::string_view field, element e, Timestamp* out) {
  std::string text;
  if (auto st = GetString(field, e, &text); !st.ok()) return st;
  if (text.empty()) return absl::OkStatus();
  auto t = ParseTime(text);
  if (!t.ok()) return FieldError(field, SV(t.status().message()));
  *out = *t;
  return absl::OkStatus();
}

// A list of strings; a lone string is taken as a one-item list.
absl::Status GetList(std::string_view field, element e,
                     std::vector<std::string>* out) {
  if (e.is_null()) return absl::OkStatus();
  if (e.is_string()) {
    out->emplace_back(std::string_view(e.get_string().value_unsafe()));
    return absl::OkStatus();
  }
  if (!e.is_array())
    return FieldError(field, absl::StrCat("expected a list of strings, got ",
                                          TypeName(e.type())));
  simdjson::dom::array items = e.get_array().value_unsafe();
  for (element item : items) {
    if (!item.is_string())
      return FieldError(field, absl::StrCat("expected a list of strings, found ",
                                            TypeName(item.type())));
    if (out->size() == Limits::kListItems) return internal::TooManyItems(field);
    out->emplace_back(std::string_view(item.get_string().value_unsafe()));
  }
  return absl::OkStatus();
}

// Attribute values are text;// Attribute values are text; numbers and booleans are kept as their JSON
// text (e.g. "-2.5", "true"), so nothing in the input is dropped.
absl::Status GetAttributes(element e, std::vector<Attribute>* out) {
  if (e.is_null()) return absl::OkStatus();
  if (!e.is_object())
    return FieldError("attributes", absl::StrCat("expected an object, got ",
                                                 TypeName(e.type())));
  simdjson::dom::object fields = e.get_object().value_unsafe();
  internal::KeySet seen;  // linear in the keys, however many (issue 16.11)
  for (auto [key, value] : fields) {
    if (!seen.Insert(key))
      return FieldError(absl::StrCat("attributes.", AV(key.substr(0, 64))), "appears twice");
    if (out->size() == Limits::kAttributes && !value.is_null())
      return internal::TooManyAttributes(absl::StrCat("attributes.", AV(key)));
    Attribute a{std::string(key), ""};
    switch (value.type()) {
      case element_type::STRING:
        a.value = std::string(std::string_view(value.get_string().value_unsafe()));
        break;
      case element_type::NULL_VALUE:
        continue;
      case element_type::ARRAY:
      case element_type::OBJECT:
        return FieldError(absl::StrCat("attributes.", AV(key)),
                          "expected text, a number or a boolean");
      default:
        a.value = simdjson::minify(value);
        break;
    }
    out->push_back(std::move(a));
  }
  return absl::OkStatus();
}

// Reads `value` into field `f` of `s` (named `label` in errors).
absl::Status GetField(const StatementField& f, std::string_view label, element value,
                      Statement* s) {
  switch (f.type) {
    case FieldType::kText:
      // CAMEO codes are text: a number would have lost its leading zeros.
      if (f.ascii_alnum && value.is_number())
        return FieldError(label, "expected a string; quote CAMEO codes (\"042\") "
                                 "so leading zeros are kept");
      return GetString(label, value, f.text(*s));
    case FieldType::kTextList:
      return GetList(label, value, f.list(*s));
    case FieldType::kTime:
      return GetTime(label, value, f.time(*s));
    case FieldType::kAttributes:
      return GetAttributes(value, &s->attributes);
  }
  return absl::OkStatus();
}

// Reads the object `e` holding the fields of group `group` ("source").
absl::Status GetGroup(std::string_view group, element e, Statement* s) {
  if (e.is_null()) return absl::OkStatus();
  if (!e.is_object())
    return FieldError(group, absl::StrCat("expected an object, got ", TypeName(e.type())));
  simdjson::dom::object fields = e.get_object().value_unsafe();
  std::vector<std::string_view> seen;
  for (auto [key, value] : fields) {
    const std::string name = absl::StrCat(AV(group), ".", AV(key));
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return FieldError(name, "appears twice");
    seen.push_back(key);
    const StatementField* f = FindStatementField(name);
    if (f == nullptr || f->name != name) return FieldError(name, "unknown field");
    if (auto st = GetField(*f, name, value, s); !st.ok()) return st;
  }
  return absl::OkStatus();
}

// Whether some field belongs to group `name`.
bool IsGroup(std::string_view name) {
  for (const StatementField& f : StatementFields())
    if (f.group() == name) return true;
  return false;
}

absl::Status GetU64(std::string_view field, element e, uint64_t* out) {
  if (e.is_null()) return absl::OkStatus();
  if (!e.is_uint64())
    return FieldError(field, absl::StrCat("expected a positive number, got ", TypeName(e.type())));
  *out = e.get_uint64().value_unsafe();
  return absl::OkStatus();
}

absl::Status GetKind(element e, EventKind* out) {
  std::string name;
  if (auto st = GetString("kind", e, &name); !st.ok()) return st;
  for (EventKind k : {EventKind::kStatement, EventKind::kCorrection, EventKind::kRetraction,
                      EventKind::kActorAlias, EventKind::kMention}) {
    if (name == EventKindName(k) || (name.empty() && k == EventKind::kStatement)) {
      *out = k;
      return absl::OkStatus();
    }
  }
  return FieldError("kind", "expected \"statement\", \"correction\", \"retraction\", "
                            "\"actor_alias\" or \"mention\"");
}

// The keys of a log row that are not statement fields.
absl::Status GetLogKey(std::string_view key, element value, internal::LogRow* row, bool* known) {
  *known = true;
  if (key == "kind") return GetKind(value, &row->kind);
  if (key == "seq") return GetU64(key, value, &row->seq);
  if (key == "recorded_at") return GetString(key, value, &row->recorded_at);
  if (key == "target") return GetU64(key, value, &row->target);
  if (key == "target_id") return GetString(key, value, &row->target_id);
  if (key == "reason") return GetString(key, value, &row->reason);
  if (key == "alias") return GetString(key, value, &row->alias);
  if (key == "canonical") return GetString(key, value, &row->canonical);
  if (key == "event_id") return GetString(key, value, &row->event_id);
  *known = false;
  return absl::OkStatus();
}

// event_id belongs to a mention only, and a mention holds nothing but
// event_id, source and attributes: a key of another kind is refused, not
// dropped.
absl::Status CheckKindKeys(const Statement& s, const internal::LogRow& row) {
  if (row.kind != EventKind::kMention) {
    if (!row.event_id.empty())
      return FieldError("event_id", "only a mention (\"kind\":\"mention\") names an event");
    return absl::OkStatus();
  }
  Statement rest = s;
  rest.id.clear();  // derived, as an amendment's
  rest.source = Source();
  rest.attributes.clear();
  if (!(rest == Statement()) || row.target != 0 || !row.target_id.empty() ||
      !row.reason.empty() || !row.alias.empty() || !row.canonical.empty())
    return FieldError("kind", "a mention holds only event_id, source and attributes");
  return absl::OkStatus();
}

}  // namespace

namespace internal {

absl::Status ParseLogRowJson(std::string_view json, Statement* statement, LogRow* row) {
  // One parser per thread: it keeps its buffers between lines.
  thread_local simdjson::dom::parser parser;
  element root;
  auto error = parser.parse(json.data(), json.size(), true).get(root);
  if (error)
    return FieldError("line", absl::StrCat("not valid JSON (",
                                           simdjson::error_message(error), ")"));
  if (!root.is_object())
    return FieldError("line", absl::StrCat("expected a JSON object, got ",
                                           TypeName(root.type())));
  Statement& s = *statement;
  std::vector<std::string_view> seen;
  // value_unsafe() returns into a temporary: copy the view out before
  // iterating, or the range-for would iterate a dangling reference.
  simdjson::dom::object fields = root.get_object().value_unsafe();
  for (auto [key, value] : fields) {
    for (std::string_view k : seen)
      if (k == key) return FieldError(key, "appears twice");
    seen.push_back(key);
    absl::Status st;
    bool log_key = false;
    const StatementField* f = FindStatementField(key);
    if (key == "id") {
      st = GetString(key, value, &s.id);
    } else if (f != nullptr && f->name == key) {
      st = GetField(*f, key, value, &s);
    } else if (IsGroup(key)) {
      st = GetGroup(key, value, &s);
    } else if (st = GetLogKey(key, value, row, &log_key); st.ok() && !log_key) {
      st = FieldError(key, "unknown field");
    }
    if (!st.ok()) return st;
  }
  if (auto st = CheckKindKeys(s, *row); !st.ok()) return st;
  // An amendment's (or a mention's) id is its own, not the statement's:
  // the copy derives it.
  if (row->kind != EventKind::kStatement) s.id.clear();
  // `log --format jsonl` writes content ids ("h:..."); they are not caller
  // ids, so drop one that matches the content and the store derives it
  // again. One that does not match is left for Validate to reject.
  if (s.id.starts_with("h:") && s.id == ContentId(s)) s.id.clear();
  return absl::OkStatus();
}

}  // namespace internal

absl::StatusOr<Statement> ParseStatementJson(std::string_view json) {
  Statement s;
  internal::LogRow row;
  if (auto st = internal::ParseLogRowJson(json, &s, &row); !st.ok()) return st;
  if (row.kind != EventKind::kStatement)
    return FieldError("kind", "only \"statement\" events can be read as a statement");
  return s;
}

namespace internal {

void AppendJsonKey(std::string_view k, std::string* out) {
  if (out->back() != '{') out->push_back(',');
  AppendJsonString(k, out);
  out->push_back(':');
}

void AppendJsonTextOrNull(std::string_view k, std::string_view v, std::string* out) {
  AppendJsonKey(k, out);
  if (v.empty()) out->append("null");
  else AppendJsonString(v, out);
}

void AppendJsonList(std::string_view k, const std::vector<std::string>& v,
                    std::string* out) {
  AppendJsonKey(k, out);
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(v[i], out);
  }
  out->push_back(']');
}

void AppendJsonField(const StatementField& f, std::string_view key, const Statement& s,
                     std::string* out) {
  switch (f.type) {
    case FieldType::kText:
      AppendJsonTextOrNull(key, f.Text(s), out);
      break;
    case FieldType::kTextList:
      AppendJsonList(key, f.List(s), out);
      break;
    case FieldType::kTime:
      AppendJsonTextOrNull(key, FormatTime(f.Time(s)), out);
      break;
    case FieldType::kAttributes:
      AppendJsonKey(key, out);
      out->push_back('{');
      for (const Attribute& a : s.attributes) {
        AppendJsonKey(a.key, out);
        AppendJsonString(a.value, out);
      }
      out->push_back('}');
      break;
  }
}

void AppendStatementJsonFields(std::string_view id, const Statement& s, std::string* out) {
  AppendJsonTextOrNull("id", id, out);
  std::string_view group;  // the group whose object is open
  for (const StatementField& f : StatementFields()) {
    if (f.group() != group) {
      if (!group.empty()) out->push_back('}');
      group = f.group();
      if (!group.empty()) {
        AppendJsonKey(group, out);
        out->push_back('{');
      }
    }
    AppendJsonField(f, f.member(), s, out);
  }
  if (!group.empty()) out->push_back('}');
}

}  // namespace internal

std::string EventToJson(const Event& e) { return EventToJson(e, {}); }

std::string TimelineEntryToJson(const TimelineEntry& e, bool with_role, const char* status) {
  std::string line = EventToJson(e.event);
  line.pop_back();  // the closing brace
  absl::StrAppend(&line, ",\"status\":\"",
                  status != nullptr ? status : EntryStatusName(e.status), "\"");
  if (with_role) absl::StrAppend(&line, ",\"role\":\"", RoleName(e.role), "\"");
  line.push_back('}');
  return line;
}

std::string SearchHitToJson(const SearchHit& hit, size_t rank) {
  const std::string event = EventToJson(hit.event);  // "{...}"
  return absl::StrCat("{\"rank\":", rank, ",\"score\":", absl::StrFormat("%.6g", hit.score),
                      ",\"version_seq\":", hit.version_seq, ",", event.substr(1));
}

std::string EventToJson(const Event& e, std::string_view target_id) {
  using internal::AppendJsonKey;
  using internal::AppendJsonTextOrNull;
  std::string out = "{";
  AppendJsonKey("seq", &out);
  absl::StrAppend(&out, e.seq);
  AppendJsonTextOrNull("recorded_at", FormatTime({e.recorded_at, Precision::kSecond}),
                       &out);
  AppendJsonTextOrNull("kind", EventKindName(e.kind), &out);
  internal::AppendStatementJsonFields(e.id, e.statement, &out);
  switch (e.kind) {
    case EventKind::kCorrection:
    case EventKind::kRetraction:
      AppendJsonKey("target", &out);
      absl::StrAppend(&out, e.target);
      if (!target_id.empty()) {
        AppendJsonKey("target_id", &out);
        AppendJsonString(target_id, &out);
      }
      AppendJsonTextOrNull("reason", e.reason, &out);
      break;
    case EventKind::kActorAlias:
      AppendJsonTextOrNull("alias", e.alias, &out);
      AppendJsonTextOrNull("canonical", e.canonical, &out);
      break;
    case EventKind::kMention:
      AppendJsonTextOrNull("event_id", e.mentioned, &out);
      break;
    case EventKind::kStatement:
      break;
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<std::string> AmendedStatementId(const Engine& engine, const Event& event) {
  if (event.kind != EventKind::kCorrection && event.kind != EventKind::kRetraction)
    return std::string();
  auto target = engine.Get(event.target);
  if (!target.ok()) return target.status();
  return target->id;
}

std::string StatsToJson(std::string_view store, const StoreStats& st) {
  auto time = [](const Timestamp& t, std::string* out) {
    if (t.present()) AppendJsonString(FormatTime(t), out);
    else out->append("null");
  };
  std::string out = "{\"store\":";
  AppendJsonString(store, &out);
  absl::StrAppend(&out, ",\"events\":", st.events, ",\"head\":", st.head,
                  ",\"bytes_on_disk\":", st.bytes_on_disk, ",\"first_occurred_at\":");
  time(st.first_occurred_at, &out);
  out += ",\"last_occurred_at\":";
  time(st.last_occurred_at, &out);
  absl::StrAppend(&out, ",\"lost\":", st.lost, "}");
  return out;
}

std::string GroupCountToJson(const GroupCount& c, bool named) {
  std::string out = "{";
  if (named) {
    out += "\"name\":";
    AppendJsonString(absl::StrJoin(c.key, " | "), &out);
  } else {
    out += "\"key\":[";
    for (size_t i = 0; i < c.key.size(); ++i) {
      if (i) out.push_back(',');
      AppendJsonString(c.key[i], &out);
    }
    out.push_back(']');
  }
  absl::StrAppend(&out, ",\"count\":", c.count, "}");
  return out;
}

}  // namespace annals
