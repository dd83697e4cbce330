#include "serve/sse.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "annals/event.h"
#include "annals/json.h"
#include "serve/http_json.h"
#include "serve/http_target.h"
#include "serve/off_loop.h"
#include "serve/store_service.h"
#include "serve/wire.h"

namespace annals::internal {
namespace {

absl::Status KindFilter(const std::string& text, EventFilter* f) {
  for (EventKind k : {EventKind::kStatement, EventKind::kCorrection, EventKind::kRetraction,
                      EventKind::kActorAlias, EventKind::kMention})
    if (text == EventKindName(k)) {
      f->kinds.push_back(k);
      return absl::OkStatus();
    }
  return absl::InvalidArgumentError(
      "kind: expected statement, correction, retraction, actor_alias or mention");
}

// The frames of a pushed batch: decoded, as `log` rows (target_id read
// from the store), "id: SEQ\ndata: ROW\n\n" each, and the batch's last seq.
// Blocks (off the loop).
struct FrameBatch {
  std::string text;
  uint64_t last_seq = 0;
};
absl::StatusOr<FrameBatch> Frames(const Engine& engine, const std::vector<std::string>& wire) {
  FrameBatch out;
  for (const std::string& w : wire) {
    auto event = EventFromWire(AsData(w));
    if (!event.ok()) return event.status();
    auto row = LogRowJson(engine, *event);
    if (!row.ok()) return row.status();
    absl::StrAppend(&out.text, "id: ", event->seq, "\ndata: ", *row, "\n\n");
    out.last_seq = event->seq;
  }
  return out;
}

std::string EndFrame(const absl::Status& status, uint64_t last_seq) {
  std::string body = ErrorReply(status).body;
  body.pop_back();  // "\n"
  body.pop_back();  // "}"
  return absl::StrCat("event: end\ndata: ", body, ",\"last_seq\":", last_seq, "}\n\n");
}

class SseSink final : public rpc::EventSink::Server {
 public:
  // `from_seq`: where the stream starts (its resume point until a frame
  // is written).
  SseSink(const Engine& engine, WorkQueue& reads, kj::AsyncOutputStream& out,
          kj::Own<kj::PromiseFulfiller<void>> done, uint64_t from_seq, SseKeepalive keepalive)
      : engine_(engine), reads_(reads), out_(out), done_(kj::mv(done)),
        written_(from_seq == 0 ? 0 : from_seq - 1), keepalive_(keepalive),
        ticking_(Tick().eagerlyEvaluate(nullptr)) {}

  // Cancelled when the subscription cuts the subscriber off (its write
  // blocked all along): the stream is then left unfinished.
  kj::Promise<void> push(PushContext ctx) override {
    ctx.allowCancellation();
    std::vector<std::string> wire;
    for (auto e : ctx.getParams().getEvents())
      wire.emplace_back(reinterpret_cast<const char*>(e.begin()), e.size());
    const Engine* engine = &engine_;
    unwritten_ = true;
    last_activity_ = keepalive_.timer ? keepalive_.timer->now() : kj::origin<kj::TimePoint>();
    return OffLoop<absl::StatusOr<FrameBatch>>(
               reads_, [engine, wire = std::move(wire)] { return Frames(*engine, wire); })
        .then([this](absl::StatusOr<FrameBatch> frames) { return AfterKeepalive(kj::mv(frames)); })
        .then([this](absl::StatusOr<FrameBatch> frames) -> kj::Promise<void> {
          if (!frames.ok()) return Write(EndFrame(frames.status(), written_), true);
          const uint64_t last = frames->last_seq;
          return Write(std::move(frames->text), false).then([this, last] {
            written_ = std::max(written_, last);
            unwritten_ = false;
          });
        });
  }

  // After a push cancelled while writing, the stream is mid-frame: it is
  // closed without the end frame (the client resumes with Last-Event-ID).
  kj::Promise<void> end(EndContext ctx) override {
    // A keep-alive line being written counts too: it may be stuck behind a
    // client that stopped reading.
    if (writing_ || keeping_alive_) {
      Done();
      return kj::READY_NOW;
    }
    // The subscription's last seq counts pushes it handed over; one cut
    // off before its frames were written is not the client's (it would
    // resume past events it never got). With every push written, the
    // subscription's figure also covers events the filter skipped.
    auto p = ctx.getParams();
    const uint64_t last = unwritten_ ? written_ : std::max(written_, p.getLastSeq());
    return Write(EndFrame(StatusFromWire(p.getStatus()), last), true);
  }

