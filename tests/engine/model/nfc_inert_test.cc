// The NFC quick check (model/nfc_inert.h) lets content ids skip utf8proc
// for text that is already NFC. Content ids are frozen, so a code point the
// table wrongly calls inert would change stored ids: check every one of
// them against the linked utf8proc.
#include "model/nfc_inert.h"

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "utf8proc.h"

namespace annals::internal {
namespace {

std::string Utf8(char32_t cp) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  return std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
}

std::string Nfc(const std::string& s) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
      static_cast<utf8proc_ssize_t>(s.size()), &out,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::string r = n >= 0 ? std::string(reinterpret_cast<char*>(out), n) : "<error>";
  std::free(out);
  return r;
}

std::vector<utf8proc_int32_t> Decompose(char32_t cp) {
  utf8proc_int32_t buf[32];
  int last_boundclass = 0;
  utf8proc_ssize_t n = utf8proc_decompose_char(
      static_cast<utf8proc_int32_t>(cp), buf, 32, UTF8PROC_DECOMPOSE, &last_boundclass);
  return std::vector<utf8proc_int32_t>(buf, buf + (n > 0 ? n : 0));
}

bool IsSurrogate(char32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

TEST(NfcInertTest, EveryInertCodePointIsStableInAnyContext) {
  // Code points that can follow a starter inside a canonical composition:
  // everything after the first position of some canonical decomposition (a
  // superset of the composition "seconds", Hangul vowels and finals too).
  std::vector<bool> may_compose_after(0x110000);
  for (char32_t cp = 0; cp < 0x110000; ++cp) {
    if (IsSurrogate(cp)) continue;
    auto d = Decompose(cp);
    for (size_t i = 1; i < d.size(); ++i) may_compose_after[d[i]] = true;
  }
  size_t inert = 0;
  for (char32_t cp = 0x80; cp < 0x110000; ++cp) {
    if (IsSurrogate(cp) || !IsNfcInert(cp)) continue;
    ++inert;
    const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
    ASSERT_NE(p->category, UTF8PROC_CATEGORY_CN) << std::hex << static_cast<uint32_t>(cp) << " is unassigned";
    ASSERT_EQ(p->combining_class, 0) << std::hex << static_cast<uint32_t>(cp);
    ASSERT_EQ(Nfc(Utf8(cp)), Utf8(cp)) << std::hex << static_cast<uint32_t>(cp);
    auto d = Decompose(cp);
    ASSERT_FALSE(d.empty()) << std::hex << static_cast<uint32_t>(cp);
    ASSERT_FALSE(may_compose_after[cp]) << std::hex << static_cast<uint32_t>(cp);
    ASSERT_FALSE(may_compose_after[d[0]]) << std::hex << static_cast<uint32_t>(cp);
  }
  // What utf8proc itself does after each kind of starter: an ASCII letter,
  // Hangul L jamo, LV and LVT syllables (utf8proc composes U+11A7 into an
  // LV syllable, unlike Unicode), precomposed Latin, Cyrillic, Arabic.
  for (char32_t before : {U'a', U'\u1100', U'\uAC00', U'\uAC01', U'\u00E9', U'\u0415',
                          U'\u0627', U'\u3042'}) {
    for (char32_t cp = 0x80; cp < 0x110000; ++cp) {
      if (IsSurrogate(cp) || !IsNfcInert(cp)) continue;
      const std::string pair = Utf8(before) + Utf8(cp);
      ASSERT_EQ(Nfc(pair), pair) << std::hex << static_cast<uint32_t>(before) << " then "
                                 << static_cast<uint32_t>(cp);
    }
  }
  // The table covers the scripts of most statements: keep it from
  // silently shrinking to nothing.
  EXPECT_GT(inert, 50000u);
  for (char32_t cp : {U'é', U'ş', U'Ł', U'ё', U'Ж', U'’', U'–', U'中', U'가', U'ا'})
    EXPECT_TRUE(IsNfcInert(cp)) << std::hex << static_cast<uint32_t>(cp);
  for (char32_t cp : {U'\u0301', U'\u0308', U'\u1161', U'\u11A7', U'\u11A8', U'\u212B',
                      U'\u0374'})
    EXPECT_FALSE(IsNfcInert(cp)) << std::hex << static_cast<uint32_t>(cp);
}

TEST(NfcInertTest, TextCheckAgreesWithNormalisation) {
  EXPECT_TRUE(IsNfcInertText(""));
  EXPECT_TRUE(IsNfcInertText("S\xC3\xA9journ\xC3\xA9"));             // Séjourné
  EXPECT_FALSE(IsNfcInertText("Se\xCC\x81journe\xCC\x81"));           // NFD
  EXPECT_FALSE(IsNfcInertText("\xE1\x84\x80\xE1\x85\xA1"));           // jamo L V
  EXPECT_FALSE(IsNfcInertText("\xEA\xB0\x80\xE1\x86\xA8"));           // LV + T
  EXPECT_FALSE(IsNfcInertText("\xC3"));                               // truncated
  EXPECT_FALSE(IsNfcInertText("\xC0\x80"));                           // overlong
  EXPECT_FALSE(IsNfcInertText("\xED\xA0\x80"));                       // surrogate
  EXPECT_FALSE(IsNfcInertText("\xF0\x9F\x98\x80"));                   // outside the table
  // Random strings over inert and non-inert pieces: whenever the check
  // says inert, NFC must leave the string unchanged.
  static const char32_t kPieces[] = {U'a', U'e', U' ', U'é', U'\u0301', U'\u0308', U'ё',
                                     U'\u0415', U'\u1100', U'\u1161', U'\u11A7', U'\u11A8', U'가',
                                     U'中', U'\u2019', U'\u212B', U'\u0627', U'\u0653'};
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> piece(0, std::size(kPieces) - 1);
  size_t checked = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (int n = static_cast<int>(rng() % 8); n > 0; --n) s += Utf8(kPieces[piece(rng)]);
    if (!IsNfcInertText(s)) continue;
    ++checked;
    ASSERT_EQ(Nfc(s), s);
  }
  EXPECT_GT(checked, 100u);
}

}  // namespace
}  // namespace annals::internal
