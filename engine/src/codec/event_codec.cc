#include "codec/event_codec.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <kj/io.h>

#include "absl/strings/str_cat.h"
#include "annals/fields.h"
#include "annals/statement.h"
#include "model/sv.h"
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

// Where each field of the table (annals/fields.h) lives in the schema's
// Statement: its pointer slot, and for a group's field ("source.url") the
// group's slot and size. Found once by name: the table's snake_case names
// are the schema's camelCase ones.
struct FieldSlot {
  uint32_t ptr = 0;        // in the struct that holds the field
  int32_t group = -1;      // the group's pointer slot in Statement, or -1
  uint16_t group_data = 0;  // the group struct's data words and pointers
  uint16_t group_ptrs = 0;
};

std::string Camel(std::string_view snake) {
  std::string out;
  for (size_t i = 0; i < snake.size(); ++i) {
    if (snake[i] == '_' && i + 1 < snake.size()) out.push_back(static_cast<char>(std::toupper(snake[++i])));
    else out.push_back(snake[i]);
  }
  return out;
}

uint32_t PointerSlot(capnp::StructSchema::Field field) {
  return field.getProto().getSlot().getOffset();
}

// The field `name` of `schema`; a field the table names but the schema
// lacks is a programming error, stopped at its first use.
capnp::StructSchema::Field SchemaField(capnp::StructSchema schema, std::string_view name) {
  const std::string camel = Camel(name);
  KJ_IF_MAYBE (field, schema.findFieldByName(camel.c_str())) { return *field; }
  std::fprintf(stderr, "annals: the field table names '%s', which the schema lacks\n",
               camel.c_str());
  std::abort();
}

std::vector<FieldSlot> FindSlots() {
  std::vector<FieldSlot> slots;
  const capnp::StructSchema statement = capnp::Schema::from<s::Statement>();
  for (const StatementField& f : StatementFields()) {
    FieldSlot slot;
    if (f.group().empty()) {
      slot.ptr = PointerSlot(SchemaField(statement, f.name));
    } else {
      const capnp::StructSchema::Field group = SchemaField(statement, f.group());
      const capnp::StructSchema group_schema = group.getType().asStruct();
      slot.group = static_cast<int32_t>(PointerSlot(group));
      slot.group_data = group_schema.getProto().getStruct().getDataWordCount();
      slot.group_ptrs = group_schema.getProto().getStruct().getPointerCount();
      slot.ptr = PointerSlot(SchemaField(group_schema, f.member()));
    }
    slots.push_back(slot);
  }
  return slots;
}

// Parallel to StatementFields().
const std::vector<FieldSlot>& Slots() {
  static const std::vector<FieldSlot>* slots = new std::vector<FieldSlot>(FindSlots());
  return *slots;
}

void WriteField(const StatementField& f, const Statement& st, capnp::AnyPointer::Builder p) {
  switch (f.type) {
    case FieldType::kText:
      p.setAs<capnp::Text>(AsText(f.Text(st)));
      break;
    case FieldType::kTextList: {
      const std::vector<std::string>& items = f.List(st);
      auto l = p.initAs<capnp::List<capnp::Text>>(items.size());
      for (size_t i = 0; i < items.size(); ++i) l.set(i, AsText(items[i]));
      break;
    }
    case FieldType::kTime:
      WriteTime(p.initAs<s::Time>(), f.Time(st));
      break;
    case FieldType::kAttributes: {
      auto l = p.initAs<capnp::List<s::Attribute>>(st.attributes.size());
      for (size_t i = 0; i < st.attributes.size(); ++i) {
        l[i].setKey(AsText(st.attributes[i].key));
        l[i].setValue(AsText(st.attributes[i].value));
      }
      break;
    }
  }
}

// Absent fields are not written (null pointers), and a group only once one
// of its fields is present.
void WriteStatement(s::Statement::Builder b, const Statement& st) {
  const std::span<const StatementField> fields = StatementFields();
  const std::vector<FieldSlot>& slots = Slots();
  auto ptrs = capnp::toAny(b).getPointerSection();
  int32_t open = -1;  // the group whose struct `group` is
  capnp::List<capnp::AnyPointer>::Builder group = ptrs;
  for (size_t i = 0; i < fields.size(); ++i) {
    const StatementField& f = fields[i];
    if (f.Empty(st)) continue;
    const FieldSlot& slot = slots[i];
    if (slot.group < 0) {
      WriteField(f, st, ptrs[slot.ptr]);
      continue;
    }
    if (open != slot.group) {
      group = ptrs[slot.group].initAsAnyStruct(slot.group_data, slot.group_ptrs).getPointerSection();
      open = slot.group;
    }
    WriteField(f, st, group[slot.ptr]);
  }
}

