/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-test-tsan.c — linked into the tests that run the trainer's worker
 * thread, so that a -Db_sanitize=thread build (docs/robustness.md) checks
 * their hand-offs without false reports; empty otherwise. */
#include <glib.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NNB_TSAN 1
#endif
#endif

#ifdef NNB_TSAN
/* GLib's GMutex and GCond are futexes inside an uninstrumented library, so
 * ThreadSanitizer cannot see that they order the trainer's accesses and
 * reports every snapshot hand-off as a race. These wrappers (the engine's
 * calls bind to them when it is linked into this program) call GLib's own
 * functions and tell ThreadSanitizer what they do; a real race — an access
 * outside the lock — is still reported. */
#include <dlfcn.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

typedef void (*MutexFunc) (GMutex *mutex);
typedef void (*CondWaitFunc) (GCond *cond, GMutex *mutex);

void
g_mutex_lock (GMutex *mutex)
{
  static MutexFunc real;

  if (real == NULL)
    real = (MutexFunc) dlsym (RTLD_NEXT, "g_mutex_lock");
  real (mutex);
  __tsan_acquire (mutex);
}

void
g_mutex_unlock (GMutex *mutex)
{
  static MutexFunc real;

  if (real == NULL)
    real = (MutexFunc) dlsym (RTLD_NEXT, "g_mutex_unlock");
  __tsan_release (mutex);
  real (mutex);
}

void
g_cond_wait (GCond *cond, GMutex *mutex)
{
  static CondWaitFunc real;

  if (real == NULL)
    real = (CondWaitFunc) dlsym (RTLD_NEXT, "g_cond_wait");
  __tsan_release (mutex);
  real (cond, mutex);
  __tsan_acquire (mutex);
}
#endif
