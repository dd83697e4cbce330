#include "import_args.h"

#include <fstream>

#include "absl/strings/str_cat.h"

namespace py = pybind11;

namespace annals::python {

absl::StatusOr<ImportSummary> ImportWith(Engine& engine, const std::string& path,
                                         const ImportArgs& args,
                                         std::vector<RejectRecord>* rejects,
                                         std::vector<RejectRecord>* repairs) {
  auto parsed = ParseImportFormat(args.format);
  if (!parsed.ok())
    return absl::InvalidArgumentError(absl::StrCat("format: ", std::string(parsed.status().message())));
  std::ofstream rejects_file;
  if (!args.rejects_path.empty()) {
    rejects_file.open(args.rejects_path, std::ios::binary | std::ios::trunc);
    if (!rejects_file)
      return absl::InvalidArgumentError(
          absl::StrCat("rejects: cannot write ", args.rejects_path));
  }
  ImportOptions options;
  options.format = *parsed;
  options.strict = args.strict;
  options.dry_run = args.dry_run;
  options.invalid_utf8 = args.repair_utf8 ? InvalidUtf8::kRepair : InvalidUtf8::kReject;
  constexpr size_t kMaxRejects = 1000;  // a summary, not a copy of a bad file
  options.on_repair = [&](const RejectedLine& r) {
    if (repairs->size() < kMaxRejects) repairs->push_back({r.line, r.reason, r.kind});
  };
  auto sum = ImportFile(engine, path, options, [&](const RejectedLine& r) {
    if (rejects->size() < kMaxRejects) rejects->push_back({r.line, r.reason, r.kind});
    if (rejects_file.is_open()) rejects_file << r.text << '\n';
  });
  if (rejects_file.is_open() && !rejects_file.flush())
    return absl::UnavailableError(absl::StrCat("rejects: write error on ", args.rejects_path));
  return sum;
}

py::list LineRecords(const std::vector<RejectRecord>& records) {
  py::list out;
  for (const auto& r : records) {
    py::dict x;
    x["line"] = r.line;
    x["reason"] = r.reason;
    x["kind"] = r.kind;
    out.append(x);
  }
  return out;
}

}  // namespace annals::python