// The engine never stores more list items than Validate admits; a longer
// list is damage (or forged bytes: a list of empty elements can claim
// millions of items in a few bytes, each decoded as a string).
absl::Status CheckListSize(const StatementField& f, capnp::AnyPointer::Reader p) {
  const size_t n = f.type == FieldType::kAttributes ? p.getAs<capnp::List<s::Attribute>>().size()
                                                     : p.getAs<capnp::List<capnp::Text>>().size();
  if (n <= f.max_items) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("stored event has ", n, " ", AV(f.name),
                                          "; at most ", f.max_items, " are ever stored"));
}

void ReadField(const StatementField& f, capnp::AnyPointer::Reader p, Statement& st) {
  switch (f.type) {
    case FieldType::kText:
      *f.text(st) = FromText(p.getAs<capnp::Text>());
      break;
    case FieldType::kTextList:
      for (auto t : p.getAs<capnp::List<capnp::Text>>()) f.list(st)->push_back(FromText(t));
      break;
    case FieldType::kTime:
      *f.time(st) = ReadTime(p.getAs<s::Time>());
      break;
    case FieldType::kAttributes: {
      auto attrs = p.getAs<capnp::List<s::Attribute>>();
      st.attributes.reserve(attrs.size());
      for (auto a : attrs) st.attributes.push_back({FromText(a.getKey()), FromText(a.getValue())});
      break;
    }
  }
}

// A field's pointer in a stored statement; a null one when absent (also
// in an older, shorter struct), which reads as empty.
capnp::AnyPointer::Reader FieldPointer(capnp::List<capnp::AnyPointer>::Reader ptrs,
                                       const FieldSlot& slot) {
  if (slot.group >= 0) {
    if (static_cast<uint32_t>(slot.group) >= ptrs.size()) return capnp::AnyPointer::Reader();
    ptrs = ptrs[slot.group].getAs<capnp::AnyStruct>().getPointerSection();
  }
  if (slot.ptr >= ptrs.size()) return capnp::AnyPointer::Reader();
  return ptrs[slot.ptr];
}

absl::StatusOr<Statement> ReadStatement(s::Statement::Reader r, DecodeDepth depth) {
  const std::span<const StatementField> fields = StatementFields();
  const std::vector<FieldSlot>& slots = Slots();
  const auto ptrs = capnp::toAny(r).getPointerSection();
  Statement st;
  const bool full = depth == DecodeDepth::kFull;
  for (size_t i = 0; i < fields.size(); ++i) {
    const StatementField& f = fields[i];
    // Lists are size-checked even when not read.
    if (!full && !f.grouping && f.max_items == 0) continue;
    // A null pointer reads as an empty value: absent.
    capnp::AnyPointer::Reader p = FieldPointer(ptrs, slots[i]);
    if (f.max_items != 0) {
      if (absl::Status s = CheckListSize(f, p); !s.ok()) return s;
    }
    if (full || f.grouping) ReadField(f, p, st);
  }
  return st;
}

// A retraction's or alias's attributes (schema: append-only fields, absent
// -- an empty list -- in events written before them).
void WriteAttributes(capnp::List<s::Attribute>::Builder list,
                     const std::vector<Attribute>& attributes) {
  for (size_t i = 0; i < attributes.size(); ++i) {
    list[i].setKey(AsText(attributes[i].key));
    list[i].setValue(AsText(attributes[i].value));
  }
}

// Size-checked as a statement's are: a few forged bytes can claim millions
// of empty attributes, which would decode but not encode back within
// Cap'n Proto's read limit (found by fuzz/event_decode_fuzzer.cc).
absl::Status ReadAttributes(capnp::List<s::Attribute>::Reader list, std::vector<Attribute>* out) {
  if (list.size() > Limits::kAttributes)
    return absl::DataLossError(absl::StrCat("stored event has ", list.size(),
                                            " attributes; at most ", Limits::kAttributes,
                                            " are ever stored"));
  out->reserve(list.size());
  for (auto a : list) out->push_back({FromText(a.getKey()), FromText(a.getValue())});
  return absl::OkStatus();
}

// A mention's article (schema Source; absent fields are not written).
void WriteSource(s::Source::Builder b, const Source& src) {
  if (!src.outlet.empty()) b.setOutlet(AsText(src.outlet));
  if (!src.url.empty()) b.setUrl(AsText(src.url));
  if (src.published_at.present()) WriteTime(b.initPublishedAt(), src.published_at);
  if (!src.via.empty()) b.setVia(AsText(src.via));
}

