#include "cli/terminal.h"

#include <cstdio>

#include "utf8proc.h"

namespace annals::cli {
namespace {

bool IsBidiControl(int32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void AppendHex(const char* format, unsigned value, std::string* out) {
  char buf[8];
  std::snprintf(buf, sizeof buf, format, value);
  out->append(buf);
}

}  // namespace

std::string EscapeForTerminal(std::string_view s, bool keep_newlines) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  const auto n = static_cast<utf8proc_ssize_t>(s.size());
  for (utf8proc_ssize_t i = 0; i < n;) {
    const unsigned char byte = p[i];
    if (byte < 0x80) {  // ASCII: the common case, no decoding
      ++i;
      if (byte >= 0x20 && byte != 0x7F) out.push_back(static_cast<char>(byte));
      else if (byte == '\n') out.append(keep_newlines ? "\n" : "\\n");
      else if (byte == '\r') out.append("\\r");
      else if (byte == '\t') out.append("\\t");
      else AppendHex("\\x%02x", byte, &out);
      continue;
    }
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {  // not UTF-8: show the byte
      AppendHex("\\x%02x", byte, &out);
      ++i;
      continue;
    }
    if ((cp >= 0x80 && cp <= 0x9F) || IsBidiControl(cp))
      AppendHex("\\u%04x", static_cast<unsigned>(cp), &out);
    else
      out.append(s.data() + i, static_cast<size_t>(len));
    i += len;
  }
  return out;
}

}  // namespace annals::cli
