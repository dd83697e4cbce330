// ThreadSanitizer support for Debian's Abseil, linked only into TSan builds
// (tools/dev.sh). libabsl_synchronization.so is not built with TSan, so its
// Mutex's atomics are invisible to it and every access guarded by an
// absl::Mutex would be reported as a race. This file interposes the Mutex
// methods this project calls (Lock, Unlock, ReaderLock, ReaderUnlock, Await
// and AwaitWithDeadline: see `grep -r Await`),
// forwards to the real ones (dlsym RTLD_NEXT) and tells TSan the
// happens-before edges they make: Unlock releases, Lock acquires, Await
// (which may unlock and relock inside) releases before and acquires after,
// and each evaluation of an Await condition (possibly by another thread)
// acquires and releases.
// Race detection only; TSan's lock-order checks do not see these mutexes.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"

extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);

namespace {

template <typename Fn>
Fn Real(const char* name) {
  void* p = dlsym(RTLD_NEXT, name);
  if (p == nullptr) {
    std::fprintf(stderr, "tsan shim: %s not found\n", name);
    std::abort();
  }
  return reinterpret_cast<Fn>(p);
}

// Itanium-mangled names of the methods, from the installed library's
// inline namespace (absl::debian3 on Debian 12).
#define ANNALS_ABSL_NS_STR "7debian3"
using MemberFn = void (*)(absl::Mutex*);
using AwaitFn = void (*)(absl::Mutex*, const absl::Condition&);
using AwaitDeadlineFn = bool (*)(absl::Mutex*, const absl::Condition&, absl::Time);

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static const MemberFn real = Real<MemberFn>("_ZN4absl" ANNALS_ABSL_NS_STR "5Mutex4LockEv");
  real(this);
  __tsan_acquire(this);
}

void Mutex::Unlock() {
  static const MemberFn real = Real<MemberFn>("_ZN4absl" ANNALS_ABSL_NS_STR "5Mutex6UnlockEv");
  __tsan_release(this);
  real(this);
}

// Shared holders release too, so a writer that locks next is ordered after
// every reader before it (this also orders readers with one another, which
// hides nothing the engine relies on: they only read).
void Mutex::ReaderLock() {
  static const MemberFn real =
      Real<MemberFn>("_ZN4absl" ANNALS_ABSL_NS_STR "5Mutex10ReaderLockEv");
  real(this);
  __tsan_acquire(this);
}

void Mutex::ReaderUnlock() {
  static const MemberFn real =
      Real<MemberFn>("_ZN4absl" ANNALS_ABSL_NS_STR "5Mutex12ReaderUnlockEv");
  __tsan_release(this);
  real(this);
}

namespace {
// absl evaluates a waiter's condition in whichever thread releases the
// mutex; each evaluation is made to acquire and release the mutex, so what
// the condition read happens before the waiter (and whoever it syncs with
// next) goes on.
struct GuardedCondition {
  const Condition* cond;
  Mutex* mu;
  static bool Eval(GuardedCondition* g) {
    __tsan_acquire(g->mu);
    bool r = g->cond->Eval();
    __tsan_release(g->mu);
    return r;
  }
};
}  // namespace

void Mutex::Await(const Condition& cond) {
  static const AwaitFn real =
      Real<AwaitFn>("_ZN4absl" ANNALS_ABSL_NS_STR "5Mutex5AwaitERKNS0_9ConditionE");
  GuardedCondition guarded{&cond, this};
  __tsan_release(this);
  real(this, Condition(&GuardedCondition::Eval, &guarded));
  __tsan_acquire(this);
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  static const AwaitDeadlineFn real = Real<AwaitDeadlineFn>(
      "_ZN4absl" ANNALS_ABSL_NS_STR "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  GuardedCondition guarded{&cond, this};
  __tsan_release(this);
  const bool met = real(this, Condition(&GuardedCondition::Eval, &guarded), deadline);
  __tsan_acquire(this);
  return met;
}

ABSL_NAMESPACE_END
}  // namespace absl
