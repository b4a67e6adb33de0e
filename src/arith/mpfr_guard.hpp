#pragma once
// MPFR's exponent range and flags are process state (per thread when MPFR is built thread-safe,
// which freelunch checks at start-up: see mpfr_is_thread_safe). They are only ever changed inside
// an MpfrRangeGuard, which restores range and flags on scope exit, exceptions included
// (the save/restore pair of MPFR's own src/exp.c).
#include <mpfr.h>

namespace freelunch::arith {

class MpfrRangeGuard {
 public:
  MpfrRangeGuard(mpfr_exp_t emin, mpfr_exp_t emax)
      : saved_emin_(mpfr_get_emin()), saved_emax_(mpfr_get_emax()), saved_flags_(mpfr_flags_save()) {
    mpfr_clear_flags();
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
  }
  ~MpfrRangeGuard() {
    mpfr_set_emin(saved_emin_);
    mpfr_set_emax(saved_emax_);
    mpfr_flags_restore(saved_flags_, MPFR_FLAGS_ALL);
  }
  MpfrRangeGuard(const MpfrRangeGuard&) = delete;
  MpfrRangeGuard& operator=(const MpfrRangeGuard&) = delete;

 private:
  mpfr_exp_t saved_emin_;
  mpfr_exp_t saved_emax_;
  mpfr_flags_t saved_flags_;
};

// True when this MPFR keeps its exponent range and flags per thread (mpfr_buildopt_tls_p).
inline bool mpfr_is_thread_safe() { return mpfr_buildopt_tls_p() != 0; }

// Frees the constants (pi, log 2, ...) MPFR caches per thread. A worker thread calls it before it
// ends: the main thread's caches are freed at exit, a worker's would otherwise leak.
inline void mpfr_release_thread_caches() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }

// True when the exponent range is MPFR's default, i.e. nobody left it changed.
inline bool mpfr_range_is_default() {
  return mpfr_get_emin() == MPFR_EMIN_DEFAULT && mpfr_get_emax() == MPFR_EMAX_DEFAULT;
}

}  // namespace freelunch::arith
