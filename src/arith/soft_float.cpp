#include "arith/soft_float.hpp"

#include <mpfr.h>

#include "arith/scoped_mpfr.hpp"

namespace freelunch::arith {

SoftFloat SoftFloatArith::finish_small_binary64(double r, double a, double b, bool division) const {
  // a = ma 2^ea, b = mb 2^eb with ma, mb in [1/2, 1): the significand operation m = RN(ma op mb)
  // is a normal double with an exact fma residual, and the exact result is (ma op mb) 2^s.
  // Rounded to 53 bits with an unbounded exponent it is m 2^s, which decides tininess.
  int ea = 0;
  int eb = 0;
  const double ma = std::frexp(a, &ea);
  const double mb = std::frexp(b, &eb);
  const double m = division ? ma / mb : ma * mb;
  const bool m_exact = (division ? std::fma(-m, mb, ma) : std::fma(ma, mb, -m)) == 0;
  const int s = division ? ea - eb : ea + eb;
  // ldexp(r, -s) is exact: it scales r (possibly subnormal or 0) up to about |m|, in [1/4, 2).
  if (m_exact && std::ldexp(r, -s) == m) return {r, this};
  flags_.raise(Flag::inexact);
  if (std::ilogb(m) + s < -1022) flags_.raise(Flag::underflow);
  return {r, this};
}

template <class F>
SoftFloat SoftFloatArith::transcendental(F f, const SoftFloat& x) const {
  ScopedMpfr in(53);
  ScopedMpfr out(fmt_.precision());
  mpfr_set_d(in.get(), x.value(), MPFR_RNDN);  // exact: a format value is a double
  const int ternary = f(out.get(), in.get(), MPFR_RNDN);
  // invalid is decided before the overflow rule, whose NaN (FN style) is no invalid operation.
  if (mpfr_nan_p(out.get()) && !std::isnan(x.value())) flags_.raise(Flag::invalid);
  mpfr_round_to_format(out.get(), ternary, fmt_, flags_);
  return {mpfr_get_d(out.get(), MPFR_RNDN), this};  // exact: a format value is a double
}

SoftFloat SoftFloatArith::exp(const SoftFloat& x) const { return transcendental(mpfr_exp, x); }

SoftFloat SoftFloatArith::log(const SoftFloat& x) const {
  if (x.value() == 0) flags_.raise(Flag::divbyzero);
  return transcendental(mpfr_log, x);
}

}  // namespace freelunch::arith
