// annals verify: check a store for damage (annals/verify.h).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "annals/json.h"
#include "annals/verify.h"
#include "cli/commands.h"
#include "cli/terminal.h"

namespace annals::cli {
namespace {

struct VerifyFlags {
  bool no_projections = false;
  std::string format = "table";
  std::string scratch;
};

std::string ProblemJson(const VerifyProblem& p) {
  std::string out = "{\"kind\":";
  AppendJsonString(ProblemKindName(p.kind), &out);
  absl::StrAppend(&out, ",\"seq\":", p.seq, ",\"subject\":");
  AppendJsonString(p.subject, &out);
  out += ",\"detail\":";
  AppendJsonString(p.detail, &out);
  out += "}";
  return out;
}

// SIGINT and SIGTERM during verify: remove the scratch directories in use,
// then exit 128 + the signal (130, 143). The signals are blocked before
// any thread exists (threads inherit the mask), so only this thread,
// waiting in sigwait, takes them. A signal the caller set to be ignored
// (e.g. SIGINT for a `cmd &` of a script) stays ignored.
void CleanUpOnSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler != SIG_IGN) sigaddset(&set, sig);
  }
  if (sigismember(&set, SIGINT) == 0 && sigismember(&set, SIGTERM) == 0) return;
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return;
  std::thread([set] {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) return;
    RemoveVerifyScratchDirs();
    _exit(128 + sig);
  }).detach();
}

}  // namespace

Runner AddVerify(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Check the store for damage: gaps or misplaced seqs, undecodable events, "
      "id index and log disagreeing, projections that do not match a replay of "
      "the log, checkpoints beyond the head. Read-only; works while another "
      "process uses the store. Exit 0 if clean, 2 with a list of problems.");
  cmd->add_flag("--no-projections", f->no_projections,
                "skip replaying the log to compare the projections (much faster)");
  cmd->add_option("--scratch-dir", f->scratch,
                  "where to replay projections (default: $TMPDIR or /tmp)");
  cmd->add_option("--format", f->format,
                  "table (one problem a line, then a summary) or jsonl (one JSON "
                  "object per problem)")
      ->check(CLI::IsMember({"table", "jsonl"}))
      ->capture_default_str();
  return [f, &g]() -> int {
    VerifyOptions options;
    options.projections = !f->no_projections;
    options.scratch_dir = f->scratch;
    if (options.projections) CleanUpOnSignals();
    auto report = VerifyStore(g.db, options);
    if (!report.ok()) {
      if (absl::IsNotFound(report.status()))
        return Fail("verify", absl::NotFoundError(absl::StrCat(
                                  report.status().message(),
                                  " (give --db PATH or set ANNALS_DB)")));
      return Fail("verify", report.status());
    }
    for (const VerifyProblem& p : report->problems) {
      if (f->format == "jsonl")
        std::printf("%s\n", ProblemJson(p).c_str());
      else
        std::printf("%s: %s\n", ProblemKindName(p.kind),
                    EscapeForTerminal(p.detail).c_str());
    }
    if (f->format == "table") {
      for (const std::string& n : report->notes)
        std::printf("note: %s\n", EscapeForTerminal(n).c_str());
      if (report->problem_count > report->problems.size())
        std::printf("... %llu more problems not listed\n",
                    static_cast<unsigned long long>(report->problem_count -
                                                    report->problems.size()));
      std::string projections =
          report->projections_checked.empty()
              ? std::string("none")
              : absl::StrJoin(report->projections_checked, ", ");
      std::printf("checked %llu events (head %llu), %llu id index entries, "
                  "projections: %s: ",
                  static_cast<unsigned long long>(report->events),
                  static_cast<unsigned long long>(report->head),
                  static_cast<unsigned long long>(report->id_entries),
                  projections.c_str());
      if (report->ok())
        std::printf("no problems\n");
      else
        std::printf("%llu problem%s\n",
                    static_cast<unsigned long long>(report->problem_count),
                    report->problem_count == 1 ? "" : "s");
    } else {
      for (const std::string& n : report->notes)
        Note(absl::StrCat("verify: note: ", n));
    }
    return report->ok() ? kExitOk : kExitStorage;
  };
}

}  // namespace annals::cli
