// The timeline a reading command is about: --actor NAME or --topic NAME, and
// --role for an actor. `timeline`, `series` and `claims` share these options
// and their checks, so that they accept and refuse the same things.
#ifndef ANNALS_TOOLS_CLI_SUBJECT_ARGS_H_
#define ANNALS_TOOLS_CLI_SUBJECT_ARGS_H_

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "annals/timeline.h"

namespace annals::cli {

struct SubjectFlags {
  std::string actor, topic;
  std::string role = "any";
};

struct SubjectOptions {
  CLI::Option* actor;
  CLI::Option* topic;
};

// Adds --actor and --topic (each excludes the other) and --role to `cmd`.
SubjectOptions AddSubjectOptions(CLI::App* cmd, SubjectFlags& f);

// Sets q's kind and name from --actor or --topic. False, and q untouched,
// when neither was given.
bool TakeSubject(const CLI::App& cmd, const SubjectFlags& f, TimelineQuery* q);

// Sets q's role from --role. Prints the error (as `command`) and returns its
// exit code for --role without --actor, or for an empty name when q reads no
// projection; kExitOk otherwise.
int TakeRole(const CLI::App& cmd, const SubjectFlags& f, const char* command,
             TimelineQuery* q);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_SUBJECT_ARGS_H_
