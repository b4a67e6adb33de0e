// Directed-rounding helpers of the running error bounds (running_bound.hpp).
#include "arith/running_bound.hpp"

#include <mpfr.h>

#include <algorithm>
#include <limits>

#include "arith/scoped_mpfr.hpp"

namespace freelunch::arith {

namespace {

// 2^e, or the smallest positive double when 2^e is below it (fp64's η/2 = 2^-1075 would round to
// 0 and leave underflow to zero uncovered): never below the true value.
double pow2_up(int e) { return std::max(std::ldexp(1.0, e), std::numeric_limits<double>::denorm_min()); }

}  // namespace

RoundingUnit rounding_unit(const SoftFloatArith& ar) {
  const FpFormat& f = ar.format();
  return {pow2_up(-f.precision()), pow2_up(f.emin_subnormal() - 1)};
}

RoundingUnit rounding_unit(const MpfrArith& ar) {
  if (ar.format()) {
    const FpFormat& f = *ar.format();
    return {pow2_up(-f.precision()), pow2_up(f.emin_subnormal() - 1)};
  }
  // MPFR's wide exponent range underflows below 2^-1073741823: an error far below the smallest
  // double, which therefore bounds it.
  return {pow2_up(-static_cast<int>(ar.precision())), std::numeric_limits<double>::denorm_min()};
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
