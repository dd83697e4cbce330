// UTF-8 checks shared by validation and the importers.
#ifndef ANNALS_ENGINE_SRC_MODEL_UTF8_H_
#define ANNALS_ENGINE_SRC_MODEL_UTF8_H_

#include <cstddef>
#include <string_view>

namespace annals::internal {

// Returns the byte offset of the first invalid UTF-8 sequence (overlong
// forms, surrogates and code points past U+10FFFF count as invalid), or
// std::string_view::npos if `s` is valid.
size_t FindInvalidUtf8(std::string_view s);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_UTF8_H_
