// Decoding a stored event from arbitrary bytes: never a crash, an exception
// or a hang, only kDataLoss. The input is tried as a whole stored value
// (mostly stopped by the checksum) and as a payload given a valid checksum,
// so the fuzzer reaches the Cap'n Proto reader. Whatever decodes must
// encode and decode back to itself.
#include <string>
#include <string_view>

#include "annals/event.h"
#include "codec/event_codec.h"
#include "fuzz_target.h"
#include "xxhash.h"

namespace {

void Check(std::string_view bytes) {
  auto e = annals::internal::DecodeEvent(bytes);
  if (!e.ok()) {
    ANNALS_FUZZ_CHECK(e.status().code() == absl::StatusCode::kDataLoss);
    return;
  }
  std::string again;
  annals::internal::EncodeEvent(*e, &again);
  auto back = annals::internal::DecodeEvent(again);
  ANNALS_FUZZ_CHECK(back.ok());
  ANNALS_FUZZ_CHECK(*back == *e);
}

void FuzzDecode(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  // The same bytes as the payload of a value with a correct checksum
  // (8-byte little-endian XXH64, see codec/event_codec.h).
  uint64_t h = XXH64(in.data(), in.size(), 0);
  std::string value(8, '\0');
  for (int i = 0; i < 8; ++i) value[i] = static_cast<char>(h >> (8 * i));
  value.append(in);
  Check(value);
}

}  // namespace

ANNALS_FUZZ_TARGET(FuzzDecode)
