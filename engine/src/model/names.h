// Name matching: "Volodymyr  Zelensky" and "volodymyr zelensky" are one name.
#ifndef ANNALS_ENGINE_SRC_MODEL_NAMES_H_
#define ANNALS_ENGINE_SRC_MODEL_NAMES_H_

#include <string>
#include <string_view>

namespace annals::internal {

// NFC, Unicode case folding, every run of Unicode whitespace collapsed to one
// ASCII space, leading/trailing whitespace removed. Stored in projection
// keys: changing it requires bumping the projections' versions.
std::string NormalizeName(std::string_view name);

// A looser form, for suggestions and search only (never for matching or
// keys): compatibility decomposition, case folding, accents and other
// combining marks removed, punctuation and symbols read as spaces,
// whitespace collapsed: "Erdoğan" and "ERDOGAN" fold alike, and so do
// "Al-Assad" and "al assad".
std::string FoldName(std::string_view name);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_NAMES_H_
