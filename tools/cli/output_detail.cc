// `show`'s table layout (output.h, NewDetailWriter): one block per event,
// one field per line, keys never cut, values wrapped.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "utf8proc.h"

namespace annals::cli {
namespace {

constexpr int kLineWidth = 99;     // never wraps on a 100-column terminal
constexpr int kMinKeyWidth = 13;   // the key column before attributes widen it
constexpr int kMaxKeyWidth = 32;   // wider keys put their value on the next line
constexpr int kMinValueWidth = 40;

// Splits `word` (escaped text) into pieces of at most `width` columns.
std::vector<std::string> BreakWord(std::string_view word, int width) {
  std::vector<std::string> pieces(1);
  int used = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
  const auto n = static_cast<utf8proc_ssize_t>(word.size());
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0xFFFD;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {  // cannot happen after escaping
      cp = 0xFFFD;
      len = 1;
    }
    int w = std::max(0, utf8proc_charwidth(cp));
    if (used + w > width && used > 0) {
      pieces.emplace_back();
      used = 0;
    }
    pieces.back().append(word.data() + i, static_cast<size_t>(len));
    used += w;
    i += len;
  }
  return pieces;
}

// Word-wraps escaped text `s` to `width` columns, continuation lines
// indented by `indent` spaces. Newlines in `s` are kept; a word wider than
// `width` (a long URL) is broken.
std::string Wrap(std::string_view s, int width, size_t indent) {
  std::string out;
  int col = 0;
  auto new_line = [&] {
    out.push_back('\n');
    out.append(indent, ' ');
    col = 0;
  };
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\n') {
      new_line();
      ++i;
      continue;
    }
    size_t end = s.find_first_of(" \n", i);
    if (end == std::string_view::npos) end = s.size();
    for (const std::string& piece : BreakWord(s.substr(i, end - i), width)) {
      int cols = DisplayWidth(piece);
      if (col > 0 && col + 1 + cols > width) {
        new_line();
      } else if (col > 0) {
        out.push_back(' ');
        ++col;
      }
      out.append(piece);
      col += cols;
    }
    i = end;
    if (i < s.size() && s[i] == ' ') ++i;
  }
  return out;
}

class DetailWriter final : public EventWriter {
 public:
  explicit DetailWriter(std::FILE* out) : out_(out) {}
  void Write(const Event& e) override {
    std::vector<std::pair<std::string, std::string>> fields;  // escaped
    auto field = [&](std::string_view name, std::string_view value,
                     bool multiline = false) {
      if (value.empty()) return;
      fields.emplace_back(EscapeForTerminal(name), EscapeForTerminal(value, multiline));
    };
    const Statement& s = e.statement;
    field("seq", absl::StrCat(e.seq));
    field("recorded_at", FormatTime({e.recorded_at, Precision::kSecond}));
    field("kind", EventKindName(e.kind));
    field("id", e.id);
    if (e.kind == EventKind::kCorrection || e.kind == EventKind::kRetraction)
      field("target", absl::StrCat(e.target));
    field("reason", e.reason, true);
    field("alias", e.alias);
    field("canonical", e.canonical);
    field("event_id", e.mentioned);
    field("occurred_at", FormatTime(s.occurred_at));
    field("speaker", s.speaker);
    field("verb", s.verb);
    field("code", s.code);
    field("event_type", s.event_type);
    field("targets", absl::StrJoin(s.targets, "; "));
    field("topics", absl::StrJoin(s.topics, "; "));
    field("content", s.content, true);
    field("quote", s.quote, true);
    field("outlet", s.source.outlet);
    field("via", s.source.via);
    field("url", s.source.url);
    field("published_at", FormatTime(s.source.published_at));
    for (const Attribute& a : s.attributes)
      field(absl::StrCat("@", a.key), a.value, true);

    int key_w = kMinKeyWidth;
    for (const auto& [name, value] : fields)
      if (int w = DisplayWidth(name); w <= kMaxKeyWidth) key_w = std::max(key_w, w);
    const int value_w = std::max(kMinValueWidth, kLineWidth - key_w - 1);
    std::string b;
    for (const auto& [name, value] : fields) {
      const int w = DisplayWidth(name);
      b += name;
      if (w > key_w) {  // a very long key: the value goes below, indented
        b += "\n";
        b.append(static_cast<size_t>(key_w + 1), ' ');
      } else {
        b.append(static_cast<size_t>(key_w - w + 1), ' ');
      }
      b += Wrap(value, value_w, static_cast<size_t>(key_w + 1));
      b += "\n";
    }
    if (count_++) b.insert(0, "\n");
    std::fwrite(b.data(), 1, b.size(), out_);
  }

 private:
  std::FILE* out_;
  int count_ = 0;
};

}  // namespace

std::unique_ptr<EventWriter> NewDetailWriter(std::FILE* out) {
  return std::make_unique<DetailWriter>(out);
}

}  // namespace annals::cli
