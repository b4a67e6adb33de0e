// Directed-rounding helpers of the running error bounds (running_bound.hpp).
#include "arith/running_bound.hpp"

#include <mpfr.h>

#include "arith/scoped_mpfr.hpp"

namespace freelunch::arith {

RoundingUnit rounding_unit(const SoftFloatArith& ar) {
  const FpFormat& f = ar.format();
  return {std::ldexp(1.0, -f.precision()), std::ldexp(1.0, f.emin_subnormal() - 1)};
}

RoundingUnit rounding_unit(const MpfrArith& ar) {
  if (ar.format()) {
    const FpFormat& f = *ar.format();
    return {std::ldexp(1.0, -f.precision()), std::ldexp(1.0, f.emin_subnormal() - 1)};
  }
  // The wide exponent range cannot underflow in these models without raising the flag; 2^-p
  // below 2^-1074 rounds up to the smallest subnormal, still an upper bound.
  return {bound::up(std::ldexp(1.0, -static_cast<int>(ar.precision()))), 0};
}

namespace bound {

double div_up(double a, double b) { return a == 0 ? 0 : up(a / b); }

double exp_up(double x) {
  ScopedMpfr r(53);
  mpfr_set_d(r.get(), x, MPFR_RNDN);  // exact: 53 bits
  mpfr_exp(r.get(), r.get(), MPFR_RNDU);
  return mpfr_get_d(r.get(), MPFR_RNDU);
}

double magnitude_up(const SoftFloat& x) {
  const double v = std::fabs(x.value());
  return std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
}

double magnitude_up(const MpfrValue& x) {
  if (!mpfr_number_p(x.get())) return std::numeric_limits<double>::infinity();
  return std::fabs(mpfr_get_d(x.get(), MPFR_RNDA));
}

std::pair<double, double> enclosure(const SoftFloat& x) { return {x.value(), x.value()}; }

std::pair<double, double> enclosure(const MpfrValue& x) { return {mpfr_get_d(x.get(), MPFR_RNDD), mpfr_get_d(x.get(), MPFR_RNDU)}; }

double magnitude_up(const Rational& q) {
  ScopedMpfr r(53);
  mpfr_set_q(r.get(), q.backend().data(), MPFR_RNDA);  // away from zero: up in magnitude
  return std::fabs(mpfr_get_d(r.get(), MPFR_RNDA));
}

}  // namespace bound
}  // namespace freelunch::arith
