// annals append: one statement from flags, synced before the seq is printed.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"

namespace annals::cli {
namespace {

struct AppendFlags {
  Statement s;
  std::string at, published_at;
  std::vector<std::string> attrs;
};

}  // namespace

Runner AddAppend(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<AppendFlags>();
  CLI::App* cmd = app.add_subcommand(
      "append", "Append one statement and print its seq (a duplicate prints "
                "the seq it already has; an --id that names a different statement "
                "is refused, exit 1)");
  cmd->add_option("--speaker", f->s.speaker, "who made the statement");
  cmd->add_option("--verb", f->s.verb, "surface verb: said, accused, threatened");
  cmd->add_option("--content", f->s.content, "what was stated, paraphrased");
  cmd->add_option("--target", f->s.targets, "whom it was addressed to or about (repeatable)");
  cmd->add_option("--topic", f->s.topics, "topic (repeatable)");
  cmd->add_option("--code", f->s.code, "CAMEO event code, e.g. 0211 or 112");
  cmd->add_option("--event-type", f->s.event_type, "PLOVER event type");
  cmd->add_option("--quote", f->s.quote, "verbatim words");
  cmd->add_option("--at", f->at,
                  "when it was said: 2025, 2025-03, 2025-03-31 or "
                  "2025-03-31T14:05:00Z (default: now)");
  cmd->add_option("--outlet", f->s.source.outlet, "outlet that reported it");
  cmd->add_option("--via", f->s.source.via, "outlet that relayed the report");
  cmd->add_option("--url", f->s.source.url, "URL of the report");
  cmd->add_option("--published-at", f->published_at, "when the report was published");
  cmd->add_option("--attr", f->attrs, "extra KEY=VALUE attribute (repeatable)");
  cmd->add_option("--id", f->s.id, "idempotency key (default: a hash of the content)");
  return [f, &g]() -> int {
    Statement& s = f->s;
    if (f->at.empty()) {
      s.occurred_at = Now();
      s.occurred_at.micros -= s.occurred_at.micros % 1000000;
    } else {
      auto t = ParseTime(f->at);
      if (!t.ok()) return Fail("--at", t.status());
      s.occurred_at = *t;
    }
    if (!f->published_at.empty()) {
      auto t = ParseTime(f->published_at);
      if (!t.ok()) return Fail("--published-at", t.status());
      s.source.published_at = *t;
    }
    for (const std::string& kv : f->attrs) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        return Fail("--attr", absl::InvalidArgumentError(
                                  absl::StrCat("expected KEY=VALUE, got '", kv, "'")));
      s.attributes.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
    }
    if (absl::Status st = Validate(s); !st.ok()) return Fail("append", st);
    auto engine = OpenForWrite(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto r = (*engine)->Append(s, AppendOptions{AppendOptions::Durability::kSync});
    if (!r.ok()) return Fail("append", r.status());
    if (r->duplicate && !s.id.empty()) {
      // The same id for different values is a mistake, not a repeat: say
      // so rather than report the earlier statement as if it were this one.
      auto stored = (*engine)->Get(r->seq);
      if (!stored.ok()) return Fail("append", stored.status());
      Statement earlier = stored->statement;
      earlier.id = s.id;
      if (!(earlier == s))
        return Fail("append", absl::AlreadyExistsError(absl::StrCat(
                                  "id '", s.id, "' already names a different statement (seq ",
                                  r->seq, "); nothing appended. To change that statement, "
                                  "use: annals correct ", r->seq)));
    }
    std::printf("%llu\n", static_cast<unsigned long long>(r->seq));
    if (r->duplicate)
      std::fprintf(stderr, "annals: already stored as seq %llu; nothing appended\n",
                   static_cast<unsigned long long>(r->seq));
    if (!FlushOutput()) return kExitStorage;  // main says why
    KeepSearchIndexesUp(g, **engine);  // the seq is out first
    return kExitOk;
  };
}

}  // namespace annals::cli
