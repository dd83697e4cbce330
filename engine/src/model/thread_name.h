// Names the calling thread (Linux: at most 15 bytes; longer is cut), so
// `top -H`, perf and debuggers show which engine thread is which.
#ifndef ANNALS_ENGINE_SRC_MODEL_THREAD_NAME_H_
#define ANNALS_ENGINE_SRC_MODEL_THREAD_NAME_H_

#include <pthread.h>

#include <string>
#include <string_view>

namespace annals::internal {

inline void NameThisThread(std::string_view name) {
  std::string n(name.substr(0, 15));
  (void)pthread_setname_np(pthread_self(), n.c_str());
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_THREAD_NAME_H_
