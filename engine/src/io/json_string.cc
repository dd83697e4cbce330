// AppendJsonString (annals/json.h): a JSON string literal, with the
// controls a terminal would act on escaped.
#include <array>
#include <cstdio>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// How many bytes from `from` on are plain (kJsonAttention marks none),
// checked 16 at a time with SSE2 where the compiler has it: the usual case
// in text, which then is copied whole.
size_t PlainRun(std::string_view s, size_t from) {
  size_t i = from;
#if defined(__SSE2__)
  const __m128i below_space = _mm_set1_epi8(0x1f), quote = _mm_set1_epi8('"'),
                backslash = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7f),
                c2 = _mm_set1_epi8(static_cast<char>(0xc2));
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, below_space), v), _mm_cmpeq_epi8(v, quote)),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, del)),
                     _mm_cmpeq_epi8(v, c2)));
    if (const int mask = _mm_movemask_epi8(hit); mask != 0)
      return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask))) - from;
  }
#endif
  while (i < s.size() && !kJsonAttention[static_cast<unsigned char>(s[i])]) ++i;
  return i - from;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t plain = 0;  // where the bytes not yet copied start
  for (size_t i = PlainRun(s, 0); i < s.size(); i += 1 + PlainRun(s, i + 1)) {
    const auto c = static_cast<unsigned char>(s[i]);
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
