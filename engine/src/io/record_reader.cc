#include "io/record_reader.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace annals::internal {
namespace {

constexpr size_t kOverlongKept = 1024;

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

size_t CountChar(const char* p, size_t n, char c) {
  size_t k = 0;
  const char* end = p + n;
  while ((p = static_cast<const char*>(std::memchr(p, c, end - p))) != nullptr) {
    ++k;
    ++p;
  }
  return k;
}

std::string Size(size_t bytes) {
  if (bytes % (1u << 20) == 0) return absl::StrCat(bytes >> 20, " MiB");
  return absl::StrCat(bytes, " bytes");
}

}  // namespace

RecordReader::RecordReader(ByteSource& source, Mode mode, Sizes sizes)
    : source_(source), mode_(mode), sizes_(sizes) {
  sizes_.chunk = std::max<size_t>(sizes_.chunk, 1);
  sizes_.max_record = std::max<size_t>(sizes_.max_record, 1);
  buf_.resize(sizes_.chunk);
}

bool RecordReader::Fill() {
  if (eof_ || !status_.ok()) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const size_t want = std::max<size_t>(sizes_.chunk / 2, 1);
  if (buf_.size() - end_ < want) buf_.resize(std::max(buf_.size() * 2, end_ + sizes_.chunk));
  auto r = source_.Read(buf_.data() + end_, std::min(buf_.size() - end_, sizes_.chunk));
  if (!r.ok()) {
    status_ = r.status();
    return false;
  }
  if (*r == 0) {
    eof_ = true;
    return false;
  }
  end_ += *r;
  return true;
}

std::string_view RecordReader::Head(size_t n) {
  while (end_ - begin_ < n && Fill()) {
  }
  return std::string_view(buf_.data() + begin_, std::min(n, end_ - begin_));
}

bool RecordReader::Next(Record* out) {
  if (!status_.ok()) return false;
  if (!started_) {
    started_ = true;
    Head(3);
    if (std::string_view(buf_.data() + begin_, end_ - begin_).starts_with("\xEF\xBB\xBF"))
      begin_ += 3;
  }
  bool ok = mode_ == Mode::kJsonArray ? NextJsonValue(out)
                                      : NextLine(out, mode_ == Mode::kCsv);
  if (ok) out->index = ++index_;
  return ok;
}

bool RecordReader::FindLineEnd(bool csv, size_t* length, size_t* open_quote) {
  // CSV states: at a field's start, in an unquoted field (quotes are
  // literal there), in a quoted field, or just after a quote inside one
  // (the field closed, unless the next byte is a second quote).
  enum { kStart, kUnquoted, kQuoted, kQuoteInQuoted } state = kStart;
  constexpr size_t kNone = std::string_view::npos;
  size_t quote_at = kNone;
  size_t pos = 0;  // next byte to look at, from begin_ (which Fill moves)
  // The next '\n' and '"' at or after pos, or kNone when there is none
  // before `*_scanned`: each byte is searched at most once for each.
  size_t nl = kNone, nl_scanned = 0, quote = kNone, quote_scanned = 0;
  for (;;) {
    const char* base = buf_.data() + begin_;
    const size_t n = end_ - begin_;
    auto find = [&](char c, size_t* at, size_t* scanned) {
      if (*at != kNone && *at >= pos) return;
      const size_t from = std::max(pos, *scanned);
      const void* p = from < n ? std::memchr(base + from, c, n - from) : nullptr;
      *at = p != nullptr ? static_cast<const char*>(p) - base : kNone;
      if (p == nullptr) *scanned = n;
    };
    if (!csv) {
      find('\n', &nl, &nl_scanned);
      if (nl != kNone) {
        *length = nl;
        return true;
      }
      pos = n;
    }
    while (csv && pos < n) {
      if (state == kQuoted) {
        find('"', &quote, &quote_scanned);
        if (quote == kNone) {
          pos = n;
          break;
        }
        pos = quote + 1;
        state = kQuoteInQuoted;
        continue;
      }
      find('\n', &nl, &nl_scanned);
      find('"', &quote, &quote_scanned);
      if (nl != kNone && (quote == kNone || nl < quote)) {
        *length = nl;
        return true;
      }
      if (quote == kNone) {  // no line end, no quote: only commas matter
        state = base[n - 1] == ',' ? kStart : kUnquoted;
        pos = n;
        break;
      }
      // Before the quote: no line end, no quote, so only its last byte counts.
      if (quote > pos) state = base[quote - 1] == ',' ? kStart : kUnquoted;
      if (state == kStart) {
        state = kQuoted;
        quote_at = quote;
      } else {
        state = state == kQuoteInQuoted ? kQuoted : kUnquoted;  // "" inside quotes
      }
      pos = quote + 1;
    }
    if (n > sizes_.max_record) return false;
    if (!Fill()) {
      if (state == kQuoted) *open_quote = quote_at;
      return false;
    }
  }
}

