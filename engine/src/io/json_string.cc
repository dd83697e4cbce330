// AppendJsonString (annals/json.h): a JSON string literal, with the
// controls a terminal would act on escaped.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "annals/json.h"

namespace annals {

namespace {

// Bytes AppendJsonString looks at: the C0 controls, '"', '\\', DEL, and
// 0xC2, the lead byte of the C1 controls. Every other byte is copied as is.
constexpr std::array<bool, 256> kJsonAttention = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = t[0x7f] = t[0xc2] = true;
  return t;
}();

// The escape of `c` (a byte kJsonAttention marks, or the second byte of a
// C1 control), appended to `out`.
void AppendJsonEscape(unsigned char c, std::string* out) {
  switch (c) {
    case '"': out->append("\\\""); return;
    case '\\': out->append("\\\\"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out->append(buf);
    }
  }
}

// Whether any of the 8 bytes of `w` is one kJsonAttention marks (the
// classic "has a byte less than n / equal to n" word tricks, exact for
// "any").
bool AnyAttention(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) |
          has_zero(w ^ (kOnes * 0x7f)) | has_zero(w ^ (kOnes * 0xc2))) != 0;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t plain = 0;  // where the bytes not yet copied start
  for (size_t i = 0; i < s.size(); ++i) {
    // Eight plain bytes at a time, the usual case in text.
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (AnyAttention(w)) break;
      i += 8;
    }
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kJsonAttention[c]) continue;
    // DEL and the C1 controls (U+0080-U+009F, UTF-8 C2 80..C2 9F) are
    // escaped like C0: JSON allows them raw, but a terminal showing the
    // output would act on them. Any other 0xC2 sequence is copied.
    const bool c1 = c == 0xc2 && i + 1 < s.size() &&
                    static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(s[i + 1]) <= 0x9f;
    if (c == 0xc2 && !c1) continue;
    out->append(s.data() + plain, i - plain);
    AppendJsonEscape(c1 ? static_cast<unsigned char>(s[++i]) : c, out);
    plain = i + 1;
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

}  // namespace annals
