#pragma once
// Binary floating point on MPFR.
//
// `mpfrP`: P significand bits, MPFR's wide default exponent range; correctly rounded per
// operation (nearest even).
// `<format>:mpfr`: the same values rounded to an emulated format (FpFormat) after every operation
// with the format's exponent range and mpfr_subnormalize, under an MpfrRangeGuard: the reference
// ("MPFR path") that the binary64 fast path (soft_float.hpp) is tested against, and the only path
// for formats wider than that fast path allows.
//
// Each value owns its mpfr_t (RAII) at the context's precision; the precision is never taken from
// MPFR's default.
#include <mpfr.h>

#include <optional>
#include <string>
#include <utility>

#include "arith/errors.hpp"
#include "arith/flags.hpp"
#include "arith/fp_format.hpp"
#include "arith/rational.hpp"

namespace freelunch::arith {

class MpfrArith;

class MpfrValue {
 public:
  MpfrValue() { mpfr_init2(x_, MPFR_PREC_MIN); mpfr_set_zero(x_, 1); }
  MpfrValue(mpfr_prec_t prec, const MpfrArith* ctx) : ctx_(ctx) { mpfr_init2(x_, prec); }
  MpfrValue(const MpfrValue& o) : ctx_(o.ctx_) {
    mpfr_init2(x_, mpfr_get_prec(o.x_));
    mpfr_set(x_, o.x_, MPFR_RNDN);  // exact: same precision
  }
  MpfrValue(MpfrValue&& o) noexcept : ctx_(o.ctx_) {
    mpfr_init2(x_, MPFR_PREC_MIN);
    mpfr_swap(x_, o.x_);
  }
  MpfrValue& operator=(const MpfrValue& o) {
    if (this != &o) {
      mpfr_set_prec(x_, mpfr_get_prec(o.x_));
      mpfr_set(x_, o.x_, MPFR_RNDN);
      ctx_ = o.ctx_;
    }
    return *this;
  }
  MpfrValue& operator=(MpfrValue&& o) noexcept {
    mpfr_swap(x_, o.x_);
    ctx_ = o.ctx_;
    return *this;
  }
  ~MpfrValue() { mpfr_clear(x_); }

  mpfr_ptr get() { return x_; }
  mpfr_srcptr get() const { return x_; }
  const MpfrArith* context() const { return ctx_; }

  friend MpfrValue operator+(const MpfrValue& a, const MpfrValue& b);
  friend MpfrValue operator-(const MpfrValue& a, const MpfrValue& b);
  friend MpfrValue operator*(const MpfrValue& a, const MpfrValue& b);
  friend MpfrValue operator/(const MpfrValue& a, const MpfrValue& b);
  friend MpfrValue operator-(const MpfrValue& a) {
    MpfrValue r(a);
    mpfr_neg(r.x_, r.x_, MPFR_RNDN);
    return r;
  }
  MpfrValue& operator+=(const MpfrValue& b) { return *this = *this + b; }
  MpfrValue& operator-=(const MpfrValue& b) { return *this = *this - b; }
  MpfrValue& operator*=(const MpfrValue& b) { return *this = *this * b; }
  friend bool operator<(const MpfrValue& a, const MpfrValue& b) { return mpfr_less_p(a.x_, b.x_); }
  friend bool operator>(const MpfrValue& a, const MpfrValue& b) { return mpfr_greater_p(a.x_, b.x_); }
  friend bool operator<=(const MpfrValue& a, const MpfrValue& b) { return mpfr_lessequal_p(a.x_, b.x_); }
  friend bool operator>=(const MpfrValue& a, const MpfrValue& b) { return mpfr_greaterequal_p(a.x_, b.x_); }
  friend bool operator==(const MpfrValue& a, const MpfrValue& b) { return mpfr_equal_p(a.x_, b.x_); }

 private:
  mpfr_t x_;
  const MpfrArith* ctx_ = nullptr;
};

class MpfrArith {
 public:
  using value_type = MpfrValue;
  static constexpr bool is_exact = false;
  static constexpr bool is_certified = false;

  // mpfrP: precision P bits, wide exponent range.
  explicit MpfrArith(mpfr_prec_t precision) : prec_(precision), name_("mpfr" + std::to_string(precision)) {}
  // The MPFR path of an emulated format.
  explicit MpfrArith(FpFormat fmt) : prec_(fmt.precision()), format_(std::move(fmt)), name_(format_->name + ":mpfr") {}
  MpfrArith(const MpfrArith&) = delete;
  MpfrArith& operator=(const MpfrArith&) = delete;

