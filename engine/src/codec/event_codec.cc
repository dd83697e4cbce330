#include "codec/event_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <vector>

#include <kj/io.h>

#include "absl/strings/str_cat.h"
#include "annals/statement.h"
#include "schema/annals.capnp.h"
#include "xxhash.h"

namespace annals::internal {
namespace {

namespace s = ::annals::schema;

void WriteTime(s::Time::Builder b, const Timestamp& t) {
  b.setMicros(t.micros);
  b.setPrecision(static_cast<s::Time::Precision>(t.precision));
}

Timestamp ReadTime(s::Time::Reader r) {
  Timestamp t;
  t.micros = r.getMicros();
  auto p = static_cast<uint16_t>(r.getPrecision());
  // An enumerant from a newer writer reads as the finest precision we know.
  t.precision = p > static_cast<uint16_t>(Precision::kSecond)
                    ? Precision::kSecond
                    : static_cast<Precision>(p);
  // An absent time has no instant: keep micros from leaking into ordering
  // and equality (found by fuzz/event_decode_fuzzer.cc).
  if (t.precision == Precision::kNone) t.micros = 0;
  return t;
}

capnp::Text::Reader AsText(const std::string& v) {
  return capnp::Text::Reader(v.data(), v.size());
}

std::string FromText(capnp::Text::Reader r) {
  return std::string(r.begin(), r.size());
}

void WriteStatement(s::Statement::Builder b, const Statement& st) {
  if (!st.speaker.empty()) b.setSpeaker(AsText(st.speaker));
  if (!st.targets.empty()) {
    auto l = b.initTargets(st.targets.size());
    for (size_t i = 0; i < st.targets.size(); ++i) l.set(i, AsText(st.targets[i]));
  }
  if (!st.verb.empty()) b.setVerb(AsText(st.verb));
  if (!st.code.empty()) b.setCode(AsText(st.code));
  if (!st.event_type.empty()) b.setEventType(AsText(st.event_type));
  if (!st.topics.empty()) {
    auto l = b.initTopics(st.topics.size());
    for (size_t i = 0; i < st.topics.size(); ++i) l.set(i, AsText(st.topics[i]));
  }
  if (!st.content.empty()) b.setContent(AsText(st.content));
  if (!st.quote.empty()) b.setQuote(AsText(st.quote));
  WriteTime(b.initOccurredAt(), st.occurred_at);
  const Source& src = st.source;
  if (!src.outlet.empty() || !src.url.empty() || !src.via.empty() ||
      src.published_at.present()) {
    auto sb = b.initSource();
    if (!src.outlet.empty()) sb.setOutlet(AsText(src.outlet));
    if (!src.url.empty()) sb.setUrl(AsText(src.url));
    if (src.published_at.present()) WriteTime(sb.initPublishedAt(), src.published_at);
    if (!src.via.empty()) sb.setVia(AsText(src.via));
  }
  if (!st.attributes.empty()) {
    auto l = b.initAttributes(st.attributes.size());
    for (size_t i = 0; i < st.attributes.size(); ++i) {
      l[i].setKey(AsText(st.attributes[i].key));
      l[i].setValue(AsText(st.attributes[i].value));
    }
  }
}

// The engine never stores more list items than Validate admits; a longer
// list is damage (or forged bytes: a list of empty elements can claim
// millions of items in a few bytes, each decoded as a string).
absl::Status CheckListSizes(s::Statement::Reader r) {
  auto too_long = [](const char* what, size_t n, size_t limit) {
    return absl::DataLossError(absl::StrCat("stored event has ", n, " ", what,
                                            "; at most ", limit, " are ever stored"));
  };
  if (r.getTargets().size() > Limits::kListItems)
    return too_long("targets", r.getTargets().size(), Limits::kListItems);
  if (r.getTopics().size() > Limits::kListItems)
    return too_long("topics", r.getTopics().size(), Limits::kListItems);
  if (r.getAttributes().size() > Limits::kAttributes)
    return too_long("attributes", r.getAttributes().size(), Limits::kAttributes);
  return absl::OkStatus();
}

Statement ReadStatement(s::Statement::Reader r, DecodeDepth depth) {
  const bool full = depth == DecodeDepth::kFull;
  Statement st;
  if (r.hasSpeaker()) st.speaker = FromText(r.getSpeaker());
  for (auto t : r.getTargets()) st.targets.push_back(FromText(t));
  if (r.hasVerb()) st.verb = FromText(r.getVerb());
  if (r.hasCode()) st.code = FromText(r.getCode());
  if (r.hasEventType()) st.event_type = FromText(r.getEventType());
  for (auto t : r.getTopics()) st.topics.push_back(FromText(t));
  if (full && r.hasContent()) st.content = FromText(r.getContent());
  if (full && r.hasQuote()) st.quote = FromText(r.getQuote());
  if (r.hasOccurredAt()) st.occurred_at = ReadTime(r.getOccurredAt());
  if (r.hasSource()) {
    auto sr = r.getSource();
    if (sr.hasOutlet()) st.source.outlet = FromText(sr.getOutlet());
    if (full && sr.hasUrl()) st.source.url = FromText(sr.getUrl());
    if (full && sr.hasPublishedAt()) st.source.published_at = ReadTime(sr.getPublishedAt());
    if (full && sr.hasVia()) st.source.via = FromText(sr.getVia());
  }
  if (full) {
    auto attrs = r.getAttributes();
    st.attributes.reserve(attrs.size());
    for (auto a : attrs) st.attributes.push_back({FromText(a.getKey()), FromText(a.getValue())});
  }
  return st;
}

constexpr size_t kChecksumBytes = 8;

}  // namespace

void EncodeEvent(const Event& event, std::string* out) {
  EncodeEvent(event, event.statement, out);
}

void EncodeEvent(const Event& event, const Statement& statement, std::string* out) {
  // A reused 8 KiB first segment holds a typical statement: no allocation
  // and no fresh pages per event. MallocMessageBuilder zeroes the part it
  // used when destroyed, as the next use requires.
  thread_local std::vector<capnp::word> first_segment(1024);
  capnp::MallocMessageBuilder message(
      kj::arrayPtr(first_segment.data(), first_segment.size()));
  auto env = message.initRoot<s::Envelope>();
  env.setSeq(event.seq);
  env.setRecordedAt(event.recorded_at);
  env.setId(AsText(event.id));
  env.setSchemaVersion(event.schema_version);
  auto kind = env.getKind();
  switch (event.kind) {
    case EventKind::kStatement:
      WriteStatement(kind.initStatement(), statement);
      break;
    case EventKind::kCorrection: {
      auto c = kind.initCorrection();
      c.setTarget(event.target);
      WriteStatement(c.initStatement(), statement);
      if (!event.reason.empty()) c.setReason(AsText(event.reason));
      break;
    }
    case EventKind::kRetraction: {
      auto r = kind.initRetraction();
      r.setTarget(event.target);
      r.setReason(AsText(event.reason));
      break;
    }
    case EventKind::kActorAlias: {
      auto a = kind.initActorAlias();
      a.setAlias(AsText(event.alias));
      a.setCanonical(AsText(event.canonical));
      break;
    }
  }

  // Serialise straight into `out`, after room for the checksum.
  auto segments = message.getSegmentsForOutput();
  const size_t payload = capnp::computeSerializedSizeInWords(segments) * sizeof(capnp::word);
  const size_t start = out->size();
  out->resize(start + kChecksumBytes + payload);
  char* body = out->data() + start + kChecksumBytes;
  {
    kj::ArrayOutputStream stream(
        kj::arrayPtr(reinterpret_cast<kj::byte*>(body), payload));
    capnp::writeMessage(stream, segments);
  }
  uint64_t sum = XXH64(body, payload, 0);
  for (size_t i = 0; i < kChecksumBytes; ++i)
    (*out)[start + i] = static_cast<char>(sum >> (8 * i));
}

absl::StatusOr<Event> DecodeEvent(std::string_view bytes, DecodeDepth depth) {
  if (bytes.size() < kChecksumBytes + sizeof(capnp::word) ||
      (bytes.size() - kChecksumBytes) % sizeof(capnp::word) != 0) {
    return absl::DataLossError(
        absl::StrCat("stored event has an impossible size (", bytes.size(),
                     " bytes)"));
  }
  uint64_t want = 0;
  for (size_t i = 0; i < kChecksumBytes; ++i)
    want |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  std::string_view payload = bytes.substr(kChecksumBytes);
  if (XXH64(payload.data(), payload.size(), 0) != want)
    return absl::DataLossError("stored event fails its checksum");

  // Cap'n Proto reads words in place; RocksDB values carry no alignment
  // guarantee, so copy into an aligned buffer first.
  kj::Array<capnp::word> words =
      kj::heapArray<capnp::word>(payload.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), payload.data(), payload.size());
  try {
    capnp::FlatArrayMessageReader reader(words);
    auto env = reader.getRoot<s::Envelope>();
    Event e;
    e.seq = env.getSeq();
    e.recorded_at = env.getRecordedAt();
    e.id = FromText(env.getId());
    e.schema_version = env.getSchemaVersion();
    auto kind = env.getKind();
    switch (kind.which()) {
      case s::Envelope::Kind::STATEMENT:
        e.kind = EventKind::kStatement;
        if (auto st = CheckListSizes(kind.getStatement()); !st.ok()) return st;
        e.statement = ReadStatement(kind.getStatement(), depth);
        e.statement.id = e.id;
        break;
      case s::Envelope::Kind::CORRECTION: {
        auto c = kind.getCorrection();
        e.kind = EventKind::kCorrection;
        e.target = c.getTarget();
        if (auto st = CheckListSizes(c.getStatement()); !st.ok()) return st;
        e.statement = ReadStatement(c.getStatement(), depth);
        if (c.hasReason()) e.reason = FromText(c.getReason());
        break;
      }
      case s::Envelope::Kind::RETRACTION: {
        auto r = kind.getRetraction();
        e.kind = EventKind::kRetraction;
        e.target = r.getTarget();
        if (r.hasReason()) e.reason = FromText(r.getReason());
        break;
      }
      case s::Envelope::Kind::ACTOR_ALIAS: {
        auto a = kind.getActorAlias();
        e.kind = EventKind::kActorAlias;
        e.alias = FromText(a.getAlias());
        e.canonical = FromText(a.getCanonical());
        break;
      }
      default:
        return absl::DataLossError(absl::StrCat(
            "stored event has kind ", static_cast<int>(kind.which()),
            ", which this version cannot read"));
    }
    return e;
  } catch (const kj::Exception& ex) {
    return absl::DataLossError(
        absl::StrCat("stored event does not decode: ", ex.getDescription().cStr()));
  }
}

}  // namespace annals::internal
