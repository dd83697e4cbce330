#include "model/names.h"

#include "annals/names.h"

#include <cstdlib>

#include "utf8proc.h"

namespace annals::internal {
namespace {

bool IsSpace(utf8proc_int32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return true;
  if (cp < 0x80) return false;
  auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP || cp == 0x85;
}

}  // namespace

std::string NormalizeName(std::string_view name) {
  bool ascii = true;
  for (unsigned char c : name) ascii &= c < 0x80;
  if (ascii) {
    // Most names: fold and collapse in one pass (projections normalise
    // every name of every event they apply).
    std::string result;
    result.reserve(name.size());
    bool pending_space = false;
    for (char c : name) {
      if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
        pending_space = !result.empty();
        continue;
      }
      if (pending_space) result.push_back(' ');
      pending_space = false;
      result.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
    return result;
  }
  std::string folded;
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
      static_cast<utf8proc_ssize_t>(name.size()), &out,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                     UTF8PROC_CASEFOLD));
  if (n >= 0 && out != nullptr)
    folded.assign(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  else
    folded.assign(name);  // invalid UTF-8 cannot be stored; keep as is
  std::free(out);
  // Collapse whitespace.
  std::string result;
  result.reserve(folded.size());
  bool pending_space = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  utf8proc_ssize_t len = static_cast<utf8proc_ssize_t>(folded.size());
  for (utf8proc_ssize_t i = 0; i < len;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t step = utf8proc_iterate(p + i, len - i, &cp);
    if (step <= 0) {
      result.push_back(folded[i]);
      ++i;
      continue;
    }
    if (IsSpace(cp)) {
      pending_space = !result.empty();
    } else {
      if (pending_space) result.push_back(' ');
      pending_space = false;
      result.append(folded, static_cast<size_t>(i), static_cast<size_t>(step));
    }
    i += step;
  }
  return result;
}

}  // namespace annals::internal

namespace annals::internal {

std::string FoldName(std::string_view name) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
      static_cast<utf8proc_ssize_t>(name.size()), &out,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                     UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                     UTF8PROC_IGNORE));
  std::string folded;
  if (n >= 0 && out != nullptr)
    folded.assign(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  else
    folded.assign(name);
  std::free(out);
  std::string result;
  bool pending_space = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  const utf8proc_ssize_t len = static_cast<utf8proc_ssize_t>(folded.size());
  for (utf8proc_ssize_t i = 0; i < len;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t step = utf8proc_iterate(p + i, len - i, &cp);
    if (step <= 0) break;
    const auto cat = utf8proc_category(cp);
    const bool gap = IsSpace(cp) || (cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_SO) ||
                     cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF;
    if (gap) {
      pending_space = !result.empty();
    } else {
      if (pending_space) result.push_back(' ');
      pending_space = false;
      result.append(reinterpret_cast<const char*>(p + i), static_cast<size_t>(step));
    }
    i += step;
  }
  return result;
}

}  // namespace annals::internal

namespace annals {

std::string NormalizedName(std::string_view name) { return internal::NormalizeName(name); }

}  // namespace annals
