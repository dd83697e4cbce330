#include "serve/http_params.h"

#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "annals/time.h"

namespace annals::internal {
namespace {

// from= / to=: dates, as `timeline --from/--to`.
absl::Status DateParam(const HttpTarget& t, const std::string& name, Timestamp* out) {
  auto text = Param(t, name);
  if (!text.has_value() || text->empty()) return absl::OkStatus();
  auto time = ParseTime(*text);
  if (time.ok()) {
    *out = *time;
    return absl::OkStatus();
  }
  std::string msg = absl::StrCat(name, ": ", time.status().message());
  if (text->find_first_not_of("0123456789") == std::string::npos)
    absl::StrAppend(&msg, " (", name, " is a date; log positions are ", name, "_seq)");
  return absl::InvalidArgumentError(msg);
}

absl::Status TimelineName(const HttpTarget& t, TimelineQuery* q) {
  auto actor = Param(t, "actor"), topic = Param(t, "topic"), role = Param(t, "role");
  if (actor.has_value() == topic.has_value())
    return absl::InvalidArgumentError("give exactly one of actor= and topic=");
  q->kind = actor.has_value() ? TimelineKind::kActor : TimelineKind::kTopic;
  q->name = actor.has_value() ? *actor : *topic;
  if (q->name.empty()) return absl::InvalidArgumentError("the name is empty");
  if (!role.has_value()) return absl::OkStatus();
  if (topic.has_value()) return absl::InvalidArgumentError("role: applies to actor= only");
  if (*role == "speaker") q->role = Role::kSpeaker;
  else if (*role == "target") q->role = Role::kTarget;
  else if (*role == "any") q->role = Role::kAny;
  else return absl::InvalidArgumentError("role: expected speaker, target or any");
  return absl::OkStatus();
}

// The parameters every timeline page takes; `known` adds the rest.
absl::StatusOr<TimelineQuery> PageQueryOf(const HttpTarget& t,
                                          std::initializer_list<std::string_view> known) {
  if (absl::Status s = CheckParams(t, known); !s.ok()) return s;
  TimelineQuery q;
  if (absl::Status s = DateParam(t, "from", &q.from); !s.ok()) return s;
  if (absl::Status s = DateParam(t, "to", &q.to); !s.ok()) return s;
  if (absl::Status s = CheckRange(q.from, q.to); !s.ok()) return s;
  auto limit = UintParam(t, "limit", kDefaultLimit);
  auto reverse = BoolParam(t, "reverse", false);
  auto retracted = BoolParam(t, "include_retracted", false);
  if (!limit.ok()) return limit.status();
  if (!reverse.ok()) return reverse.status();
  if (!retracted.ok()) return retracted.status();
  q.limit = *limit;
  q.reverse = *reverse;
  q.include_retracted = *retracted;
  q.cursor = Param(t, "cursor").value_or("");
  q.wait = false;  // never hold a read thread for a projection's build (503)
  return q;
}

}  // namespace

absl::StatusOr<TimelineQuery> TimelineQueryOf(const HttpTarget& t) {
  auto q = PageQueryOf(t, {"actor", "topic", "role", "from", "to", "as_of", "limit", "cursor",
                           "reverse", "include_retracted"});
  if (!q.ok()) return q;
  if (absl::Status s = TimelineName(t, &*q); !s.ok()) return s;
  return q;
}

absl::StatusOr<TimelineQuery> ProjectionQueryOf(const HttpTarget& t,
                                                const std::string& projection) {
  auto q = PageQueryOf(t, {"key", "counts", "from", "to", "as_of", "limit", "cursor",
                           "reverse", "include_retracted"});
  if (!q.ok()) return q;
  if (t.keys.empty())
    return absl::InvalidArgumentError(
        "give key= once per key field of the projection (in key order), or counts");
  q->projection = projection;
  q->key = t.keys;
  return q;
}

absl::StatusOr<SearchQuery> SearchQueryOf(const HttpTarget& t) {
  if (absl::Status s = CheckParams(t, {"q", "actor", "topic", "from", "to", "as_of", "limit",
                                       "lang"});
      !s.ok())
    return s;
  SearchQuery q;
  q.text = Param(t, "q").value_or("");
  if (q.text.empty()) return absl::InvalidArgumentError("q: give the words to search for");
  q.actor = Param(t, "actor").value_or("");
  q.topic = Param(t, "topic").value_or("");
  q.language = Param(t, "lang").value_or(q.language);
  if (absl::Status s = DateParam(t, "from", &q.from); !s.ok()) return s;
  if (absl::Status s = DateParam(t, "to", &q.to); !s.ok()) return s;
  auto limit = UintParam(t, "limit", q.limit);
  if (!limit.ok()) return limit.status();
  q.limit = static_cast<size_t>(*limit);
  return q;  // the rest is checked by Search
}

absl::StatusOr<CountsQuery> CountsQueryOf(const HttpTarget& t, const std::string& projection) {
  if (absl::Status s = CheckParams(t, {"prefix", "top", "from", "to", "as_of", "counts"});
      !s.ok())
    return s;
  CountsQuery q;
  q.projection = projection;
  q.prefix = Param(t, "prefix").value_or("");
  if (absl::Status s = DateParam(t, "from", &q.from); !s.ok()) return s;
  if (absl::Status s = DateParam(t, "to", &q.to); !s.ok()) return s;
  if (absl::Status s = CheckRange(q.from, q.to); !s.ok()) return s;
  auto top = UintParam(t, "top", 0);
  if (!top.ok()) return top.status();
  q.top = *top;
  q.wait = false;  // as PageQueryOf
  return q;
}

}  // namespace annals::internal
