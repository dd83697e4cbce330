#include "log/info_logger.h"

#include <cctype>
#include <cstdio>

#include "log/rocks_status.h"

namespace annals::internal {

InfoLogger::InfoLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}

void InfoLogger::Logv(const char* format, va_list ap) {
  Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
}

void InfoLogger::Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  if (level < GetInfoLogLevel()) return;
  char buf[1024];
  int n = std::vsnprintf(buf, sizeof buf, format, ap);
  if (n < 0) return;
  absl::MutexLock lock(&mu_);
  lines_.emplace_back(buf);
  if (lines_.size() > kKeep) lines_.pop_front();
}

std::vector<std::string> InfoLogger::Lines() const {
  absl::MutexLock lock(&mu_);
  return {lines_.begin(), lines_.end()};
}

std::vector<std::string> InfoLogger::WalFilesMentioned() const {
  std::vector<std::string> out;
  for (const std::string& line : Lines()) {
    // A WAL file is digits then ".log", after a '/' or at the start.
    for (size_t at = line.find(".log"); at != std::string::npos; at = line.find(".log", at + 4)) {
      size_t begin = at;
      while (begin > 0 && std::isdigit(static_cast<unsigned char>(line[begin - 1]))) --begin;
      if (begin == at || (begin > 0 && line[begin - 1] != '/' && line[begin - 1] != ' ')) continue;
      std::string name = line.substr(begin, at + 4 - begin);
      bool seen = false;
      for (const auto& o : out) seen = seen || o == name;
      if (!seen) out.push_back(name);
    }
  }
  return out;
}

void WriteErrorListener::OnBackgroundError(rocksdb::BackgroundErrorReason,
                                           rocksdb::Status* bg_error) {
  if (bg_error == nullptr || bg_error->ok()) return;
  absl::MutexLock lock(&mu_);
  if (error_.ok()) error_ = FromRocks(*bg_error, "writing the store");
  failed_.store(true, std::memory_order_release);
}

absl::Status WriteErrorListener::error() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

}  // namespace annals::internal
