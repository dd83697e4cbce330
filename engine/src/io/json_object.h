// The pieces of the hand-rolled JSON emitter shared by EventToJson
// (annals/json.h) and the jsonl export (annals/export.h), so a statement is
// written one way everywhere.
#ifndef ANNALS_SRC_IO_JSON_OBJECT_H_
#define ANNALS_SRC_IO_JSON_OBJECT_H_

#include <string>
#include <string_view>
#include <vector>

#include "annals/statement.h"

namespace annals::internal {

// Appends `"k":` to the object being written in `out` (a comma first unless
// the object was just opened). `out` must not be empty.
void AppendJsonKey(std::string_view k, std::string* out);

// `"k":"v"`, or `"k":null` when `v` is empty (absent).
void AppendJsonTextOrNull(std::string_view k, std::string_view v, std::string* out);

// `"k":["a","b"]`.
void AppendJsonList(std::string_view k, const std::vector<std::string>& v,
                    std::string* out);

// The statement's fields, in the order annals/json.h documents, with `id`
// as the id: "id", "speaker", ..., "source":{...}, "attributes":{...}.
// Appended to an object already opened in `out`; does not close it.
void AppendStatementJsonFields(std::string_view id, const Statement& s,
                               std::string* out);

}  // namespace annals::internal

#endif  // ANNALS_SRC_IO_JSON_OBJECT_H_
