// ANNALS_EXPORT marks the library's public API. libannals.so is built with
// -fvisibility=hidden, so only what is marked here is in its dynamic symbol
// table; everything in annals::internal stays private to the library.
#ifndef ANNALS_VISIBILITY_H_
#define ANNALS_VISIBILITY_H_

#if defined(__GNUC__) || defined(__clang__)
#define ANNALS_EXPORT __attribute__((visibility("default")))
#else
#define ANNALS_EXPORT
#endif

#endif  // ANNALS_VISIBILITY_H_
