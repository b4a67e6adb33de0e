#pragma once
// Running error bounds (Wilkinson; Higham, Accuracy and Stability of Numerical Algorithms, 2nd
// ed., §3.3): an arithmetic that computes exactly what another one computes and carries, with
// each value x̂, a bound E on |x̂ − x|, where x is what the same program gives in exact arithmetic
// from the exact inputs. One evaluator, two answers: the rounded value, and how far from the
// truth it can be, proved by the operations actually executed.
//
// The rounding model of the inner arithmetic (RoundingUnit): one operation rounded to nearest
// satisfies |fl(w) − w| <= u |fl(w)| + η/2 whatever w is (u = 2^-p; η the smallest positive
// subnormal; both rounded up to a double, so MPFR's wide range gets the smallest double), because
// fl(w) lies in w's binade.
// Each operation then propagates the operands' bounds exactly as calculus says and adds its
// own rounding (x̂, ŷ are the computed operands, Ex, Ey their bounds, z its computed result):
//   x ± y      Ex + Ey                                     + u |z| + η/2
//   x · y      |x̂| Ey + |ŷ| Ex + Ex Ey                     + u |z| + η/2
//   x / y      (|x̂| Ey + |ŷ| Ex) / (|ŷ| (|ŷ| − Ey))        + u |z| + η/2   (infinite if |ŷ| <= Ey,
//                                                                          unless x̂ = 0 exactly)
//   exp x      exp(x̂ + Ex) Ex                              + u |z| + η/2
//   log x      Ex / (x̂ − Ex)                               + u |z| + η/2   (infinite if x̂ <= Ex)
//   −x, |x|    Ex;   max(x, y): max(Ex, Ey)
// (exp and log of the inner arithmetics are correctly rounded, so their own rounding obeys the
// same model.) The bounds are binary64 numbers computed with every rounding directed up
// (nextafter after each nearest operation, exp through MPFR rounding up): they are rigorous, not
// first-order estimates. A non-finite value (overflow, NaN) has the bound +inf.
//
// Inputs enter with the bound of their own rounding (from_rational) or of any approximation the
// caller knows (from_rational_near: a weight stored in bf16 is |stored − true| away from the
// true weight before the first operation).
//
// Supported inner arithmetics: the emulated formats (SoftFloatArith) and MPFR (MpfrArith), both
// rounding to nearest per operation. Not a PointArithmetic on purpose: models::dot's fused path
// would round an exact sum once and lose the bounds it carries; per-operation semantics only.
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "arith/arithmetic.hpp"
#include "arith/mpfr_arith.hpp"
#include "arith/rational.hpp"
#include "arith/soft_float.hpp"

namespace freelunch::arith {

// The error of one operation rounded to nearest: |fl(w) − w| <= u |fl(w)| + half_eta.
struct RoundingUnit {
  double u = 0;
  double half_eta = 0;
};

RoundingUnit rounding_unit(const SoftFloatArith& ar);
RoundingUnit rounding_unit(const MpfrArith& ar);  // MPFR's own range: η/2 = the smallest double

namespace bound {

// Binary64 arithmetic on non-negative bounds, rounded up: the nearest result, then one step up
// (which covers nearest rounding's half-ulp error even across a binade).
inline double up(double x) { return std::nextafter(x, std::numeric_limits<double>::infinity()); }
inline double down(double x) { return std::nextafter(x, -std::numeric_limits<double>::infinity()); }
inline double add_up(double a, double b) { return a == 0 ? b : b == 0 ? a : up(a + b); }
// 0 · inf is 0 here: a zero factor contributes nothing whatever the other bound is.
inline double mul_up(double a, double b) { return a == 0 || b == 0 ? 0 : up(a * b); }
double div_up(double a, double b);  // a / b rounded up, b > 0
double exp_up(double x);            // e^x rounded up (MPFR)
// |x| rounded up to a double; +inf when x is not finite.
double magnitude_up(const SoftFloat& x);
double magnitude_up(const MpfrValue& x);
// x rounded down and up to doubles (x finite).
std::pair<double, double> enclosure(const SoftFloat& x);
std::pair<double, double> enclosure(const MpfrValue& x);
// |q| rounded up to a double.
double magnitude_up(const Rational& q);

}  // namespace bound

template <class V>
class Bounded {
 public:
  Bounded() = default;
  Bounded(V value, double bound, const RoundingUnit* unit) : v_(std::move(value)), e_(bound), unit_(unit) {}
  const V& value() const { return v_; }
  double bound() const { return e_; }
  const RoundingUnit* unit() const { return unit_; }

