#include "arith/mpfr_arith.hpp"

#include <gmp.h>

namespace freelunch::arith {

Rational MpfrArith::to_rational(const MpfrValue& x) const {
  if (mpfr_zero_p(x.get())) return Rational(0);
  Integer mantissa;
  const mpfr_exp_t e = mpfr_get_z_2exp(mantissa.backend().data(), x.get());
  return Rational(mantissa) * pow2(e);
}

}  // namespace freelunch::arith