Source ReadSource(s::Source::Reader r) {
  Source src;
  src.outlet = FromText(r.getOutlet());
  src.url = FromText(r.getUrl());
  if (r.hasPublishedAt()) src.published_at = ReadTime(r.getPublishedAt());
  src.via = FromText(r.getVia());
  return src;
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
      if (!statement.attributes.empty())
        WriteAttributes(r.initAttributes(statement.attributes.size()), statement.attributes);
      break;
    }
    case EventKind::kActorAlias: {
      auto a = kind.initActorAlias();
      a.setAlias(AsText(event.alias));
      a.setCanonical(AsText(event.canonical));
      if (!statement.attributes.empty())
        WriteAttributes(a.initAttributes(statement.attributes.size()), statement.attributes);
      break;
    }
    case EventKind::kMention: {
      auto m = kind.initMention();
      m.setEvent(AsText(event.mentioned));
      WriteSource(m.initSource(), statement.source);
      if (!statement.attributes.empty())
        WriteAttributes(m.initAttributes(statement.attributes.size()), statement.attributes);
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

namespace {

// The words of stored value `bytes` once its size and checksum hold: in
// place when aligned, else copied into `copy`. Cap'n Proto reads words in
// place, and RocksDB values carry no alignment guarantee (a page's rows are
// laid out aligned: timeline/query.cc).
absl::StatusOr<kj::ArrayPtr<const capnp::word>> CheckedWords(std::string_view bytes,
                                                             kj::Array<capnp::word>* copy) {
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
  const size_t nwords = payload.size() / sizeof(capnp::word);
  if (reinterpret_cast<uintptr_t>(payload.data()) % alignof(capnp::word) == 0)
    return kj::arrayPtr(reinterpret_cast<const capnp::word*>(payload.data()), nwords);
  *copy = kj::heapArray<capnp::word>(nwords);
  std::memcpy(copy->begin(), payload.data(), payload.size());
  return kj::arrayPtr(copy->begin(), nwords);
}

}  // namespace

absl::StatusOr<uint64_t> StoredEventSeq(std::string_view bytes) {
  kj::Array<capnp::word> copy;
  auto words = CheckedWords(bytes, &copy);
  if (!words.ok()) return words.status();
  try {
    capnp::FlatArrayMessageReader reader(*words);
    return reader.getRoot<s::Envelope>().getSeq();
  } catch (const kj::Exception& ex) {
    return absl::DataLossError(
        absl::StrCat("stored event does not decode: ", ex.getDescription().cStr()));
  }
}

absl::StatusOr<Event> DecodeEvent(std::string_view bytes, DecodeDepth depth) {
  kj::Array<capnp::word> copy;
  auto checked = CheckedWords(bytes, &copy);
  if (!checked.ok()) return checked.status();
  const kj::ArrayPtr<const capnp::word> words = *checked;
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
        if (auto st = ReadStatement(kind.getStatement(), depth); st.ok()) e.statement = *std::move(st);
        else return st.status();
        e.statement.id = e.id;
        break;
      case s::Envelope::Kind::CORRECTION: {
        auto c = kind.getCorrection();
        e.kind = EventKind::kCorrection;
        e.target = c.getTarget();
        if (auto st = ReadStatement(c.getStatement(), depth); st.ok()) e.statement = *std::move(st);
        else return st.status();
        if (c.hasReason()) e.reason = FromText(c.getReason());
        break;
      }
      case s::Envelope::Kind::RETRACTION: {
        auto r = kind.getRetraction();
        e.kind = EventKind::kRetraction;
        e.target = r.getTarget();
        if (r.hasReason()) e.reason = FromText(r.getReason());
        if (absl::Status bad = ReadAttributes(r.getAttributes(), &e.statement.attributes);
            !bad.ok())
          return bad;
        break;
      }
      case s::Envelope::Kind::ACTOR_ALIAS: {
        auto a = kind.getActorAlias();
        e.kind = EventKind::kActorAlias;
        e.alias = FromText(a.getAlias());
        e.canonical = FromText(a.getCanonical());
        if (absl::Status bad = ReadAttributes(a.getAttributes(), &e.statement.attributes);
            !bad.ok())
          return bad;
        break;
      }
      case s::Envelope::Kind::MENTION: {
        auto m = kind.getMention();
        e.kind = EventKind::kMention;
        e.mentioned = FromText(m.getEvent());
        if (m.hasSource()) e.statement.source = ReadSource(m.getSource());
        if (absl::Status bad = ReadAttributes(m.getAttributes(), &e.statement.attributes);
            !bad.ok())
          return bad;
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
