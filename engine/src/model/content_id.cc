// Stable content ids. Changing anything here changes stored ids and breaks
// idempotent re-import of existing stores: treat the byte layout as frozen.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "annals/fields.h"
#include "annals/mention.h"
#include "annals/statement.h"
#include "model/content_id_internal.h"
#include "model/nfc_inert.h"
#include "utf8proc.h"
#include "xxhash.h"

namespace annals {
namespace {

// Canonical bytes: per field a tag byte, a 4-byte little-endian length and
// the NFC-normalised text, so "ab"+"c" and "a"+"bc" never collide.
class Canon {
 public:
  explicit Canon(size_t reserve = 0) { buf_.reserve(reserve); }
  void Text(char tag, std::string_view s) {
    buf_.push_back(tag);
    const size_t len_at = buf_.size();
    buf_.append(4, '\0');
    AppendNfc(s);
    uint32_t n = static_cast<uint32_t>(buf_.size() - len_at - 4);
    for (int i = 0; i < 4; ++i) buf_[len_at + i] = static_cast<char>(n >> (8 * i));
  }
  void Int(char tag, int64_t x) {
    buf_.push_back(tag);
    for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<char>(x >> (8 * i)));
  }
  const std::string& bytes() const { return buf_; }

 private:
  // Appends NFC(s). An ASCII character never combines with what precedes
  // it and is never reordered, so NFC(a + b) = NFC(a) + NFC(b) whenever b
  // starts with one. Only the non-ASCII runs (each with the character before
  // it, which a combining mark may compose with) go through utf8proc; ASCII
  // text, the bulk of most statements, is copied as is. The bytes are the
  // same as normalising the whole text at once. Most non-ASCII runs
  // (accented Latin, Cyrillic, CJK, typographic punctuation) are already
  // NFC, which a table lookup shows (model/nfc_inert.h).
  void AppendNfc(std::string_view s) {
    size_t done = 0;
    while (done < s.size()) {
      size_t j = done;
      while (j < s.size() && static_cast<unsigned char>(s[j]) < 0x80) ++j;
      if (j == s.size()) break;
      size_t start = j > done ? j - 1 : j;  // the ASCII char before the run
      size_t end = j;
      while (end < s.size() && static_cast<unsigned char>(s[end]) >= 0x80) ++end;
      buf_.append(s.substr(done, start - done));
      if (internal::IsNfcInertText(s.substr(j, end - j)))
        buf_.append(s.substr(start, end - start));  // already NFC
      else
        AppendNfcRun(s.substr(start, end - start));
      done = end;
    }
    buf_.append(s.substr(done));
  }
  void AppendNfcRun(std::string_view run) {
    // NFC with an explicit length: text may hold NUL bytes, which a
    // NUL-terminated call would silently cut off.
    utf8proc_uint8_t* out = nullptr;
    utf8proc_ssize_t n = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(run.data()),
        static_cast<utf8proc_ssize_t>(run.size()), &out,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n >= 0 && out != nullptr)
      buf_.append(reinterpret_cast<char*>(out), static_cast<size_t>(n));
    else
      buf_.append(run);
    std::free(out);
  }
  std::string buf_;
};

// "h:" and the 128-bit hash as 32 lowercase hex digits, high half first.
std::string HashId(const std::string& bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(34, '0');
  id[0] = 'h';
  id[1] = ':';
  for (int i = 0; i < 16; ++i) {
    id[2 + i] = kHex[(h.high64 >> (60 - 4 * i)) & 0xF];
    id[18 + i] = kHex[(h.low64 >> (60 - 4 * i)) & 0xF];
  }
  return id;
}

// The fields the table (annals/fields.h) marks for the content id, in
// table order.
const std::vector<const StatementField*>& IdFields() {
  static const auto* fields = [] {
    auto* out = new std::vector<const StatementField*>();
    for (const StatementField& f : StatementFields())
      if (!f.content_id.empty()) out->push_back(&f);
    return out;
  }();
  return *fields;
}

}  // namespace

std::string ContentId(const Statement& s) {
  // Each marked field under its frozen tags. One allocation: the canonical
  // bytes are the fields plus 5 bytes each (NFC rarely grows text).
  const std::vector<const StatementField*>& fields = IdFields();
  size_t size = 64;
  for (const StatementField* f : fields) {
    if (f->type == FieldType::kText) size += f->Text(s).size();
    if (f->type == FieldType::kTextList)
      for (const auto& t : f->List(s)) size += 5 + t.size();
  }
  Canon c(size);
  for (const StatementField* f : fields) {
    switch (f->type) {
      case FieldType::kText:
        c.Text(f->content_id[0], f->Text(s));
        break;
      case FieldType::kTextList:
        c.Int(f->content_id[0], static_cast<int64_t>(f->List(s).size()));
        for (const auto& t : f->List(s)) c.Text(f->content_id[1], t);
        break;
      case FieldType::kTime:
        c.Int(f->content_id[0], f->Time(s).micros);
        c.Int(f->content_id[1], static_cast<int64_t>(f->Time(s).precision));
        break;
      case FieldType::kAttributes:
        break;  // never part of the content id
    }
  }
  return HashId(c.bytes());
}

std::string EffectiveId(const Statement& s) {
  return s.id.empty() ? ContentId(s) : s.id;
}

std::string MentionId(const Mention& m) {
  // Attributes as one part: key NUL value NUL, unambiguous since text
  // never holds NUL (ValidateMention).
  std::string attributes;
  for (const Attribute& a : m.attributes) {
    if (a.key.starts_with("import.")) continue;  // provenance: where it was read
    attributes.append(a.key).push_back('\0');
    attributes.append(a.value).push_back('\0');
  }
  const Timestamp& at = m.source.published_at;
  const std::string published =
      at.present() ? absl::StrCat(at.micros, "/", static_cast<int>(at.precision)) : "";
  return internal::KindContentId(
      'm', {m.event_id, m.source.outlet, m.source.url, published, m.source.via, attributes});
}

}  // namespace annals

namespace annals::internal {

std::string KindContentId(char kind, std::initializer_list<std::string_view> parts) {
  Canon c;
  c.Text('K', std::string_view(&kind, 1));
  for (std::string_view p : parts) c.Text('f', p);
  return HashId(c.bytes());
}

}  // namespace annals::internal
