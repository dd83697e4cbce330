// A quick check that lets NFC normalisation skip text it would not change.
#ifndef ANNALS_ENGINE_SRC_MODEL_NFC_INERT_H_
#define ANNALS_ENGINE_SRC_MODEL_NFC_INERT_H_

#include <string_view>

namespace annals::internal {

// True if `cp` is "NFC-inert": NFC leaves it unchanged alone, it has
// canonical combining class 0, and neither it nor the first code point of
// its canonical decomposition is ever the second of a canonical
// composition. A string of ASCII and inert code points is therefore
// already in NFC, in any context. Conservative: false for every code point
// outside a fixed table of assigned ranges (Latin, Greek, Cyrillic, Arabic,
// Hebrew, Indic letters, punctuation, CJK, kana, Hangul syllables, ...),
// so that Unicode versions that assign new characters cannot change it.
bool IsNfcInert(char32_t cp);

// True if `utf8` is valid UTF-8 made of ASCII and NFC-inert code points.
bool IsNfcInertText(std::string_view utf8);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_NFC_INERT_H_
