#include "log/records.h"

#include "absl/strings/str_cat.h"
#include "annals/json.h"
#include "model/sv.h"
#include "simdjson.h"

namespace annals::internal {

std::string CorrectionKey(uint64_t target) { return absl::StrCat(kMetaCorrected, EncodeU64(target)); }
std::string RetractionKey(uint64_t target) { return absl::StrCat(kMetaRetracted, EncodeU64(target)); }

std::optional<uint64_t> DecodeAmendKey(std::string_view key, std::string_view prefix) {
  if (!key.starts_with(prefix)) return std::nullopt;
  return DecodeU64(key.substr(prefix.size()));
}

std::string EncodeAmendRecord(uint64_t by) { return EncodeU64(by); }
std::optional<uint64_t> DecodeAmendRecord(std::string_view value) { return DecodeU64(value); }

std::string AliasKey(uint64_t seq) { return absl::StrCat(kMetaAlias, EncodeU64(seq)); }

std::optional<uint64_t> DecodeAliasKey(std::string_view key) {
  return DecodeAmendKey(key, kMetaAlias);
}

std::string EncodeAliasRecord(std::string_view alias, std::string_view canonical) {
  std::string v = EncodeU32(static_cast<uint32_t>(alias.size()));
  absl::StrAppend(&v, AV(alias), AV(canonical));
  return v;
}

std::optional<AliasValue> DecodeAliasRecord(std::string_view value) {
  auto len = value.size() >= 4 ? DecodeU32(value.substr(0, 4)) : std::nullopt;
  if (!len || *len > value.size() - 4) return std::nullopt;
  return AliasValue{value.substr(4, *len), value.substr(4 + *len)};
}

std::string MentionKeyPrefix(std::string_view event_id) {
  std::string key = absl::StrCat(kMetaMention, AV(event_id));
  key.push_back('\0');
  return key;
}

std::string MentionKey(std::string_view event_id, uint64_t seq) {
  return absl::StrCat(MentionKeyPrefix(event_id), EncodeU64(seq));
}

std::optional<MentionKeyParts> DecodeMentionKey(std::string_view key) {
  const std::string_view prefix = kMetaMention;
  if (!key.starts_with(prefix) || key.size() < prefix.size() + 9) return std::nullopt;
  const size_t nul = key.size() - 9;
  if (key[nul] != '\0' || nul == prefix.size()) return std::nullopt;
  auto seq = DecodeU64(key.substr(nul + 1));
  if (!seq) return std::nullopt;
  return MentionKeyParts{key.substr(prefix.size(), nul - prefix.size()), *seq};
}

std::string ActiveKey(std::string_view name) { return absl::StrCat(kMetaProjActive, AV(name)); }
std::string EncodeActiveRecord(uint32_t gen) { return EncodeU32(gen); }
std::optional<uint32_t> DecodeActiveRecord(std::string_view value) { return DecodeU32(value); }

std::string GenerationKeyPrefix(std::string_view name) {
  return absl::StrCat(kMetaProjGen, AV(name), "/");
}

std::string GenerationKey(std::string_view name, uint32_t gen) {
  return GenerationKeyPrefix(name) + EncodeU32(gen);
}

std::optional<uint32_t> DecodeGenerationKey(std::string_view key, std::string_view name) {
  const std::string prefix = GenerationKeyPrefix(name);
  if (!key.starts_with(prefix)) return std::nullopt;
  return DecodeU32(key.substr(prefix.size()));
}

std::string EncodeGeneration(uint32_t version, uint64_t checkpoint) {
  return EncodeU32(version) + EncodeU64(checkpoint);
}

std::optional<GenerationRecord> DecodeGeneration(std::string_view value) {
  if (value.size() != 12) return std::nullopt;
  return GenerationRecord{*DecodeU32(value.substr(0, 4)), *DecodeU64(value.substr(4))};
}

std::string DefinitionKey(std::string_view name) {
  return absl::StrCat(kMetaDefinition, AV(name));
}

std::optional<std::string> DecodeDefinitionKey(std::string_view key) {
  if (!key.starts_with(kMetaDefinition)) return std::nullopt;
  return std::string(key.substr(std::string_view(kMetaDefinition).size()));
}

std::string EncodeDefinition(const ProjectionDefinition& def) {
  std::string out = "{\"key\":[";
  for (size_t i = 0; i < def.key.size(); ++i) {
    if (i) out.push_back(',');
    AppendJsonString(def.key[i], &out);
  }
  out += "],\"where\":[";
  for (size_t i = 0; i < def.where.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('[');
    AppendJsonString(def.where[i].first, &out);
    out.push_back(',');
    AppendJsonString(def.where[i].second, &out);
    out.push_back(']');
  }
  out += "]}";
  return out;
}

absl::StatusOr<ProjectionDefinition> DecodeDefinition(std::string_view name,
                                                      std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) || !root.is_object())
    return absl::InvalidArgumentError("definition is not a JSON object");
  ProjectionDefinition def;
  def.name = std::string(name);
  simdjson::dom::array keys, where;
  if (root["key"].get(keys)) return absl::InvalidArgumentError("definition has no key list");
  for (auto k : keys) {
    std::string_view s;
    if (k.get(s)) return absl::InvalidArgumentError("key: expected strings");
    def.key.emplace_back(s);
  }
  if (!root["where"].get(where)) {
    for (auto w : where) {
      simdjson::dom::array pair;
      std::string_view f, v;
      if (w.get(pair) || pair.size() != 2 || pair.at(0).get(f) || pair.at(1).get(v))
        return absl::InvalidArgumentError("where: expected [field, value] pairs");
      def.where.emplace_back(std::string(f), std::string(v));
    }
  }
  return def;
}

std::string ProjectionPrefix(std::string_view name, uint32_t gen) {
  std::string p(name);
  p.push_back('\0');
  p += EncodeU32(gen);
  return p;
}

}  // namespace annals::internal