  friend Bounded operator+(const Bounded& x, const Bounded& y) { return rounded(x.v_ + y.v_, bound::add_up(x.e_, y.e_), x.unit_); }
  friend Bounded operator-(const Bounded& x, const Bounded& y) { return rounded(x.v_ - y.v_, bound::add_up(x.e_, y.e_), x.unit_); }
  friend Bounded operator*(const Bounded& x, const Bounded& y) {
    const double mx = bound::magnitude_up(x.v_), my = bound::magnitude_up(y.v_);
    const double propagated = bound::add_up(bound::add_up(bound::mul_up(mx, y.e_), bound::mul_up(my, x.e_)), bound::mul_up(x.e_, y.e_));
    return rounded(x.v_ * y.v_, propagated, x.unit_);
  }
  friend Bounded operator/(const Bounded& x, const Bounded& y) {
    const double mx = bound::magnitude_up(x.v_);
    const double my_low = bound::enclosure(y.v_).second < 0 ? -bound::enclosure(y.v_).second : bound::enclosure(y.v_).first;
    const double gap = my_low > y.e_ ? bound::down(my_low - y.e_) : 0;
    const double denominator = gap > 0 ? bound::down(my_low * gap) : 0;
    const double numerator = bound::add_up(bound::mul_up(mx, y.e_), bound::mul_up(bound::magnitude_up(y.v_), x.e_));
    const double propagated = numerator == 0 ? 0 : denominator > 0 ? bound::div_up(numerator, denominator) : std::numeric_limits<double>::infinity();
    return rounded(x.v_ / y.v_, propagated, x.unit_);
  }
  friend Bounded operator-(const Bounded& x) { return {-x.v_, x.e_, x.unit_}; }
  Bounded& operator+=(const Bounded& y) { return *this = *this + y; }
  Bounded& operator-=(const Bounded& y) { return *this = *this - y; }
  Bounded& operator*=(const Bounded& y) { return *this = *this * y; }

  // The result z of one rounded operation whose exact-operand error is `propagated`.
  static Bounded rounded(V z, double propagated, const RoundingUnit* unit) {
    const double m = bound::magnitude_up(z);
    const double e = std::isinf(m) ? m : bound::add_up(propagated, bound::add_up(bound::mul_up(unit->u, m), unit->half_eta));
    return {std::move(z), e, unit};
  }

 private:
  V v_{};
  double e_ = 0;
  const RoundingUnit* unit_ = nullptr;
};

// The running-bound arithmetic over an inner context A (SoftFloatArith or MpfrArith), which must
// outlive it. Values compare and print through value().
template <class A>
class RunningBoundArith {
 public:
  using inner_value = typename A::value_type;
  using value_type = Bounded<inner_value>;
  static constexpr bool is_exact = false;
  static constexpr bool is_certified = false;

  explicit RunningBoundArith(const A& inner) : inner_(inner), unit_(rounding_unit(inner)) {}
  RunningBoundArith(const RunningBoundArith&) = delete;  // values point at the unit
  RunningBoundArith& operator=(const RunningBoundArith&) = delete;

  std::string name() const { return inner_.name(); }
  const A& inner() const { return inner_; }
  const RoundingUnit& unit() const { return unit_; }
  Flags flags() const { return inner_.flags(); }

  // q rounded once: the bound is that rounding's exact error.
  value_type from_rational(const Rational& q) const { return from_rational_near(q, q); }
  value_type from_int(long k) const { return from_rational(Rational(k)); }
  // `used` rounded once, where the exact program has `truth`: the bound is |rounded − truth|.
  value_type from_rational_near(const Rational& used, const Rational& truth) const {
    inner_value v = inner_.from_rational(used);
    if (!inner_.is_finite(v)) return {std::move(v), std::numeric_limits<double>::infinity(), &unit_};
    const double e = bound::magnitude_up(Rational(inner_.to_rational(v) - truth));
    return {std::move(v), e, &unit_};
  }
  bool is_finite(const value_type& x) const { return inner_.is_finite(x.value()) && std::isfinite(x.bound()); }
  value_type abs(const value_type& x) const { return {inner_.abs(x.value()), x.bound(), &unit_}; }
  value_type max(const value_type& x, const value_type& y) const { return {inner_.max(x.value(), y.value()), std::max(x.bound(), y.bound()), &unit_}; }

  value_type exp(const value_type& x) const {
    const double top = bound::add_up(bound::enclosure(x.value()).second, x.bound());
    const double propagated = x.bound() == 0 ? 0 : bound::mul_up(bound::exp_up(top), x.bound());
    return value_type::rounded(inner_.exp(x.value()), propagated, &unit_);
  }
  value_type log(const value_type& x) const {
    const double low = bound::enclosure(x.value()).first;
    const double gap = low > x.bound() ? bound::down(low - x.bound()) : 0;
    const double propagated = x.bound() == 0 ? 0 : gap > 0 ? bound::div_up(x.bound(), gap) : std::numeric_limits<double>::infinity();
    return value_type::rounded(inner_.log(x.value()), propagated, &unit_);
  }

 private:
  const A& inner_;
  RoundingUnit unit_;
};

}  // namespace freelunch::arith
