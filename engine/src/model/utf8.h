// UTF-8 checks shared by validation and the importers.
#ifndef ANNALS_ENGINE_SRC_MODEL_UTF8_H_
#define ANNALS_ENGINE_SRC_MODEL_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace annals::internal {

// Decodes the non-ASCII sequence starting at p[0] (p[0] >= 0x80), of at
// most `n` bytes. Returns its length and sets `cp`, or returns 0 if it is
// invalid: truncated, overlong, a surrogate or past U+10FFFF.
inline size_t DecodeUtf8(const uint8_t* p, size_t n, char32_t* cp) {
  const uint8_t c = p[0];
  size_t len;
  char32_t v;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    v = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    v = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (len > n) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[k] & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

// Returns the byte offset of the first invalid UTF-8 sequence (overlong
// forms, surrogates and code points past U+10FFFF count as invalid), or
// std::string_view::npos if `s` is valid.
size_t FindInvalidUtf8(std::string_view s);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_UTF8_H_
