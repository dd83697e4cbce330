#include "serve/wire.h"

#include <utility>

#include "absl/strings/cord.h"
#include "codec/event_codec.h"
#include "serve/limits.h"

namespace annals::internal {
std::string TextOf(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

Timestamp TimeFrom(int64_t micros, uint8_t precision) {
  if (precision > static_cast<uint8_t>(Precision::kSecond)) return {};
  return Timestamp{micros, static_cast<Precision>(precision)};
}

bool AddToReply(std::string wire, std::vector<std::string>& reply, size_t* bytes) {
  if (!reply.empty() && *bytes + wire.size() > kReplyBytes) return false;
  *bytes += wire.size();
  reply.push_back(std::move(wire));
  return true;
}

size_t WireBytesBound(const Event& event) {
  const Statement& s = event.statement;
  size_t n = 256 + event.id.size() + event.reason.size() + event.alias.size() +
             event.canonical.size() + s.id.size() + s.speaker.size() +
             s.verb.size() + s.code.size() + s.event_type.size() + s.content.size() +
             s.quote.size() + s.source.outlet.size() + s.source.url.size() +
             s.source.via.size();
  for (const std::string& t : s.targets) n += t.size() + 8;
  for (const std::string& t : s.topics) n += t.size() + 8;
  for (const Attribute& a : s.attributes) n += a.key.size() + a.value.size() + 16;
  return n;
}

void StatusToWire(const absl::Status& status, rpc::Status::Builder out) {
  out.setCode(static_cast<uint8_t>(status.code()));
  out.setMessage(std::string(status.message()));
  std::vector<std::pair<std::string, std::string>> payloads;
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& value) {
    payloads.emplace_back(std::string(url), std::string(value));
  });
  auto list = out.initPayloads(payloads.size());
  for (size_t i = 0; i < payloads.size(); ++i) {
    list[i].setTypeUrl(payloads[i].first);
    list[i].setValue(AsData(payloads[i].second));
  }
}

absl::Status StatusFromWire(rpc::Status::Reader in) {
  uint8_t code = in.getCode();
  if (code == 0) return absl::OkStatus();
  if (code > static_cast<uint8_t>(absl::StatusCode::kUnauthenticated))
    code = static_cast<uint8_t>(absl::StatusCode::kUnknown);
  absl::Status status(static_cast<absl::StatusCode>(code), TextOf(in.getMessage()));
  for (auto p : in.getPayloads()) {
    auto v = p.getValue();
    status.SetPayload(TextOf(p.getTypeUrl()),
                      absl::Cord(std::string(reinterpret_cast<const char*>(v.begin()), v.size())));
  }
  return status;
}

std::string EventToWire(const Event& event) {
  std::string out;
  EncodeEvent(event, &out);
  return out;
}

std::string StatementToWire(const Statement& statement) {
  Event e;
  e.kind = EventKind::kStatement;
  e.id = statement.id;
  std::string out;
  EncodeEvent(e, statement, &out);
  return out;
}

absl::StatusOr<Event> EventFromWire(capnp::Data::Reader bytes) {
  return DecodeEvent(
      std::string_view(reinterpret_cast<const char*>(bytes.begin()), bytes.size()));
}

absl::StatusOr<Statement> StatementFromWire(capnp::Data::Reader bytes) {
  auto event = EventFromWire(bytes);
  if (!event.ok()) return event.status();
  if (event->kind != EventKind::kStatement)
    return absl::InvalidArgumentError("statement: an event of another kind was sent");
  return std::move(event->statement);
}

std::string MentionToWire(const Mention& mention) {
  Event e;
  e.kind = EventKind::kMention;
  e.mentioned = mention.event_id;
  e.statement.source = mention.source;
  e.statement.attributes = mention.attributes;
  return EventToWire(e);
}

absl::StatusOr<Mention> MentionFromWire(capnp::Data::Reader bytes) {
  auto event = EventFromWire(bytes);
  if (!event.ok()) return event.status();
  if (event->kind != EventKind::kMention)
    return absl::InvalidArgumentError("mention: an event of another kind was sent");
  return Mention{std::move(event->mentioned), std::move(event->statement.source),
                 std::move(event->statement.attributes)};
}

void MentionListsToWire(const std::vector<std::vector<MentionRef>>& lists,
                        rpc::Store::MentionsOfResults::Builder out) {
  auto all = out.initMentions(lists.size());
  for (size_t i = 0; i < lists.size(); ++i) {
    auto seqs = all[i].initSeqs(lists[i].size());
    auto outlets = all[i].initOutlets(lists[i].size());
    for (size_t j = 0; j < lists[i].size(); ++j) {
      seqs.set(j, lists[i][j].seq);
      outlets.set(j, lists[i][j].outlet);
    }
  }
}

