#include "io/record_reader.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace annals::internal {
namespace {

constexpr size_t kChunk = 1u << 20;
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

}  // namespace

RecordReader::RecordReader(ByteSource& source, Mode mode)
    : source_(source), mode_(mode), buf_(kChunk) {}

bool RecordReader::Fill() {
  if (eof_ || !status_.ok()) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() - end_ < kChunk / 2) buf_.resize(buf_.size() * 2);
  auto r = source_.Read(buf_.data() + end_, buf_.size() - end_);
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

bool RecordReader::NextLine(Record* out, bool csv) {
  for (;;) {
    size_t scan = begin_;  // next byte to look at
    bool in_quotes = false;
    size_t nl = std::string_view::npos;
    for (;;) {
      const char* p = static_cast<const char*>(
          std::memchr(buf_.data() + scan, '\n', end_ - scan));
      if (p != nullptr) {
        size_t at = p - buf_.data();
        if (csv && (CountChar(buf_.data() + scan, at - scan, '"') & 1)) in_quotes = !in_quotes;
        if (!in_quotes) {
          nl = at;
          break;
        }
        scan = at + 1;
        continue;
      }
      if (csv && (CountChar(buf_.data() + scan, end_ - scan, '"') & 1)) in_quotes = !in_quotes;
      scan = end_;
      if (end_ - begin_ > kMaxRecordBytes) break;
      size_t off = scan - begin_;
      if (!Fill()) break;
      scan = begin_ + off;
    }
    Record r;
    r.line = line_;
    if (nl != std::string_view::npos) {
      r.text = std::string_view(buf_.data() + begin_, nl - begin_);
      line_ += 1 + (csv ? CountChar(r.text.data(), r.text.size(), '\n') : 0);
      begin_ = nl + 1;
    } else if (end_ - begin_ > kMaxRecordBytes) {
      // Keep the start for the report; skip to the next line end.
      overlong_.assign(buf_.data() + begin_, kOverlongKept);
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
    } else {
      if (!status_.ok() || begin_ == end_) return false;
      r.text = std::string_view(buf_.data() + begin_, end_ - begin_);
      r.unterminated = true;
      line_ += csv ? CountChar(r.text.data(), r.text.size(), '\n') : 0;
      begin_ = end_;
    }
    if (!r.text.empty() && r.text.back() == '\r') r.text.remove_suffix(1);
    if (IsBlank(r.text)) continue;
    *out = r;
    return true;
  }
}

void RecordReader::CountLines(size_t from, size_t to) {
  line_ += CountChar(buf_.data() + from, to - from, '\n');
}

bool RecordReader::NextJsonValue(Record* out) {
  // Skip whitespace and separators up to the next value, the "[" first.
  for (;;) {
    if (begin_ == end_ && !Fill()) {
      return false;  // end of input (an unclosed array ends here too)
    }
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
      break;
    }
  }
  // One value: track strings and nesting to find its end.
  size_t scan = begin_;
  int depth = 0;
  bool in_str = false, esc = false;
  bool done = false;
  while (!done) {
    if (scan == end_) {
      if (end_ - begin_ > kMaxRecordBytes) break;
      size_t off = scan - begin_;
      if (!Fill()) break;
      scan = begin_ + off;
      continue;
    }
    char c = buf_[scan];
    if (in_str) {
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') in_str = false;
      ++scan;
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
    ++scan;
  }
  Record r;
  r.line = line_;
  if (!done && end_ - begin_ > kMaxRecordBytes) {
    overlong_.assign(buf_.data() + begin_, kOverlongKept);
    status_ = absl::InvalidArgumentError(absl::StrCat(
        "line ", line_, ": a JSON record longer than ", kMaxRecordBytes >> 20,
        " MiB; the rest of the array cannot be read"));
    return false;
  }
  if (!status_.ok()) return false;
  r.text = std::string_view(buf_.data() + begin_, scan - begin_);
  r.unterminated = !done;
  CountLines(begin_, scan);
  begin_ = scan;
  *out = r;
  return true;
}

}  // namespace annals::internal
