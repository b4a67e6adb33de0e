#include "arith/interval.hpp"

#include <mpfr.h>

#include "arith/scoped_mpfr.hpp"

namespace freelunch::arith {
namespace {

Rational rational_of(mpfr_srcptr x) {
  if (mpfr_zero_p(x)) return Rational(0);
  Integer mantissa;
  const mpfr_exp_t e = mpfr_get_z_2exp(mantissa.backend().data(), x);
  return Rational(mantissa) * pow2(e);
}

template <class F>
Interval binary(F f, const Interval& a, const Interval& b) {
  Interval r = a.context()->make();
  f(r.get(), a.get(), b.get());
  return r;
}

}  // namespace

Interval operator+(const Interval& a, const Interval& b) { return binary(mpfi_add, a, b); }
Interval operator-(const Interval& a, const Interval& b) { return binary(mpfi_sub, a, b); }
Interval operator*(const Interval& a, const Interval& b) { return binary(mpfi_mul, a, b); }
Interval operator/(const Interval& a, const Interval& b) { return binary(mpfi_div, a, b); }
Interval operator-(const Interval& a) {
  Interval r = a.context()->make();
  mpfi_neg(r.get(), a.get());
  return r;
}

Tribool operator<(const Interval& a, const Interval& b) {
  if (mpfr_less_p(&a.get()->right, &b.get()->left)) return Tribool(true);
  if (mpfr_greaterequal_p(&a.get()->left, &b.get()->right)) return Tribool(false);
  return Tribool::unknown();
}

Rational IntervalArith::lower(const Interval& x) const { return rational_of(&x.get()->left); }
Rational IntervalArith::upper(const Interval& x) const { return rational_of(&x.get()->right); }

namespace {
// |x| < 2^-tiny_exponent, x != 0 (a regular MPFR number m 2^e with 1/2 <= |m| < 1 is below
// 2^-t exactly when e <= -t).
bool is_tiny(mpfr_srcptr x, long tiny_exponent) { return mpfr_regular_p(x) && mpfr_get_exp(x) <= -tiny_exponent; }
}  // namespace

Rational IntervalArith::lower_outward(const Interval& x, long tiny_exponent) const {
  mpfr_srcptr e = &x.get()->left;
  if (!is_tiny(e, tiny_exponent)) return rational_of(e);
  return mpfr_sgn(e) > 0 ? Rational(0) : Rational(-pow2(-tiny_exponent));
}

Rational IntervalArith::upper_outward(const Interval& x, long tiny_exponent) const {
  mpfr_srcptr e = &x.get()->right;
  if (!is_tiny(e, tiny_exponent)) return rational_of(e);
  return mpfr_sgn(e) < 0 ? Rational(0) : pow2(-tiny_exponent);
}

bool IntervalArith::contains(const Interval& x, const Rational& q) const {
  return lower(x) <= q && q <= upper(x);
}

double IntervalArith::width(const Interval& x) const {
  ScopedMpfr w(53);
  mpfr_sub(w.get(), &x.get()->right, &x.get()->left, MPFR_RNDU);
  return mpfr_get_d(w.get(), MPFR_RNDU);
}

Interval IntervalArith::max(const Interval& a, const Interval& b) const {
  Interval r = make();
  mpfr_max(&r.get()->left, &a.get()->left, &b.get()->left, MPFR_RNDD);
  mpfr_max(&r.get()->right, &a.get()->right, &b.get()->right, MPFR_RNDU);
  return r;
}

Interval IntervalArith::hull(const Interval& a, const Interval& b) const {
  Interval r = make();
  mpfi_union(r.get(), a.get(), b.get());
  return r;
}

Interval IntervalArith::min(const Interval& a, const Interval& b) const {
  Interval r = make();
  mpfr_min(&r.get()->left, &a.get()->left, &b.get()->left, MPFR_RNDD);
  mpfr_min(&r.get()->right, &a.get()->right, &b.get()->right, MPFR_RNDU);
  return r;
}

}  // namespace freelunch::arith
