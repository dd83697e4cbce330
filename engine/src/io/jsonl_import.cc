// JSON Lines import: parse and validate each line, append good ones in
// batches with bulk durability, report every rejected line.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "model/sv.h"
#include "absl/strings/str_cat.h"
#include "annals/import.h"
#include "annals/json.h"

namespace annals {
using internal::AV;
using internal::SV;
namespace {


// Reads lines, stripping "\r\n" endings and a UTF-8 byte-order mark.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}
  bool Next(std::string* line) {
    if (!std::getline(in_, *line)) return false;
    ++number_;
    if (!line->empty() && line->back() == '\r') line->pop_back();
    if (number_ == 1 && line->starts_with("\xEF\xBB\xBF")) line->erase(0, 3);
    return true;
  }
  uint64_t number() const { return number_; }

 private:
  std::istream& in_;
  uint64_t number_ = 0;
};

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t") == std::string_view::npos;
}

absl::StatusOr<Statement> ParseLine(std::string_view line) {
  auto s = ParseStatementJson(line);
  if (!s.ok()) return s;
  if (absl::Status st = Validate(*s); !st.ok()) return st;
  return s;
}

// One pass over `in`. With `engine` null it only counts and reports.
absl::StatusOr<ImportSummary> Run(Engine* engine, std::istream& in,
                                  std::string_view name,
                                  const ImportOptions& options,
                                  const RejectSink& on_reject) {
  ImportSummary sum;
  std::vector<Statement> batch;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    AppendOptions ao;
    ao.durability = AppendOptions::Durability::kBulk;
    auto results = engine->Append(batch, ao);
    if (!results.ok()) return results.status();
    for (const AppendResult& r : *results)
      (r.duplicate ? sum.duplicates : sum.imported)++;
    batch.clear();
    return absl::OkStatus();
  };
  LineReader reader(in);
  std::string line;
  uint64_t undurable_bytes = 0;
  // Syncs and reports when due; only right after a flush, when every line
  // read so far is stored.
  auto report_durable = [&](bool at_end) -> absl::Status {
    if (!options.on_durable || engine == nullptr) return absl::OkStatus();
    if (!at_end && undurable_bytes < options.durable_every_bytes) return absl::OkStatus();
    if (auto st = engine->Sync(); !st.ok()) return st;
    undurable_bytes = 0;
    options.on_durable({reader.number(), sum, engine->Head()});
    return absl::OkStatus();
  };
  while (reader.Next(&line)) {
    undurable_bytes += line.size() + 1;
    if (IsBlank(line)) continue;
    ++sum.read;
    auto s = ParseLine(line);
    if (!s.ok()) {
      ++sum.rejected;
      if (on_reject)
        on_reject({name, reader.number(), std::string(s.status().message()), line});
      continue;
    }
    if (engine == nullptr) {
      ++sum.imported;
      continue;
    }
    batch.push_back(*std::move(s));
    if (batch.size() >= std::max<size_t>(options.batch_size, 1)) {
      if (auto st = flush(); !st.ok()) return st;
      if (auto st = report_durable(false); !st.ok()) return st;
    }
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat(AV(name), ": read error"));
  if (engine == nullptr) return sum;
  if (auto st = flush(); !st.ok()) return st;
  if (auto st = engine->Sync(); !st.ok()) return st;
  if (auto st = report_durable(true); !st.ok()) return st;
  return sum;
}

}  // namespace

absl::StatusOr<ImportSummary> ImportJsonlFile(Engine& engine,
                                              const std::string& path,
                                              const ImportOptions& options,
                                              const RejectSink& on_reject) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      int err = errno;
      return absl::Status(absl::ErrnoToStatusCode(err),
                          absl::StrCat("cannot open ", path, ": ", std::strerror(err)));
    }
    in = &file;
  }
  if (options.dry_run) return Run(nullptr, *in, path, options, on_reject);
  if (!options.strict) return Run(&engine, *in, path, options, on_reject);

  // Strict: a dry pass first; write only if it found nothing to reject.
  std::stringstream buffered;
  if (path == "-") {
    buffered << in->rdbuf();
    in = &buffered;
  }
  auto dry = Run(nullptr, *in, path, options, on_reject);
  if (!dry.ok()) return dry;
  if (dry->rejected > 0) {
    dry->imported = 0;
    return dry;
  }
  in->clear();
  in->seekg(0);
  return Run(&engine, *in, path, options, nullptr);
}

}  // namespace annals
