// PLOVER / POLECAT JSON records -> statements (mapping in annals/import.h).
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "io/key_set.h"
#include "io/row_mapper.h"
#include "model/sv.h"
#include "simdjson.h"

namespace annals::internal {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string_view Str(element e) { return std::string_view(e.get_string().value_unsafe()); }

const char* TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "a list";
    case element_type::OBJECT: return "an object";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
    default: return "a number";
  }
}

// Appends attribute `key`; false (with *over = key) when the statement
// holds Limits::kAttributes already.
bool Add(std::string key, std::string value, std::vector<Attribute>* out, std::string* over) {
  if (out->size() >= Limits::kAttributes) {
    *over = std::move(key);
    return false;
  }
  out->push_back({std::move(key), std::move(value)});
  return true;
}

// Nested values become attributes "a.b", list items "a[0]"; scalars keep
// their JSON text (numbers, booleans), strings their value; null and "" are
// left out. Stops (false, *over naming the key) at the attribute limit.
bool Flatten(const std::string& key, element e, std::vector<Attribute>* out, std::string* over) {
  switch (e.type()) {
    case element_type::NULL_VALUE: return true;
    case element_type::STRING:
      return Str(e).empty() || Add(key, std::string(Str(e)), out, over);
    case element_type::OBJECT: {
      simdjson::dom::object fields = e.get_object().value_unsafe();
      for (auto [k, v] : fields)
        if (!Flatten(absl::StrCat(key, ".", AV(k)), v, out, over)) return false;
      return true;
    }
    case element_type::ARRAY: {
      simdjson::dom::array items = e.get_array().value_unsafe();
      size_t i = 0;
      for (element v : items)
        if (!Flatten(absl::StrCat(key, "[", i++, "]"), v, out, over)) return false;
      return true;
    }
    default:
      return Add(key, simdjson::minify(e), out, over);
  }
}

class PloverMapper : public RowMapper {
 public:
  absl::Status Map(const Record& record, Statement* s) override {
    element root;
    auto error = parser_.parse(record.text.data(), record.text.size(), true).get(root);
    if (error)
      return FieldError("record", absl::StrCat("not valid JSON (",
                                               simdjson::error_message(error), ")"));
    if (!root.is_object())
      return FieldError("record", absl::StrCat("expected a JSON object (a PLOVER record), got ",
                                               TypeName(root.type())));
    simdjson::dom::object fields = root.get_object().value_unsafe();
    KeySet seen;  // linear in the keys, however many (issue 16.11)
    bool has_id = false, has_date = false;
    std::string over;  // the first attribute past the limit
    for (auto [key, value] : fields) {
      if (!seen.Insert(key)) return FieldError(key.substr(0, 64), "appears twice");
      absl::Status st;
      if (key == "id") {
        std::string id;
        if (value.is_string()) id = std::string(Str(value));
        else if (value.is_number()) id = simdjson::minify(value);
        else st = FieldError(key, absl::StrCat("expected a string, got ", TypeName(value.type())));
        if (st.ok() && id.empty()) st = FieldError(key, "empty");
        if (st.ok()) st = CheckLength(key, id, Limits::kId - 7);
        if (st.ok()) s->id = absl::StrCat("plover:", id);
        has_id = true;
      } else if (key == "date") {
        has_date = true;
        if (!value.is_string())
          st = FieldError(key, absl::StrCat("expected a date string, got ", TypeName(value.type())));
        else if (auto t = ParseTime(Str(value)); !t.ok())
          st = FieldError(key, absl::StrCat("unparseable date \"", AV(Str(value).substr(0, 40)),
                                            "\" (", t.status().message(), ")"));
        else
          s->occurred_at = *t;
      } else if (key == "source" || key == "actor") {
        st = Actors(key, value, s, /*speaker=*/true, &over);
      } else if (key == "target" || key == "recipient") {
        st = Actors(key, value, s, /*speaker=*/false, &over);
      } else if (key == "event") {
        st = Text(key, value, Limits::kVerb, &s->event_type);
      } else if (key == "eventText") {
        st = Text(key, value, Limits::kVerb, &s->verb);
      } else if (key == "text") {
        st = Text(key, value, Limits::kContent, &s->quote);
      } else if (key == "publication") {
        st = Text(key, value, Limits::kOutlet, &s->source.outlet);
      } else if (key == "cameo" || key == "cameo_code" || key == "cameoCode" || key == "CAMEO") {
        if (value.is_number()) st = FieldError(key, "expected a string; a number loses leading zeros");
        else st = Text(key, value, Limits::kCode, &s->code);
      } else if (key == "context") {
        st = Context(value, &s->topics);
      } else if (!Flatten(std::string(key), value, &s->attributes, &over)) {
        st = TooManyAttributes(over);
      }
      if (!st.ok()) return st;
    }
    if (!has_id) return FieldError("id", "missing (a PLOVER record needs an id)");
    if (!has_date || !s->occurred_at.present())
      return FieldError("date", "missing (a PLOVER record needs a date)");
    for (const Attribute& a : s->attributes)
      if (auto st = CheckLength(a.key, a.value, Limits::kAttributeValue); !st.ok()) return st;
    return absl::OkStatus();
  }

