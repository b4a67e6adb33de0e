#pragma once
// Certified enclosures on MPFI: `intervalP`, endpoints with P bits, every operation returns an
// interval containing the exact result of the operation applied to any points of its operands
// (MPFI rounds lower endpoints down and upper endpoints up). exp and log are enclosed too, which
// is what makes softmax, softplus, silu and exp(Δ A) certifiable. Comparisons return a Tribool.
//
// Aliasing note (STYLE): x * x encloses { a b : a, b in x }, not the square; use sqr() for that.
#include <mpfi.h>

#include <string>

#include "arith/flags.hpp"
#include "arith/rational.hpp"
#include "arith/tribool.hpp"

namespace freelunch::arith {

class IntervalArith;

class Interval {
 public:
  Interval() { mpfi_init2(x_, MPFR_PREC_MIN); mpfi_set_si(x_, 0); }
  Interval(mpfr_prec_t prec, const IntervalArith* ctx) : ctx_(ctx) { mpfi_init2(x_, prec); }
  Interval(const Interval& o) : ctx_(o.ctx_) {
    mpfi_init2(x_, mpfi_get_prec(o.x_));
    mpfi_set(x_, o.x_);
  }
  Interval(Interval&& o) noexcept : ctx_(o.ctx_) {
    mpfi_init2(x_, MPFR_PREC_MIN);
    mpfi_swap(x_, o.x_);
  }
  Interval& operator=(const Interval& o) {
    if (this != &o) {
      mpfi_set_prec(x_, mpfi_get_prec(o.x_));
      mpfi_set(x_, o.x_);
      ctx_ = o.ctx_;
    }
    return *this;
  }
  Interval& operator=(Interval&& o) noexcept {
    mpfi_swap(x_, o.x_);
    ctx_ = o.ctx_;
    return *this;
  }
  ~Interval() { mpfi_clear(x_); }

  mpfi_ptr get() { return x_; }
  mpfi_srcptr get() const { return x_; }
  const IntervalArith* context() const { return ctx_; }

  friend Interval operator+(const Interval& a, const Interval& b);
  friend Interval operator-(const Interval& a, const Interval& b);
  friend Interval operator*(const Interval& a, const Interval& b);
  friend Interval operator/(const Interval& a, const Interval& b);
  friend Interval operator-(const Interval& a);
  Interval& operator+=(const Interval& b) { return *this = *this + b; }
  Interval& operator-=(const Interval& b) { return *this = *this - b; }
  Interval& operator*=(const Interval& b) { return *this = *this * b; }
  // Certified comparisons: true when it holds for all points, false when for none.
  friend Tribool operator<(const Interval& a, const Interval& b);
  friend Tribool operator>(const Interval& a, const Interval& b) { return b < a; }
  friend Tribool operator<=(const Interval& a, const Interval& b) { return !(b < a); }
  friend Tribool operator>=(const Interval& a, const Interval& b) { return !(a < b); }

 private:
  mpfi_t x_;
  const IntervalArith* ctx_ = nullptr;
};

class IntervalArith {
 public:
  using value_type = Interval;
  static constexpr bool is_exact = false;
  static constexpr bool is_certified = true;

  explicit IntervalArith(mpfr_prec_t precision) : prec_(precision) {}
  IntervalArith(const IntervalArith&) = delete;
  IntervalArith& operator=(const IntervalArith&) = delete;

  std::string name() const { return "interval" + std::to_string(prec_); }
  mpfr_prec_t precision() const { return prec_; }
  // Intervals are never "inexact" in the IEEE sense; the width is the measure.
  Flags flags() const { return {}; }
  void clear_flags() const {}

  Interval make() const { return Interval(prec_, this); }
  // The tightest interval with P-bit ends containing q (a point when q fits P bits).
  Interval from_rational(const Rational& q) const {
    Interval r = make();
    mpfi_set_q(r.get(), q.backend().data());
    return r;
  }
  Interval from_int(long k) const { return from_rational(Rational(k)); }
  // Exact endpoints. Precondition: bounded.
  Rational lower(const Interval& x) const;
  Rational upper(const Interval& x) const;
  // The same endpoints moved outward to 0 or ±2^-tiny_exponent when they are nearer 0 than that,
  // decided on the MPFR exponent before any rational is built: an endpoint at MPFR's underflow
  // threshold would otherwise become a rational of 2^30 bits.
  Rational lower_outward(const Interval& x, long tiny_exponent) const;
  Rational upper_outward(const Interval& x, long tiny_exponent) const;
  bool contains(const Interval& x, const Rational& q) const;
  bool is_finite(const Interval& x) const { return mpfi_bounded_p(x.get()) != 0; }
  // Upper bound of the width, as a double rounded up.
  double width(const Interval& x) const;

  Interval sqrt(const Interval& x) const { return apply(mpfi_sqrt, x); }
  Interval exp(const Interval& x) const { return apply(mpfi_exp, x); }
  Interval log(const Interval& x) const { return apply(mpfi_log, x); }
  Interval sqr(const Interval& x) const { return apply(mpfi_sqr, x); }
  Interval abs(const Interval& x) const { return apply(mpfi_abs, x); }
  Interval max(const Interval& a, const Interval& b) const;
  Interval min(const Interval& a, const Interval& b) const;
  // The smallest interval containing both (mpfi_union): encloses a value known to be one of two.
  Interval hull(const Interval& a, const Interval& b) const;

 private:
  template <class F>
  Interval apply(F f, const Interval& x) const {
    Interval r = make();
    f(r.get(), x.get());
    return r;
  }
  mpfr_prec_t prec_;
};

}  // namespace freelunch::arith