void StatsToWire(const StoreStats& s, rpc::Stats::Builder out) {
  out.setEvents(s.events);
  out.setHead(s.head);
  out.setBytesOnDisk(s.bytes_on_disk);
  out.setFirstOccurredAt(s.first_occurred_at.micros);
  out.setFirstPrecision(static_cast<uint8_t>(s.first_occurred_at.precision));
  out.setLastOccurredAt(s.last_occurred_at.micros);
  out.setLastPrecision(static_cast<uint8_t>(s.last_occurred_at.precision));
  out.setLost(s.lost);
}

StoreStats StatsFromWire(rpc::Stats::Reader in) {
  StoreStats s;
  s.events = in.getEvents();
  s.head = in.getHead();
  s.bytes_on_disk = in.getBytesOnDisk();
  s.first_occurred_at = TimeFrom(in.getFirstOccurredAt(), in.getFirstPrecision());
  s.last_occurred_at = TimeFrom(in.getLastOccurredAt(), in.getLastPrecision());
  s.lost = in.getLost();
  return s;
}

void QueryToWire(const TimelineQuery& q, rpc::TimelineQuery::Builder out) {
  out.setKind(q.kind == TimelineKind::kActor ? 0 : 1);
  out.setName(q.name);
  out.setProjection(q.projection);
  auto key = out.initKey(q.key.size());
  for (size_t i = 0; i < q.key.size(); ++i) key.set(i, q.key[i]);
  out.setRole(static_cast<uint8_t>(q.role));
  out.setFromMicros(q.from.micros);
  out.setFromPrecision(static_cast<uint8_t>(q.from.precision));
  out.setToMicros(q.to.micros);
  out.setToPrecision(static_cast<uint8_t>(q.to.precision));
  out.setHasAsOf(q.as_of.has_value());
  out.setAsOf(q.as_of.value_or(0));
  out.setIncludeRetracted(q.include_retracted);
  out.setLimit(q.limit);
  out.setReverse(q.reverse);
  out.setCursor(q.cursor);
  out.setWait(q.wait);
}

TimelineQuery QueryFromWire(rpc::TimelineQuery::Reader in) {
  TimelineQuery q;
  q.kind = in.getKind() == 0 ? TimelineKind::kActor : TimelineKind::kTopic;
  q.name = TextOf(in.getName());
  q.projection = TextOf(in.getProjection());
  for (auto k : in.getKey()) q.key.emplace_back(TextOf(k));
  uint8_t role = in.getRole();
  q.role = role >= 1 && role <= 3 ? static_cast<Role>(role) : Role::kAny;
  q.from = TimeFrom(in.getFromMicros(), in.getFromPrecision());
  q.to = TimeFrom(in.getToMicros(), in.getToPrecision());
  if (in.getHasAsOf()) q.as_of = in.getAsOf();
  q.include_retracted = in.getIncludeRetracted();
  q.limit = in.getLimit();
  q.reverse = in.getReverse();
  q.cursor = TextOf(in.getCursor());
  q.wait = in.getWait();
  return q;
}

void PageToWire(const StoredPage& page, rpc::TimelinePage::Builder out) {
  auto entries = out.initEntries(page.entries.size());
  for (size_t i = 0; i < page.entries.size(); ++i) {
    const StoredEntry& e = page.entries[i];
    entries[i].setEvent(AsData(e.event));
    entries[i].setStatus(static_cast<uint8_t>(e.status));
    entries[i].setVersionSeq(e.version_seq);
    entries[i].setRole(static_cast<uint8_t>(e.role));
  }
  out.setNextCursor(page.next_cursor);
  out.setAsOf(page.as_of);
}

absl::StatusOr<TimelinePage> PageFromWire(rpc::TimelinePage::Reader in) {
  TimelinePage page;
  page.entries.reserve(in.getEntries().size());
  for (auto e : in.getEntries()) {
    auto event = EventFromWire(e.getEvent());
    if (!event.ok()) return event.status();
    TimelineEntry entry;
    entry.event = std::move(*event);
    uint8_t status = e.getStatus();
    if (status > static_cast<uint8_t>(EntryStatus::kRetracted))
      return absl::DataLossError("timeline entry: unknown status");
    entry.status = static_cast<EntryStatus>(status);
    entry.version_seq = e.getVersionSeq();
    uint8_t role = e.getRole();
    entry.role = role >= 1 && role <= 3 ? static_cast<Role>(role) : Role::kAny;
    page.entries.push_back(std::move(entry));
  }
  page.next_cursor = TextOf(in.getNextCursor());
  page.as_of = in.getAsOf();
  return page;
}

void ProjectionInfoToWire(const ProjectionInfo& i, rpc::ProjectionInfo::Builder out) {
  out.setName(i.name);
  out.setVersion(i.version);
  out.setState(static_cast<uint8_t>(i.state));
  out.setCheckpoint(i.checkpoint);
  out.setHead(i.head);
  out.setLag(i.lag);
  out.setRebuildCheckpoint(i.rebuild_checkpoint);
  out.setFailedSeq(i.failed_seq);
  out.setError(i.error);
  out.setDefinition(i.definition);
}

