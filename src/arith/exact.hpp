#pragma once
// Exact arithmetic, two representations with identical results:
//  - RationalArith: GMP rationals (canonical p/q, a gcd after every operation);
//  - DyadicArith: m * 2^e with m a GMP integer and no normalisation, closed under + - * and
//    division by powers of two. Most constructions are dyadic (decays 1/2, 1 - 2^-k, integer
//    values), and skipping the gcd makes them several times faster.
// `exact` runs on DyadicArith first; the first non-dyadic input or quotient throws NotDyadic and
// the computation is rerun on RationalArith (run_exact). The path taken is recorded with the result.
#include <stdexcept>
#include <string>

#include "arith/flags.hpp"
#include "arith/rational.hpp"

namespace freelunch::arith {

class RationalArith {
 public:
  using value_type = Rational;
  static constexpr bool is_exact = true;
  static constexpr bool is_certified = true;

  std::string name() const { return "exact"; }
  std::string path() const { return "rational"; }
  Flags flags() const { return {}; }
  void clear_flags() const {}
  Rational from_rational(const Rational& q) const { return q; }
  Rational from_int(long k) const { return Rational(k); }
  Rational to_rational(const Rational& x) const { return x; }
  bool is_finite(const Rational&) const { return true; }
  Rational abs(const Rational& x) const { return x < 0 ? Rational(-x) : x; }
  Rational max(const Rational& a, const Rational& b) const { return a < b ? b : a; }
  Rational min(const Rational& a, const Rational& b) const { return b < a ? b : a; }
};

// Thrown by DyadicArith for a value outside the dyadic rationals.
class NotDyadic : public std::runtime_error {
 public:
  NotDyadic() : std::runtime_error("value is not dyadic") {}
};

class Dyadic {
 public:
  Dyadic() = default;
  Dyadic(Integer mantissa, long exponent) : m_(std::move(mantissa)), e_(exponent) {}
  const Integer& mantissa() const { return m_; }
  long exponent() const { return e_; }
  Rational to_rational() const { return Rational(m_) * pow2(e_); }

  friend Dyadic operator+(const Dyadic& a, const Dyadic& b);
  friend Dyadic operator-(const Dyadic& a, const Dyadic& b);
  friend Dyadic operator*(const Dyadic& a, const Dyadic& b) { return {a.m_ * b.m_, a.e_ + b.e_}; }
  friend Dyadic operator/(const Dyadic& a, const Dyadic& b);  // throws NotDyadic unless b = +-2^k
  friend Dyadic operator-(const Dyadic& a) { return {-a.m_, a.e_}; }
  // In place: the mantissa keeps its allocation (no temporary); the same value and the same
  // representation (the smaller exponent) as *this = *this op b.
  Dyadic& operator+=(const Dyadic& b);
  Dyadic& operator-=(const Dyadic& b);
  Dyadic& operator*=(const Dyadic& b) {
    // A power of two (mantissa 1) only moves the exponent: decays a = 2^-e of long exact scans
    // would otherwise copy a mantissa that grows with the length at every step.
    if (b.m_ != 1) m_ *= b.m_;
    e_ += b.e_;
    return *this;
  }
  friend int compare(const Dyadic& a, const Dyadic& b);
  friend bool operator<(const Dyadic& a, const Dyadic& b) { return compare(a, b) < 0; }
  friend bool operator>(const Dyadic& a, const Dyadic& b) { return compare(a, b) > 0; }
  friend bool operator<=(const Dyadic& a, const Dyadic& b) { return compare(a, b) <= 0; }
  friend bool operator>=(const Dyadic& a, const Dyadic& b) { return compare(a, b) >= 0; }
  friend bool operator==(const Dyadic& a, const Dyadic& b) { return compare(a, b) == 0; }

 private:
  friend class DyadicArith;
  // *this += (negate ? -m : m) 2^e in place, on the smaller exponent. When e > e_, m shifted
  // to e_ is formed in `shifted` first (which may be m itself). m may be m_.
  void add_scaled(const Integer& m, long e, bool negate, Integer& shifted);

  Integer m_ = 0;
  long e_ = 0;
};

class DyadicArith {
 public:
  using value_type = Dyadic;
  static constexpr bool is_exact = true;
  static constexpr bool is_certified = true;

  std::string name() const { return "exact"; }
  std::string path() const { return "dyadic"; }
  Flags flags() const { return {}; }
  void clear_flags() const {}
  Dyadic from_rational(const Rational& q) const;  // throws NotDyadic
  Dyadic from_int(long k) const { return {Integer(k), 0}; }
  Rational to_rational(const Dyadic& x) const { return x.to_rational(); }
  bool is_finite(const Dyadic&) const { return true; }
  Dyadic abs(const Dyadic& x) const { return x.mantissa() < 0 ? -x : x; }
  Dyadic max(const Dyadic& a, const Dyadic& b) const { return a < b ? b : a; }
  Dyadic min(const Dyadic& a, const Dyadic& b) const { return b < a ? b : a; }
  // acc += x * y in place, the product formed in a per-thread scratch integer (no temporary).
  // Used by models::dot.
  void add_product(Dyadic& acc, const Dyadic& x, const Dyadic& y) const;
  // out = x * y in out's mantissa (out may be x or y: GMP's product allows it). Used by
  // models::dot_into.
  void set_product(Dyadic& out, const Dyadic& x, const Dyadic& y) const {
    const long e = x.e_ + y.e_;
    mpz_mul(out.m_.backend().data(), x.m_.backend().data(), y.m_.backend().data());
    out.e_ = e;
  }
};

// Runs f(arith) on DyadicArith, and on RationalArith if that threw NotDyadic. f must be free of
// side effects before it returns (it may run twice).
template <class F>
auto run_exact(F&& f) {
  try {
    return f(DyadicArith{});
  } catch (const NotDyadic&) {
    return f(RationalArith{});
  }
}

}  // namespace freelunch::arith