bool RecordReader::NextLine(Record* out, bool csv) {
  for (;;) {
    size_t length = 0, open_quote = std::string_view::npos;
    const bool found = FindLineEnd(csv, &length, &open_quote);
    Record r;
    r.line = line_;
    if (found && length > sizes_.max_record) {
      overlong_.assign(buf_.data() + begin_, std::min(kOverlongKept, length));
      line_ += 1 + CountChar(buf_.data() + begin_, length, '\n');
      begin_ += length + 1;
      r.text = overlong_;
      r.overlong = true;
      *out = r;
      return true;
    } else if (found) {
      r.text = std::string_view(buf_.data() + begin_, length);
      line_ += 1 + (csv ? CountChar(r.text.data(), r.text.size(), '\n') : 0);
      begin_ += length + 1;
    } else if (end_ - begin_ > sizes_.max_record) {
      return SkipOverlong(out);
    } else {
      if (!status_.ok() || begin_ == end_) return false;
      r.text = std::string_view(buf_.data() + begin_, end_ - begin_);
      r.unterminated = true;
      r.open_quote = open_quote;
      line_ += csv ? CountChar(r.text.data(), r.text.size(), '\n') : 0;
      begin_ = end_;
    }
    if (!r.text.empty() && r.text.back() == '\r') r.text.remove_suffix(1);
    if (IsBlank(r.text)) continue;
    *out = r;
    return true;
  }
}

// Keeps the start of the record at begin_ for the report and skips to the
// next line end.
bool RecordReader::SkipOverlong(Record* out) {
  Record r;
  r.line = line_;
  overlong_.assign(buf_.data() + begin_, std::min(kOverlongKept, end_ - begin_));
  line_ += CountChar(buf_.data() + begin_, end_ - begin_, '\n');
  begin_ = end_;
  for (;;) {
    if (!Fill()) break;
    const char* p = static_cast<const char*>(
        std::memchr(buf_.data() + begin_, '\n', end_ - begin_));
    if (p != nullptr) {
      begin_ = p - buf_.data() + 1;
      break;
    }
    begin_ = end_;
  }
  line_ += 1;
  r.text = overlong_;
  r.overlong = true;
  *out = r;
  return true;
}

void RecordReader::CountLines(size_t from, size_t to) {
  line_ += CountChar(buf_.data() + from, to - from, '\n');
}

bool RecordReader::SkipToJsonValue() {
  for (;;) {
    if (begin_ == end_ && !Fill()) return false;
    char c = buf_[begin_];
    if (c == '\n') {
      ++line_;
      ++begin_;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++begin_;
    } else if (!array_open_) {
      if (c != '[') {
        status_ = absl::InvalidArgumentError("expected a JSON array (\"[\") at the start");
        return false;
      }
      array_open_ = true;
      ++begin_;
    } else if (array_closed_) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat("line ", line_, ": text after the end of the JSON array"));
      return false;
    } else if (c == ',') {
      ++begin_;
    } else if (c == ']') {
      array_closed_ = true;
      ++begin_;
    } else {
      return true;
    }
  }
}

bool RecordReader::NextJsonValue(Record* out) {
  if (!SkipToJsonValue()) {
    if (!status_.ok() || !array_open_ || array_closed_ || array_end_reported_) return false;
    // The input ended between records, before the "]": say so once.
    array_end_reported_ = true;
    Record r;
    r.line = line_;
    r.unterminated = true;
    r.unclosed_array = true;
    *out = r;
    return true;
  }
  // One value: track strings and nesting to find its end. `pos` counts
  // from begin_, which Fill moves.
  size_t pos = 0;
  size_t depth = 0;
  bool in_str = false, esc = false;
  bool done = false;
  while (!done) {
    if (begin_ + pos == end_) {
      if (end_ - begin_ > sizes_.max_record) break;
      if (!Fill()) break;
      continue;
    }
    char c = buf_[begin_ + pos];
    if (in_str) {
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') in_str = false;
      ++pos;
      if (!in_str && depth == 0) done = true;
      continue;
    }
    switch (c) {
      case '"': in_str = true; break;
      case '{': case '[': ++depth; break;
      case '}': case ']':
        if (depth == 0) { done = true; continue; }  // a scalar ended by "]"
        if (--depth == 0) done = true;
        break;
      case ',': case ' ': case '\t': case '\r': case '\n':
        if (depth == 0) { done = true; continue; }
        break;
      default: break;
    }
    ++pos;
  }
  if ((!done && end_ - begin_ > sizes_.max_record) || pos > sizes_.max_record) {
    overlong_.assign(buf_.data() + begin_, std::min(kOverlongKept, end_ - begin_));
    status_ = absl::InvalidArgumentError(absl::StrCat(
        "line ", line_, ": a JSON record longer than ", Size(sizes_.max_record),
        "; the rest of the array cannot be read"));
    return false;
  }
  if (!status_.ok()) return false;
  if (done && pos == 0) pos = 1;  // a stray "}": a record of its own, never an empty one
  Record r;
  r.line = line_;
  r.text = std::string_view(buf_.data() + begin_, pos);
  r.unterminated = !done;
  if (!done) array_end_reported_ = true;
  CountLines(begin_, begin_ + pos);
  begin_ += pos;
  *out = r;
  return true;
}

}  // namespace annals::internal
