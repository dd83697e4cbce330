// Uses every capability the CLI has through the installed public headers:
// append, import a file, read the log, timelines with as-of, corrections,
// retractions and aliases, a custom projection, and declarative projections
// (create, rebuild, query, counts). Prints one line per check and exits 1 at
// the first one that fails.
//   consumer STORE_DIR SAMPLE.jsonl
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "annals/declarative.h"
#include "annals/engine.h"
#include "annals/import.h"
#include "annals/json.h"
#include "annals/network.h"
#include "annals/projection.h"
#include "annals/series.h"
#include "annals/time.h"
#include "annals/timeline.h"

namespace {

int failures = 0;

void Check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok" : "FAIL", what.c_str());
  if (!ok) ++failures;
}

// Counts statements per speaker.
class SpeakerCount : public annals::Projection {
 public:
  std::string name() const override { return "speaker_count"; }
  uint32_t version() const override { return 1; }
  absl::Status Apply(const annals::Event& e, annals::ProjectionWriter& out) const override {
    if (e.kind == annals::EventKind::kStatement && !e.statement.speaker.empty())
      out.Add(e.statement.speaker, 1);
    return absl::OkStatus();
  }
};

annals::Statement Said(const std::string& speaker, const std::string& target,
                       const std::string& content, const std::string& when) {
  annals::Statement s;
  s.speaker = speaker;
  s.targets = {target};
  s.verb = "said";
  s.code = "010";
  s.content = content;
  s.occurred_at = *annals::ParseTime(when);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: consumer STORE_DIR SAMPLE.jsonl\n");
    return 2;
  }
  auto opened = annals::Engine::Open(argv[1], annals::Options{});
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(opened.status().message()).c_str());
    return 1;
  }
  annals::Engine& db = **opened;
  Check(db.AddProjection(std::make_shared<SpeakerCount>()).ok(), "add custom projection");

  auto summary = annals::ImportJsonlFile(db, argv[2], annals::ImportOptions{}, nullptr);
  Check(summary.ok() && summary->imported == 12, "import the sample file");

  auto first = db.Append(Said("Ada", "Bob", "hello", "2025-05-01"));
  Check(first.ok() && first->seq == 13 && !first->duplicate, "append");
  const uint64_t before = db.Head();
  auto fixed = db.CurrentStatement(first->seq);
  Check(fixed.ok(), "current statement");
  fixed->content = "hello again";
  Check(db.Correct(first->seq, *fixed, "typo").ok(), "correct");
  Check(db.Alias("Ada L.", "Ada").ok(), "alias");
  auto second = db.Append(Said("Ada L.", "Bob", "bye", "2025-05-02"));
  Check(second.ok() && db.Retract(second->seq, "misattributed").ok(), "retract");

  size_t n = 0;
  std::string last_json;
  auto it = db.NewIterator(1);
  for (; it->Valid(); it->Next()) {
    ++n;
    last_json = annals::EventToJson(it->event());
  }
  Check(it->status().ok() && n == db.Head() && n == 17, "read the log");
  Check(last_json.find("\"kind\":\"retraction\"") != std::string::npos, "event as JSON");

  annals::TimelineQuery q;
  q.kind = annals::TimelineKind::kActor;
  q.name = "ada";
  auto now = db.Timeline(q);
  Check(now.ok() && now->entries.size() == 1 &&
            now->entries[0].status == annals::EntryStatus::kCorrected &&
            now->entries[0].event.statement.content == "hello again",
        "timeline: corrected, retracted left out");
  q.as_of = before;
  auto then = db.Timeline(q);
  Check(then.ok() && then->entries.size() == 1 &&
            then->entries[0].event.statement.content == "hello",
        "timeline as of an earlier seq");

  annals::SeriesQuery sq;
  sq.timeline = q;
  sq.timeline.as_of.reset();
  sq.by = *annals::ParseSeriesPeriod("year");
  auto series = annals::ComputeSeries(db, sq);
  Check(series.ok() && !series->rows.empty() && series->rows.back().count == 1,
        "a series of the timeline");

  auto network = annals::ComputeNetwork(db, annals::NetworkQuery{});
  uint64_t ada_bob = 0;  // the retracted "Ada L." -> "Bob" left out
  const std::vector<annals::NetworkEdge> edges = network.ok() ? network->edges
                                                               : std::vector<annals::NetworkEdge>{};
  for (const annals::NetworkEdge& e : edges)
    if (e.source == "ada" && e.target == "bob") ada_bob = e.count;
  Check(network.ok() && network->edges.size() > 1 && ada_bob == 1,
        "the speaker -> target network");

  auto def = annals::ParseProjectionDefinition("by_speaker", "speaker", {"code=0"});
  Check(def.ok() && db.CreateProjection(*def).ok(), "create a declarative projection");
  Check(db.Rebuild("by_speaker").ok() &&
            db.WaitForRebuild("by_speaker", absl::Seconds(60)).ok(),
        "rebuild it");
  annals::TimelineQuery pq;
  pq.projection = "by_speaker";
  pq.key = {"Ada"};
  auto rows = db.Timeline(pq);
  Check(rows.ok() && rows->entries.size() == 1, "query it");
  auto counts = db.Counts("by_speaker", "", 0);
  Check(counts.ok() && !counts->empty(), "count its groups");

  Check(db.WaitFor(db.Head(), absl::Seconds(60)).ok(), "wait for projections");
  auto ada = db.ReadProjection("speaker_count", "Ada");
  Check(ada.ok() && ada->has_value(), "read the custom projection");
  bool listed = false;
  for (const annals::ProjectionInfo& p : db.Projections())
    listed = listed || p.name == "speaker_count";
  Check(listed, "list projections");
  return failures == 0 ? 0 : 1;
}
