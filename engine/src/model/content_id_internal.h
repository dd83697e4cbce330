// Content ids of the non-statement kinds (corrections, retractions,
// aliases): "h:" + XXH3-128 over a kind tag and the NFC-normalised,
// length-prefixed parts. Frozen like ContentId.
#ifndef ANNALS_ENGINE_SRC_MODEL_CONTENT_ID_INTERNAL_H_
#define ANNALS_ENGINE_SRC_MODEL_CONTENT_ID_INTERNAL_H_

#include <initializer_list>
#include <string>
#include <string_view>

namespace annals::internal {

std::string KindContentId(char kind, std::initializer_list<std::string_view> parts);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_CONTENT_ID_INTERNAL_H_
