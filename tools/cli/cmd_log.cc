// annals log / annals show: read events back in one of three formats.
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/output.h"

namespace annals::cli {
namespace {

struct LogFlags {
  uint64_t from = 1;
  uint64_t limit = 0;
  std::string format = "table";
};

struct ShowFlags {
  std::string which;
  std::string format = "table";
};

CLI::Option* AddFormat(CLI::App* cmd, std::string& format) {
  return cmd
      ->add_option("--format", format,
                   "table (fits 100 columns), jsonl (one JSON object per event) "
                   "or csv (RFC 4180, header row)")
      ->check(CLI::IsMember({"table", "jsonl", "csv"}))
      ->capture_default_str();
}

}  // namespace

Runner AddLog(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<LogFlags>();
  CLI::App* cmd = app.add_subcommand("log", "List events in log order");
  cmd->add_option("--from", f->from, "first seq to list")->capture_default_str();
  cmd->add_option("--limit", f->limit, "list at most N events (0: all)")
      ->capture_default_str();
  AddFormat(cmd, f->format);
  return [f, &g]() -> int {
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto writer = NewEventWriter(f->format, false, stdout);
    uint64_t n = 0;
    auto it = (*engine)->NewIterator(f->from);
    for (; it->Valid() && (f->limit == 0 || n < f->limit); it->Next(), ++n)
      writer->Write(it->event());
    writer->Finish();
    std::fflush(stdout);
    if (!it->status().ok()) return Fail("log", it->status());
    return kExitOk;
  };
}

Runner AddShow(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<ShowFlags>();
  CLI::App* cmd = app.add_subcommand(
      "show", "Show one event by seq (all digits) or by id");
  cmd->add_option("SEQ_OR_ID", f->which, "a seq such as 12, or an id")->required();
  AddFormat(cmd, f->format);
  return [f, &g]() -> int {
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    uint64_t seq = 0;
    bool numeric = !f->which.empty() &&
                   f->which.find_first_not_of("0123456789") == std::string::npos;
    if (numeric) {
      if (!absl::SimpleAtoi(f->which, &seq))
        return Fail("show", absl::InvalidArgumentError("seq out of range"));
    } else {
      auto found = (*engine)->FindById(f->which);
      if (!found.ok()) return Fail("show", found.status());
      seq = *found;
    }
    auto e = (*engine)->Get(seq);
    if (!e.ok()) return Fail("show", e.status());
    auto writer = NewEventWriter(f->format, true, stdout);
    writer->Write(*e);
    writer->Finish();
    return kExitOk;
  };
}

}  // namespace annals::cli