 private:
  static absl::Status Text(std::string_view key, element v, size_t limit, std::string* out) {
    if (v.is_null()) return absl::OkStatus();
    if (!v.is_string())
      return FieldError(key, absl::StrCat("expected a string, got ", TypeName(v.type())));
    if (auto st = CheckLength(key, Str(v), limit); !st.ok()) return st;
    *out = std::string(Str(v));
    return absl::OkStatus();
  }

  // "diplomatic, military" -> two topics; a list of strings works too.
  static absl::Status Context(element v, std::vector<std::string>* topics) {
    auto add = [&](std::string_view text) -> absl::Status {
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        std::string_view t = SV(absl::StripAsciiWhitespace(AV(text.substr(start, comma - start))));
        if (!t.empty()) {
          if (auto st = CheckLength("context", t, Limits::kName); !st.ok()) return st;
          if (topics->size() >= Limits::kListItems) return TooManyItems("context");
          topics->emplace_back(t);
        }
        start = comma + 1;
      }
      return absl::OkStatus();
    };
    if (v.is_null()) return absl::OkStatus();
    if (v.is_string()) return add(Str(v));
    if (v.is_array()) {
      simdjson::dom::array items = v.get_array().value_unsafe();
      for (element item : items) {
        if (!item.is_string()) return FieldError("context", "expected a list of strings");
        if (auto st = add(Str(item)); !st.ok()) return st;
      }
      return absl::OkStatus();
    }
    return FieldError("context", absl::StrCat("expected a string, got ", TypeName(v.type())));
  }

  // A list of actor objects ({"actorText": ..., "code": ..., ...}), one
  // object, a name, or "" / null for none. The first source's name is the
  // speaker (further ones are kept as attributes); every target's name is a
  // target. Their other keys become attributes "source[i].code".
  static absl::Status Actors(std::string_view key, element v, Statement* s, bool speaker,
                             std::string* over) {
    std::vector<element> actors;
    if (v.is_null()) return absl::OkStatus();
    if (v.is_array()) {
      simdjson::dom::array items = v.get_array().value_unsafe();
      for (element item : items) actors.push_back(item);
    } else {
      actors.push_back(v);
    }
    size_t i = 0;
    for (element a : actors) {
      std::string prefix = absl::StrCat(AV(key), "[", i++, "]");
      std::string name;
      if (a.is_string()) {
        name = std::string(Str(a));
      } else if (a.is_object()) {
        simdjson::dom::object fields = a.get_object().value_unsafe();
        for (auto [k, val] : fields) {
          if (k == "actorText" && val.is_string()) name = std::string(Str(val));
          else if (!Flatten(absl::StrCat(prefix, ".", AV(k)), val, &s->attributes, over))
            return TooManyAttributes(*over);
        }
      } else if (!a.is_null()) {
        return FieldError(key, absl::StrCat("expected actor objects, got ", TypeName(a.type())));
      }
      if (name.empty()) continue;
      if (auto st = CheckLength(absl::StrCat(prefix, ".actorText"), name, Limits::kName); !st.ok())
        return st;
      if (!speaker && s->targets.size() >= Limits::kListItems) return TooManyItems(prefix);
      if (!speaker) s->targets.push_back(std::move(name));
      else if (s->speaker.empty()) s->speaker = std::move(name);
      else if (!Add(absl::StrCat(prefix, ".actorText"), std::move(name), &s->attributes, over))
        return TooManyAttributes(*over);
    }
    return absl::OkStatus();
  }

  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<RowMapper> NewPloverMapper() { return std::make_unique<PloverMapper>(); }

}  // namespace annals::internal
