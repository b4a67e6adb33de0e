#include "arith/mpfr_arith.hpp"

#include <gmp.h>

namespace freelunch::arith {

Rational MpfrArith::to_rational(const MpfrValue& x) const {
  if (mpfr_zero_p(x.get())) return Rational(0);
  Integer mantissa;
  const mpfr_exp_t e = mpfr_get_z_2exp(mantissa.backend().data(), x.get());
  return Rational(mantissa) * pow2(e);
}

std::string MpfrArith::exact_key(const MpfrValue& x) const {
  if (mpfr_zero_p(x.get())) return "0";
  Integer mantissa;
  const mpfr_exp_t e = mpfr_get_z_2exp(mantissa.backend().data(), x.get());
  std::string key;
  if (mantissa < 0) {
    key = "-";  // hexadecimal output takes positive numbers only
    mantissa = -mantissa;
  }
  key += mantissa.str(0, std::ios_base::hex);
  key += "*2^";
  key += std::to_string(e);
  return key;
}

}  // namespace freelunch::arith
