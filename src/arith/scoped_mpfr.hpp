#pragma once
// An mpfr_t owned by one scope, for temporaries inside the arithmetics (STYLE: never pair
// init/clear by hand). The precision is always given; MPFR's default precision is never used.
#include <mpfr.h>

namespace freelunch::arith {

class ScopedMpfr {
 public:
  explicit ScopedMpfr(mpfr_prec_t prec) { mpfr_init2(x_, prec); }
  ~ScopedMpfr() { mpfr_clear(x_); }
  ScopedMpfr(const ScopedMpfr&) = delete;
  ScopedMpfr& operator=(const ScopedMpfr&) = delete;

  mpfr_ptr get() { return x_; }
  mpfr_srcptr get() const { return x_; }

 private:
  mpfr_t x_;
};

}  // namespace freelunch::arith