ProjectionInfo ProjectionInfoFromWire(rpc::ProjectionInfo::Reader in) {
  ProjectionInfo i;
  i.name = TextOf(in.getName());
  i.version = in.getVersion();
  uint8_t state = in.getState();
  i.state = state <= static_cast<uint8_t>(ProjectionState::kFailed)
                ? static_cast<ProjectionState>(state)
                : ProjectionState::kFailed;
  i.checkpoint = in.getCheckpoint();
  i.head = in.getHead();
  i.lag = in.getLag();
  i.rebuild_checkpoint = in.getRebuildCheckpoint();
  i.failed_seq = in.getFailedSeq();
  i.error = TextOf(in.getError());
  i.definition = TextOf(in.getDefinition());
  return i;
}

void CountsQueryToWire(const CountsQuery& q, rpc::Store::CountsParams::Builder out) {
  out.setProjection(q.projection);
  out.setPrefix(q.prefix);
  out.setTop(q.top);
  out.setHasAsOf(q.as_of.has_value());
  out.setAsOf(q.as_of.value_or(0));
  out.setFromMicros(q.from.micros);
  out.setFromPrecision(static_cast<uint8_t>(q.from.precision));
  out.setToMicros(q.to.micros);
  out.setToPrecision(static_cast<uint8_t>(q.to.precision));
  out.setWait(q.wait);
}

CountsQuery CountsQueryFromWire(rpc::Store::CountsParams::Reader in) {
  CountsQuery q;
  q.projection = TextOf(in.getProjection());
  q.prefix = TextOf(in.getPrefix());
  q.top = in.getTop();
  if (in.getHasAsOf()) q.as_of = in.getAsOf();
  q.from = TimeFrom(in.getFromMicros(), in.getFromPrecision());
  q.to = TimeFrom(in.getToMicros(), in.getToPrecision());
  q.wait = in.getWait();
  return q;
}

void CountsToWire(const std::vector<GroupCount>& counts,
                  rpc::Store::CountsResults::Builder out) {
  auto names = out.initNames(counts.size());
  auto values = out.initCounts(counts.size());
  auto keys = out.initKeys(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    names.set(i, counts[i].key.empty() ? std::string() : counts[i].key.front());
    values.set(i, counts[i].count);
    auto key = keys.init(i, counts[i].key.size());
    for (size_t k = 0; k < counts[i].key.size(); ++k) key.set(k, counts[i].key[k]);
  }
}

std::vector<GroupCount> CountsFromWire(rpc::Store::CountsResults::Reader in) {
  std::vector<GroupCount> out;
  auto keys = in.getKeys();
  auto values = in.getCounts();
  for (size_t i = 0; i < keys.size() && i < values.size(); ++i) {
    GroupCount g;
    for (auto k : keys[i]) g.key.push_back(TextOf(k));
    g.count = values[i];
    out.push_back(std::move(g));
  }
  return out;
}

void DefinitionToWire(const ProjectionDefinition& def,
                      rpc::Store::CreateProjectionParams::Builder out) {
  out.setName(def.name);
  auto key = out.initKey(def.key.size());
  for (size_t i = 0; i < def.key.size(); ++i) key.set(i, def.key[i]);
  auto fields = out.initWhereFields(def.where.size());
  auto values = out.initWhereValues(def.where.size());
  for (size_t i = 0; i < def.where.size(); ++i) {
    fields.set(i, def.where[i].first);
    values.set(i, def.where[i].second);
  }
}

ProjectionDefinition DefinitionFromWire(rpc::Store::CreateProjectionParams::Reader in) {
  ProjectionDefinition def;
  def.name = TextOf(in.getName());
  for (auto k : in.getKey()) def.key.push_back(TextOf(k));
  auto fields = in.getWhereFields();
  auto values = in.getWhereValues();
  for (size_t i = 0; i < fields.size() && i < values.size(); ++i)
    def.where.emplace_back(TextOf(fields[i]), TextOf(values[i]));
  return def;
}

void AttributesToWire(const std::vector<Attribute>& attributes,
                      capnp::List<schema::Attribute>::Builder out) {
  for (size_t i = 0; i < attributes.size(); ++i) {
    out[i].setKey(attributes[i].key);
    out[i].setValue(attributes[i].value);
  }
}

std::vector<Attribute> AttributesFromWire(capnp::List<schema::Attribute>::Reader in) {
  std::vector<Attribute> out;
  out.reserve(in.size());
  for (auto a : in) out.push_back({TextOf(a.getKey()), TextOf(a.getValue())});
  return out;
}

}  // namespace annals::internal
