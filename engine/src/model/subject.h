// What an invalid-input error is about, carried by the status as a payload
// so that callers group or route errors without reading their message
// text: a field ("speaker", "SQLDATE", "attributes") or a property of an
// import row ("column count", "truncated", "invalid UTF-8").
#ifndef ANNALS_ENGINE_SRC_MODEL_SUBJECT_H_
#define ANNALS_ENGINE_SRC_MODEL_SUBJECT_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/cord.h"

namespace annals::internal {

inline constexpr char kSubjectPayload[] = "type.annals/subject";

// `st` with its subject set (kept as is if OK).
inline absl::Status WithSubject(absl::Status st, std::string_view subject) {
  if (!st.ok()) st.SetPayload(kSubjectPayload, absl::Cord(absl::string_view(subject.data(), subject.size())));
  return st;
}

// The subject set by WithSubject; "" if none.
inline std::string SubjectOf(const absl::Status& st) {
  auto p = st.GetPayload(kSubjectPayload);  // absl::optional in Debian 12's Abseil
  return p ? std::string(*p) : std::string();
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_SUBJECT_H_
