#include "cli/subject_args.h"

#include "absl/status/status.h"
#include "cli/common.h"

namespace annals::cli {

SubjectOptions AddSubjectOptions(CLI::App* cmd, SubjectFlags& f) {
  SubjectOptions o;
  o.actor = cmd->add_option(
      "--actor", f.actor,
      "actor name (case, spacing and Unicode form do not matter; aliases apply)");
  o.topic = cmd->add_option("--topic", f.topic, "topic name");
  o.actor->excludes(o.topic);
  cmd->add_option("--role", f.role,
                  "with --actor: statements the actor made (speaker), was "
                  "addressed in (target), or either (any)")
      ->check(CLI::IsMember({"speaker", "target", "any"}))
      ->capture_default_str();
  return o;
}

bool TakeSubject(const CLI::App& cmd, const SubjectFlags& f, TimelineQuery* q) {
  if (cmd.count("--actor") > 0) {
    q->kind = TimelineKind::kActor;
    q->name = f.actor;
  } else if (cmd.count("--topic") > 0) {
    q->kind = TimelineKind::kTopic;
    q->name = f.topic;
  } else {
    return false;
  }
  return true;
}

int TakeRole(const CLI::App& cmd, const SubjectFlags& f, const char* command,
             TimelineQuery* q) {
  if (cmd.count("--role") > 0 && cmd.count("--actor") == 0)
    return Fail("--role", absl::InvalidArgumentError("applies to --actor only"));
  if (q->projection.empty() && q->name.empty())
    return Fail(command, absl::InvalidArgumentError("the name is empty"));
  q->role = f.role == "speaker"  ? Role::kSpeaker
            : f.role == "target" ? Role::kTarget
                                 : Role::kAny;
  return kExitOk;
}

}  // namespace annals::cli