 private:
  // Every keepalive_.every: a comment line when the stream has been quiet
  // that long (no push arrived, nothing being written); never while a
  // frame is written, so writes never overlap.
  kj::Promise<void> Tick() {
    if (keepalive_.timer == nullptr) return kj::NEVER_DONE;
    return keepalive_.timer->afterDelay(keepalive_.every).then([this]() -> kj::Promise<void> {
      if (!done_->isWaiting()) return kj::READY_NOW;
      const bool quiet = !writing_ && !unwritten_ &&
                         keepalive_.timer->now() - last_activity_ >= keepalive_.every;
      if (!quiet) return Tick();
      keeping_alive_ = true;
      static constexpr char kLine[] = ": keep-alive\n\n";
      return out_.write(kLine, sizeof(kLine) - 1)
          .then(
              [this] {
                KeptAlive();
                return Tick();
              },
              [this](kj::Exception&&) {
                KeptAlive();
                Done();  // the client went
              });
    });
  }
  void KeptAlive() {
    keeping_alive_ = false;
    last_activity_ = keepalive_.timer->now();
    KJ_IF_MAYBE(f, keepalive_done_) {
      (*f)->fulfill();
      keepalive_done_ = nullptr;
    }
  }
  // Resolves once no keep-alive line is being written (at once if none).
  kj::Promise<void> KeepaliveWritten() {
    if (!keeping_alive_) return kj::READY_NOW;
    auto paf = kj::newPromiseAndFulfiller<void>();
    keepalive_done_ = kj::mv(paf.fulfiller);
    return kj::mv(paf.promise);
  }
  kj::Promise<absl::StatusOr<FrameBatch>> AfterKeepalive(absl::StatusOr<FrameBatch> frames) {
    return KeepaliveWritten().then(
        [frames = kj::mv(frames)]() mutable { return kj::mv(frames); });
  }

  // Writes `text`; on a write error (the client went) or after the last
  // frame, the stream is done.
  kj::Promise<void> Write(std::string text, bool last) {
    writing_ = true;
    auto owned = kj::heap<std::string>(std::move(text));
    auto written = out_.write(owned->data(), owned->size()).attach(kj::mv(owned));
    return written.then(
        [this, last] {
          writing_ = false;
          if (last) Done();
        },
        [this](kj::Exception&& e) {
          Done();
          kj::throwFatalException(kj::mv(e));
        });
  }
  void Done() {
    if (done_->isWaiting()) done_->fulfill();
  }

  const Engine& engine_;
  WorkQueue& reads_;
  kj::AsyncOutputStream& out_;
  kj::Own<kj::PromiseFulfiller<void>> done_;
  bool writing_ = false;  // a write began and has not finished (or was cancelled)
  uint64_t written_;        // the last seq whose frame the stream took whole
  bool unwritten_ = false;  // a push arrived whose frames were not all written
  SseKeepalive keepalive_;
  kj::TimePoint last_activity_ =
      keepalive_.timer ? keepalive_.timer->now() : kj::origin<kj::TimePoint>();
  bool keeping_alive_ = false;  // a keep-alive line is being written
  kj::Maybe<kj::Own<kj::PromiseFulfiller<void>>> keepalive_done_;  // a push waits for it
  kj::Promise<void> ticking_;  // last: starts after the members it uses
};

}  // namespace

absl::StatusOr<SseRequest> ParseSseRequest(const HttpTarget& t,
                                           const std::optional<std::string>& last_event_id) {
  if (absl::Status s = CheckParams(t, {"from_seq", "actor", "topic", "kind", "projection", "key"});
      !s.ok())
    return s;
  SseRequest r;
  auto from = UintParam(t, "from_seq", 1);
  if (!from.ok()) return from.status();
  r.from_seq = *from;
  if (last_event_id.has_value()) {
    auto last = ParseUint("Last-Event-ID", *last_event_id);
    if (!last.ok()) return last.status();
    if (*last == UINT64_MAX) return absl::InvalidArgumentError("Last-Event-ID: out of range");
    r.from_seq = *last + 1;
  }
  // Names as given: SubscriptionMatcher normalises them.
  if (auto a = Param(t, "actor"); a.has_value()) r.filter.actors.push_back(*a);
  if (auto p = Param(t, "topic"); p.has_value()) r.filter.topics.push_back(*p);
  if (auto k = Param(t, "kind"); k.has_value())
    if (absl::Status s = KindFilter(*k, &r.filter); !s.ok()) return s;
  r.filter.projection = Param(t, "projection").value_or("");
  r.filter.key = t.keys;
  if (r.filter.projection.empty() && !r.filter.key.empty())
    return absl::InvalidArgumentError("key: give projection= too");
  return r;
}

kj::Promise<void> StreamEvents(SubscriptionContext c, SseRequest request,
                               kj::AsyncOutputStream& out, SseKeepalive keepalive) {
  auto paf = kj::newPromiseAndFulfiller<void>();
  rpc::EventSink::Client sink = kj::heap<SseSink>(c.engine, c.reads, out, kj::mv(paf.fulfiller),
                                                      request.from_seq, keepalive);
  rpc::Subscription::Client subscription =
      StartSubscription(c, request.from_seq, std::move(request.matches), kj::mv(sink));
  return paf.promise.attach(kj::mv(subscription));
}

}  // namespace annals::internal