  std::string name() const { return name_; }
  mpfr_prec_t precision() const { return prec_; }
  const std::optional<FpFormat>& format() const { return format_; }
  Flags flags() const { return flags_; }
  void clear_flags() const { flags_.clear(); }
  void raise(Flag f) const { flags_.raise(f); }

  // A value of this context's precision, uninitialised in value (NaN).
  MpfrValue make() const { return MpfrValue(prec_, this); }
  // q correctly rounded to P bits, or to the format; flags raised.
  MpfrValue from_rational(const Rational& q) const {
    MpfrValue r = make();
    finish(r, mpfr_set_q(r.get(), q.backend().data(), MPFR_RNDN));
    return r;
  }
  MpfrValue from_int(long k) const { return from_rational(Rational(k)); }
  Rational to_rational(const MpfrValue& x) const;  // exact; precondition: finite
  bool is_finite(const MpfrValue& x) const { return mpfr_number_p(x.get()) != 0; }

  // Correctly rounded (to P bits, or to the format): sqrt, e^x, natural log. log(+-0) = -inf
  // raises divbyzero, log of a negative number is NaN (invalid); flags.hpp.
  MpfrValue sqrt(const MpfrValue& x) const { return apply(mpfr_sqrt, x); }
  MpfrValue exp(const MpfrValue& x) const { return apply(mpfr_exp, x); }
  MpfrValue log(const MpfrValue& x) const {
    if (mpfr_zero_p(x.get())) raise(Flag::divbyzero);
    return apply(mpfr_log, x);
  }
  MpfrValue abs(const MpfrValue& x) const { MpfrValue r(x); mpfr_abs(r.get(), r.get(), MPFR_RNDN); return r; }
  MpfrValue max(const MpfrValue& a, const MpfrValue& b) const { return a < b ? b : a; }
  MpfrValue min(const MpfrValue& a, const MpfrValue& b) const { return b < a ? b : a; }

  // Records the ternary of an operation whose p-bit result is in r; for an emulated format,
  // rounds it to the format first. For mpfrP an infinite or zero result with a nonzero ternary
  // is an overflow or underflow of MPFR's exponent range (about 2^(+-2^30): exp of a huge
  // argument).
  void finish(MpfrValue& r, int ternary) const {
    if (format_) {
      mpfr_round_to_format(r.get(), ternary, *format_, flags_);
      return;
    }
    if (ternary == 0) return;
    flags_.raise(Flag::inexact);
    if (mpfr_inf_p(r.get())) flags_.raise(Flag::overflow);
    if (mpfr_zero_p(r.get())) flags_.raise(Flag::underflow);
  }

 private:
  // invalid is decided on the operation's own result, before the format's overflow rule turns
  // an infinity into NaN (FN style), which is not an invalid operation (flags.hpp).
  template <class F>
  MpfrValue apply(F f, const MpfrValue& x) const {
    MpfrValue r = make();
    const int ternary = f(r.get(), x.get(), MPFR_RNDN);
    if (mpfr_nan_p(r.get()) && !mpfr_nan_p(x.get())) raise(Flag::invalid);
    finish(r, ternary);
    return r;
  }

  mpfr_prec_t prec_;
  std::optional<FpFormat> format_;
  std::string name_;
  mutable Flags flags_;
};

// invalid is decided before the format's rounding, as in MpfrArith::apply.
inline MpfrValue binary_op(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t), const MpfrValue& a, const MpfrValue& b) {
  const MpfrArith* ctx = a.context();
  MpfrValue r = ctx->make();
  const int ternary = f(r.get(), a.get(), b.get(), MPFR_RNDN);
  if (mpfr_nan_p(r.get()) && !mpfr_nan_p(a.get()) && !mpfr_nan_p(b.get())) ctx->raise(Flag::invalid);
  ctx->finish(r, ternary);
  return r;
}

inline MpfrValue operator+(const MpfrValue& a, const MpfrValue& b) { return binary_op(mpfr_add, a, b); }
inline MpfrValue operator-(const MpfrValue& a, const MpfrValue& b) { return binary_op(mpfr_sub, a, b); }
inline MpfrValue operator*(const MpfrValue& a, const MpfrValue& b) { return binary_op(mpfr_mul, a, b); }
inline MpfrValue operator/(const MpfrValue& a, const MpfrValue& b) {
  if (mpfr_zero_p(b.get()) && mpfr_regular_p(a.get())) a.context()->raise(Flag::divbyzero);
  return binary_op(mpfr_div, a, b);
}

}  // namespace freelunch::arith
